"""Python fills that parse and compile but say nothing: a statement that is only a name or an operation on values
(`note_map`, `x + 1`), a dict literal that names a key twice (`{1: "Z", 1: "Z"}`: the first entry is lost), and a
name compared with itself by order or identity (`i < i`: always the same answer). A small model writes these where
it has nothing better; pyflakes and pylint call them bugs too. Lenient by design: calls, attributes (a property may
do work), subscripts, `and`/`or` chains, anything that calls (`[f(x) for x in xs]`), lone literals, strings
(docstrings, comments) and `...` are statements people write."""

from __future__ import annotations

import ast

from .python_fill_lines import FillLines
from .soundness import Defect, overlaps

# Expressions that, as a statement of their own, compute a value and drop it.
VALUE_ONLY = (ast.Name, ast.Compare, ast.BinOp, ast.UnaryOp, ast.Lambda, ast.Tuple, ast.List, ast.Set, ast.Dict,
              ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Comparisons of a value with itself whose answer never changes (`x == x` and `x != x` are the NaN test).
FIXED_COMPARISONS = {ast.Lt: "false", ast.Gt: "false", ast.LtE: "true", ast.GtE: "true", ast.Is: "true",
                     ast.IsNot: "false"}


def _span(lines: FillLines, node: ast.AST) -> tuple[int, int]:
    start = lines.offset(node.lineno, node.col_offset)
    return start, lines.offset(node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)


# What makes an expression do something (`[f(x) for x in xs]`: a loop written as a list).
ACTIONS = (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)


def _value_only(value: ast.expr) -> bool:
    # A lone literal (`1`, `...`, a docstring) is left alone: no recorded model fill was one, and the editor tests'
    # echo model (tests/conftest.py) fills an empty line with `111` as its stand-in for code that is accepted.
    return isinstance(value, VALUE_ONLY) and not any(isinstance(n, ACTIONS) for n in ast.walk(value))


def pointless_statements(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """A statement of the fill that is only a name, a number or an operation on values: nothing happens."""
    defects = []
    for node in near:
        if isinstance(node, ast.Expr) and _value_only(node.value):
            start, end = _span(lines, node)
            if overlaps(start, end, fill_ranges):
                defects.append((start, end, f"`{_short(node.value)}` does nothing: its value is not used"))
    return defects


def _key(node: ast.expr | None) -> tuple | None:
    """A dict key that is the same whenever it is written: a constant (a number, string, None, bool)."""
    if isinstance(node, ast.Constant):
        return type(node.value).__name__, node.value
    return None


def repeated_dict_keys(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """A constant key the fill writes a second time in the same dict literal: the earlier entry is thrown away."""
    defects = []
    for node in near:
        if not isinstance(node, ast.Dict):
            continue
        seen: set[tuple] = set()
        for key in node.keys:
            k = _key(key)
            if k is None:
                continue
            if k in seen:
                start, end = _span(lines, key)
                if overlaps(start, end, fill_ranges):
                    defects.append((start, end, f"the key `{ast.unparse(key)}` is already in this dict"))
            seen.add(k)
    return defects


def self_comparisons(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """`i < i`, `x is x` in a fill: a name compared with itself by order or identity has one answer."""
    defects = []
    for node in near:
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left] + node.comparators
        for op, a, b in zip(node.ops, operands, operands[1:]):
            answer = FIXED_COMPARISONS.get(type(op))
            if answer and isinstance(a, ast.Name) and isinstance(b, ast.Name) and a.id == b.id:
                start, end = _span(lines, a)[0], _span(lines, b)[1]
                if overlaps(start, end, fill_ranges):
                    defects.append((start, end, f"`{a.id}` compared with itself is always {answer}"))
    return defects


def _short(value: ast.expr, most: int = 30) -> str:
    text = ast.unparse(value)
    return text if len(text) <= most else text[:most - 3] + "..."
