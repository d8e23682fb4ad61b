"""Fills that parse but nobody would keep, in every language: statements a return/raise/break leaves unreachable
in the same block. The Python-only checks (names, attributes, functions nothing calls) are in
infill/checks/python/soundness.py.

These are counted beside parse errors (infill/checks/fill_checks.py), so every comparison with the file without the fill
(acceptance, repair rounds, ranking, cut-back ghost text) refuses or repairs them like a broken line. Only what
lies in a fill counts: the code around it is the user's.
"""

from __future__ import annotations

from tree_sitter import Node, Tree

from ..source.positions import byte_offset, str_offset

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
