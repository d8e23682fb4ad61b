"""Held-out files typed again through a real `diffusion-lsp serve` process, as an editor would drive it: the
document changes to what has been typed, a keystroke later the editor asks for ghost text, and the answer is scored
against what the person types next. One server per arm and language, so caches stay warm as they do while typing."""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

from infill import LANGUAGES as SPECS
from infill.source.positions import LineIndex

from ..latency import KEYSTROKE_GAP, percentile
from ..reliability.raw_client import RawServer
from .spots import Score, Spot, line_after, score, spots_in


@dataclass
class Arm:
    """One way of serving ghost text: a server (this one, or an older checkout's) with its settings."""

    name: str
    settings: dict = field(default_factory=dict)
    checkout: Path | None = None  # run `python -m lsp_server` from this checkout instead of the installed one


def _offset(text: str, line: int, column: int) -> int:
    return LineIndex.of(text).offset(line, column, "utf-32")


def _position(text: str, offset: int) -> dict:
    line, character = LineIndex.of(text).position(offset, "utf-16")
    return {"line": line, "character": character}


def _from_position(text: str, position: dict) -> int:
    return LineIndex.of(text).offset(position["line"], position["character"], "utf-16", clamp=True)


def _replace_all(server: RawServer, uri: str, version: int, text: str) -> None:
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                             "contentChanges": [{"text": text}]})


def _ask(server: RawServer, uri: str, text: str, offset: int) -> tuple[dict, float]:
    started = time.perf_counter()
    answer = server.request("textDocument/inlineCompletion", {
        "textDocument": {"uri": uri}, "position": _position(text, offset), "context": {"triggerKind": 2}}, timeout=300)
    return answer, time.perf_counter() - started


def _first_item(answer: dict) -> dict | None:
    result = answer.get("result")
    items = result.get("items") if isinstance(result, dict) else result
    return items[0] if items else None


@dataclass
class SpotResult:
    spot: Spot
    suggestion: str
    score: Score
    seconds: float


def replay_file(server: RawServer, path: Path, spots: list[Spot]) -> tuple[list[SpotResult], float]:
    """Type `path` spot by spot; returns the scored spots and the first suggestion's latency in the newly opened file."""
    full = path.read_text(encoding="utf-8")
    uri = path.resolve().as_uri()
    language = spots[0].language if spots else "python"
    comment = next(s.line_comment for s in SPECS if s.name == language)
    version, results, first = 1, [], None
    opened = False
    for spot in spots:
        text = spot.document_text(full)
        cursor = _offset(text, spot.line, spot.column)
        before = text[:cursor - 1] + text[cursor:] if spot.column > 0 else text  # one keystroke earlier
        if not opened:
            server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language,
                                                                    "version": version, "text": before}})
            opened = True
        else:
            version += 1
            _replace_all(server, uri, version, before)
        time.sleep(KEYSTROKE_GAP)
        version += 1
        _replace_all(server, uri, version, text)
        answer, seconds = _ask(server, uri, text, cursor)
        first = seconds if first is None else first
        item = _first_item(answer)
        if item is None:
            results.append(SpotResult(spot, "", score(spot, None, "", comment), seconds))
            continue
        rng = item.get("range") or {"start": _position(text, cursor), "end": _position(text, cursor)}
        start, end = _from_position(text, rng["start"]), _from_position(text, rng["end"])
        insert = item["insertText"] if isinstance(item["insertText"], str) else item["insertText"].get("value", "")
        results.append(SpotResult(spot, insert, score(spot, line_after(spot, text, start, end, insert), insert, comment),
                                  seconds))
    if opened:
        server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    return results, first or 0.0


def summarize(results: list[SpotResult], first_seconds: list[float]) -> dict:
    """The user's-seat figures of one arm and language."""
    n = len(results)
    shown = [r for r in results if r.score.shown]
    useful = sum(r.score.useful for r in shown)
    typed = sum(len(r.spot.rest) for r in results)
    seconds = [r.seconds for r in results]
    return {
        "spots": n,
        "shown": round(len(shown) / max(n, 1), 3),
        "useful": round(useful / max(n, 1), 3),
        "precision": round(useful / len(shown), 3) if shown else None,
        "whole_rest_of_line": round(sum(r.score.whole_line for r in results) / max(n, 1), 3),
        "chars_saved_whole": round(sum(r.score.saved_whole for r in results) / max(typed, 1), 4),
        "chars_saved_words": round(sum(r.score.saved_words for r in results) / max(typed, 1), 4),
        "comments_where_code_is_typed": sum(r.score.comment_in_code for r in shown),
        "latency_p50_ms": round(1000 * statistics.median(seconds), 1) if seconds else None,
        "latency_p95_ms": round(1000 * percentile(seconds, 0.95), 1) if seconds else None,
        "first_in_new_file_p50_ms": round(1000 * statistics.median(first_seconds), 1) if first_seconds else None,
    }


def run_arm(arm: Arm, model: str, language: str, paths: list[Path], spots_per_file: int, seed: int,
            warmup: Path) -> tuple[dict, list[dict]]:
    """One arm on one language's files: the summary and every spot's suggestion."""
    server = RawServer(model, arm.settings, cwd=arm.checkout)
    try:
        warm = spots_in(warmup, 1, seed)  # loads the model before anything is timed
        replay_file(server, warmup, warm)
        results, firsts = [], []
        for path in tqdm(paths, desc=f"{arm.name} {language}", unit="file", file=sys.stderr):
            got, first = replay_file(server, path, spots_in(path, spots_per_file, seed))
            results += got
            firsts.append(first)
    finally:
        server.close()
    rows = [{"file": r.spot.path.name, "line": r.spot.line + 1, "column": r.spot.column + 1, "typed_next": r.spot.rest,
             "suggestion": r.suggestion, "ms": round(1000 * r.seconds, 1), **asdict(r.score)} for r in results]
    return summarize(results, firsts), rows
