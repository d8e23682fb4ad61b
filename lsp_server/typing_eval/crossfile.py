"""Cross-file spots: places in a held-out package where the person is about to type a name defined in another file
of the same package (`stats = |get_stats(ids)`, `entry.|WithField(...)`), and how a suggestion there is scored."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from infill import Document, language_for_path
from infill.source.spans import in_comment_or_string
from infill.workspace import WorkspaceIndex

from .spots import Spot

NAME = re.compile(r"[A-Za-z_$][\w$]*")
IMPORT_LINES = ("import ", "from ", "use ", "#include", "package ", "export {", "export *", "mod ", "pub use ", "pub mod ")
DEFINING = re.compile(r"(def|class|func|fn|function|struct|enum|trait|type|interface|const|let|var|static)\s+$")


@dataclass(frozen=True)
class CrossFileSpot:
    spot: Spot
    name: str        # the name about to be typed
    defined_in: str  # a workspace file defining it (not this one)


def crossfile_spots(index: WorkspaceIndex, path: Path, count: int, seed: int) -> list[CrossFileSpot]:
    """Up to `count` spots of `path` (drawn with `seed`, in file order) before a name another file defines: a
    top-level definition used by name, or a method or field used after a dot; never a name this file defines."""
    relative = index.relative(path)
    symbols = index.files.get(relative or "")
    if symbols is None:
        return []
    text = path.read_text(encoding="utf-8")
    doc = Document(text, language_for_path(path))
    own = {d.name for d in symbols.definitions}
    found, offset = [], 0
    for number, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if stripped and not stripped.startswith(IMPORT_LINES):
            for match in NAME.finditer(line):
                name, column = match.group(), match.start()
                if len(name) < 3 or name in own or DEFINING.search(line[:column]):
                    continue
                dotted = line[:column].endswith(".")
                elsewhere = [(p, d) for p, d in index.by_name.get(name, ()) if p != relative
                             and (bool(d.container) == dotted)]
                if not elsewhere or in_comment_or_string(doc, offset + column):
                    continue
                found.append(CrossFileSpot(Spot(path, doc.language.name, number, column, line, False), name,
                                           elsewhere[0][0]))
        offset += len(line) + 1
    picked = random.Random(f"{seed}:{relative}").sample(found, min(count, len(found)))
    return sorted(picked, key=lambda s: (s.spot.line, s.spot.column))


def starts_with_name(suggestion: str, name: str) -> bool:
    """The suggestion begins with the whole name (not a longer one)."""
    return suggestion.startswith(name) and not re.match(r"[\w$]", suggestion[len(name):len(name) + 1])


CROSSFILE_DATA = Path(__file__).resolve().parents[2] / "infill" / "evaluation" / "data" / "crossfile"
PACKAGES = {"python": "python/httpx", "typescript": "typescript/form-core", "go": "go/logrus", "rust": "rust/anyhow"}


def package_spots(language: str, per_file: int, seed: int, data: Path = CROSSFILE_DATA) -> tuple[Path, list[CrossFileSpot]]:
    """The package's root and its spots, file by file."""
    root = data / PACKAGES[language]
    index = WorkspaceIndex(root)
    index.build()
    spots = []
    for relative in sorted(index.files):
        spots += crossfile_spots(index, root / relative, per_file, seed)
    return root, spots


def summarize_crossfile(spots: list[CrossFileSpot], results) -> dict:
    """Identifier recall (the suggestion starts with the name), whole rest of line, shown, precision of the shown."""
    n = len(spots)
    named = [starts_with_name(r.suggestion, s.name) for s, r in zip(spots, results)]
    shown = [r.score.shown for r in results]
    seconds = sorted(r.seconds for r in results)
    return {"spots": n, "shown": round(sum(shown) / max(n, 1), 3),
            "identifier_recall": round(sum(named) / max(n, 1), 3),
            "whole_rest_of_line": round(sum(r.score.whole_line for r in results) / max(n, 1), 3),
            "precision_of_shown": round(sum(named) / sum(shown), 3) if any(shown) else None,
            "latency_p50_ms": round(1000 * seconds[len(seconds) // 2], 1) if seconds else None}


def run_crossfile_arm(model: str, settings: dict, root: Path, spots: list[CrossFileSpot]) -> tuple[dict, list[dict]]:
    """Type every spot through a real server that has `root` open as its workspace."""
    from ..reliability.raw_client import RawServer
    from .replay import replay_file
    server = RawServer(model, settings, root=root)
    try:
        _wait_until_indexed(server, settings)
        results = []
        for path in dict.fromkeys(s.spot.path for s in spots):
            mine = [s for s in spots if s.spot.path == path]
            got, _ = replay_file(server, path, [s.spot for s in mine])
            results += got
    finally:
        server.close()
    rows = [{"file": str(s.spot.path.relative_to(root)), "line": s.spot.line + 1, "column": s.spot.column + 1,
             "name": s.name, "defined_in": s.defined_in, "typed_next": s.spot.rest, "suggestion": r.suggestion,
             "ms": round(1000 * r.seconds, 1)} for s, r in zip(spots, results)]
    return summarize_crossfile(spots, results), rows


def _wait_until_indexed(server, settings: dict, timeout: float = 120.0) -> None:
    """Until the server logs that its index is built (not at all when the context is off)."""
    import queue
    import time
    if settings.get("workspaceContext") is False:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = server.notifications.get(timeout=0.5)
        except queue.Empty:
            continue
        if str((message.get("params") or {}).get("message", "")).startswith("workspace index"):
            return
