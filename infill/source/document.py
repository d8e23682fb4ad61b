"""A source document: its text, language and tree-sitter tree, reparsed incrementally on edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tree_sitter import Node, Tree

from ..errors import InfillError
from .languages import LanguageSpec, language_for_path, make_parser
from .positions import LineIndex, byte_offset, str_offset, ts_point

MAX_DOCUMENT_BYTES = 2_000_000


def decode_source(data: bytes, name: str) -> str:
    """The text of a source file; binary, non-UTF-8 and huge files are refused with one clear line."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InfillError(f"{name} is too large ({len(data)} bytes; the limit is {MAX_DOCUMENT_BYTES})")
    if b"\x00" in data:
        raise InfillError(f"{name} is a binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InfillError(f"{name} is not valid UTF-8 (byte {exc.start})") from None


@dataclass
class Document:
    text: str
    language: LanguageSpec
    tree: Tree = field(init=False)
    index: LineIndex = field(init=False)
    data: bytes = field(init=False)

    def __post_init__(self) -> None:
        if len(self.text.encode("utf-8", errors="surrogatepass")) > MAX_DOCUMENT_BYTES:
            raise InfillError(f"document is too large (the limit is {MAX_DOCUMENT_BYTES} bytes)")
        self._parser = make_parser(self.language)
        self._reindex()
        self.tree = self._parser.parse(self.data)

    @classmethod
    def from_path(cls, path: str | Path, language: LanguageSpec | None = None) -> "Document":
        path = Path(path)
        if not path.is_file():
            raise InfillError(f"no such file: {path}")
        spec = language or language_for_path(path)
        return cls(decode_source(path.read_bytes(), path.name), spec)

    def _reindex(self) -> None:
        self.data = self.text.encode("utf-8")
        self.index = LineIndex.of(self.text)

    def apply_change(self, start: int, end: int, new_text: str) -> None:
        """Replace text[start:end] (str offsets) and reparse incrementally from the old tree."""
        if not 0 <= start <= end <= len(self.text):
            raise InfillError(f"edit {start}-{end} is outside the document")
        old_index = self.index
        start_byte, old_end_byte = byte_offset(self.text, start), byte_offset(self.text, end)
        start_point, old_end_point = ts_point(old_index, start), ts_point(old_index, end)
        self.text = self.text[:start] + new_text + self.text[end:]
        self.data = self.text.encode("utf-8")
        self.index = old_index.edited(start, end, new_text, self.text)
        new_end = start + len(new_text)
        self.tree.edit(start_byte=start_byte, old_end_byte=old_end_byte, new_end_byte=start_byte + len(new_text.encode("utf-8")),
                       start_point=start_point, old_end_point=old_end_point, new_end_point=ts_point(self.index, new_end))
        self.tree = self._parser.parse(self.data, self.tree)

    def snapshot(self) -> "Document":
        """An independent copy (text, index and tree) that later edits of this one do not touch."""
        copy = object.__new__(Document)
        copy.text, copy.language, copy.data, copy.index = self.text, self.language, self.data, self.index
        copy._parser, copy.tree = make_parser(self.language), self.tree.copy()
        return copy

    # node helpers: tree-sitter speaks bytes, everything above this module speaks str offsets
    def start_of(self, node: Node) -> int:
        return self._str_offset(node.start_byte, node.start_point)

    def end_of(self, node: Node) -> int:
        return self._str_offset(node.end_byte, node.end_point)

    def _str_offset(self, byte: int, point) -> int:
        """From the node's row, so the cost is the column's, not the file's (unit_boundaries asks thousands)."""
        row, column = point
        if row >= self.index.line_count:
            return str_offset(self.data, byte)
        return self.index.starts[row] + len(self.data[byte - column:byte].decode("utf-8", errors="ignore"))

    def node_text(self, node: Node) -> str:
        return self.data[node.start_byte:node.end_byte].decode("utf-8", errors="replace")

    def node_at(self, offset: int) -> Node:
        """The smallest named node containing the str offset."""
        b = byte_offset(self.text, offset)
        return self.tree.root_node.named_descendant_for_byte_range(b, b) or self.tree.root_node

    def line_indent(self, offset: int) -> str:
        """Leading white space of the line holding `offset`."""
        line = self.index.position(offset, "utf-32")[0]
        text = self.index.line_text(line)
        return text[: len(text) - len(text.lstrip(" \t"))]
