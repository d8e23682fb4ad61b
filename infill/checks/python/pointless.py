"""Python fills that parse and compile but say nothing: a statement that is only a name or an operation on values
(`note_map`, `x + 1`), a name assigned to itself (`value = value`) or the same assignment twice in a row (`i = 10`
twice: the first is lost), a branch that returns what the code after it returns anyway (`if x < low: return x`
above `return x`), a dict literal that names a key twice (`{1: "Z", 1: "Z"}`: the first entry is lost), and a
name compared with itself by order or identity (`i < i`: always the same answer). A small model writes these where
it has nothing better; pyflakes and pylint call them bugs too. Lenient by design: calls, attributes (a property may
do work), subscripts, `and`/`or` chains, anything that calls (`[f(x) for x in xs]`), lone literals, strings
(docstrings, comments) and `...` are statements people write."""

from __future__ import annotations

import ast

from ..soundness import Defect, overlaps
from .fill_lines import FillLines, on_rows

# Expressions that, as a statement of their own, compute a value and drop it.
VALUE_ONLY = (ast.Name, ast.Compare, ast.BinOp, ast.UnaryOp, ast.Lambda, ast.Tuple, ast.List, ast.Set, ast.Dict,
              ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
# Comparisons of a value with itself whose answer never changes (`x == x` and `x != x` are the NaN test).
FIXED_COMPARISONS = {ast.Lt: "false", ast.Gt: "false", ast.LtE: "true", ast.GtE: "true", ast.Is: "true",
                     ast.IsNot: "false"}


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
            start, end = lines.span(node)
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
                start, end = lines.span(key)
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
                start, end = lines.span(a)[0], lines.span(b)[1]
                if overlaps(start, end, fill_ranges):
                    defects.append((start, end, f"`{a.id}` compared with itself is always {answer}"))
    return defects


def self_assignments(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """`value = value`, `a, b = a, b` in a function: every name keeps the value it had."""
    defects = []
    for function in near:
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in self_assignments_of(function):
                start, end = lines.span(node)
                if overlaps(start, end, fill_ranges):
                    why = f"`{_written(lines, start, end)}` does nothing: it assigns a name to itself"
                    defects.append((start, end, why))
    return defects


def self_assignments_of(function: ast.FunctionDef | ast.AsyncFunctionDef):
    """A function's own `x = x` statements. Classes and modules copy outer names so (`TimeoutError = TimeoutError`),
    and `else: x = x` mirrors the other branch; both are left alone."""
    for node, alone_in_branch in _statements_of(function.body):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and not alone_in_branch \
                and _same_names(node.targets[0], node.value):
            yield node


def _statements_of(body: list[ast.stmt], branch: bool = False):
    """A function's statements, nested blocks included but not nested functions or classes, each with whether it is
    the only statement of an `if` or `else` block."""
    for node in body:
        yield node, branch and len(body) == 1
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for _, value in ast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                yield from _statements_of(value, isinstance(node, ast.If))
            elif isinstance(value, list):  # except handlers, match cases
                for part in value:
                    if isinstance(getattr(part, "body", None), list):
                        yield from _statements_of(part.body)


def _same_names(target: ast.expr, value: ast.expr) -> bool:
    if isinstance(target, ast.Name) and isinstance(value, ast.Name):
        return target.id == value.id
    return isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple) and len(target.elts) == len(value.elts) > 0 \
        and all(_same_names(t, v) for t, v in zip(target.elts, value.elts))


def repeated_assignments(near: list[ast.AST], module: ast.Module, lines: FillLines,
                         fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """The same assignment twice in a row with a fill in the second (`i = 10` under `i = 10`)."""
    defects = []
    for parent in [module] + near:
        for second in repeated_assignments_under(parent, lines.rows):
            start, end = lines.span(second)
            if overlaps(start, end, fill_ranges):
                defects.append((start, end, f"`{_written(lines, start, end)}` again: the line above already did it"))
    return defects


def repeated_assignments_under(parent: ast.AST, rows: list[tuple[int, int]] | None = None):
    """The second of two equal plain assignments in a row in the blocks right under `parent` (on `rows` if given): the
    first is overwritten unread. A value that calls (`line = f.readline()` twice skips a line) or reads its target is
    left alone."""
    for field in ("body", "orelse", "finalbody"):
        body = getattr(parent, field, None)
        if not isinstance(body, list):  # `a if b else c` and lambdas have an expression there
            continue
        for first, second in zip(body, body[1:]):
            if (rows is None or on_rows(second, rows)) and _idempotent_assignment(first) \
                    and ast.dump(first) == ast.dump(second):
                yield second


def _idempotent_assignment(node: ast.AST) -> bool:
    if not isinstance(node, ast.Assign) or not all(isinstance(t, (ast.Name, ast.Tuple)) for t in node.targets):
        return False
    reads = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
    targets = {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    return not reads & targets and not any(isinstance(n, ACTIONS) for n in ast.walk(node.value))


def branches_that_change_nothing(near: list[ast.AST], module: ast.Module, lines: FillLines,
                                 fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """`if c: return x` where every way on from the `if` returns the same `x`: taken or not, the branch changes
    nothing (the clamp whose holes both say `return value`). Only a `return` the fill wrote counts."""
    defects = []
    for parent in [module] + near:
        for branch in useless_branches_under(parent):
            start, end = lines.span(branch.body[0])
            if overlaps(start, end, fill_ranges):
                why = f"`{_written(lines, start, end)}` is what the code after this `if` returns anyway"
                defects.append((start, end, why))
    return defects


def useless_branches_under(parent: ast.AST):
    """The `if`s right under `parent` with no `else` whose only statement is a `return` that the code after them
    also reaches: more such `if`s (their conditions call nothing, so skipping them changes nothing) and then the
    same `return`."""
    for field in ("body", "orelse", "finalbody"):
        body = getattr(parent, field, None)
        if not isinstance(body, list):
            continue
        for k, node in enumerate(body):
            if _returning_branch(node) and _returns_anyway(body[k + 1:], ast.dump(node.body[0])):
                yield node


def _returning_branch(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and not node.orelse and len(node.body) == 1 and isinstance(node.body[0], ast.Return)


def _returns_anyway(rest: list[ast.stmt], returned: str) -> bool:
    for node in rest:
        if isinstance(node, ast.Return):
            return ast.dump(node) == returned
        if not (_returning_branch(node) and ast.dump(node.body[0]) == returned
                and not any(isinstance(n, ACTIONS) for n in ast.walk(node.test))):
            return False
    return False


def _written(lines: FillLines, start: int, end: int) -> str:
    """The text as the fill wrote it (`ast.unparse` would add parentheses to a tuple)."""
    text = lines.index.text[start - lines.module_start:end - lines.module_start]
    return text if len(text) <= 30 else text[:27] + "..."


def _short(value: ast.expr, most: int = 30) -> str:
    text = ast.unparse(value)
    return text if len(text) <= most else text[:most - 3] + "..."
