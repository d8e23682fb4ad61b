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
