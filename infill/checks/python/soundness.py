"""Python fills that parse but nobody would keep: what CPython's compiler (not its parser) rejects, names the file
defines nowhere, `self.x` where the class and the file define no `x`, `self.x(...)` where every value `x` is ever
given is a list, dict, number or string literal, `x = items.append(v)` where `items` is only ever a list (an
in-place method returns None); names read out of their scope are infill/checks/python/scopes.py's,
code that never runs (nested functions nothing calls, constant conditions) infill/checks/python/dead_code.py's, code
that does nothing (a bare value, a key written twice, `i < i`) infill/checks/python/pointless.py's, a `def` that
takes in the code below it infill/checks/python/moved_code.py's, and a body that never returns what its docstring
promises infill/checks/python/promises.py's (fills that finish their code only, not ghost text).

Lenient by design (a false alarm refuses a good fill): a word anywhere in the file outside the replaced spans
counts as defined, and classes with bases, `__getattr__` or `setattr` are left alone. Counted beside parse errors
(infill/checks/fill_checks.py); only what lies in a fill counts.
"""

from __future__ import annotations

import ast
import itertools
import re
import warnings
from collections.abc import Callable
from functools import lru_cache

from ..soundness import Defect, overlaps
from .dead_code import constant_conditions, unused_nested_functions
from .fill_lines import FillLines, first_row, is_docstring, last_name, nodes_on_rows, on_rows
from .moved_code import code_taken_in
from .pointless import (
    branches_that_change_nothing,
    pointless_statements,
    repeated_assignments,
    repeated_dict_keys,
    self_assignments,
    self_comparisons,
)
from .promises import broken_promises
from .scopes import BUILTIN_NAMES, assignment_targets, original_compiles, out_of_scope_reads, scope_source

_WORD = re.compile(r"[^\W\d]\w*")
_STAR_IMPORT = re.compile(r"\bimport\s+\*")
# Words that mean a class gets attributes the file does not spell out.
DYNAMIC_ATTRIBUTES = frozenset({"__getattr__", "__getattribute__", "setattr", "__dict__", "__setattr__"})
# Class decorators that add no attributes the file does not spell out.
PLAIN_CLASS_DECORATORS = frozenset({"dataclass", "total_ordering", "final"})


def python_defects(text: str, original: str, spans: tuple[tuple[int, int], ...], module: ast.Module | None,
                   window: tuple[int, int], fill_ranges: list[tuple[int, int]],
                   finished_ranges: list[tuple[int, int]] = ()) -> list[Defect]:
    """Every Python defect touching a fill. `module` is CPython's AST of text[window]; `original` is the document
    before the fill, whose words outside the replaced `spans` are what the file defines; `finished_ranges`, the
    fills that finish the code they sit in (not ghost text), are also held to their functions' docstrings."""
    if module is None or not any(hi > lo for lo, hi in fill_ranges):
        return []
    lines = FillLines.of(text, window, fill_ranges)
    near, units = nodes_on_rows(module, lines.rows), _units_on_rows(module.body, lines.rows)
    words, star_import = _words_around(original, spans)
    defects = compile_errors(units, lines, fill_ranges, lambda: original_compiles(original, spans)) + \
        unused_nested_functions(near, lines, fill_ranges) + constant_conditions(near, lines, fill_ranges) + \
        pointless_statements(near, lines, fill_ranges) + repeated_dict_keys(near, lines, fill_ranges) + \
        self_comparisons(near, lines, fill_ranges) + self_assignments(near, lines, fill_ranges) + \
        repeated_assignments(near, module, lines, fill_ranges) + \
        branches_that_change_nothing(near, module, lines, fill_ranges) + \
        code_taken_in(near, lines, fill_ranges, original, spans) + broken_promises(near, lines, list(finished_ranges)) + \
        misplaced_future_imports(near, module, lines, fill_ranges)
    if not (star_import or any(_STAR_IMPORT.search(text[lo:hi]) for lo, hi in fill_ranges)):  # may define anything
        defects += undefined_names(near, lines, fill_ranges, words)
        source = "\n".join(scope_source(module.body, lambda node: on_rows(node, lines.rows),
                                         lambda node: _inside_class_only(node, lines.rows),
                                         lambda node: _source_of(text, lines, node)))
        defects += out_of_scope_reads(original, spans, units, source, lines.offset, fill_ranges, words)
    defects += unknown_self_attributes(near, lines, fill_ranges, words, module)
    defects += called_data_attributes(near, lines, fill_ranges, module) + \
        in_place_results(near, lines, fill_ranges, module)
    return sorted(defects)


