"""A function body that a fill finishes and that never gives back what its docstring promises: "Remove and return the
top item" over `self.items = []`, a body with no `return <value>`, no `yield` and no `raise`. A small model writes
these when asked for a whole body; they parse, compile and do the wrong thing.

Only fills that finish the code they sit in are held to it (a requested body, a selection, hole markers); ghost text
is not (the user goes on typing the `return` below it: `Span.open_ended`). Lenient by design: the promise is the
docstring's first line saying "Return(s)" within its first four words (not "returns nothing/None") or a doctest
showing a call's value; `__init__`, tests ("Test that f returns 0"), abstract methods, overloads and bodies that are
only `pass`/`...` the user wrote are left alone.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from ..soundness import Defect, overlaps
from .fill_lines import FillLines, is_docstring, last_name

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# "Return(s)" as the first line's verb, alone or after a few words ("Remove and return the top item"); further in,
# it is mostly about something else ("Raises an AssertionError if ... returns", "Call end_capture to ... return").
_RETURNS = re.compile(r"^\s*(?:[\w'-]+,?\s+){0,3}returns?\b", re.IGNORECASE)
_RETURNS_NOTHING = re.compile(r"\breturns? (nothing|none)\b|\b(not|never|without) return|n't return", re.IGNORECASE)
# Decorators whose functions have no body of their own to speak of.
BODILESS_DECORATORS = frozenset({"abstractmethod", "abstractproperty", "overload"})
EXEMPT_NAMES = frozenset({"__init__", "__init_subclass__", "__post_init__"})  # None by definition


def promises_a_value(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The docstring's first line says the function returns something, or a doctest shows what a call gives back."""
    doc = ast.get_docstring(function, clean=True)
    if not doc:
        return False
    lines = doc.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if _RETURNS.match(first):
        return not _RETURNS_NOTHING.search(first)
    call = _doctest_call(function.name)
    shown = any(call.match(line.strip()) and nxt.strip() and not nxt.strip().startswith(("...", ">>>", "Traceback", "```"))
                for line, nxt in zip(lines, lines[1:]))
    return shown and not _prints(function)  # what a printer's doctest shows is its output, not its value


@lru_cache(maxsize=256)
def _doctest_call(name: str) -> re.Pattern:
    """`>>> f(2, 3)` (or `>>> obj.f(...)`) alone on its line, then what it gives back: not an error, a fence or more code."""
    return re.compile(rf">>>\s+[\w.]*\b{re.escape(name)}\([^;]*$")


def _prints(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The body prints or writes somewhere (`print(...)`, `out.write(...)`)."""
    return any(isinstance(node, ast.Call) and (getattr(node.func, "id", None) in ("print", "pprint")
                                               or getattr(node.func, "attr", None) in ("write", "writelines", "print"))
               for node in own_nodes(function))


def own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef):
    """The nodes of a function's own body: nested functions, classes and lambdas are theirs, not its."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (*FUNCTIONS, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


def gives_something_back(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A `return` with a value (`return None` too: a hook's default answer), a `yield` or a `raise` in the body."""
    for node in own_nodes(function):
        if isinstance(node, ast.Return) and node.value is not None:
            return True
        if isinstance(node, (ast.Yield, ast.YieldFrom, ast.Raise)):
            return True
    return False


def _statements(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.stmt]:
    """The body after the docstring."""
    body = function.body
    return body[1:] if body and is_docstring(body[0]) else body


def _is_placeholder(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Pass) or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
                                               and statement.value.value is Ellipsis)


def breaks_its_promise(function: ast.FunctionDef | ast.AsyncFunctionDef, placeholders_count: bool = False) -> bool:
    """The docstring promises a value and the body never gives one back. A body of only `pass`/`...` is a stub
    (an interface, a protocol) unless `placeholders_count` (a fill that answers "implement this" with `pass`)."""
    if function.name in EXEMPT_NAMES or function.name.startswith("test") \
            or any(last_name(d) in BODILESS_DECORATORS for d in function.decorator_list):
        return False
    statements = _statements(function)
    if not statements or (not placeholders_count and all(_is_placeholder(s) for s in statements)):
        return False
    return promises_a_value(function) and not gives_something_back(function)


def _writes_own_code(statements: list[ast.stmt], lines: FillLines,
                     finished_ranges: list[tuple[int, int]]) -> bool:
    """A fill writes the function's own code, not only the body of a function or class nested in it (whose header
    line is the outer function's: a body that is only a nested `def` still gives nothing back)."""
    for statement in statements:
        last = statement.end_lineno or statement.lineno
        if isinstance(statement, (*FUNCTIONS, ast.ClassDef)) and statement.body:
            last = max(statement.lineno, statement.body[0].lineno - 1)
        if overlaps(lines.offset(statement.lineno, statement.col_offset), lines.offset(last, 1 << 30), finished_ranges):
            return True
    return False


def broken_promises(near: list[ast.AST], lines: FillLines, finished_ranges: list[tuple[int, int]]) -> list[Defect]:
    """A function whose body a finishing fill writes in, that promises a value and never gives one back."""
    defects = []
    if not finished_ranges:  # ghost text only: nothing is held to a promise (the common, hot case)
        return defects
    for function in (node for node in near if isinstance(node, FUNCTIONS)):
        statements = _statements(function)
        if not statements or not _writes_own_code(statements, lines, finished_ranges):
            continue
        placeholders_count = any(overlaps(lines.offset(s.lineno, s.col_offset),
                                          lines.offset(s.lineno, s.end_col_offset or 0), finished_ranges)
                                 for s in statements if _is_placeholder(s))
        if breaks_its_promise(function, placeholders_count):
            start = lines.offset(statements[0].lineno, statements[0].col_offset)
            end = lines.offset(statements[-1].end_lineno or statements[-1].lineno, statements[-1].end_col_offset or 0)
            # The fills' part of the body: what is denoised again, and what a placeholder stands for (acceptance.py).
            mine = [(max(lo, start), min(hi, end)) for lo, hi in finished_ranges if lo < end and hi > start] \
                or [(start, end)]  # (a fill that holds only a comment after the last statement)
            defects.append((mine[0][0], mine[-1][1], f"the docstring of `{function.name}` says it returns a value; "
                                                     "the body never returns one"))
    return defects
