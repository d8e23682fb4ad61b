"""Ranking decoded candidates: the model's own score, parse validity as a hard filter, distinct fills first."""

from __future__ import annotations

import math
from dataclasses import replace

import torch

from ..checks.acceptance import ParseBaseline, longest_acceptable_prefix
from ..checks.fill_checks import check_fills
from ..source.document import Document
from ..source.languages import has_code
from ..source.spans import in_comment_or_string
from ..task import Candidate, Fill, InfillOptions, Span
from .confidence import Pieces, confidence, confident_prefix
from .drafts import Draft
from .postprocess import drop_repeated_rest_of_line
from .verify import geometric_mean

# Kinds that may rightly come back empty: the rest of a line when nothing fits.
MAY_BE_EMPTY = frozenset({"line"})
MIN_GHOST_CHARS = 2  # ghost text shorter than this (white space aside) is not worth showing


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
    nor is code replaced by them: that deletes it; ghost text may be prose only where the cursor is in a comment or
    a string."""
    original = doc.text[span.start:span.end]
    if span.open_ended and 0 < len("".join(fill.text.split())) < MIN_GHOST_CHARS:
        return False  # one character of ghost text saves one keystroke and costs a read
    if has_code(fill.text, doc.language):
        return True
    if span.open_ended and fill.text.strip() and not in_comment_or_string(doc, span.start):
        return False  # ghost text of only a comment where code is typed leaves the statement as unfinished
    if has_code(original, doc.language):
        return False
    return span.kind in MAY_BE_EMPTY or (bool(fill.text.strip()) and bool(original.strip()))


def no_code_where_code_was_asked(doc: Document, spans: list[Span], fills: list[Fill]) -> bool:
    return not all(usable(doc, s, f) for s, f in zip(spans, fills))


def _candidate(doc: Document, spans: list[Span], fills: list[Fill], score: float, baseline: ParseBaseline,
               lengths: list[int], checked: Draft | None = None, pieces: list[Pieces] | None = None) -> Candidate:
    """`checked`: the Draft these fills come from, whose checks are not run again."""
    check = checked if checked is not None else check_fills(doc, fills, spans)
    errors = check.total_errors if checked is not None else check.problems
    accepted = check.acceptable(baseline.allowed) and not no_code_where_code_was_asked(doc, spans, fills)
    pieces = pieces or []
    sure = min((confidence(f.text, p) for f, p in zip(fills, pieces)), default=1.0)
    return Candidate(fills, score, errors, accepted, lengths, pieces, sure)


def _confident(doc: Document, spans: list[Span], c: Candidate, baseline: ParseBaseline, threshold: float) -> Candidate:
    """Ghost text: each fill cut at its first token the model was less sure of than `threshold`."""
    fills = [Fill(f.start, f.end, confident_prefix(f.text, p, threshold)) for f, p in zip(c.fills, c.pieces)]
    if fills == c.fills:
        return c
    fills = [Fill(f.start, f.end, drop_repeated_rest_of_line(doc, s, f.text)) for f, s in zip(fills, spans)]
    return _candidate(doc, spans, fills, c.score, baseline, c.lengths, pieces=c.pieces)


def _assembled(doc, spans, drafts: list[Draft], scores: list[list[float]], baseline, lengths,
               pieces: list[list[Pieces]] | None) -> Candidate:
    """Several holes: each takes the row where it parses and scores best (rows were decoded side by side)."""
    picks = []
    for k, span in enumerate(spans):
        def key(r: int) -> tuple:
            fill = drafts[r].fills[k]
            return (usable(doc, span, fill), not drafts[r].errors[k], scores[r][k])
        picks.append(max(range(len(drafts)), key=key))
    fills = [drafts[r].fills[k] for k, r in enumerate(picks)]
    score = sum(scores[r][k] for k, r in enumerate(picks)) / len(picks)
    return _candidate(doc, spans, fills, score, baseline, [lengths[r][k] for k, r in enumerate(picks)],
                      pieces=[pieces[r][k] for k, r in enumerate(picks)] if pieces else None)


def _cut_back(doc: Document, spans: list[Span], c: Candidate, baseline: ParseBaseline) -> Candidate | None:
    """Ghost text: the candidate cut back, hole by hole, to prefixes with which the file parses no worse."""
    fills = list(c.fills)
    for k in range(len(fills)):
        trial = fills[:k + 1] + [Fill(f.start, f.end, doc.text[f.start:f.end]) for f in fills[k + 1:]]
        prefix = longest_acceptable_prefix(doc, trial, k, baseline, spans)
        if prefix is None:
            return None
        fills[k] = Fill(fills[k].start, fills[k].end, drop_repeated_rest_of_line(doc, spans[k], prefix))
    cut = _candidate(doc, spans, fills, c.score, baseline, c.lengths, pieces=c.pieces)
    return cut if cut.accepted else None


def _sort_key(c: Candidate) -> tuple:
    """Accepted first; then fewer parse errors (where the file was broken already, e.g. hole markers); then score."""
    return (not c.accepted, c.errors, -c.score)


def rank_candidates(doc: Document, spans: list[Span], drafts: list[Draft], scores: list[list[float]],
                    lengths: list[list[int]], baseline: ParseBaseline, options: InfillOptions,
                    pieces: list[list[Pieces]] | None = None) -> list[Candidate]:
    """Every distinct candidate, accepted ones first and best-scored first; ghost text is cut where the model stops
    being sure (`pieces`, per row and hole: its tokens' commit probabilities) and cut back where it breaks the file."""
    pool = [_candidate(doc, spans, d.fills, sum(s) / len(s), baseline, lengths[r], d,
                       pieces[r] if pieces else None)
            for r, (d, s) in enumerate(zip(drafts, scores))]
    if len(spans) > 1 and len(drafts) > 1:
        pool.append(_assembled(doc, spans, drafts, scores, baseline, lengths, pieces))
    if options.min_confidence > 0 and pieces:
        pool = [_confident(doc, spans, c, baseline, options.min_confidence) for c in pool]
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


def lookup_candidate(doc: Document, spans: list[Span], draft: Draft, scores: list[float], lengths: list[int],
                     pieces: list[Pieces], baseline: ParseBaseline, options: InfillOptions) -> Candidate | None:
    """Ghost text copied from the document (decode/lookup.py), shown whole when the model is sure enough of it (the
    geometric mean of its tokens' probabilities): a copied line is right or wrong as a whole, and cutting it at its
    least likely token mostly cuts right ones. None when it may not be shown (copy_may_be_shown)."""
    sure = geometric_mean([p for hole in pieces for _, p in hole])
    if sure < options.lookup_confidence:
        return None
    if not copy_may_be_shown(doc, spans, draft, baseline):
        return None
    c = _candidate(doc, spans, draft.fills, sum(scores) / len(scores), baseline, lengths, draft, pieces)
    return replace(c, confidence=sure) if c.accepted else None


def copy_may_be_shown(doc: Document, spans: list[Span], draft: Draft, baseline: ParseBaseline) -> bool:
    """A draft copied from the document passes the rules of any suggestion, and no problem touches it: one that does
    (`return self.` + `items = []`) does not finish the line here, and it is not cut back to a prefix either, as the
    model's own suggestions are: a prefix of another line's ending is rarely what comes next."""
    return draft.acceptable(baseline.allowed) and not draft.error_count \
        and not no_code_where_code_was_asked(doc, spans, draft.fills)