def compile_errors(units: list[ast.stmt], lines: FillLines, fill_ranges: list[tuple[int, int]],
                   original_compiles: Callable[[], bool]) -> list[Defect]:
    """What CPython's compiler rejects, compiling only the statements that hold a fill (`units`: top-level, or in a
    class the methods): a parameter named twice, `return`/`await` outside a function, `break` outside a loop. On a
    fill's line it is the fill's; elsewhere too when the file compiled before (a dedented line that ends a loop
    leaves the `break` below it outside one)."""
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
            if original_compiles():
                where = f" (line {first})" if lines.module_start == 0 else ""  # a big file's window counts its own
                return [(fill_ranges[0][0], fill_ranges[-1][1], f"after this fill, {exc.msg}{where}")]
    except (ValueError, TypeError, RecursionError, MemoryError):
        pass
    return []


def misplaced_future_imports(near: list[ast.AST], module: ast.Module, lines: FillLines,
                             fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """`from __future__ import ...` after the file's first code (compile_errors compiles the fill's statements
    alone, where it would look first). Only where the parsed window starts the file: elsewhere it cannot tell."""
    if lines.module_start != 0:
        return []
    leading = module.body[1:] if module.body and is_docstring(module.body[0]) else module.body
    allowed = {id(node) for node in itertools.takewhile(_is_future_import, leading)}
    spans = [lines.span(node) for node in near if _is_future_import(node) and id(node) not in allowed]
    return [(start, end, "from __future__ imports must occur at the beginning of the file")
            for start, end in spans if overlaps(start, end, fill_ranges)]


def _is_future_import(node: ast.AST) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def _inside_class_only(node: ast.stmt, rows: list[tuple[int, int]]) -> bool:
    """A class the rows touch in its body but not in its header (decorators, `class` line): a fill there is in
    its methods, not a new class whose whole body it gives meaning to (`class C:` above a function's lines)."""
    if not isinstance(node, ast.ClassDef):
        return False
    first, last = first_row(node), max(node.lineno, node.body[0].lineno - 1)
    return not any(first <= hi and last >= lo for lo, hi in rows)


def _units_on_rows(body: list[ast.stmt], rows: list[tuple[int, int]]) -> list[ast.stmt]:
    """The statements of `body` on the rows; a class is replaced by its own statements there unless its header
    is (a method compiles alone as it does in its class, and a big class costs only the methods a fill touches)."""
    units = []
    for node in body:
        if on_rows(node, rows):
            units += _units_on_rows(node.body, rows) if _inside_class_only(node, rows) else [node]
    return units


def _source_of(text: str, lines: FillLines, unit: ast.stmt) -> str:
    """A statement's lines in the filled text, its decorators included."""
    return text[lines.offset(first_row(unit), 0):lines.offset(unit.end_lineno or unit.lineno, 1 << 30)]


def _header_around(units: list[ast.stmt], lineno: int) -> tuple[int, int] | None:
    """The rows of the `def` header (up to its body) holding `lineno`: a parameter named twice is reported on its
    own row, which a fill of the `def` line may not reach."""
    for node in ast.walk(ast.Module(body=units, type_ignores=[])):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            if node.lineno <= lineno < node.body[0].lineno:
                return node.lineno, max(node.lineno, node.body[0].lineno - 1)
    return None


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
        all(last_name(d) in PLAIN_CLASS_DECORATORS for d in node.decorator_list)


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
    defects, mixed_in = [], _mixed_in(module)
    for node in reads:
        if node.attr in assigned or _plain_class_around(node, near, mixed_in) is None:
            continue
        end = lines.offset(node.end_lineno, node.end_col_offset)
        if overlaps(end - len(node.attr), end, fill_ranges):
            defects.append((end - len(node.attr), end, f"`self.{node.attr}` is set nowhere in the class"))
    return defects


def _plain_class_around(node: ast.AST, near: list[ast.AST], mixed_in: frozenset[str]) -> ast.ClassDef | None:
    """The innermost class holding `node` when it is a plain class (see `_plain_class`), else None."""
    innermost = _innermost_around(node, near, ast.ClassDef)
    return innermost if innermost is not None and _plain_class(innermost, mixed_in) else None


def _innermost_around(node: ast.AST, near: list[ast.AST], kinds) -> ast.AST | None:
    """The innermost node of the given kinds (a class, a function) whose lines hold `node`."""
    line = getattr(node, "lineno", 0)
    around = [c for c in near if isinstance(c, kinds) and c.lineno <= line <= (c.end_lineno or c.lineno)]
    return max(around, key=lambda c: c.lineno) if around else None


def called_data_attributes(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]],
                           module: ast.Module) -> list[Defect]:
    """`self.x(...)` in a fill where the plain class around it never makes `x` callable: every value it gives `x`
    is a literal (`self.items = []`), no method or class attribute is named `x`, and the file assigns `.x`
    nowhere else (`obj.items = handler` may make it a function). `None` is left alone: a callback set later."""
    calls = [node for node in near if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
             and isinstance(node.func.value, ast.Name) and node.func.value.id == "self"
             and node.func.end_lineno is not None and node.func.end_col_offset is not None]
    defects, mixed_in = [], _mixed_in(module) if calls else frozenset()
    for call in calls:
        end = lines.offset(call.func.end_lineno, call.func.end_col_offset)
        name = call.func.attr
        if not overlaps(end - len(name), end, fill_ranges):
            continue
        owner = _plain_class_around(call, near, mixed_in)
        kind = _data_kind(owner, name, lines) if owner is not None else None
        if kind is not None:
            defects.append((end - len(name), end, f"`self.{name}` is {kind}, not something to call"))
    return defects


