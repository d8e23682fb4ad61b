"""Names a model wrote by repeating a piece of a word (`notebookbookbook`, `_callback_callback_callback`,
`lst.llllllllst`), in every language: a small denoiser commits one subword after another, each seeing the last,
and loops. Nobody names anything that way, so such a name in a fill is a defect the engine re-denoises or refuses.

A name the file already holds is the user's and never counts, nor does a repeat made only of digits or underscores
(`x000000`, `______`).
"""

from __future__ import annotations

import re

from tree_sitter import Node, Tree

from .positions import byte_offset, str_offset
from .soundness import Defect

# A piece of two or more word characters said three or more times in a row.
REPEATED_PIECE = re.compile(r"(\w{2,}?)\1{2,}")


def stutter(name: str) -> str | None:
    """The piece `name` repeats three or more times in a row, if it holds a letter; else None."""
    for match in REPEATED_PIECE.finditer(name):
        if any(c.isalpha() for c in match.group(1)):
            return match.group(1)
    return None


def identifier_leaves(tree: Tree, lo: int, hi: int) -> list[Node]:
    """The identifier leaves of the tree that overlap bytes [lo, hi); only the nodes overlapping it are visited."""
    leaves, stack = [], [tree.root_node]
    while stack:
        node = stack.pop()
        if node.child_count:
            stack.extend(c for c in node.children if c.start_byte < hi and c.end_byte > lo)
        elif node.type.endswith("identifier"):
            leaves.append(node)
    return leaves


def stuttered_names(tree: Tree, text: str, data: bytes, original: str,
                    fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """Identifiers touching a fill that repeat a piece three times and that the original file does not hold.
    The whole identifier counts, so ghost text that extends the user's `note` into `notebookbookbook` is caught."""
    defects = set()
    for lo, hi in ((byte_offset(text, a), byte_offset(text, b)) for a, b in fill_ranges if b > a):
        for node in identifier_leaves(tree, lo, hi):
            name = (node.text or b"").decode("utf-8", errors="replace")
            piece = stutter(name)
            if piece is None or re.search(rf"(?<!\w){re.escape(name)}(?!\w)", original):
                continue
            defects.add((str_offset(data, node.start_byte), str_offset(data, node.end_byte),
                         f"`{name}` repeats `{piece}`: a stutter, not a name"))
    return sorted(defects)
