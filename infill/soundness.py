"""Fills that parse but nobody would keep: statements a return/raise/break leaves unreachable in the same block
(every language), and names read in the fill that nothing in the file defines (Python).

These are counted beside parse errors (infill/checks.py), so every comparison with the file without the fill
(acceptance, repair rounds, ranking, cut-back ghost text) refuses or repairs them like a broken line. Only what
lies in a fill counts: the code around it is the user's.
"""

from __future__ import annotations

import ast
import builtins
import re
from functools import lru_cache

from tree_sitter import Node, Tree

from .positions import LineIndex, byte_offset, str_offset

Defect = tuple[int, int, str]  # str offsets in the filled text, and what is wrong there

# Statements after which nothing in the same block runs (Rust wraps its return/break in an expression statement).
TERMINATORS = frozenset({"return_statement", "raise_statement", "throw_statement", "break_statement",
                         "continue_statement"})
RUST_TERMINATORS = frozenset({"return_expression", "break_expression", "continue_expression"})
# Blocks whose statements run in order, in the nine grammars.
BLOCKS = frozenset({"block", "module", "compound_statement", "case_statement", "statement_block", "switch_case",
                    "switch_default", "switch_block_statement_group", "constructor_body", "statement_list",
                    "program", "translation_unit", "source_file"})
# What may rightly follow a return: a jump target, declarations the language hoists, preprocessor lines (and comments).
REACHABLE_ANYWAY = ("preproc", "labeled_statement", "function_declaration",
                    "generator_function_declaration", "interface_declaration", "type_alias_declaration",
                    "function_item", "struct_item", "enum_item", "impl_item", "use_declaration", "empty_statement")
_WORD = re.compile(r"[^\W\d]\w*")
_STAR_IMPORT = re.compile(r"\bimport\s+\*")
# Names every module can read: builtins, and module-level names CPython defines that builtins does not list.
BUILTIN_NAMES = frozenset(dir(builtins)) | {"__file__", "__path__", "__builtins__", "__annotations__", "__class__",
                                            "__qualname__", "__module__", "__dict__"}


def overlaps(a: int, b: int, ranges: list[tuple[int, int]]) -> bool:
    """Whether [a, b) shares at least one character with a range (an empty fill holds nothing)."""
    return any(a < hi and b > lo for lo, hi in ranges)


def _terminates(node: Node) -> bool:
    if node.type in TERMINATORS:
        return True
    return node.type == "expression_statement" and node.named_child_count > 0 and \
        node.named_children[0].type in RUST_TERMINATORS


def _harmless(node: Node) -> bool:
    """Dead code that does nothing: a `break`, `continue` or `pass` (HumanEval's own `return y` then `break`), or
    `yield` alone, the idiom that makes a function a generator. A second `return` is not: it is code lost."""
    if node.type in ("break_statement", "continue_statement", "pass_statement"):
        return True
    inner = node.named_children[0].type if node.type == "expression_statement" and node.named_child_count == 1 else ""
    return inner in ("yield", "break_expression", "continue_expression")


def unreachable_statements(tree: Tree, text: str, data: bytes, fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """Statements right after a terminator in the same block, where that statement or the terminator starts in a
    fill (a fill's `return` may cut off the code after it; code that merely contains a fill is the user's). Only the
    innermost block around each fill and the nodes overlapping the fill are visited."""
    defects = set()
    for lo, hi in ((byte_offset(text, a), byte_offset(text, b)) for a, b in fill_ranges if b > a):
        start = tree.root_node.descendant_for_byte_range(lo, hi) or tree.root_node
        while start.parent is not None and start.type not in BLOCKS:
            start = start.parent
        stack = [start]
        while stack:
            node = stack.pop()
            stack.extend(c for c in node.children if c.start_byte < hi and c.end_byte > lo)
            if node.type not in BLOCKS or node.has_error:  # a broken block's statements are the parser's guesses
                continue
            statements = [c for c in node.named_children
                          if "comment" not in c.type and not c.type.startswith(REACHABLE_ANYWAY)]
            for before, after in zip(statements, statements[1:]):
                if not _terminates(before) or _harmless(after):
                    continue
                if lo <= after.start_byte < hi:
                    defects.add((str_offset(data, after.start_byte), str_offset(data, after.end_byte),
                                 f"unreachable code after `{_keyword(before)}`"))
                elif lo <= before.start_byte < hi:
                    defects.add((str_offset(data, before.start_byte), str_offset(data, before.end_byte),
                                 f"`{_keyword(before)}` makes the code after it unreachable"))
    return sorted(defects)


def _keyword(node: Node) -> str:
    return (node.text or b"").decode("utf-8", errors="replace").split(None, 1)[0].rstrip(";")


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


def undefined_names(text: str, original: str, spans: tuple[tuple[int, int], ...], module: ast.Module | None,
                    window: tuple[int, int], fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """Python names the fill reads that the file defines nowhere: not bound anywhere in the parsed code (`module`,
    of text[window]), not a builtin, and not even a word of the document outside the replaced `spans` (`original`:
    a name used elsewhere comes from somewhere the file knows)."""
    if module is None or not any(hi > lo for lo, hi in fill_ranges):
        return []
    module_start, module_end = window
    index = LineIndex.of(text[module_start:module_end])

    def row(offset: int) -> int:  # the 1-based line of the parsed text, as CPython counts
        return index.position(min(max(0, offset - module_start), len(index.text)))[0] + 1
    rows = [(row(a), row(b)) for a, b in fill_ranges if b > a]
    near = _nodes_on_rows(module, rows)
    suspects = []  # names read on the fills' lines that are no builtin
    for node in near:
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in BUILTIN_NAMES:
            a = module_start + index.offset(node.lineno - 1, node.col_offset, "utf-8", clamp=True)
            if overlaps(a, a + len(node.id), fill_ranges):
                suspects.append((a, a + len(node.id), node.id))
    if not suspects:
        return []
    words, star_import = _words_around(original, spans)
    if star_import or any(_STAR_IMPORT.search(text[lo:hi]) for lo, hi in fill_ranges):
        return []  # a star import may define anything
    unknown = {name for _, _, name in suspects if name not in words}
    if unknown:  # bound in the fill itself (what is bound outside it is a word outside it)
        unknown -= _bound_names(near)
    return sorted((a, b, f"`{name}` is defined nowhere in the file") for a, b, name in suspects if name in unknown)