def _data_kind(owner: ast.ClassDef, name: str, lines: FillLines) -> str | None:
    """What `name` always is in the class, when every value it is given is a non-callable literal."""
    pattern = rf"\.{name}\s*(?::[^=\n]*)?(?:[-+*/%&|^@]|//|<<|>>|\*\*)?=(?!=)"
    assignments = len(re.findall(pattern, lines.index.text))  # anywhere in the file: a method's name has none
    if not assignments or any(isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and
                              s.name == name for s in owner.body):
        return None
    kinds = [_literal_kind(s.value) for s in owner.body for t in assignment_targets(s)
             if isinstance(t, ast.Name) and t.id == name]  # class attributes
    seen, stores = 0, 0
    for node in ast.walk(owner):
        for target in assignment_targets(node):
            if isinstance(target, ast.Attribute) and target.attr == name and \
                    isinstance(target.value, ast.Name) and target.value.id == "self":
                kinds.append(_literal_kind(node.value))
                seen += 1
        if isinstance(node, ast.Attribute) and node.attr == name and not isinstance(node.ctx, ast.Load):
            stores += 1
    if not kinds or None in kinds or stores != seen or assignments != seen:
        return None  # not a literal, stored where no value shows (`for self.x in`, `del`), or outside the class
    return kinds[0]


# Calls that build a value nothing can call.
DATA_CONSTRUCTORS = {"list": "a list", "dict": "a dict", "set": "a set", "tuple": "a tuple", "frozenset": "a set",
                     "int": "a number", "float": "a number", "str": "a string", "bytes": "bytes",
                     "bytearray": "bytes", "deque": "a deque", "defaultdict": "a dict", "OrderedDict": "a dict",
                     "Counter": "a dict", "sorted": "a list"}
