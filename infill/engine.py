"""The infill pipeline: spans -> canvas -> denoise -> clean fills -> syntax-guided remasking -> new text."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import torch

from model.sampler import Trace, refine, sample

from .context import build_canvas, instruction_canvas
from .document import Document
from .errors import InfillError
from .postprocess import clean_fill, drop_repeated_rest_of_line
from .syntax import errors_within, syntax_error_ranges
from .task import MODES, Fill, InfillOptions, InfillResult, InfillTask, Span

# A cursor completion may rightly be empty (nothing to add); any other hole asked for code, so its first
# positions may not be <|pad|> (a weak model would otherwise delete a stub and leave nothing). A body's first
# token is usually its indentation, so bodies and blocks need three.
MIN_FILL_TOKENS = {"line": 0, "body": 3, "braces": 3, "block": 3}
MIN_BUDGET = {"line": 24, "lines": 32, "selection": 16, "block": 96, "body": 64, "braces": 64, "hole": 32}


@dataclass
class Draft:
    """One complete candidate: the canvas ids, the fills they decode to, and where those fills sit."""

    ids: torch.Tensor                 # (1, L)
    fills: list[Fill]
    text: str
    new_ranges: list[tuple[int, int]]  # each fill's range in `text`
    errors: list[list[tuple[int, int]]]  # syntax errors touching each fill

    @property
    def error_count(self) -> int:
        return sum(len(e) for e in self.errors)


def resolve_budget(span: Span, doc: Document, tok, options: InfillOptions) -> int:
    if span.budget:
        return max(1, min(span.budget, options.max_fill_tokens))
    original = 0 if span.kind in ("hole", "line", "block") else len(tok.encode(doc.text[span.start:span.end]))
    return min(max(MIN_BUDGET.get(span.kind, 32), int(original * 1.5) + 8), options.max_fill_tokens)


def _check_spans(doc: Document, spans: list[Span]) -> list[Span]:
    if not spans:
        raise InfillError("nothing to fill: no spans selected")
    spans = sorted(spans, key=lambda s: (s.start, s.end))
    for span in spans:
        if not 0 <= span.start <= span.end <= len(doc.text):
            raise InfillError(f"span {span.start}-{span.end} is outside the document")
    for a, b in zip(spans, spans[1:]):
        if b.start < a.end:
            raise InfillError("spans overlap")
    return spans


def _hole_text(tok, ids: list[int], skip: set[int]) -> str:
    return tok.decode([i for i in ids if i not in skip])


def _draft(doc: Document, spans: list[Span], ids: torch.Tensor, holes, tok, skip: set[int]) -> Draft:
    fills, pieces, new_ranges, pos, cursor = [], [], [], 0, 0
    for span, (lo, hi) in zip(spans, holes):
        raw = _hole_text(tok, ids[0, lo:hi].tolist(), skip)
        prefix_line = doc.text[doc.text.rfind("\n", 0, span.start) + 1:span.start]
        text = drop_repeated_rest_of_line(doc, span, clean_fill(raw, span, prefix_line, doc.text[span.end:]))
        fills.append(Fill(span.start, span.end, text))
        pieces.append(doc.text[pos:span.start])
        cursor += len(pieces[-1])
        new_ranges.append((cursor, cursor + len(text)))
        pieces.append(text)
        cursor += len(text)
        pos = span.end
    pieces.append(doc.text[pos:])
    text = "".join(pieces)
    all_errors = syntax_error_ranges(text, doc.language)
    return Draft(ids, fills, text, new_ranges, [errors_within(all_errors, a, b) for a, b in new_ranges])


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


@dataclass
class Prepared:
    """A request turned into a canvas, ready for the sampler."""

    doc: Document
    task: InfillTask
    canvas: object
    ids: torch.Tensor        # (1, L)
    in_holes: torch.Tensor   # (1, L)
    code_only: torch.Tensor  # (1, L) the first positions of holes that may not come back empty
    started: float


def _checked(denoiser, doc: Document, spans: list[Span], options: InfillOptions) -> list[Span]:
    if options.mode == "instruct" and not getattr(denoiser, "follows_instructions", False):
        raise InfillError(f"the model {denoiser.name!r} can fill and polish code but cannot follow instructions; "
                          "configure an instruct-capable backend")
    if options.mode not in MODES:
        raise ValueError(options.mode)
    spans = _check_spans(doc, spans)
    if options.mode == "instruct" and len(spans) != 1:
        raise InfillError("an instruction rewrites one selection at a time")
    return spans


def prepare_infill(denoiser, doc: Document, spans: list[Span], options: InfillOptions) -> Prepared:
    started = time.perf_counter()
    spans = _checked(denoiser, doc, spans, options)
    tok = denoiser.tokenizer
    if options.mode == "refine":
        hole_ids = [tok.encode(doc.text[s.start:s.end]) or [denoiser.pad_id] for s in spans]
    else:
        hole_ids = [[denoiser.mask_id] * resolve_budget(s, doc, tok, options) for s in spans]
    window = min(denoiser.max_len, options.context_tokens or denoiser.max_len)
    if options.mode == "instruct":
        canvas = instruction_canvas(denoiser, doc, spans, hole_ids[0], options.instruction or "", window)
    else:
        canvas = build_canvas(doc, spans, hole_ids, tok, window)
    ids = torch.tensor([canvas.ids], device=denoiser.device)  # (1, L)
    in_holes = torch.zeros_like(ids, dtype=torch.bool)
    code_only = torch.zeros_like(in_holes)
    for span, (lo, hi) in zip(spans, canvas.holes):
        in_holes[0, lo:hi] = True
        if options.mode != "refine":
            code_only[0, lo:lo + min(hi - lo, MIN_FILL_TOKENS.get(span.kind, 1))] = True
    return Prepared(doc, InfillTask(doc.text, doc.language.name, spans, options), canvas, ids, in_holes, code_only, started)


def finish_infill(denoiser, p: Prepared, ids: torch.Tensor, trace: Trace) -> InfillResult:
    """After the first denoising pass: self-correction, drafts, syntax-guided remasking, the result."""
    tok, options, spans, holes = denoiser.tokenizer, p.task.options, p.task.spans, p.canvas.holes
    skip = {denoiser.pad_id, denoiser.eos_id, denoiser.mask_id}
    if options.mode != "refine" and options.revise_rounds:
        own = p.in_holes & ~torch.isin(ids, torch.tensor(sorted(skip), device=ids.device))
        ids, step_trace = refine(denoiser, ids, own, replace(options.sampler, refine_rounds=options.revise_rounds), p.code_only)
        trace.merge(step_trace)
    best = _draft(p.doc, spans, ids, holes, tok, skip)
    rounds = 0
    while best.error_count and rounds < options.syntax_rounds:
        remask = remask_errors(best, holes, tok, skip)
        if not remask.any():
            break
        rounds += 1
        new_ids, round_trace = sample(denoiser, best.ids, remask, options.sampler, code_only=p.code_only)
        round_trace.remasked = int(remask.sum())
        trace.merge(round_trace)
        candidate = _draft(p.doc, spans, new_ids, holes, tok, skip)
        if candidate.error_count <= best.error_count:
            best = candidate
    generated = sum(1 for lo, hi in holes for t in best.ids[0, lo:hi].tolist() if t not in skip)
    return InfillResult(best.text, best.fills, trace, generated, best.error_count, rounds, denoiser.name,
                        time.perf_counter() - p.started)


def run_infill(denoiser, doc: Document, spans: list[Span], options: InfillOptions | None = None) -> InfillResult:
    """Fill `spans` of `doc`; every character outside them is kept as it is."""
    options = options or InfillOptions()
    if not hasattr(denoiser, "logits"):  # a text-level backend (remote FIM endpoint)
        from .remote_fill import run_remote_infill
        spans = _checked(denoiser, doc, spans, options)
        return run_remote_infill(denoiser, doc, spans, options, [span.budget or min(MIN_BUDGET.get(span.kind, 32) * 2,
                                                                                    options.max_fill_tokens) for span in spans])
    p = prepare_infill(denoiser, doc, spans, options)
    first_pass = refine if options.mode == "refine" else sample
    ids, trace = first_pass(denoiser, p.ids, p.in_holes, options.sampler, code_only=p.code_only)
    return finish_infill(denoiser, p, ids, trace)


def run_infill_batch(denoiser, requests: list[tuple[Document, list[Span], InfillOptions]]) -> list[InfillResult | Exception]:
    """Several fills with the same sampler options denoised together: rows padded to one length share each model call."""
    prepared: list[Prepared | Exception] = []
    for doc, spans, options in requests:
        try:
            prepared.append(prepare_infill(denoiser, doc, spans, options))
        except (InfillError, ValueError) as exc:
            prepared.append(exc)
    rows = [p for p in prepared if isinstance(p, Prepared)]
    if not rows:
        return prepared
    if len({repr(p.task.options.sampler) for p in rows}) > 1 or any(p.task.options.mode == "refine" for p in rows):
        raise ValueError("a batch shares one sampler configuration and fill mode")
    length = max(p.ids.shape[1] for p in rows)
    ids = torch.full((len(rows), length), denoiser.pad_id, dtype=torch.long, device=rows[0].ids.device)  # (B, L)
    masked = torch.zeros_like(ids, dtype=torch.bool)
    code_only = torch.zeros_like(masked)
    attention = torch.zeros_like(ids)
    for i, p in enumerate(rows):
        n = p.ids.shape[1]
        ids[i, :n], masked[i, :n], code_only[i, :n], attention[i, :n] = p.ids[0], p.in_holes[0], p.code_only[0], 1
    out, trace = sample(denoiser, ids, masked, rows[0].task.options.sampler, attention_mask=attention, code_only=code_only)
    results = iter(finish_infill(denoiser, p, out[i:i + 1, :p.ids.shape[1]], _copy(trace))
                   for i, p in enumerate(rows))
    return [p if isinstance(p, Exception) else next(results) for p in prepared]


def _copy(trace: Trace) -> Trace:
    """Each row's own copy of the batch's trace (the rows shared those model calls)."""
    return replace(trace, committed_per_step=list(trace.committed_per_step), confidences=list(trace.confidences))
