"""Python fills that parse and compile but whose code never does anything: a nested function nothing calls, and a
branch whose condition is a constant (`if not 0:`, `if True:`, `while False:`), which a small model writes where
it has no condition to offer. `while True:` and `while 1:` are loops, not dead code."""

from __future__ import annotations

import ast

from ..soundness import Defect, overlaps
from .fill_lines import FillLines, first_row

# Decorators that do not register a nested function anywhere (and make no sense on one).
INERT_DECORATORS = frozenset({"property", "staticmethod", "classmethod"})


def _inert(decorator: ast.expr) -> bool:
    return isinstance(decorator, ast.Name) and decorator.id in INERT_DECORATORS


def unused_nested_functions(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """A function the fill defines inside another function that nothing in that function reads (undecorated, or
    only by property/staticmethod/classmethod): code that never runs. A decorator that registers it is a use."""
    defects = []
    for outer in near:
        if not isinstance(outer, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        nested = [s for s in outer.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                  and all(_inert(d) for d in s.decorator_list)]
        for inner in nested:
            at = lines.offset(inner.lineno, inner.col_offset)  # the `def` keyword
            if not overlaps(at, at + 3, fill_ranges):
                continue
            others = [s for s in outer.body if s is not inner] + list(outer.decorator_list)
            if any(isinstance(n, ast.Name) and n.id == inner.name for s in others for n in ast.walk(s)):
                continue
            first = first_row(inner)
            start = lines.offset(first, 0 if first < inner.lineno else inner.col_offset)
            end = lines.offset(inner.end_lineno or inner.lineno, inner.end_col_offset or 0)
            defects.append((start, end, f"nested function `{inner.name}` is never used"))
    return defects


def constant_truth(test: ast.expr) -> bool | None:
    """The truth of a condition that is a literal or `not` a literal (`0`, `"x"`, `not True`); None otherwise."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = constant_truth(test.operand)
        return None if inner is None else not inner
    if isinstance(test, ast.Constant):
        return bool(test.value)
    return None


def _only_yields(body: list[ast.stmt]) -> bool:
    """`while False: yield`: the idiom that makes a function a generator that yields nothing."""
    return all(isinstance(s, ast.Expr) and isinstance(s.value, (ast.Yield, ast.YieldFrom)) for s in body)


def constant_conditions(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """An `if`/`elif`/`while` condition in a fill that is a constant: one branch never runs (a `while` whose
    constant is true is a loop that ends by `break`, and `while False: yield` makes a generator: both left alone)."""
    defects = []
    for node in near:
        if not isinstance(node, (ast.If, ast.While)):
            continue
        truth = constant_truth(node.test)
        if truth is None or (truth and isinstance(node, ast.While)) or (not truth and _only_yields(node.body)):
            continue
        test = node.test
        start = lines.offset(test.lineno, test.col_offset)
        end = lines.offset(test.end_lineno or test.lineno, test.end_col_offset or test.col_offset)
        if overlaps(start, end, fill_ranges):
            defects.append((start, end, f"the condition `{ast.unparse(test)}` is always {str(truth).lower()}"))
    return defects
