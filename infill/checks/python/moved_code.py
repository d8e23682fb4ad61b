"""A `def` or `class` a fill writes whose body takes in the code below the fill that, without the fill, belonged to
a function the fill splits: the rest of that function becomes the new one's body. A small model writes `def
main(l):` right under a function's docstring, or `def make_max(x):` at column 0 in the middle of a function.

Removing a real function's header leaves its body to the function above it, so the split alone proves nothing
(a user's line hole at a `def` line looks the same); it is a defect only when the function above is left with no
code but its docstring, or when the code taken reads a name that function had bound and the new one does not."""

from __future__ import annotations

import ast
import warnings
from functools import lru_cache

from ..soundness import Defect
from .fill_lines import FillLines, is_docstring

HEADERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@lru_cache(maxsize=4)
def _original_module(original: str) -> ast.Module | None:
    """CPython's AST of the document without the fill (once per document: every candidate shares it)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(original)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _row(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _holder(module: ast.Module, row: int) -> ast.AST | None:
    """The innermost function or class whose lines hold `row`, below its header line."""
    around = [n for n in ast.walk(module) if isinstance(n, HEADERS) and n.lineno < row <= (n.end_lineno or n.lineno)]
    return max(around, key=lambda n: n.lineno) if around else None


def _original_offset(p: int, fill_ranges: list[tuple[int, int]], spans: tuple[tuple[int, int], ...]) -> int | None:
    """Where the filled text's offset `p`, which lies in no fill, was in the document before the fills."""
    if any(lo < p < hi for lo, hi in fill_ranges):
        return None
    before = [j for j, (lo, hi) in enumerate(fill_ranges) if hi <= p]
    if not before:
        return p
    return spans[before[-1]][1] + (p - fill_ranges[before[-1]][1])


def _binds(nodes: list[ast.AST]) -> set[str]:
    """Names the nodes bind: parameters, assignment and loop targets, imports, nested definitions (not `n += 1`)."""
    names, walked = set(), [n for top in nodes for n in ast.walk(top)]
    updated = {id(n.target) for n in walked if isinstance(n, ast.AugAssign)}  # `n += 1` needs `n` bound already
    for node in walked:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and id(node) not in updated:
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (*HEADERS, ast.ExceptHandler)) and node.name:
            names.add(node.name)
    return names


def _docstring_only(statements: list[ast.stmt]) -> bool:
    return all(is_docstring(s) for s in statements)


def _what_is_lost(holder: ast.AST, new: ast.AST, below: list[ast.stmt], before_row: int) -> str | None:
    """How splitting `holder` above `before_row` breaks it, or None when it may be a header the file lacked."""
    kept = [s for s in holder.body if (s.end_lineno or s.lineno) < before_row]
    if _docstring_only(kept):
        return "leaving it no code"
    shared = {name for n in ast.walk(holder) if isinstance(n, (ast.Global, ast.Nonlocal)) for name in n.names}
    had = _binds([holder.args] + kept) - shared  # a global it sets is anyone's
    reads = {n.id for s in below for n in ast.walk(s) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    lost = sorted((reads & had) - _binds([new.args] + new.body))
    return f"away from its `{lost[0]}`" if lost else None


def code_taken_in(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]], original: str,
                  spans: tuple[tuple[int, int], ...]) -> list[Defect]:
    """A `def` header in a fill whose body goes on below the fill into statements that, in the document without the
    fill, lay inside a function opened before the fill, leaving that function only a docstring or taking code that
    reads its names (code that did not parse without the fill is left alone)."""
    defects = []
    for node in near:
        if not isinstance(node, FUNCTIONS):
            continue
        at = lines.offset(node.lineno, node.col_offset)
        k = next((k for k, (lo, hi) in enumerate(fill_ranges) if lo <= at < hi), None)
        below = [s for s in node.body if lines.offset(s.lineno, s.col_offset) >= fill_ranges[k][1]] \
            if k is not None else []
        q = _original_offset(lines.offset(below[0].lineno, below[0].col_offset), fill_ranges, spans) if below else None
        module = _original_module(original) if q is not None else None
        holder = _holder(module, _row(original, q)) if module is not None else None
        start_row = _row(original, spans[k][0]) if k is not None else 0
        if not isinstance(holder, FUNCTIONS) or holder.lineno >= start_row:
            continue
        lost = _what_is_lost(holder, node, below, start_row)
        if lost:
            end = min(fill_ranges[k][1], lines.offset(node.lineno, 1 << 30))
            defects.append((at, end, f"`def {node.name}` takes the code below it out of `{holder.name}`, {lost}"))
    return defects
