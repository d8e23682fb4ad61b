"""Python names a fill leaves out of scope, from CPython's own symbol tables: read where no enclosing function, the
module or the builtins binds them. Only names the file had in scope somewhere count, and only where the file
itself did not already read them out of scope (names a harness injects), so a fill is blamed for reading another
function's local (`return s` where `s` is `main`'s) or for ending a function early (a `def main():` line that
leaves the rest of the body reading parameters it no longer has), never for what the file already did."""

from __future__ import annotations

import ast
import builtins
import re
import symtable
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from ..soundness import Defect, overlaps

# Names every module can read: builtins, and module-level names CPython defines that builtins does not list.
BUILTIN_NAMES = frozenset(dir(builtins)) | {"__file__", "__path__", "__builtins__", "__annotations__", "__class__",
                                            "__qualname__", "__module__", "__dict__"}
# Ways a module gets names no symbol table shows.
_DYNAMIC = re.compile(r"\bimport\s+\*|\bglobals\s*\(|\bvars\s*\(|\bexec\s*\(|__builtins__|\bbuiltins\b")
# Scopes that are not functions a user named.
_ANONYMOUS = frozenset({"lambda", "listcomp", "setcomp", "dictcomp", "genexpr"})
# Python 2's builtins: real code still reads them under a version check (`if sys.version_info < (3,)`).
_PYTHON2_BUILTINS = frozenset({"buffer", "unicode", "long", "xrange", "basestring", "raw_input", "unichr", "reduce",
                               "file", "execfile", "cmp", "reload", "intern", "apply", "coerce", "StandardError"})


@dataclass(frozen=True)
class FileScopes:
    """What a whole file binds at module level, which function binds each other name, and what it reads unbound."""

    module_names: frozenset[str]
    local_of: dict[str, str]  # name -> a function that binds it as a local
    class_of: dict[str, str]  # name -> a class whose body binds it (an attribute, read as `self.x` in methods)
    unbound: frozenset[str]

    def owner(self, name: str) -> str:
        """Where the name is bound instead: `a local of `main`` or `an attribute of class `C``, or ""."""
        if name in self.local_of:
            return f"a local of `{self.local_of[name]}`"
        return f"an attribute of class `{self.class_of[name]}`" if name in self.class_of else ""


def _tables(top: symtable.SymbolTable) -> Iterator[symtable.SymbolTable]:
    stack = [top]
    while stack:
        table = stack.pop()
        yield table
        stack.extend(table.get_children())


def _module_names(tables: list[symtable.SymbolTable]) -> set[str]:
    """Names bound at the top of the first table, or declared `global` and bound in any other."""
    top, binds = tables[0], lambda s: s.is_assigned() or s.is_imported() or s.is_namespace()
    return {s.get_name() for s in top.get_symbols() if binds(s) or s.is_annotated()} | \
        {s.get_name() for t in tables[1:] for s in t.get_symbols() if s.is_declared_global() and binds(s)}


def _unbound_reads(tables: list[symtable.SymbolTable], module_names: set[str] | frozenset[str]) -> set[str]:
    """Names read as globals that the module does not bind and builtins lack."""
    return {s.get_name() for t in tables for s in t.get_symbols()
            if s.is_referenced() and s.is_global() and s.get_name() not in module_names
            and s.get_name() not in BUILTIN_NAMES and s.get_name() not in _PYTHON2_BUILTINS}


def _symbol_tables(source: str) -> list[symtable.SymbolTable] | None:
    if _DYNAMIC.search(source):
        return None
    try:
        return list(_tables(symtable.symtable(source, "<fill>", "exec")))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


@lru_cache(maxsize=8)
def file_scopes(text: str, spans: tuple[tuple[int, int], ...]) -> FileScopes | None:
    """The scopes of a whole file before the fill (once per document and spans): as it is, or when an empty hole
    leaves it uncompilable, with `pass` (a statement) or `None` (an expression) in the spans; None when unknown."""
    tables = next(filter(None, map(_symbol_tables, _before_fill(text, spans))), None)
    if tables is None:
        return None
    module_names = _module_names(tables)
    local_of, class_of = {}, {}
    for table in tables[1:]:
        binder = local_of if table.get_type() == "function" else class_of
        if table.get_name() not in _ANONYMOUS:
            for symbol in table.get_symbols():
                if symbol.is_local() and (symbol.is_assigned() or symbol.is_parameter() or symbol.is_imported()):
                    binder.setdefault(symbol.get_name(), table.get_name())
    return FileScopes(frozenset(module_names), local_of, class_of, frozenset(_unbound_reads(tables, module_names)))


