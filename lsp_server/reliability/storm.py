"""Keystroke storms: many didChange + inlineCompletion pairs a second on one document, against a real server."""

from __future__ import annotations

import time
from pathlib import Path

from infill import BENCH_FILE

from .raw_client import RawServer


def _stats(server: RawServer) -> dict:
    return server.request("workspace/executeCommand", {"command": "diffusion.stats", "arguments": []})["result"]


def _ghost(server: RawServer, uri: str, line: int, character: int) -> int:
    return server.start_request("textDocument/inlineCompletion", {
        "textDocument": {"uri": uri}, "position": {"line": line, "character": character},
        "context": {"triggerKind": 2}})


def keystroke_storm(model: str, pairs: int = 100, seconds: float = 1.0, file: Path | None = None,
                    settings: dict | None = None) -> dict:
    """Retype a line of a ~1k-token file: `pairs` keystrokes, each with a ghost-text request, within `seconds`."""
    path = file or BENCH_FILE
    text = path.read_text()
    lines = text.split("\n")
    row = next(i for i, line in enumerate(lines) if i >= len(lines) // 2 and len(line.strip()) >= 20)
    indent = len(lines[row]) - len(lines[row].lstrip())
    uri = path.resolve().as_uri()
    server = RawServer(model, {"ghostContextTokens": 1024, **(settings or {})})
    try:
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}})
        server.wait(_ghost(server, uri, row, len(lines[row])), timeout=300)  # loads the model
        before = _stats(server)
        typed, sent, ids = lines[row][indent:], [], []
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": row, "character": indent}, "end": {"line": row, "character": len(lines[row])}},
             "text": ""}]})
        started = time.perf_counter()
        for k in range(pairs):
            col = indent + k
            char = typed[k % len(typed)] if typed else "x"
            server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3 + k}, "contentChanges": [
                {"range": {"start": {"line": row, "character": col}, "end": {"line": row, "character": col}}, "text": char}]})
            ids.append(_ghost(server, uri, row, col + 1))
            sent.append(time.perf_counter())
            time.sleep(max(0.0, started + seconds * (k + 1) / pairs - time.perf_counter()))
        answers, arrived = [], []
        for ident in ids:
            answers.append(server.wait(ident, timeout=120))
            arrived.append(time.perf_counter())
        newest_seconds = arrived[-1] - sent[-1]
        after = _stats(server)
        rss = server.rss_mb()
    finally:
        server.close()
    calls = after["model_calls"] - before["model_calls"]
    stale = after["stale_model_calls"] - before["stale_model_calls"]
    suggestions = [bool((a.get("result") or {}).get("items")) if isinstance(a.get("result"), dict) else bool(a.get("result"))
                   for a in answers]
    # A suggestion for an old version is harmless only if it arrived before the next keystroke was sent.
    outdated = sum(1 for k in range(pairs - 1) if suggestions[k] and arrived[k] > sent[k + 1])
    return {
        "pairs": pairs, "seconds_sent_over": round(sent[-1] - started, 3),
        "model_calls": calls, "stale_model_calls": stale, "stale_share": round(stale / max(1, calls), 3),
        "jobs": after["jobs"] - before["jobs"], "jobs_skipped": after["jobs_skipped"] - before["jobs_skipped"],
        "answers": len(answers), "errors_content_modified": sum(1 for a in answers if (a.get("error") or {}).get("code") == -32801),
        "errors_cancelled": sum(1 for a in answers if (a.get("error") or {}).get("code") == -32800),
        "newest_answered": "result" in answers[-1], "newest_has_suggestion": suggestions[-1],
        "newest_answer_ms": round(1000 * newest_seconds, 1), "suggestions_for_outdated_versions": outdated, "rss_mb": rss,
    }
