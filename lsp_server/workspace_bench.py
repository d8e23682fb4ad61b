"""`diffusion-lsp bench --workspace`: what the workspace index costs on a large tree. Index build (files/s, memory),
retrieval per request (ms), and ghost text typed at a person's pace while the index builds, against the same typing
once it is built and with no index at all (the real server over stdio)."""

from __future__ import annotations

import random
import resource
import shutil
import statistics
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

from infill import language_for_path
from infill.workspace import WorkspaceIndex, context_for

from .latency import KEYSTROKE_GAP, percentile

RETRIEVAL_BUDGET_CHARS = 900  # workspaceContextTokens' default (256) in characters


def _rss_mib() -> float:
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


def python_stdlib_tree(target: Path, files: int) -> Path:
    """CPython's Lib/ (this interpreter's standard library, tests and site-packages aside) copied side by side until
    the tree holds at least `files` Python files: a large real workspace any machine has."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    sources = [p for p in stdlib.rglob("*.py") if not {"site-packages", "dist-packages", "test", "tests",
                                                        "__pycache__"} & set(p.relative_to(stdlib).parts)]
    copies = 0
    while copies * len(sources) < files:
        for source in sources:
            destination = target / f"lib{copies}" / source.relative_to(stdlib)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)
        copies += 1
    return target


def index_and_retrieval(root: Path, requests: int = 200, seed: int = 0) -> dict:
    """Build the index in this process (wall time, files/s, resident memory it added), then time `context_for` at
    random cursors of random indexed files."""
    before = _rss_mib()
    index = WorkspaceIndex(root)
    stats = index.build()
    grown = _rss_mib() - before
    rng = random.Random(seed)
    paths = sorted(index.files)
    timings = []
    for _ in range(requests):
        path = root / rng.choice(paths)
        text = path.read_text(encoding="utf-8", errors="replace")
        cursor = rng.randrange(len(text) + 1)
        started = time.perf_counter()
        context_for(index, path, text, cursor, language_for_path(path), RETRIEVAL_BUDGET_CHARS)
        timings.append(time.perf_counter() - started)
    return {"files": stats.files, "definitions": stats.definitions, "build_seconds": round(stats.seconds, 2),
            "files_per_second": round(stats.files / max(stats.seconds, 1e-9)), "index_rss_mib": round(grown, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "retrieval_ms_p50": round(1000 * statistics.median(timings), 2),
            "retrieval_ms_p95": round(1000 * percentile(timings, 0.95), 2)}


def typing_while_indexing(model: str, root: Path, requests: int) -> dict:
    """Ghost-text latency of keystrokes typed from the moment the server starts (while it indexes `root`), once the
    index is built, and in a server with the index turned off."""
    from .reliability.raw_client import RawServer
    file = next(p for p in sorted(root.rglob("*.py")) if 4000 < p.stat().st_size < 40000)
    text = file.read_text()
    lines = [i for i, line in enumerate(text.split("\n")) if len(line.strip()) > 8][:requests]
    report = {}
    for arm, settings in (("no index", {"workspaceContext": False}), ("index", {})):
        server = RawServer(model, settings, root=root)
        try:
            uri = file.resolve().as_uri()
            server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                    "text": text}})
            phases = {"while indexing": [], "after": []} if arm == "index" else {"typing": []}
            for phase, timings in phases.items():
                if phase == "after":
                    _wait_for_index(server)
                for number in lines:
                    started = time.perf_counter()
                    server.request("textDocument/inlineCompletion", {"textDocument": {"uri": uri}, "position": {
                        "line": number, "character": len(text.split("\n")[number])}, "context": {"triggerKind": 2}},
                        timeout=300)
                    timings.append(time.perf_counter() - started)
                    time.sleep(KEYSTROKE_GAP)
                if phase == "while indexing":
                    report["indexing_still_running_after_typing"] = not _indexed(server)
            for phase, timings in phases.items():
                report[f"{arm}, {phase}"] = {"p50_ms": round(1000 * statistics.median(timings), 1),
                                             "p95_ms": round(1000 * percentile(timings, 0.95), 1)}
        finally:
            server.close()
    return report


def _indexed(server) -> bool:
    seen = getattr(server, "_index_logged", False)
    while not seen and not server.notifications.empty():
        message = server.notifications.get()
        seen = str((message.get("params") or {}).get("message", "")).startswith("workspace index")
    server._index_logged = seen
    return seen


def _wait_for_index(server, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while not _indexed(server) and time.monotonic() < deadline:
        time.sleep(0.2)


def workspace_bench(model: str, directory: str | None, files: int, requests: int) -> dict:
    """The figures above for `directory`, or for CPython's Lib/ copied up to `files` files."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(directory) if directory else python_stdlib_tree(Path(tmp), files)
        print(f"workspace bench on {root}", file=sys.stderr)
        return {"tree": str(directory or f"CPython Lib/ copied to {files}+ files"),
                "index": index_and_retrieval(root),
                "typing": typing_while_indexing(model, root, requests)}
