"""Documents no server should choke on, and the cost of an incremental reparse per keystroke on a long file."""

from __future__ import annotations

import random
import statistics
import time

from infill import Document, language_for_id

from ..latency import percentile
from .raw_client import RawServer


def hostile_documents(scale: float = 1.0) -> dict[str, tuple[str, str]]:
    """name -> (languageId, text). `scale` < 1 shrinks the big ones for quick runs."""
    lines = max(10, int(50_000 * scale))
    return {
        "10 MB": ("python", "x = 1\n" * max(10, int(10_000_000 * scale) // 6)),
        "binary": ("python", "".join(chr(b) for b in random.Random(0).randbytes(20_000))),
        "not UTF-8 (lone surrogates)": ("python", "s = '\ud800\udfff\ud800'\n" * 100),
        f"{lines:,} lines": ("python", "".join(f"value_{i} = compute({i}, 'text')\n" for i in range(lines))),
        "unknown language": ("cobol", "IDENTIFICATION DIVISION.\nPROGRAM-ID. HELLO.\n"),
        "unparseable": ("python", "def f(:\n" + "(" * 50_000),
    }


def _outcome(answer: dict) -> str:
    if "error" in answer:
        return f"error: {answer['error'].get('message', '')[:120]}"
    result = answer.get("result")
    items = result.get("items") if isinstance(result, dict) else result
    return "suggestion" if items else "empty"


def documents_through_server(model: str, scale: float = 1.0) -> dict:
    """Each document opened in one server and asked for ghost text near its end: the answer, and that it lives."""
    server = RawServer(model, {"steps": 4, "ghostMaxTokens": 8})
    outcomes, alive = {}, True
    try:
        for k, (name, (language, text)) in enumerate(hostile_documents(scale).items()):
            uri = f"file:///reliability/doc{k}.{'py' if language == 'python' else 'cob'}"
            server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": 1,
                                                                    "text": text}})
            last = text.count("\n")
            started = time.perf_counter()
            answer = server.request("textDocument/inlineCompletion", {"textDocument": {"uri": uri},
                                                                      "position": {"line": max(0, last - 1), "character": 0},
                                                                      "context": {"triggerKind": 2}},
                                    timeout=300)
            outcomes[name] = {"answer": _outcome(answer), "seconds": round(time.perf_counter() - started, 3)}
            server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        alive = server.alive
        rss = server.rss_mb()
    finally:
        server.close()
    return {"documents": outcomes, "server_alive": alive, "rss_mb": rss}


OPENERS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = set(OPENERS.values())


def reparse_per_keystroke(lines: int = 5000, places: int = 20, seed: int = 0) -> dict:
    """Typing a new line of code, a character at a time, into functions of a long Python file, brackets auto-closed
    as editors do by default: the time to apply one keystroke (text, line index, incremental tree-sitter reparse)
    and the incremental reparse alone."""
    rng = random.Random(seed)
    source = "".join(f"def function_{i}(a, b):\n    return a * {i} + b\n\n" for i in range(lines // 3))
    doc = Document(source, language_for_id("python"))
    reparse: list[float] = []
    doc._parser = _TimedParser(doc._parser, reparse)
    whole = []
    for _ in range(places):
        offset = doc.text.index("    return", rng.randrange(len(doc.text) - 200))
        for char in "    total = compute(a, [b, 1]) + 1\n":
            if char in CLOSERS and doc.text[offset] == char:  # typing over the auto-inserted closer moves the cursor
                offset += 1
                continue
            started = time.perf_counter()
            doc.apply_change(offset, offset, char + OPENERS.get(char, ""))
            whole.append(time.perf_counter() - started)
            offset += 1
    return {"lines": source.count("\n"), "keystrokes": len(whole),
            "keystroke_p50_ms": _ms(statistics.median(whole)), "keystroke_p95_ms": _ms(percentile(whole, 0.95)),
            "reparse_p50_ms": _ms(statistics.median(reparse)), "reparse_p95_ms": _ms(percentile(reparse, 0.95))}


class _TimedParser:
    """A tree-sitter parser that records how long each parse takes."""

    def __init__(self, parser, times: list[float]):
        self.parser, self.times = parser, times

    def parse(self, data: bytes, old_tree=None):
        started = time.perf_counter()
        tree = self.parser.parse(data, old_tree)
        self.times.append(time.perf_counter() - started)
        return tree


def _ms(seconds: float) -> float:
    return round(1000 * seconds, 3)
