"""Cold start of `diffusion-lsp serve` and `diffusion-lsp infill`, two checkouts side by side, taking turns.

    python docs/eval/cold-start/cold_start.py --before /tmp/before --after . --repeats 5 > cold-start.json

For each checkout, each repeat: `--help` (importing the command line), the first answer of `serve` to an LSP
`initialize` over stdio, the first ghost text after `didOpen` (the model loads then), and the whole Quick start
command `infill examples/holes.py --holes --json`. Prints medians and every sample as JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path


def message(obj: dict) -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def read_message(stream) -> dict:
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise RuntimeError("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(stream.read(length))


def answer(proc, request_id: int) -> dict:
    while True:
        reply = read_message(proc.stdout)
        if reply.get("id") == request_id and "method" not in reply:
            return reply


def serve_times(checkout: Path, sample: Path) -> tuple[float, float]:
    """(seconds to the initialize answer, seconds from didOpen to the first inline completion answer)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "lsp_server", "serve"], cwd=checkout, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        proc.stdin.write(message({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                  "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
        proc.stdin.flush()
        answer(proc, 1)
        initialized = time.perf_counter() - started
        text = sample.read_text()
        uri = sample.resolve().as_uri()
        line = text.split("\n").index("    return value") if "    return value" in text else 0
        proc.stdin.write(message({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
        proc.stdin.write(message({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}}}))
        opened = time.perf_counter()
        proc.stdin.write(message({"jsonrpc": "2.0", "id": 2, "method": "textDocument/inlineCompletion", "params": {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": 10},
            "context": {"triggerKind": 2}}}))
        proc.stdin.flush()
        answer(proc, 2)
        first_ghost = time.perf_counter() - opened
        proc.stdin.write(message({"jsonrpc": "2.0", "id": 3, "method": "shutdown"}))
        proc.stdin.write(message({"jsonrpc": "2.0", "method": "exit"}))
        proc.stdin.flush()
        proc.wait(timeout=30)
        return initialized, first_ghost
    finally:
        proc.kill()


def timed(command: list[str], checkout: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "lsp_server", *command], cwd=checkout, capture_output=True, check=False)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True)
    parser.add_argument("--after", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    checkouts = {"before": Path(args.before).resolve(), "after": Path(args.after).resolve()}
    samples = {name: {"help_s": [], "serve_initialize_s": [], "first_ghost_text_s": [], "quick_start_infill_s": []}
               for name in checkouts}
    for repeat in range(args.repeats):
        order = list(checkouts.items())[::(-1 if repeat % 2 else 1)]  # taking turns, each first half the time
        for name, checkout in order:
            got = samples[name]
            got["help_s"].append(timed(["--help"], checkout))
            initialized, ghost = serve_times(checkout, checkout / "examples" / "holes.py")
            got["serve_initialize_s"].append(initialized)
            got["first_ghost_text_s"].append(ghost)
            got["quick_start_infill_s"].append(timed(["infill", "examples/holes.py", "--holes", "--json"], checkout))
    report = {name: {key: round(statistics.median(values), 3) for key, values in got.items()}
              for name, got in samples.items()}
    report["after_over_before"] = {key: round(report["after"][key] / report["before"][key], 3)
                                   for key in report["before"]}
    report["samples"] = {name: {k: [round(v, 3) for v in vs] for k, vs in got.items()} for name, got in samples.items()}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
