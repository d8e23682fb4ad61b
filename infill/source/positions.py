"""Every position conversion: LSP (line, character) in utf-16/utf-8/utf-32 units, str offsets, byte offsets.

tree-sitter counts bytes of UTF-8; LSP counts UTF-16 code units unless the client agreed on another
encoding; Python strings count code points. Nothing else in the project converts positions.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from ..errors import InfillError

ENCODINGS = ("utf-16", "utf-8", "utf-32")


def _units(ch: str, encoding: str) -> int:
    if encoding == "utf-32":
        return 1
    if encoding == "utf-8":
        return len(ch.encode("utf-8"))
    return 2 if ord(ch) > 0xFFFF else 1


@dataclass(frozen=True)
class LineIndex:
    """Line starts of a text, for converting positions both ways."""

    text: str
    starts: tuple[int, ...]  # str offset of each line's first character

    @classmethod
    def of(cls, text: str) -> "LineIndex":
        return cls(text, (0, *_line_starts(text, 0)))

    def edited(self, start: int, end: int, new_text: str, text: str) -> "LineIndex":
        """The index of `text`, which is this index's text with [start, end) replaced by `new_text`: only the edit is
        scanned, so a keystroke in a long file costs a shift of the later line starts, not a pass over the text."""
        kept = bisect_right(self.starts, start)   # lines starting at or before the edit are untouched
        moved = bisect_right(self.starts, end)    # lines starting after it shift
        delta = len(new_text) - (end - start)
        return LineIndex(text, (*self.starts[:kept], *_line_starts(new_text, start),
                                *(s + delta for s in self.starts[moved:])))

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line_text(self, line: int) -> str:
        """The line's text without its newline."""
        start = self.starts[line]
        end = self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)
        return self.text[start:end]

    def offset(self, line: int, character: int, encoding: str = "utf-16", clamp: bool = False) -> int:
        """str offset of an LSP-style (line, character); raises InfillError outside the text unless `clamp`."""
        if encoding not in ENCODINGS:
            raise InfillError(f"unknown position encoding {encoding!r}")
        if not 0 <= line < len(self.starts) or character < 0:
            if not clamp:
                raise InfillError(f"position {line}:{character} is outside the document ({len(self.starts)} lines)")
            if line < 0:
                return 0
            if line >= len(self.starts):
                return len(self.text)
            character = 0
        start = self.starts[line]
        text = self.line_text(line)
        units = 0
        for i, ch in enumerate(text):
            if units >= character:
                if units > character and not clamp:  # inside a surrogate pair or a multi-byte character
                    raise InfillError(f"position {line}:{character} splits a character")
                return start + i
            units += _units(ch, encoding)
        if units < character and not clamp:
            raise InfillError(f"position {line}:{character} is past the end of line {line} ({units} {encoding} units)")
        return start + len(text)

    def position(self, offset: int, encoding: str = "utf-16") -> tuple[int, int]:
        """LSP-style (line, character) of a str offset."""
        if not 0 <= offset <= len(self.text):
            raise InfillError(f"offset {offset} is outside the document")
        line = bisect_right(self.starts, offset) - 1
        prefix = self.text[self.starts[line]:offset]
        return line, sum(_units(ch, encoding) for ch in prefix)


def _line_starts(text: str, base: int) -> list[int]:
    """Offsets (plus `base`) just after each newline of `text`."""
    starts, at = [], text.find("\n")
    while at >= 0:
        starts.append(base + at + 1)
        at = text.find("\n", at + 1)
    return starts


def byte_offset(text: str, offset: int) -> int:
    """UTF-8 byte offset of a str offset (tree-sitter counts bytes)."""
    return len(text[:offset].encode("utf-8"))


def str_offset(data: bytes, byte: int) -> int:
    """str offset of a UTF-8 byte offset; a byte inside a character maps to that character's start."""
    return len(data[:byte].decode("utf-8", errors="ignore"))


def ts_point(index: LineIndex, offset: int) -> tuple[int, int]:
    """tree-sitter (row, byte column) of a str offset."""
    return index.position(offset, "utf-8")
