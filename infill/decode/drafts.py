"""Decoded candidates: the fills a canvas decodes to, their syntax errors, and which tokens to denoise again."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..checks.fill_checks import check_fills
from ..source.document import Document
from ..task import Fill, Span
from .postprocess import clean_fill, drop_repeated_rest_of_line


@dataclass
class Draft:
    """One complete candidate: the canvas ids, the fills they decode to, and where those fills sit."""

    ids: torch.Tensor                 # (1, L)
    fills: list[Fill]
    text: str
    new_ranges: list[tuple[int, int]]  # each fill's range in `text`
    errors: list[list[tuple[int, int]]]  # problems touching each fill (syntax errors, defects: infill/checks/fill_checks.py)
    total_errors: int                  # problems in the whole new text
    unbound: int = 0                   # names it reads that nothing binds (FillCheck.unbound: never acceptable)

    def acceptable(self, allowed: int) -> bool:
        return self.total_errors <= allowed and not self.unbound

    @property
    def error_count(self) -> int:
        return sum(len(e) for e in self.errors)


def _hole_text(tok, ids: list[int], skip: set[int]) -> str:
    return tok.decode([i for i in ids if i not in skip])


def make_draft(doc: Document, spans: list[Span], ids: torch.Tensor, holes, tok, skip: set[int]) -> Draft:
    fills = []
    for span, (lo, hi) in zip(spans, holes):
        raw = _hole_text(tok, ids[0, lo:hi].tolist(), skip)
        prefix_line = doc.text[doc.text.rfind("\n", 0, span.start) + 1:span.start]
        text = drop_repeated_rest_of_line(doc, span, clean_fill(raw, span, prefix_line, doc.text[span.end:]))
        fills.append(Fill(span.start, span.end, text))
    check = check_fills(doc, fills, spans)
    return Draft(ids, fills, check.text, check.new_ranges, [check.within(k) for k in range(len(fills))], check.problems,
                 check.unbound)


def _token_lines(tok, ids: list[int], skip: set[int]) -> list[int]:
    """For each hole token: the index of the non-blank raw line its text lies on (-1 for pads)."""
    line, lines_of, text_lines = 0, [], [""]
    for token in ids:
        if token in skip:
            lines_of.append(-1)
            continue
        piece = tok.decode([token])
        line_here = line + (1 if piece.startswith("\n") else 0)
        line += piece.count("\n")
        for i, part in enumerate(piece.split("\n")):
            if i:
                text_lines.append("")
            text_lines[-1] += part
        lines_of.append(line_here)
    nonblank, rank = {}, 0
    for i, text in enumerate(text_lines):
        if text.strip():
            nonblank[i] = rank
            rank += 1
    return [nonblank.get(n, -1) if n >= 0 else -1 for n in lines_of]


def _error_line_ranks(draft: Draft, k: int) -> tuple[set[int], bool]:
    """Non-blank line ranks of fill k that hold a syntax error, and whether one is at the fill's end."""
    a, b = draft.new_ranges[k]
    fill_lines = draft.text[a:b].split("\n")
    ranks, rank_of, rank = set(), {}, 0
    for i, line in enumerate(fill_lines):
        if line.strip():
            rank_of[i] = rank
            rank += 1
    at_end = False
    for ea, eb in draft.errors[k]:
        first = draft.text.count("\n", a, max(a, min(ea, b)))
        last = draft.text.count("\n", a, max(a, min(eb, b)))
        ranks.update(rank_of[i] for i in range(first, last + 1) if i in rank_of)
        at_end |= eb >= b or last >= len(fill_lines) - 1
    return ranks, at_end


def remask_errors(draft: Draft, holes, tok, skip: set[int]) -> torch.Tensor:
    """The canvas positions to denoise again: tokens on lines with errors (and the spare pads when the fill ends broken)."""
    remask = torch.zeros_like(draft.ids, dtype=torch.bool)
    for k, (lo, hi) in enumerate(holes):
        if not draft.errors[k]:
            continue
        hole_ids = draft.ids[0, lo:hi].tolist()
        ranks, at_end = _error_line_ranks(draft, k)
        lines = _token_lines(tok, hole_ids, skip)
        hit = [i for i, r in enumerate(lines) if r in ranks]
        if not hit:  # the error is in text we cannot place: redo the whole hole
            hit = [i for i, r in enumerate(lines) if r >= 0]
        if at_end:
            hit += [i for i, t in enumerate(hole_ids) if t in skip]
        for i in hit:
            remask[0, lo + i] = True
    return remask
