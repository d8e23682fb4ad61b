"""Python fills that parse but nobody would keep: what CPython's compiler (not its parser) rejects, names the file
defines nowhere, `self.x` where the class and the file define no `x`, and nested functions nothing calls.

Lenient by design (a false alarm refuses a good fill): a word anywhere in the file outside the replaced spans
counts as defined, and classes with bases, `__getattr__` or `setattr` are left alone. Counted beside parse errors
(infill/checks.py); only what lies in a fill counts.
"""

from __future__ import annotations

import ast
import builtins
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from .positions import LineIndex
from .soundness import Defect, overlaps

_WORD = re.compile(r"[^\W\d]\w*")
_STAR_IMPORT = re.compile(r"\bimport\s+\*")
# Names every module can read: builtins, and module-level names CPython defines that builtins does not list.
BUILTIN_NAMES = frozenset(dir(builtins)) | {"__file__", "__path__", "__builtins__", "__annotations__", "__class__",
                                            "__qualname__", "__module__", "__dict__"}
# Words that mean a class gets attributes the file does not spell out.
DYNAMIC_ATTRIBUTES = frozenset({"__getattr__", "__getattribute__", "setattr", "__dict__", "__setattr__"})
# Class decorators that add no attributes the file does not spell out.
PLAIN_CLASS_DECORATORS = frozenset({"dataclass", "total_ordering", "final"})
# Decorators that do not register a nested function anywhere (and make no sense on one).
INERT_DECORATORS = frozenset({"property", "staticmethod", "classmethod"})


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