@lru_cache(maxsize=8)
def original_compiles(text: str, spans: tuple[tuple[int, int], ...]) -> bool:
    """Whether CPython compiles the file before the fill: as it is, or with `pass` or `None` in empty holes."""
    for candidate in _before_fill(text, spans):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(candidate, "<original>", "exec", dont_inherit=True)
            return True
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
    return False


def _before_fill(text: str, spans: tuple[tuple[int, int], ...]) -> Iterator[str]:
    """The file before the fill, as it is and then with `pass` or `None` in the spans (an empty hole in a body
    leaves it uncompilable), made only as far as they are asked for."""
    yield text
    for placeholder in ("pass", "None"):
        pieces, at = [], 0
        for start, end in spans:
            pieces += [text[at:start], placeholder]
            at = end
        yield "".join(pieces) + text[at:]


def scope_source(body: list[ast.stmt], on_rows: Callable[[ast.stmt], bool], inside_only: Callable[[ast.stmt], bool],
                 source_of: Callable[[ast.stmt], str], in_class: bool = False) -> list[str]:
    """The lines of the statements of `body` a fill touches, as they are scoped: a class the fill touches only
    inside (`inside_only`) keeps its header and, for the members the fill does not touch, a stub binding each
    name (a method's defaults read the class's names); any other statement comes whole."""
    touched = [node for node in body if on_rows(node)]
    if not touched:
        return []
    lines = []
    if in_class:
        indent = _indent_of(source_of(touched[0]))
        lines += [f"{indent}{name} = None" for node in body if not on_rows(node) for name in _class_level_names(node)]
    for node in touched:
        source = source_of(node)
        if isinstance(node, ast.ClassDef) and inside_only(node):
            header_indent = _indent_of(source)
            members = scope_source(node.body, on_rows, inside_only, source_of, in_class=True)
            lines += [f"{header_indent}class {node.name}:"] + (members or [f"{header_indent}    pass"])
        else:
            lines.append(source)
    return lines


def _indent_of(source: str) -> str:
    """The leading whitespace of a statement's text (which starts at the beginning of its first line)."""
    return source[:len(source) - len(source.lstrip(" \t"))]


def assignment_targets(node: ast.AST) -> list[ast.expr]:
    """What an `=`, annotated or augmented assignment assigns to; nothing for any other node."""
    if isinstance(node, ast.Assign):
        return node.targets
    return [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []


def _class_level_names(node: ast.stmt) -> list[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(alias.asname or alias.name).split(".")[0] for alias in node.names if alias.name != "*"]
    return [n.id for t in assignment_targets(node) for n in ast.walk(t) if isinstance(n, ast.Name)]


def out_of_scope_reads(original: str, spans: tuple[tuple[int, int], ...], units: list[ast.stmt], source: str,
                       offset: Callable[[int, int], int], fill_ranges: list[tuple[int, int]],
                       words: frozenset[str]) -> list[Defect]:
    """Words of the file that the statements holding a fill (`units`, methods for a class; `source` from
    `scope_source`) read where nothing binds them; `spans` are what the fills replace in `original`, `offset` the
    str offset of CPython's (line, column). Placed where the fill reads the name, or on the whole fill when the
    code it re-scoped reads it."""
    before = file_scopes(original, spans)
    tables = _symbol_tables(source) if before else None
    if before is None or tables is None:
        return []
    unbound = _unbound_reads(tables, before.module_names | _module_names(tables))
    defects = []
    for name in sorted((unbound & words) - before.unbound):
        owner = before.owner(name)
        reads = [(a, a + len(name)) for unit in units for node in ast.walk(unit)
                 if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load)
                 for a in [offset(node.lineno, node.col_offset)]]
        inside = [(a, b) for a, b in reads if overlaps(a, b, fill_ranges)]
        if inside:
            why = f"`{name}` is {owner}, not visible here" if owner else f"`{name}` is not visible here"
            defects += [(a, b, why) for a, b in inside]
        elif reads:
            why = f"after this fill, the code around it reads `{name}` out of scope" + (f" ({owner})" if owner else "")
            defects.append((fill_ranges[0][0], fill_ranges[-1][1], why))
    return defects