# Methods that change a list, set or dict in place and return None.
IN_PLACE_METHODS = {"a list": frozenset({"append", "extend", "insert", "remove", "sort", "reverse", "clear"}),
                    "a set": frozenset({"add", "update", "discard", "clear"}), "a dict": frozenset({"update", "clear"})}
_ANY_IN_PLACE = frozenset().union(*IN_PLACE_METHODS.values())
_UNBOUND = "unbound"  # a function that binds the name nowhere: it is the module's


def in_place_results(near: list[ast.AST], lines: FillLines, fill_ranges: list[tuple[int, int]],
                     module: ast.Module) -> list[Defect]:
    """`x = items.append(v)` or `return items.sort()` in a fill, where `items` is a list (set, dict) wherever its
    function or the module binds it: what an in-place method returns is None."""
    defects = []
    for node in near:
        call = node.value if isinstance(node, (ast.Assign, ast.AnnAssign, ast.Return)) else None
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and
                isinstance(call.func.value, ast.Name) and call.func.end_col_offset is not None):
            continue
        name, method = call.func.value.id, call.func.attr
        end = lines.offset(call.func.end_lineno or call.lineno, call.func.end_col_offset)
        if method not in _ANY_IN_PLACE or not overlaps(end - len(method), end, fill_ranges):
            continue  # (the binding walk runs only for a method that may return None)
        function = _innermost_around(call, near, (ast.FunctionDef, ast.AsyncFunctionDef))
        kind = _bound_kind(name, function, node) if function is not None else _UNBOUND
        if kind == _UNBOUND:
            kind = _bound_kind(name, module, node)
        if method in IN_PLACE_METHODS.get(kind, ()):
            defects.append((end - len(method), end, f"`{name}.{method}()` changes {kind} in place and returns None"))
    return defects


def _parameters(function: ast.AST) -> list[str]:
    args = function.args
    return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg] if a]


def _bound_kind(name: str, scope: ast.AST, skip: ast.stmt) -> str | None:
    """What `name` always is in `scope` (its function, or the module), `skip`'s own binding aside: the kind of
    literal every assignment gives it; None for a parameter, a global, or a name bound any other way; _UNBOUND
    where `scope` stores it nowhere."""
    if not isinstance(scope, ast.Module) and name in _parameters(scope):
        return None
    kinds, assigned, stores = [], set(), set()
    for node in ast.walk(scope):
        if isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return None
        targets = [t for t in assignment_targets(node) if isinstance(t, ast.Name) and t.id == name]
        assigned.update(map(id, targets))
        if targets and node is not skip and not isinstance(node, ast.AugAssign):  # `items += [v]` keeps a list
            kinds.append(_literal_kind(node.value))
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            stores.add(id(node))
    if not stores:
        return _UNBOUND
    if not kinds or None in kinds or len(set(kinds)) > 1 or not stores <= assigned:
        return None  # bound some other way too (a loop, `with`, unpacking, `del`), or to something else
    return kinds[0]


def _literal_kind(value: ast.expr | None) -> str | None:
    """`a list` for `[]`, `[x for x in y]` or `list()`; None for anything that might be callable (`None` too)."""
    if isinstance(value, (ast.List, ast.ListComp)):
        return "a list"
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return "a dict"
    if isinstance(value, (ast.Set, ast.SetComp)):
        return "a set"
    if isinstance(value, ast.Tuple):
        return "a tuple"
    if isinstance(value, ast.JoinedStr):
        return "a string"
    if isinstance(value, ast.Constant) and value.value is not None and value.value is not Ellipsis:
        return {bool: "a bool", str: "a string", bytes: "bytes"}.get(type(value.value), "a number")
    if isinstance(value, ast.Call):
        return DATA_CONSTRUCTORS.get(last_name(value.func))
    return None


