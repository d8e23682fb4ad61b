"""Names a model wrote by repeating a piece of a word (`notebookbookbook`, `_callback_callback_callback`,
`lst.llllllllst`), in every language: a small denoiser commits one subword after another, each seeing the last,
and loops. Nobody names anything that way, so such a name in a fill is a defect the engine re-denoises or refuses.

A name the file already holds is the user's and never counts, nor does a repeat made only of digits or underscores
(`x000000`, `______`). Words the fill writes inside comments and strings (`thebookbookbook` in a docstring) count
when the piece is three or more characters long with two different letters, so `hahaha` and `MMMMMMMM` (test data
in real strings) stay the user's business.
"""

from __future__ import annotations

import re

from tree_sitter import Node, Tree

from ..source.positions import byte_offset, str_offset
from .soundness import Defect

# A piece of two (in prose: three) or more word characters said three or more times in a row.
REPEATED_PIECE = re.compile(r"(\w{2,}?)\1{2,}")
REPEATED_PROSE_PIECE = re.compile(r"(\w{3,}?)\1{2,}")
WORD = re.compile(rb"\w+")


def stutter(name: str, pattern: re.Pattern = REPEATED_PIECE, letters: int = 1) -> str | None:
    """The piece `name` repeats three or more times in a row, if it holds `letters` distinct letters; else None."""
    for match in pattern.finditer(name):
        if len({c for c in match.group(1).lower() if c.isalpha()}) >= letters:
            return match.group(1)
    return None


def prose_stutter(word: str) -> str | None:
    """`stutter` for a word of a comment or string: a piece of 3+ characters and 2+ letters (`bookbookbook`), not
    a run of one letter (`MMMMMMMM`, test data in real strings) nor `hahaha`."""
    return stutter(word, REPEATED_PROSE_PIECE, letters=2)


def is_prose(node: Node) -> bool:
    """A comment or the text of a string literal (`string_content`, `string_fragment`, `line_comment`, ...)."""
    return "comment" in node.type or "string" in node.type


def identifier_leaves(tree: Tree, lo: int, hi: int, prose: bool = False) -> list[Node]:
    """The identifier leaves of the tree that overlap bytes [lo, hi) (with `prose`, comments and string leaves too);
    only the nodes overlapping it are visited."""
    leaves, stack = [], [tree.root_node]
    while stack:
        node = stack.pop()
        if prose and "comment" in node.type:  # taken whole: some grammars split off only the `//`
            leaves.append(node)
        elif node.child_count:
            stack.extend(c for c in node.children if c.start_byte < hi and c.end_byte > lo)
        elif node.type.endswith("identifier") or (prose and is_prose(node)):
            leaves.append(node)
    return leaves


def prose_words(node: Node, lo: int, hi: int) -> list[tuple[int, int, str]]:
    """(start byte, end byte, word) of each word of a comment or string leaf that overlaps bytes [lo, hi)."""
    return [(node.start_byte + m.start(), node.start_byte + m.end(), m.group().decode("utf-8", errors="replace"))
            for m in WORD.finditer(node.text or b"")
            if node.start_byte + m.start() < hi and node.start_byte + m.end() > lo]


def stuttered_names(tree: Tree, text: str, data: bytes, original: str,
                    fill_ranges: list[tuple[int, int]]) -> list[Defect]:
    """Identifiers (and words of comments and strings) touching a fill that repeat a piece three times and that the
    original file does not hold. The whole word counts, so ghost text that extends the user's `note` into
    `notebookbookbook` is caught."""
    defects = set()
    for lo, hi in ((byte_offset(text, a), byte_offset(text, b)) for a, b in fill_ranges if b > a):
        for node in identifier_leaves(tree, lo, hi, prose=True):
            name = node.type.endswith("identifier")
            words = [(node.start_byte, node.end_byte, (node.text or b"").decode("utf-8", errors="replace"))] \
                if name else prose_words(node, lo, hi)
            for start, end, word in words:
                piece = stutter(word) if name else prose_stutter(word)
                if piece is None or re.search(rf"(?<!\w){re.escape(word)}(?!\w)", original):
                    continue
                defects.add((str_offset(data, start), str_offset(data, end),
                             f"`{word}` repeats `{piece}`: a stutter, not {'a name' if name else 'a word'}"))
    return sorted(defects)
