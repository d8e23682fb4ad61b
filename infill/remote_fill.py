"""Filling with a text-level backend (a remote FIM endpoint): one request per span, syntax-checked retries."""

from __future__ import annotations

import time

from model.sampler import Trace

from .document import Document
from .postprocess import clean_fill, drop_repeated_rest_of_line
from .syntax import errors_within, syntax_error_ranges
from .task import Fill, InfillOptions, InfillResult, Span

CHARS_PER_TOKEN = 4  # context is cut in characters: the remote side tokenizes


def _fill_span(filler, text: str, span: Span, doc: Document, budget: int, context_chars: int, temperature: float) -> str:
    prompt, suffix = text[max(0, span.start - context_chars):span.start], text[span.end:span.end + context_chars // 3]
    raw = filler.complete(prompt, suffix, budget, temperature)
    prefix_line = text[text.rfind("\n", 0, span.start) + 1:span.start]
    return drop_repeated_rest_of_line(doc, span, clean_fill(raw, span, prefix_line, text[span.end:]))


def run_remote_infill(filler, doc: Document, spans: list[Span], options: InfillOptions, budgets: list[int]) -> InfillResult:
    """Fill spans left to right, each seeing the fills before it; a fill that does not parse is asked for again."""
    started = time.perf_counter()
    trace = Trace()
    context_chars = (options.context_tokens or 2048) * CHARS_PER_TOKEN
    fills = []
    for span, budget in zip(spans, budgets):
        best, best_errors = None, None
        for attempt in range(1 + options.syntax_rounds):
            text = _fill_span(filler, doc.text, span, doc, budget, context_chars,
                              options.sampler.temperature if attempt == 0 else max(0.3, options.sampler.temperature))
            trace.nfe += 1
            candidate = doc.text[:span.start] + text + doc.text[span.end:]
            errors = len(errors_within(syntax_error_ranges(candidate, doc.language), span.start, span.start + len(text)))
            if best_errors is None or errors < best_errors:
                best, best_errors = text, errors
            if errors == 0:
                break
        fills.append((Fill(span.start, span.end, best), best_errors))
    pieces, pos = [], 0
    for fill, _ in fills:
        pieces += [doc.text[pos:fill.start], fill.text]
        pos = fill.end
    pieces.append(doc.text[pos:])
    trace.steps = trace.nfe
    trace.seconds = time.perf_counter() - started
    return InfillResult("".join(pieces), [f for f, _ in fills], trace, tokens=0,
                        syntax_errors=sum(e for _, e in fills), syntax_rounds=trace.nfe - len(spans),
                        model=filler.name, seconds=trace.seconds)
