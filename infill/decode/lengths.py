"""How long each hole is: the budgets and the candidate lengths the engine decodes side by side.

Confidence-ordered decoding of a long hole whose surplus may be <|pad|> commits pads from the far end
inwards until the fill collapses. So a hole is decoded at several lengths instead; at length L its first
CODE_FRACTION * L positions must be code and only the rest may be pads, so each candidate covers lengths
from 0.6 L to L and consecutive candidates (x LENGTH_STEP) leave no gap. The model's own score picks one.
"""

from __future__ import annotations

import math

from ..source.document import Document
from ..task import InfillOptions, Span

LENGTH_MODES = ("search", "budget", "exact")
LENGTH_STEP = 1.6
CODE_FRACTION = 0.6
MAX_CANDIDATE_LENGTHS = 6
# A cursor completion may rightly be empty (nothing to add); any other hole asked for code, so in `budget`
# decoding its first positions may not be <|pad|>. A body's first token is usually its indentation.
MIN_FILL_TOKENS = {"line": 0, "body": 3, "braces": 3, "block": 3}
MIN_BUDGET = {"line": 24, "lines": 32, "selection": 16, "block": 96, "body": 64, "braces": 64, "hole": 32}
SHORTEST = {"line": 2, "body": 6, "braces": 6, "block": 6}


def resolve_budget(span: Span, doc: Document, tok, options: InfillOptions) -> int:
    """The most tokens a span may take: its own budget, else sized from its kind and the text it replaces."""
    if span.budget:
        return max(1, min(span.budget, options.max_fill_tokens))
    original = 0 if span.kind in ("hole", "line", "block") else len(tok.encode(doc.text[span.start:span.end]))
    return min(max(MIN_BUDGET.get(span.kind, 32), int(original * 1.5) + 8), options.max_fill_tokens)


def candidate_lengths(budget: int, shortest: int, most: int = MAX_CANDIDATE_LENGTHS) -> list[int]:
    """Geometric lengths from `shortest` up to `budget` (always included), at most `most` of them."""
    if budget <= shortest or most <= 1:
        return [budget]
    lengths, n = [], shortest
    while n < budget:
        lengths.append(n)
        n = max(n + 1, math.ceil(n * LENGTH_STEP))
    lengths.append(budget)
    if len(lengths) > most:  # keep both ends, thin the middle evenly
        picks = {round(i * (len(lengths) - 1) / (most - 1)) for i in range(most)}
        lengths = [lengths[i] for i in sorted(picks)]
    return lengths


def code_positions(kind: str, length: int, mode: str) -> int:
    """How many leading positions of a hole of `length` must hold code (not <|pad|>/<|eos|>)."""
    if mode == "exact":
        return length
    if mode == "search":
        return max(1, math.ceil(CODE_FRACTION * length))
    if mode == "budget":
        return min(length, MIN_FILL_TOKENS.get(kind, 1))
    raise ValueError(mode)


def length_plan(spans: list[Span], budgets: list[int], mode: str, most: int = MAX_CANDIDATE_LENGTHS) -> list[list[int]]:
    """One list of hole lengths per candidate canvas; every hole of a canvas takes its k-th candidate length."""
    if mode in ("budget", "exact"):
        return [budgets]
    if mode != "search":
        raise ValueError(mode)
    per_span = [candidate_lengths(b, SHORTEST.get(s.kind, 3), most) for s, b in zip(spans, budgets)]
    rows = max(len(options) for options in per_span)
    return [[options[min(len(options) - 1, round(k * (len(options) - 1) / max(1, rows - 1)))] for options in per_span]
            for k in range(rows)]
