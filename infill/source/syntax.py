"""Tree-sitter checks of filled code: where the parser finds ERROR or MISSING nodes."""

from __future__ import annotations

import ast
import warnings

from tree_sitter import Tree

from ..task import Fill
from .document import Document
from .languages import LanguageSpec, make_parser
from .positions import byte_offset, str_offset, ts_point

# Above this size a fill is checked the cheap way: tree-sitter reparses incrementally from the document's tree
# (a fresh parse of a 15,000-line file takes ~0.1 s; error recovery may then differ in rare broken corners) and
# CPython compiles only the top-level statements around the fill (the whole file takes ~0.4 s; statements far from
# the fill are the same before and after it). Smaller files get exact fresh parses.
BIG_FILE_CHARS = 100_000


def syntax_error_ranges(text: str, spec: LanguageSpec) -> list[tuple[int, int]]:
    """str-offset ranges of the innermost ERROR nodes and of MISSING nodes in `text`."""
    data = text.encode("utf-8")
    return tree_error_ranges(make_parser(spec).parse(data), data)


def spliced_tree(doc: Document, fills: list[Fill]) -> tuple[str, bytes, Tree]:
    """The document's text with `fills` spliced in, and its tree: in a big file parsed incrementally from the
    document's own tree (the cost of the edit, not of the file), else parsed afresh."""
    pieces, pos = [], 0
    for fill in fills:
        pieces += [doc.text[pos:fill.start], fill.text]
        pos = fill.end
    pieces.append(doc.text[pos:])
    text = "".join(pieces)
    data = text.encode("utf-8")
    if len(doc.text) <= BIG_FILE_CHARS:
        return text, data, make_parser(doc.language).parse(data)
    tree = doc.tree.copy()
    for fill in reversed(fills):  # the last first: earlier offsets stay valid
        start, old_end = byte_offset(doc.text, fill.start), byte_offset(doc.text, fill.end)
        (row, column), new = ts_point(doc.index, fill.start), fill.text.encode("utf-8")
        lines = new.split(b"\n")
        new_end_point = (row, column + len(new)) if len(lines) == 1 else (row + len(lines) - 1, len(lines[-1]))
        tree.edit(start_byte=start, old_end_byte=old_end, new_end_byte=start + len(new), start_point=(row, column),
                  old_end_point=ts_point(doc.index, fill.end), new_end_point=new_end_point)
    return text, data, make_parser(doc.language).parse(data, tree)


def tree_error_ranges(tree: Tree, data: bytes) -> list[tuple[int, int]]:
    """str-offset ranges of the innermost ERROR nodes and of MISSING nodes of a parsed tree."""
    ranges, stack = [], [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_missing:
            ranges.append((node.start_byte, node.end_byte))
            continue
        erroneous = [c for c in node.children if c.has_error or c.is_missing]
        if node.type == "ERROR" and not any(c.type == "ERROR" for c in erroneous):
            ranges.append((node.start_byte, node.end_byte))
        stack.extend(erroneous)
    return sorted((str_offset(data, a), str_offset(data, b)) for a, b in ranges)


def errors_within(ranges: list[tuple[int, int]], start: int, end: int) -> list[tuple[int, int]]:
    """The error ranges that touch [start, end]; a zero-width MISSING node at either edge counts."""
    return [(a, b) for a, b in ranges if a <= end and b >= start]


def compiler_rejects(text: str, spec: LanguageSpec, focus: tuple[int, int] | None = None, tree: Tree | None = None) -> bool:
    """Python only: CPython's own parser (AST only, nothing runs) also sees what tree-sitter's error recovery
    forgives, such as a block opener with no indented body after it. In a big file, only around `focus`."""
    return spec.name == "python" and python_module(text, spec, focus, tree)[0] is None


def python_module(text: str, spec: LanguageSpec, focus: tuple[int, int] | None = None,
                  tree: Tree | None = None) -> tuple[ast.Module | None, tuple[int, int]]:
    """CPython's AST of a Python text (in a big file, of the top-level statements around `focus`) and the str
    offsets of the text it parsed; None when CPython rejects it or the language is not Python."""
    window = (0, len(text))
    if spec.name != "python":
        return None, window
    if focus is not None and len(text) > BIG_FILE_CHARS:
        window = top_level_window(text, spec, *focus, tree=tree)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like are not parse errors
            return ast.parse(text[window[0]:window[1]]), window
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None, window


def top_level_window(text: str, spec: LanguageSpec, start: int, end: int, tree: Tree | None = None) -> tuple[int, int]:
    """str offsets of the top-level statements of `text` that overlap [start, end], with one more on each side."""
    data = text.encode("utf-8")
    units = (tree or make_parser(spec).parse(data)).root_node.children
    a, b = byte_offset(text, start), byte_offset(text, end)
    touching = [i for i, unit in enumerate(units) if unit.start_byte <= b and unit.end_byte >= a]
    if not touching:
        return 0, len(text)
    first, last = units[max(0, touching[0] - 1)], units[min(len(units) - 1, touching[-1] + 1)]
    line_start = data.rfind(b"\n", 0, first.start_byte) + 1  # a unit that does not start a line keeps its indent
    return str_offset(data, line_start), str_offset(data, last.end_byte)


def top_level_slice(text: str, spec: LanguageSpec, start: int, end: int, tree: Tree | None = None) -> str:
    """The top-level statements of `text` that overlap [start, end] (str offsets), with one more on each side."""
    a, b = top_level_window(text, spec, start, end, tree)
    return text[a:b]
