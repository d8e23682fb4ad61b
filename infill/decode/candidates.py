"""Ranking decoded candidates: the model's own score, parse validity as a hard filter, distinct fills first."""

from __future__ import annotations

import math

import torch

from ..checks.acceptance import ParseBaseline, error_count, longest_acceptable_prefix
from ..source.document import Document
from ..source.languages import has_code
from ..task import Candidate, Fill, InfillOptions, Span
from .drafts import Draft
from .postprocess import drop_repeated_rest_of_line

# Kinds that may rightly come back empty: the rest of a line when nothing fits.
MAY_BE_EMPTY = frozenset({"line"})


def hole_scores(probs: torch.Tensor, ids: torch.Tensor, holes, skip: set[int]) -> list[float]:
    """Mean log-probability of each hole's code tokens (pads apart) when the model committed them; -inf if none."""
    scores = []
    for lo, hi in holes:
        keep = [i for i, t in enumerate(ids[lo:hi].tolist()) if t not in skip]
        values = probs[lo:hi][keep] if keep else probs[:0]
        values = values[~values.isnan()]
        scores.append(float(values.clamp_min(1e-9).log().mean()) if values.numel() else -math.inf)
    return scores


def usable(doc: Document, span: Span, fill: Fill) -> bool:
    """A fill that gives the span what it asked for: code, unless the span may stay empty (the rest of a line at
    the cursor) or held only comments (a comment rewritten). Nothing but comments (`# %%`, `// TODO`) is no answer,
    nor is code replaced by them: that deletes it."""
    original = doc.text[span.start:span.end]
    if has_code(fill.text, doc.language):
        return True
    if has_code(original, doc.language):
        return False
    return span.kind in MAY_BE_EMPTY or (bool(fill.text.strip()) and bool(original.strip()))


def no_code_where_code_was_asked(doc: Document, spans: list[Span], fills: list[Fill]) -> bool:
    return not all(usable(doc, s, f) for s, f in zip(spans, fills))


def _candidate(doc: Document, spans: list[Span], fills: list[Fill], score: float, baseline: ParseBaseline,
               lengths: list[int], errors: int | None = None) -> Candidate:
    errors = error_count(doc, fills, spans) if errors is None else errors
    accepted = errors <= baseline.allowed and not no_code_where_code_was_asked(doc, spans, fills)
    return Candidate(fills, score, errors, accepted, lengths)


def _assembled(doc, spans, drafts: list[Draft], scores: list[list[float]], baseline, lengths) -> Candidate:
    """Several holes: each takes the row where it parses and scores best (rows were decoded side by side)."""
    picks = []
    for k, span in enumerate(spans):
        def key(r: int) -> tuple:
            fill = drafts[r].fills[k]
            return (usable(doc, span, fill), not drafts[r].errors[k], scores[r][k])
        picks.append(max(range(len(drafts)), key=key))
    fills = [drafts[r].fills[k] for k, r in enumerate(picks)]
    score = sum(scores[r][k] for k, r in enumerate(picks)) / len(picks)
    return _candidate(doc, spans, fills, score, baseline, [lengths[r][k] for k, r in enumerate(picks)])


def _cut_back(doc: Document, spans: list[Span], c: Candidate, baseline: ParseBaseline) -> Candidate | None:
    """Ghost text: the candidate cut back, hole by hole, to prefixes with which the file parses no worse."""
    fills = list(c.fills)
    for k in range(len(fills)):
        trial = fills[:k + 1] + [Fill(f.start, f.end, doc.text[f.start:f.end]) for f in fills[k + 1:]]
        prefix = longest_acceptable_prefix(doc, trial, k, baseline, spans)
        if prefix is None:
            return None
        fills[k] = Fill(fills[k].start, fills[k].end, drop_repeated_rest_of_line(doc, spans[k], prefix))
    cut = _candidate(doc, spans, fills, c.score, baseline, c.lengths)
    return cut if cut.accepted else None


def _sort_key(c: Candidate) -> tuple:
    """Accepted first; then fewer parse errors (where the file was broken already, e.g. hole markers); then score."""
    return (not c.accepted, c.errors, -c.score)


def rank_candidates(doc: Document, spans: list[Span], drafts: list[Draft], scores: list[list[float]],
                    lengths: list[list[int]], baseline: ParseBaseline, options: InfillOptions) -> list[Candidate]:
    """Every distinct candidate, accepted ones first and best-scored first; broken ghost text is cut back."""
    pool = [_candidate(doc, spans, d.fills, sum(s) / len(s), baseline, lengths[r], d.total_errors)
            for r, (d, s) in enumerate(zip(drafts, scores))]
    if len(spans) > 1 and len(drafts) > 1:
        pool.append(_assembled(doc, spans, drafts, scores, baseline, lengths))
    pool.sort(key=_sort_key)
    if options.cut_back:
        wanted = max(1, options.candidates)
        accepted = sum(c.accepted for c in pool)
        for c in [c for c in pool if not c.accepted]:
            if accepted >= wanted:
                break
            cut = _cut_back(doc, spans, c, baseline)
            if cut is not None:
                pool.append(cut)
                accepted += 1
        pool.sort(key=_sort_key)
    ranked, seen = [], set()
    for c in pool:
        key = tuple(f.text for f in c.fills)
        if key not in seen:
            seen.add(key)
            ranked.append(c)
    return ranked
