"""Filling with a text-level backend (a remote API): one request per span, syntax-checked retries; with a chat
endpoint, rewriting a selection by an instruction."""

from __future__ import annotations

import textwrap
import time

from model.sampler import Trace

from .checks.acceptance import ParseBaseline, fill_errors, splice
from .checks.fill_checks import check_fills
from .decode.candidates import rank_candidates
from .decode.chat_prompts import fill_messages, refactor_messages, strip_fences
from .decode.drafts import Draft
from .decode.lengths import MIN_BUDGET
from .decode.postprocess import clean_fill, drop_repeated_rest_of_line
from .errors import InfillError
from .source.document import Document
from .task import Fill, InfillOptions, InfillResult, Span
from .workspace.formats import as_input_extra, as_prompt_section

CHARS_PER_TOKEN = 4  # context is cut in characters: the remote side tokenizes


def _fill_span(filler, text: str, span: Span, doc: Document, budget: int, context_chars: int, temperature: float,
               options: InfillOptions) -> str:
    prompt, suffix = text[max(0, span.start - context_chars):span.start], text[span.end:span.end + context_chars // 3]
    extra = list(options.neighbours)
    if options.workspace is not None and options.workspace.snippets:  # the user let workspace code go to this API
        snippets = list(options.workspace.snippets)
        if getattr(filler, "api", "") == "llama-infill":
            extra = [(chunk["filename"], chunk["text"]) for chunk in as_input_extra(snippets)] + extra
        else:
            prompt = as_prompt_section(snippets, doc.language.line_comment) + prompt
    if options.mode == "instruct":
        raw = _rewrite(filler, text, span, doc, budget, prompt, suffix, options.instruction or "")
    elif filler.follows_instructions:  # a chat model: the hole is marked in the message, the reply is its code
        raw = strip_fences(filler.chat(fill_messages(prompt, suffix), budget, temperature))
    else:
        raw = filler.complete(prompt, suffix, budget, temperature, extra=extra)
    prefix_line = text[text.rfind("\n", 0, span.start) + 1:span.start]
    return drop_repeated_rest_of_line(doc, span, clean_fill(raw, span, prefix_line, text[span.end:]))


def _rewrite(filler, text: str, span: Span, doc: Document, budget: int, before: str, after: str, instruction: str) -> str:
    """A chat model's rewrite of the selection: the code of its reply (a fenced block or the plain reply)."""
    reply = filler.chat(refactor_messages(instruction, doc.language.name, before, text[span.start:span.end], after),
                        budget)
    code = textwrap.dedent(strip_fences(reply)).strip("\n")
    if not code.strip():
        raise InfillError("the model's reply to the instruction held no code")
    prefix_line = text[text.rfind("\n", 0, span.start) + 1:span.start]
    if prefix_line.strip():  # the selection starts after code on its line: the reply goes on from there
        return code
    # Chat models write the selection from column 0: lay it out at the selection's own indentation.
    selected = text[span.start:span.end]
    indent = prefix_line or selected[: len(selected) - len(selected.lstrip(" \t"))]
    lines = code.split("\n")
    return "\n".join([("" if prefix_line else indent) + lines[0]] + [indent + line if line.strip() else "" for line in lines[1:]])


def run_remote_infill(filler, doc: Document, spans: list[Span], options: InfillOptions) -> InfillResult:
    """Fill spans left to right, each seeing the fills before it; a fill that does not parse is asked for again.
    The remote side decides each fill's length; the result is checked and ranked like a local one."""
    started = time.perf_counter()
    trace = Trace()
    context_chars = (options.context_tokens or 2048) * CHARS_PER_TOKEN
    budgets = [span.budget or min(MIN_BUDGET.get(span.kind, 32) * 2, options.max_fill_tokens) for span in spans]
    if options.mode == "instruct":  # a rewrite may be longer than the selection
        budgets = [max(b, min(options.max_fill_tokens, 4 * (s.end - s.start) // CHARS_PER_TOKEN + 64)) for b, s in zip(budgets, spans)]
    baseline = ParseBaseline.of(doc, spans)
    fills: list[Fill] = []
    for k, (span, budget) in enumerate(zip(spans, budgets)):
        best, best_errors = None, None
        for attempt in range(1 + options.syntax_rounds):
            text = _fill_span(filler, doc.text, span, doc, budget, context_chars,
                              options.sampler.temperature if attempt == 0 else max(0.3, options.sampler.temperature), options)
            trace.nfe += 1
            untouched = [Fill(s.start, s.end, doc.text[s.start:s.end]) for s in spans[k + 1:]]
            total, _ = fill_errors(doc, fills + [Fill(span.start, span.end, text)] + untouched, spans)
            if best_errors is None or total < best_errors:
                best, best_errors = text, total
            if total <= baseline.allowed:
                break
        fills.append(Fill(span.start, span.end, best))
    total, per_fill = fill_errors(doc, fills, spans)
    draft = Draft(None, fills, splice(doc.text, fills), [], per_fill, total)
    ranked = rank_candidates(doc, spans, [draft], [[0.0] * len(spans)], [budgets], baseline, options)
    best = ranked[0]
    trace.steps = trace.nfe
    trace.seconds = time.perf_counter() - started
    check = check_fills(doc, best.fills, spans)
    return InfillResult(splice(doc.text, best.fills), best.fills, trace, tokens=0,
                        syntax_errors=check.inside, syntax_rounds=trace.nfe - len(spans),
                        model=filler.name, seconds=trace.seconds, accepted=best.accepted, candidates=ranked,
                        baseline_errors=baseline.allowed, problems=check.describe())
