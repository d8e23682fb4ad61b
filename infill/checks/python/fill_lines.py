"""Where fills lie in CPython's coordinates (1-based rows, utf-8 columns of the parsed window), and the AST nodes
on those rows: what every Python check (python_soundness.py, python_dead_code.py) walks."""

from __future__ import annotations

import ast
from dataclasses import dataclass

from ...source.positions import LineIndex


@dataclass(frozen=True)
class FillLines:
    """Where the fills lie in CPython's coordinates: the parsed window of the text and its 1-based rows."""

    module_start: int
    index: LineIndex
    rows: list[tuple[int, int]]

    @classmethod
    def of(cls, text: str, window: tuple[int, int], fill_ranges: list[tuple[int, int]]) -> FillLines:
        index = LineIndex.of(text[window[0]:window[1]])
        row = lambda offset: index.position(min(max(0, offset - window[0]), len(index.text)))[0] + 1
        return cls(window[0], index, [(row(a), row(b)) for a, b in fill_ranges if b > a])

    def offset(self, lineno: int, col: int) -> int:
        """The str offset in the whole text of CPython's (line, utf-8 column)."""
        return self.module_start + self.index.offset(lineno - 1, col, "utf-8", clamp=True)

    def span(self, node: ast.AST) -> tuple[int, int]:
        """The str offsets in the whole text where a node starts and ends."""
        return self.offset(node.lineno, node.col_offset), \
            self.offset(node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)


def on_rows(node: ast.stmt, rows: list[tuple[int, int]]) -> bool:
    return any(node.lineno <= hi and (node.end_lineno or node.lineno) >= lo for lo, hi in rows)


def first_row(node: ast.stmt) -> int:
    """A statement's first row, its decorators included."""
    return min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])


def last_name(expr: ast.expr) -> str:
    """`dataclass` for dataclass, dataclasses.dataclass and dataclass(frozen=True)."""
    if isinstance(expr, ast.Call):
        expr = expr.func
    return expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "")


def is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant) \
        and isinstance(statement.value.value, str)


def nodes_on_rows(module: ast.Module, rows: list[tuple[int, int]]) -> list[ast.AST]:
    """The AST nodes on the given 1-based line ranges: subtrees on other lines are never entered (a fill in a big
    class costs its own lines)."""
    found, stack = [], list(module.body)
    while stack:
        node = stack.pop()
        first = getattr(node, "lineno", None)
        if first is not None and not on_rows(node, rows):
            continue
        found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found
