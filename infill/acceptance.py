"""Whether a fill may be shown: the file must parse no worse than it did without it.

The reference is the best of: the document as it is (span untouched), the document with the spans emptied, and
for hole markers alone on their line, the document with a stub statement there. A fill is acceptable when the
whole file has no more ERROR/MISSING nodes (plus, for Python, CPython's own verdict) than that reference.
Ghost text that fails is cut back to its longest acceptable prefix (line, then token boundary).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Document
from .syntax import compiler_rejects, errors_within, spliced_tree, tree_error_ranges
from .task import Fill, Span

# Token-like pieces of any language: words, runs of white space, single punctuation characters.
_PIECE = re.compile(r"\w+|\s+|[^\w\s]")
MAX_PREFIX_TRIES = 64


def splice(text: str, fills: list[Fill]) -> str:
    """`text` with each fill's [start, end) replaced by its text (fills sorted, not overlapping)."""
    pieces, pos = [], 0
    for fill in fills:
        pieces += [text[pos:fill.start], fill.text]
        pos = fill.end
    pieces.append(text[pos:])
    return "".join(pieces)


def error_count(doc: Document, fills: list[Fill]) -> int:
    """ERROR/MISSING nodes of the whole text with `fills` spliced in, plus one when the language's own parser
    rejects it (Python; near the fills in a big file)."""
    text, data, tree = spliced_tree(doc, fills)
    return len(tree_error_ranges(tree, data)) + compiler_rejects(text, doc.language, spliced_focus(fills), tree)


def spliced_focus(fills: list[Fill]) -> tuple[int, int] | None:
    """Where the fills lie in the spliced text: from the first one's start to the last one's end."""
    if not fills:
        return None
    return fills[0].start, fills[-1].end + sum(len(f.text) - (f.end - f.start) for f in fills)


def fill_errors(doc: Document, fills: list[Fill]) -> tuple[int, list[list[tuple[int, int]]]]:
    """(errors in the whole new text, the errors touching each fill in the new text's offsets)."""
    text, data, tree = spliced_tree(doc, fills)
    ranges, shift, per_fill = tree_error_ranges(tree, data), 0, []
    for fill in fills:
        start = fill.start + shift
        per_fill.append(errors_within(ranges, start, start + len(fill.text)))
        shift += len(fill.text) - (fill.end - fill.start)
    return len(ranges) + compiler_rejects(text, doc.language, spliced_focus(fills), tree), per_fill


@dataclass(frozen=True)
class ParseBaseline:
    """Parse errors of the file without the fill: as it is, with the spans emptied, and (hole markers) with a stub
    statement in place of each marker line; the best of them is what a fill may not exceed."""

    as_is: int
    emptied: int
    stubbed: int | None = None  # hole markers alone on a line replaced by the language's stub (`pass`)

    @property
    def allowed(self) -> int:
        return min(self.as_is, self.emptied, self.as_is if self.stubbed is None else self.stubbed)

    @classmethod
    def of(cls, doc: Document, spans: list[Span]) -> "ParseBaseline":
        as_is = error_count(doc, [Fill(s.start, s.end, doc.text[s.start:s.end]) for s in spans])
        emptied = as_is if all(s.start == s.end for s in spans) else \
            error_count(doc, [Fill(s.start, s.end, "") for s in spans])
        # A hole marker is a placeholder, not code: the errors it causes do not count as the file's own, so a
        # statement hole must parse as well as the file does with a stub statement in its place.
        stub = next((s for s in doc.language.stubs if s), "")
        marker_lines = [s for s in spans if s.kind == "hole" and s.indent is not None]
        stubbed = error_count(doc, [Fill(s.start, s.end, stub if s in marker_lines else doc.text[s.start:s.end])
                                    for s in spans]) if marker_lines and stub else None
        return cls(as_is, emptied, stubbed)


def parses_no_worse(doc: Document, fills: list[Fill], baseline: ParseBaseline) -> bool:
    return error_count(doc, fills) <= baseline.allowed


def prefix_cuts(text: str) -> list[int]:
    """Places a fill may be cut back to, longest first: ends of lines, then ends of token-like pieces."""
    lines = [m.start() for m in re.finditer("\n", text)]
    pieces = [m.end() for m in _PIECE.finditer(text)][:-1]
    cuts = sorted(set(pieces) | set(lines), reverse=True)
    return [c for c in cuts if text[:c].strip()]


def longest_acceptable_prefix(doc: Document, fills: list[Fill], k: int, baseline: ParseBaseline) -> str | None:
    """The longest prefix of fill k (others as they are) with which the file parses no worse; None if none does."""
    text = fills[k].text
    for cut in prefix_cuts(text)[:MAX_PREFIX_TRIES]:
        candidate = text[:cut].rstrip()
        trial = [*fills[:k], Fill(fills[k].start, fills[k].end, candidate), *fills[k + 1:]]
        if parses_no_worse(doc, trial, baseline):
            return candidate
    return None
