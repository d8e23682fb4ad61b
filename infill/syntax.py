"""Tree-sitter checks of filled code: where the parser finds ERROR or MISSING nodes."""

from __future__ import annotations

import ast
import warnings

from .languages import LanguageSpec, make_parser
from .positions import str_offset


def syntax_error_ranges(text: str, spec: LanguageSpec) -> list[tuple[int, int]]:
    """str-offset ranges of the innermost ERROR nodes and of MISSING nodes in `text`."""
    data = text.encode("utf-8")
    tree = make_parser(spec).parse(data)
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


def compiler_rejects(text: str, spec: LanguageSpec) -> bool:
    """Python only: CPython's own parser (AST only, nothing runs) also sees what tree-sitter's error recovery
    forgives, such as a block opener with no indented body after it."""
    if spec.name != "python":
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like are not parse errors
            ast.parse(text)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return True
    return False
