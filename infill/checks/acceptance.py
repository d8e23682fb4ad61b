"""Whether a fill may be shown: the file must parse no worse than it did without it, and the fill may not add
code nobody would keep (statements after a return, names defined nowhere: infill/checks/soundness.py,
infill/checks/python/soundness.py).

The reference is the best of: the document as it is (span untouched), the document with the spans emptied, and,
for spans alone on their line (a hole marker, a whole-line hole, an empty line), the document with a stub
statement there (`pass`; or a block opener or clause such as `if True:` or `except Exception:` when an indented
block follows). A fill is acceptable when the whole file has no more problems (ERROR/MISSING nodes, CPython's own
verdict for Python, the fill's defects) than that reference: a fill that leaves the file worse than a placeholder
statement would is not worth showing.
Ghost text that fails is cut back to its longest acceptable prefix (line, then token boundary).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..source.document import Document
from ..source.spans import indent_unit, line_end
from ..task import Fill, Span
from .fill_checks import check_fills

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


def error_count(doc: Document, fills: list[Fill], spans: Sequence[Span] = ()) -> int:
    """Problems of the whole text with `fills` spliced in: ERROR/MISSING nodes, one when the language's own parser
    rejects it (Python), and the fills' defects (unreachable code, undefined names; infill/checks/fill_checks.py, which says
    what the requested `spans` add)."""
    return check_fills(doc, fills, spans).problems


def fill_errors(doc: Document, fills: list[Fill], spans: Sequence[Span] = ()) -> tuple[int, list[list[tuple[int, int]]]]:
    """(problems in the whole new text, the problems touching each fill in the new text's offsets)."""
    check = check_fills(doc, fills, spans)
    return check.problems, [check.within(k) for k in range(len(fills))]


@dataclass(frozen=True)
class ParseBaseline:
    """Parse errors of the file without the fill: as it is, with the spans emptied, and with a stub statement in
    each span that stands alone on its line; the best of them is what a fill may not exceed."""

    as_is: int
    emptied: int
    stubbed: int | None = None  # spans alone on their line hold the stub statement that parses best there

    @property
    def allowed(self) -> int:
        return min(self.as_is, self.emptied, self.as_is if self.stubbed is None else self.stubbed)

    @classmethod
    def of(cls, doc: Document, spans: list[Span]) -> "ParseBaseline":
        untouched = [Fill(s.start, s.end, doc.text[s.start:s.end]) for s in spans]
        as_is = error_count(doc, untouched, spans)
        emptied = as_is if all(s.start == s.end for s in spans) else \
            error_count(doc, [Fill(s.start, s.end, "") for s in spans], spans)
        # A file that parses already is the strictest reference: no placeholder can do better.
        return cls(as_is, emptied, _best_stubbed(doc, spans, untouched) if min(as_is, emptied) else None)


def _best_stubbed(doc: Document, spans: list[Span], fills: list[Fill]) -> int | None:
    """Errors with a stub statement in every span alone on its line (each span, in turn, takes the stub that
    parses best with the others as they are); None when no span stands alone or the language has no stub."""
    best, fills = None, list(fills)
    for k, span in enumerate(spans):
        for stub in statement_stubs(doc, span):
            trial = [*fills[:k], Fill(span.start, span.end, stub), *fills[k + 1:]]
            errors = _errors_around_placeholder(doc, trial, k, spans)
            if best is None or errors < best[0]:
                best = (errors, trial)
            if errors == 0:  # nothing parses better: spare the other placeholders' parses
                break
        if best is not None:
            fills = best[1]
    return None if best is None else best[0]


def _errors_around_placeholder(doc: Document, fills: list[Fill], k: int, spans: Sequence[Span]) -> int:
    """Problems with a placeholder in fill k: what it does to the file counts, its own soundness does not (the
    opener `if True:` is a constant condition, but it stands for the user's code, not the model's)."""
    check = check_fills(doc, fills, spans)
    lo, hi = check.new_ranges[k]
    return check.problems - sum(lo <= a and b <= hi for a, b, _ in check.defects)


def statement_stubs(doc: Document, span: Span) -> list[str]:
    """Placeholder statements for a span that, emptied, leaves its line blank: the language's stub and (Python)
    block openers and clauses; after indentation kept outside the span (a hole marker's, a pinned one), as they are;
    when the span holds the indentation itself, at the span's own indentation, that of the text it replaces, of the
    line before (one level deeper, a block's body; one level out, a clause) and of the line after."""
    text, spec = doc.text, doc.language
    line_start, last_end = text.rfind("\n", 0, span.start) + 1, line_end(doc, span.end)
    if text[line_start:span.start].strip() or text[span.end:last_end].strip():
        return []  # code shares the line: no statement fits there alone
    stub, after = next((st for st in spec.stubs if st), ""), _indent(_neighbour_line(text, last_end, 1))
    if span.start > line_start:  # the indentation is kept outside the span: the stub goes on after it
        openers = spec.block_openers if len(after) > span.start - line_start else ()
        return [st for st in (stub, *openers) if st]
    own = next((line for line in text[span.start:span.end].split("\n") if line.strip()), None)
    before = _indent(_neighbour_line(text, line_start, -1))
    unit = indent_unit(doc)
    outer = before[:-len(unit)] if unit and before.endswith(unit) else None  # a clause of the enclosing block
    indents = [span.indent, None if own is None else _indent(own), after, before, before + unit, outer]
    stubs = []
    for indent in dict.fromkeys(i for i in indents if i is not None):
        # Block openers and clauses (`try:`, `else:`) only where a deeper block follows; the stub statement anywhere.
        openers = spec.block_openers if len(after) > len(indent) else ()
        stubs += [indent + st for st in (stub, *openers) if st]
    return stubs


def _neighbour_line(text: str, at: int, step: int) -> str:
    """The nearest non-blank line before (`step` -1, `at` a line start) or after (+1, `at` a line end) `at`."""
    lines = text[:max(at - 1, 0)].split("\n")[::-1] if step < 0 else text[at + 1:].split("\n")
    return next((line for line in lines if line.strip()), "")


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip())]


def parses_no_worse(doc: Document, fills: list[Fill], baseline: ParseBaseline, spans: Sequence[Span] = ()) -> bool:
    return check_fills(doc, fills, spans).acceptable(baseline.allowed)


def prefix_cuts(text: str) -> list[int]:
    """Places a fill may be cut back to, longest first: ends of lines, then ends of token-like pieces."""
    lines = [m.start() for m in re.finditer("\n", text)]
    pieces = [m.end() for m in _PIECE.finditer(text)][:-1]
    cuts = sorted(set(pieces) | set(lines), reverse=True)
    return [c for c in cuts if text[:c].strip()]


def longest_acceptable_prefix(doc: Document, fills: list[Fill], k: int, baseline: ParseBaseline,
                              spans: Sequence[Span] = ()) -> str | None:
    """The longest prefix of fill k (others as they are) with which the file parses no worse; None if none does."""
    text = fills[k].text
    for cut in prefix_cuts(text)[:MAX_PREFIX_TRIES]:
        candidate = text[:cut].rstrip()
        trial = [*fills[:k], Fill(fills[k].start, fills[k].end, candidate), *fills[k + 1:]]
        if parses_no_worse(doc, trial, baseline, spans):
            return candidate
    return None