def python_defects(text: str, original: str, spans: tuple[tuple[int, int], ...], module: ast.Module | None,
                   window: tuple[int, int], fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """Every Python defect touching a fill. `module` is CPython's AST of text[window]; `original` is the document
    before the fill, whose words outside the replaced `spans` are what the file defines."""
    if module is None or not any(hi > lo for lo, hi in fill_ranges):
        return []
    lines = FillLines.of(text, window, fill_ranges)
    near = _nodes_on_rows(module, lines.rows)
    words, star_import = _words_around(original, spans)
    defects = compile_errors(module, lines, fill_ranges) + unused_nested_functions(near, lines, fill_ranges)
    if not (star_import or any(_STAR_IMPORT.search(text[lo:hi]) for lo, hi in fill_ranges)):  # may define anything
        defects += undefined_names(near, lines, fill_ranges, words)
    defects += unknown_self_attributes(near, lines, fill_ranges, words, module)
    return sorted(defects)


def compile_errors(module: ast.Module, lines: FillLines, fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """What CPython's compiler rejects on a fill's line, compiling only the statements that hold a fill (top-level,
    or in a class the methods): a parameter named twice, `return`/`await` outside a function, `break` outside a loop."""
    units = _units_on_rows(module.body, lines.rows)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # `is` with a literal and the like are warnings, not errors
            compile(ast.Module(body=units, type_ignores=[]), "<fill>", "exec", dont_inherit=True)
    except SyntaxError as exc:
        if exc.lineno is not None:
            first, last = _header_around(units, exc.lineno) or (exc.lineno, exc.lineno)
            start, end = lines.offset(first, 0), lines.offset(last, 1 << 30)
            line = lines.index.text[start - lines.module_start:end - lines.module_start]
            start += len(line) - len(line.lstrip())
            if overlaps(start, end, fill_ranges):
                return [(start, end, exc.msg)]
    except (ValueError, TypeError, RecursionError, MemoryError):
        pass
    return []


def _units_on_rows(body: list[ast.stmt], rows: list[tuple[int, int]]) -> list[ast.stmt]:
    """The statements of `body` on the rows; a class is replaced by its own statements there (a method compiles
    alone as it does in its class, and a big class costs only the methods a fill touches)."""
    units = []
    for node in body:
        if any(node.lineno <= hi and (node.end_lineno or node.lineno) >= lo for lo, hi in rows):
            units += _units_on_rows(node.body, rows) if isinstance(node, ast.ClassDef) else [node]
    return units


def _header_around(units: list[ast.stmt], lineno: int) -> tuple[int, int] | None:
    """The rows of the `def` header (up to its body) holding `lineno`: a parameter named twice is reported on its
    own row, which a fill of the `def` line may not reach."""
    for node in ast.walk(ast.Module(body=units, type_ignores=[])):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            if node.lineno <= lineno < node.body[0].lineno:
                return node.lineno, max(node.lineno, node.body[0].lineno - 1)
    return None


def _nodes_on_rows(module: ast.Module, rows: list[tuple[int, int]]) -> list[ast.AST]:
    """The AST nodes on the given 1-based line ranges: subtrees on other lines are never entered (a fill in a big
    class costs its own lines)."""
    found, stack = [], list(module.body)
    while stack:
        node = stack.pop()
        first = getattr(node, "lineno", None)
        if first is not None and not any(first <= hi and (node.end_lineno or first) >= lo for lo, hi in rows):
            continue
        found.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return found


def _bound_names(nodes: list[ast.AST]) -> set[str]:
    """Every name the nodes bind, in any scope (scopes are not told apart: a lenient check)."""
    names = set()
    for node in nodes:
        if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            names.update(node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        elif type(node).__name__ in ("TypeVar", "ParamSpec", "TypeVarTuple"):
            names.add(node.name)
    return names


@lru_cache(maxsize=8)
def _words_around(text: str, spans: tuple[tuple[int, int], ...]) -> tuple[frozenset[str], bool]:
    """Every identifier-like word of a document's text outside the spans a fill replaces, and whether it
    star-imports (computed once per text and spans: every candidate of a request is checked against the same)."""
    pieces, at = [], 0
    for start, end in spans:
        pieces.append(text[at:start])
        at = end
    pieces.append(text[at:])
    outside = "\n".join(pieces)
    return frozenset(_WORD.findall(outside)), bool(_STAR_IMPORT.search(outside))


def undefined_names(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]],
                    words: frozenset[str]) -> list[Defect]:
    """Names the fill reads that the file defines nowhere: not bound anywhere in the parsed code, not a builtin,
    and not even a word outside the replaced spans (a name used elsewhere comes from somewhere the file knows)."""
    suspects = []  # names read on the fills' lines that are no builtin
    for node in near:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in BUILTIN_NAMES:
            a = lines.offset(node.lineno, node.col_offset)
            if overlaps(a, a + len(node.id), fill_ranges):
                suspects.append((a, a + len(node.id), node.id))
    unknown = {name for _, _, name in suspects if name not in words}
    if unknown:  # bound in the fill itself (what is bound outside it is a word outside it)
        unknown -= _bound_names(near)
    return [(a, b, f"`{name}` is defined nowhere in the file") for a, b, name in suspects if name in unknown]


def _mixed_in(module: ast.Module) -> frozenset[str]:
    """Names of the file's classes that another top-level class names as a base (a mixin reads what its partner
    defines)."""
    return frozenset(base.id for node in module.body if isinstance(node, ast.ClassDef)
                     for base in node.bases if isinstance(base, ast.Name))


def _plain_class(node: ast.ClassDef, mixed_in: frozenset[str]) -> bool:
    """A class whose attributes all come from the file: no base but `object`, no metaclass, no mixin, no decorator
    that may add attributes (a dataclass's fields are words of the file)."""
    return not node.keywords and node.name not in mixed_in and \
        all(isinstance(b, ast.Name) and b.id == "object" for b in node.bases) and \
        all(_decorator_name(d) in PLAIN_CLASS_DECORATORS for d in node.decorator_list)


def unknown_self_attributes(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]],
                            words: frozenset[str], module: ast.Module) -> list[Defect]:
    """`self.x` read in a fill inside a class with no base, where `x` is no word of the file outside the fill and
    the fill does not assign it: an attribute that nothing can have set."""
    reads = [node for node in near if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load)
             and isinstance(node.value, ast.Name) and node.value.id == "self" and node.attr not in words
             and not node.attr.startswith("__") and node.end_lineno is not None and node.end_col_offset is not None]
    if not reads or words & DYNAMIC_ATTRIBUTES:
        return []
    assigned = {node.attr for node in near if isinstance(node, ast.Attribute) and not isinstance(node.ctx, ast.Load)}
    classes, mixed_in = [node for node in near if isinstance(node, ast.ClassDef)], _mixed_in(module)
    defects = []
    for node in reads:
        around = [c for c in classes if c.lineno <= node.lineno <= (c.end_lineno or c.lineno)]
        if node.attr in assigned or not around or not _plain_class(max(around, key=lambda c: c.lineno), mixed_in):
            continue
        end = lines.offset(node.end_lineno, node.end_col_offset)
        if overlaps(end - len(node.attr), end, fill_ranges):
            defects.append((end - len(node.attr), end, f"`self.{node.attr}` is set nowhere in the class"))
    return defects


def _decorator_name(decorator: ast.expr) -> str:
    """`dataclass` for @dataclass, @dataclasses.dataclass and @dataclass(frozen=True)."""
    if isinstance(decorator, ast.Call):
        decorator = decorator.func
    return decorator.attr if isinstance(decorator, ast.Attribute) else getattr(decorator, "id", "")


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
            first = min([inner.lineno] + [d.lineno for d in inner.decorator_list])
            start = lines.offset(first, 0 if first < inner.lineno else inner.col_offset)
            end = lines.offset(inner.end_lineno or inner.lineno, inner.end_col_offset or 0)
            defects.append((start, end, f"nested function `{inner.name}` is never used"))
    return defects
