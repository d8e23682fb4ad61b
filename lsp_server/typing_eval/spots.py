"""Where a person typing a file would see ghost text, and how a suggestion there is scored against what they type.

A spot is a cursor inside a line of a held-out file: the document holds everything typed so far plus the lines
below (the rest of the current line is not typed yet). Spots sit at token boundaries after the line's indentation,
mostly in code and some in comments and strings, drawn with a fixed seed.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

from infill import Document, language_for_path
from infill.source.spans import in_comment_or_string

TYPING_DATA = Path(__file__).resolve().parents[2] / "infill" / "evaluation" / "data" / "typing"
LANGUAGES = ("python", "typescript", "go")
_TOKEN = re.compile(r"\w+|[^\w\s]|\s+")
MIN_USEFUL = 2  # characters a suggestion must get right on the line to count as useful


@dataclass(frozen=True)
class Spot:
    path: Path
    language: str
    line: int          # 0-based
    column: int        # characters of the line already typed
    true_line: str     # the line as the person will have typed it
    in_literal: bool   # the cursor is inside a comment or a string

    def document_text(self, full: str) -> str:
        """What the editor holds at this spot: the file up to the cursor, then the lines below."""
        lines = full.split("\n")
        return "\n".join(lines[:self.line] + [self.true_line[:self.column]] + lines[self.line + 1:])

    @property
    def rest(self) -> str:
        return self.true_line[self.column:]


def files(language: str, split: str, root: Path = TYPING_DATA) -> list[Path]:
    return sorted(p for p in (root / language / split).iterdir() if p.is_file())


def spots_in(path: Path, count: int, seed: int, literal_share: float = 0.15) -> list[Spot]:
    """`count` spots of one file, in file order: token boundaries with code left to type on the line."""
    text = path.read_text(encoding="utf-8")
    doc = Document(text, language_for_path(path))
    lines, offset, code, literal = text.split("\n"), 0, [], []
    for number, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        if line.strip():
            for match in _TOKEN.finditer(line):
                column = match.start()
                if column < indent or column >= len(line.rstrip()) or line[column].isspace():
                    continue
                inside = in_comment_or_string(doc, offset + column) if column > indent else False
                (literal if inside else code).append((number, column, inside))
        offset += len(line) + 1
    rng = random.Random(f"{seed}:{path.name}")
    n_literal = min(len(literal), round(count * literal_share))
    picked = rng.sample(code, min(len(code), count - n_literal)) + rng.sample(literal, n_literal)
    language = doc.language.name
    return sorted((Spot(path, language, n, c, lines[n], inside) for n, c, inside in picked),
                  key=lambda s: (s.line, s.column))


@dataclass(frozen=True)
class Score:
    shown: bool
    useful: bool        # the suggestion's first line is right on this line for at least MIN_USEFUL characters
    whole_line: bool    # ... and completes the line exactly
    saved_whole: int    # characters saved accepting the whole suggestion (0 unless useful)
    saved_words: int    # characters saved accepting word by word while the words are right
    comment_in_code: bool  # a lone comment offered where code is being typed


def line_after(spot: Spot, document: str, edit_start: int, edit_end: int, insert: str) -> str:
    """The spot's line once the suggestion (replacing document[edit_start:edit_end]) is accepted."""
    new = document[:edit_start] + insert + document[edit_end:]
    return new.split("\n")[spot.line]


def score(spot: Spot, suggested_line: str | None, suggestion: str, language_comment: str) -> Score:
    """Score a suggestion by the line it leaves (`suggested_line`, None when nothing is shown)."""
    if suggested_line is None or not suggestion.strip():
        return Score(False, False, False, 0, 0, False)
    typed, truth = spot.true_line[:spot.column], spot.true_line
    added = suggested_line[len(typed):] if suggested_line.startswith(typed) else ""
    right = len(added) >= MIN_USEFUL and truth.startswith(suggested_line)
    words = 0
    for match in re.finditer(r"\s*(\w+|[^\w\s]+)", added):  # one word (and the space before it) per accept
        if not truth.startswith(typed + added[:match.end()]):
            break
        words = match.end()
    comment = not spot.in_literal and added.strip().startswith(language_comment)
    return Score(True, right, right and suggested_line == truth, len(added) if right else 0, words, comment)
