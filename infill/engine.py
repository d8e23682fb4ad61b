"""The infill pipeline: spans -> candidate canvases -> denoise -> clean fills -> syntax-guided remasking -> ranked result.

Each request becomes one canvas per candidate length (infill/decode/lengths.py); all canvases of all requests in a
batch share each model call. Candidates are scored by the model itself and must parse no worse than the file
did without them (infill/checks/acceptance.py) before anything is shown or written.
"""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass, field, replace

import torch

from model.denoiser import is_token_level
from model.polish import polish
from model.sampler import Trace, line_token_kinds, refine, sample

from .checks.acceptance import ParseBaseline, splice
from .checks.fill_checks import check_fills
from .decode.candidates import (
    copy_may_be_shown,
    hole_scores,
    lookup_candidate,
    no_code_where_code_was_asked,
    rank_candidates,
)
from .decode.confidence import hole_pieces
from .decode.context import Canvas, build_canvas, instruction_canvas
from .decode.context_reuse import SharedContexts
from .decode.drafts import Draft, make_draft, remask_errors
from .decode.lengths import code_positions, length_plan, resolve_budget
from .decode.lookup import draft_canvas
from .decode.verify import draft_probabilities, geometric_mean
from .errors import InfillError
from .source.document import Document
from .source.indentation import pin_indentation, unpin_result
from .task import MODES, InfillOptions, InfillResult, InfillTask, Span
from .workspace.formats import denoiser_context_ids


@dataclass
class Prepared:
    """One candidate canvas of a request, ready for the sampler."""

    request: int             # which request of the batch it belongs to
    canvas: Canvas
    lengths: list[int]       # each hole's length in tokens
    ids: torch.Tensor        # (1, L)
    in_holes: torch.Tensor   # (1, L)
    code_only: torch.Tensor  # (1, L) hole positions that must get code, not <|pad|>/<|eos|>
    draft: list[int] | None = None  # a draft from the document (decode/lookup.py): scored, never decoded
    draft_bar: float = 0.0          # the geometric-mean probability the draft needs to be shown


@dataclass
class Request:
    doc: Document            # as decoded: with the indentation of empty lines under openers typed in
    task: InfillTask
    baseline: ParseBaseline
    started: float
    asked: list[Span]        # the spans as asked for, in the caller's document
    leads: list[str]         # the indentation pinned before each span's fill ("" where none)
    rounds: int = 0


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


def _checked(denoiser, doc: Document, spans: list[Span], options: InfillOptions) -> list[Span]:
    if options.mode == "instruct" and not denoiser.follows_instructions:
        why = getattr(denoiser, "chat_problem", "")
        raise InfillError(f"the model {denoiser.name!r} can fill and polish code but cannot follow instructions"
                          f"{f' ({why})' if why else ''}; configure an instruct-capable backend")
    if options.mode not in MODES:
        raise ValueError(options.mode)
    spans = _check_spans(doc, spans)
    if options.mode == "instruct" and len(spans) != 1:
        raise InfillError("an instruction rewrites one selection at a time")
    return spans


def _length_mode(options: InfillOptions) -> str:
    return options.lengths if options.mode == "fill" else "budget"


def prepare_rows(denoiser, doc: Document, spans: list[Span], options: InfillOptions, request: int = 0) -> list[Prepared]:
    """The candidate canvases of one request: one per planned set of hole lengths (refine: the text as it is)."""
    tok = denoiser.tokenizer
    window = min(denoiser.max_len, options.context_tokens or denoiser.max_len)
    if options.mode == "refine":
        plans = [[len(tok.encode(doc.text[s.start:s.end])) or 1 for s in spans]]
    else:
        plans = length_plan(spans, [resolve_budget(s, doc, tok, options) for s in spans], _length_mode(options),
                            options.max_lengths)
    rows, bounds = [], None
    # A BOS the model was trained with, then what other workspace files define (infill/workspace), then the file.
    lead = tuple(getattr(denoiser, "lead_ids", ())) + denoiser_context_ids(tok, options.workspace, doc.language.line_comment)
    # The longest holes first: its context cut serves every other length (the same context in every row).
    for lengths in sorted(plans, key=sum, reverse=True):
        if options.mode == "refine":
            hole_ids = [tok.encode(doc.text[s.start:s.end]) or [denoiser.pad_id] for s in spans]
        else:
            hole_ids = [[denoiser.mask_id] * n for n in lengths]
        if options.mode == "instruct":
            canvas = instruction_canvas(denoiser, doc, spans, hole_ids[0], options.instruction or "", window)
        else:
            trained = denoiser.train_window if options.keep_to_train_window else None
            canvas = build_canvas(doc, spans, hole_ids, tok, window, trained, bounds, lead)
            bounds = (canvas.prefix_start, canvas.suffix_end)
        ids = torch.tensor([canvas.ids], device=denoiser.device)  # (1, L)
        in_holes = torch.zeros_like(ids, dtype=torch.bool)
        code_only = torch.zeros_like(in_holes)
        for span, (lo, hi) in zip(spans, canvas.holes):
            in_holes[0, lo:hi] = True
            if options.mode != "refine":
                code_only[0, lo:lo + code_positions(span.kind, hi - lo, _length_mode(options))] = True
        rows.append(Prepared(request, canvas, lengths, ids, in_holes, code_only))
    lookup = _lookup_row(denoiser, doc, spans, options, rows[0], window)
    return rows + ([lookup] if lookup is not None else [])


def _lookup_row(denoiser, doc: Document, spans: list[Span], options: InfillOptions, like: Prepared,
                window: int) -> Prepared | None:
    """Ghost text: `like`'s canvas with its hole as long as the document's own draft of the line, to be scored."""
    workspace = options.workspace
    elsewhere = workspace.texts if workspace is not None and workspace.draft_confidence < 1.0 else ()
    own = options.lookup_confidence < 1.0  # drafts from the document itself; the workspace's have their own bar
    if options.mode != "fill" or not (own or elsewhere) or len(spans) != 1:
        return None
    found = draft_canvas(doc, spans[0], like.canvas, denoiser.tokenizer, denoiser.mask_id, options.max_fill_tokens,
                         window, elsewhere, own)
    if found is None:
        return None
    canvas, draft, from_workspace = found
    ids = torch.tensor([canvas.ids], device=denoiser.device)  # (1, L)
    in_holes = torch.zeros_like(ids, dtype=torch.bool)
    in_holes[0, canvas.holes[0][0]:canvas.holes[0][1]] = True
    # A line copied from another file is held to its own bar: it is right less often than one from this file.
    bar = workspace.draft_confidence if from_workspace else options.lookup_confidence
    return Prepared(like.request, canvas, [len(draft)], ids, in_holes, in_holes.clone(), draft, bar)


@dataclass
class Batch:
    """Every candidate canvas of a batch of requests, padded to one length: what the sampler and the syntax rounds
    work on. The rounds replace a row's ids, probabilities and draft when its repair parses no worse."""

    rows: list[Prepared]
    ids: torch.Tensor                # (R, L)
    in_holes: torch.Tensor           # (R, L)
    code_only: torch.Tensor          # (R, L)
    attention: torch.Tensor | None   # (R, L); None when every row fills the length
    probs: torch.Tensor | None = None  # (R, L) the probability each token had when committed; NaN elsewhere
    drafts: list[Draft | None] = field(default_factory=list)  # None: a row neither decoded nor a document draft
    decoded: list[int] = field(default_factory=list)  # rows the sampler filled (the others: document drafts, or
                                                      # rows a sure document draft made unnecessary)


def _stack(rows: list[Prepared]) -> Batch:
    """Rows padded to one length; padding is masked out of attention."""
    length = max(p.ids.shape[1] for p in rows)
    device = rows[0].ids.device
    # Padding is masked out of attention; any id the embedding holds will do (a config's pad id may lie outside it).
    ids = torch.full((len(rows), length), int(rows[0].ids[0, 0]), dtype=torch.long, device=device)  # (R, L)
    in_holes = torch.zeros_like(ids, dtype=torch.bool)
    code_only = torch.zeros_like(in_holes)
    attention = torch.zeros_like(ids)
    for i, p in enumerate(rows):
        n = p.ids.shape[1]
        ids[i, :n], in_holes[i, :n], code_only[i, :n], attention[i, :n] = p.ids[0], p.in_holes[0], p.code_only[0], 1
    return Batch(rows, ids, in_holes, code_only, None if bool(attention.all()) else attention)


@dataclass
class Decoding:
    """What every sampler call of a batch shares besides the canvases: the cache seeds and the line stops."""

    shared: SharedContexts | None = None   # cache mode "reuse"
    line_holes: torch.Tensor | None = None  # (R, L) number of the single-line hole at each position, 0 elsewhere
    line_kinds: torch.Tensor | None = None  # (V,) what each token does to a line (model.sampler)

    def sample(self, denoiser, batch: Batch, masked: torch.Tensor, sampler, rows: list[int]):
        """`sample` over the batch rows `rows`; `masked` (len(rows), L) is theirs."""
        pick = torch.tensor(rows, device=batch.ids.device)
        return sample(denoiser, batch.ids[pick], masked, sampler,
                      attention_mask=None if batch.attention is None else batch.attention[pick],
                      code_only=batch.code_only[pick],
                      cache=self.shared.cache_for(rows) if self.shared is not None else None,
                      line_holes=None if self.line_holes is None else self.line_holes[rows], line_kinds=self.line_kinds)


def plan_decoding(denoiser, requests: list[Request], rows: list[Prepared], ids: torch.Tensor) -> Decoding:
    """Seed the reuse cache and number the single-line holes (a rest-of-line fill stops once its line has ended)."""
    options = requests[0].task.options
    decoding = Decoding()
    if options.mode != "fill":
        return decoding
    if options.sampler.cache == "reuse" and "reuse" in denoiser.supports_cache:
        decoding.shared = SharedContexts(denoiser, rows, [r.task.options.context_key for r in requests], ids.shape[1],
                                         options.sampler.cache_refresh)
    line_holes = torch.zeros_like(ids, dtype=torch.int32)
    for i, row in enumerate(rows):
        for number, (span, (lo, hi)) in enumerate(zip(requests[row.request].task.spans, row.canvas.holes), start=1):
            if span.single_line:
                line_holes[i, lo:hi] = number
    if line_holes.any():
        decoding.line_holes = line_holes
        decoding.line_kinds = line_token_kinds(denoiser.tokenizer, denoiser.vocab_size,
                                               tuple(sorted(_skip_ids(denoiser)))).to(ids.device)
    return decoding


def _skip_ids(denoiser) -> set[int]:
    """Tokens that are never text of a fill: pads, ends of an answer (<|im_end|>, <|dlm_pad|>, ...), the mask."""
    return {denoiser.pad_id, denoiser.eos_id, denoiser.mask_id, *getattr(denoiser, "end_ids", ())}


def _draft(denoiser, req: Request, row: Prepared, ids: torch.Tensor) -> Draft:
    n = row.ids.shape[1]
    return make_draft(req.doc, req.task.spans, ids[:n].unsqueeze(0), row.canvas.holes, denoiser.tokenizer, _skip_ids(denoiser))


def _row_score(probs: torch.Tensor, ids: torch.Tensor, row: Prepared, skip: set[int]) -> float:
    scores = hole_scores(probs, ids, row.canvas.holes, skip)
    return sum(scores) / len(scores)


def _syntax_rounds(denoiser, requests: list[Request], batch: Batch, sampler, trace: Trace, decoding: Decoding) -> None:
    """Rows whose file parses worse than without the fill: re-mask the tokens on broken lines, denoise again.
    Only rows that could still win are repaired: those scored above every row of their request that parses."""
    tok, skip = denoiser.tokenizer, _skip_ids(denoiser)
    rows, ids, probs, drafts = batch.rows, batch.ids, batch.probs, batch.drafts
    for round_no in range(max((r.task.options.syntax_rounds for r in requests), default=0)):
        scores = {i: _row_score(probs[i], ids[i], rows[i], skip) for i in batch.decoded}
        best_ok: dict[int, float] = {}  # per request: the best score among rows that already parse no worse
        for i in batch.decoded:
            req = requests[rows[i].request]
            if drafts[i].acceptable(req.baseline.allowed) and \
                    not no_code_where_code_was_asked(req.doc, req.task.spans, drafts[i].fills):
                best_ok[rows[i].request] = max(best_ok.get(rows[i].request, -math.inf), scores[i])
        remask = torch.zeros_like(batch.code_only)
        bad = []
        for i in batch.decoded:
            row, draft, req = rows[i], drafts[i], requests[rows[i].request]
            if round_no >= req.task.options.syntax_rounds or draft.acceptable(req.baseline.allowed):
                continue  # (a blank fill parses: there is nothing to re-mask in it)
            if scores[i] <= best_ok.get(row.request, -math.inf):  # repairing it could not beat a fill that parses
                continue
            mask = remask_errors(draft, row.canvas.holes, tok, skip)[0]
            if mask.any():
                remask[i, :mask.shape[0]] = mask
                bad.append(i)
        if not bad:
            return
        new_ids, round_trace = decoding.sample(denoiser, batch, remask[torch.tensor(bad, device=ids.device)], sampler, bad)
        round_trace.remasked = int(remask.sum())
        for j, i in enumerate(bad):
            requests[rows[i].request].rounds = round_no + 1
            candidate = _draft(denoiser, requests[rows[i].request], rows[i], new_ids[j])
            if candidate.total_errors <= drafts[i].total_errors:
                drafts[i], ids[i] = candidate, new_ids[j]
                committed = ~round_trace.commit_probs[j].isnan()
                probs[i][committed] = round_trace.commit_probs[j][committed]
        round_trace.commit_probs = None
        trace.merge(round_trace)


def _result(denoiser, req: Request, rows: list[Prepared], drafts: list[Draft], ids, probs, trace: Trace,
            decoded: list[int]) -> InfillResult:
    """The request's ranked candidates: the sampler's rows (`decoded`), and first a document draft the model is sure
    of."""
    skip, spans, options = _skip_ids(denoiser), req.task.spans, req.task.options
    scores = [hole_scores(probs[i], ids[i], row.canvas.holes, skip) for i, row in enumerate(rows)]
    pieces = [hole_pieces(denoiser.tokenizer, ids[i], probs[i], row.canvas.holes, skip) for i, row in enumerate(rows)]
    ranked = rank_candidates(req.doc, spans, [drafts[i] for i in decoded], [scores[i] for i in decoded],
                             [rows[i].lengths for i in decoded], req.baseline, options,
                             [pieces[i] for i in decoded]) if decoded else []
    for i in (i for i, row in enumerate(rows) if row.draft is not None):
        copied = lookup_candidate(req.doc, spans, drafts[i], scores[i], rows[i].lengths, pieces[i], req.baseline,
                                  replace(options, lookup_confidence=rows[i].draft_bar))
        if copied is not None:
            ranked = [copied] + [c for c in ranked if c.fills != copied.fills]
    if not ranked:
        return InfillResult.nothing_sure(req.doc.text, req.task.spans, trace, denoiser.name, req.baseline.allowed,
                                         time.perf_counter() - req.started)
    best = ranked[0]
    text = splice(req.doc.text, best.fills)
    check = check_fills(req.doc, best.fills, spans)
    # None: the best fill was assembled from several rows or cut back, so no row holds it
    source = next((i for i, d in enumerate(drafts) if d is not None and d.fills == best.fills), None)
    tokens = sum(1 for lo, hi in rows[source].canvas.holes for t in ids[source, lo:hi].tolist() if t not in skip) \
        if source is not None else len(denoiser.tokenizer.encode("".join(f.text for f in best.fills)))
    return InfillResult(text, best.fills, trace, tokens, check.inside, req.rounds, denoiser.name,
                        time.perf_counter() - req.started, best.accepted, ranked, req.baseline.allowed, check.describe())


def _verify_lookups(denoiser, requests: list[Request], batch: Batch, decoding: Decoding) -> set[int]:
    """Score every document draft token by token (decode/verify.py), keeping its Draft in `batch.drafts`; returns the
    requests whose draft is sure enough and parses no worse: they need no decoding."""
    settled = set()
    batch.drafts = [None] * len(batch.rows)
    for i, row in enumerate(batch.rows):
        if row.draft is None:
            continue
        req, bar = requests[row.request], row.draft_bar
        if bar > 0:
            cache = decoding.shared.shared_cache(i) if decoding.shared is not None else None
            attention = None if batch.attention is None else batch.attention[i]
            probs = draft_probabilities(denoiser, batch.ids[i], attention, row.canvas.holes[0], row.draft, cache)
        else:  # every draft that passes the rules is shown: no score could change that, so the model is not asked
            probs = torch.full((len(row.draft),), math.nan)  # (NaN: never scored)
        lo, hi = row.canvas.holes[0]
        batch.ids[i, lo:hi] = torch.tensor(row.draft, device=batch.ids.device)
        batch.probs[i, lo:hi] = probs.to(batch.probs.device)
        draft = batch.drafts[i] = _draft(denoiser, req, row, batch.ids[i])
        if (bar <= 0 or geometric_mean(probs.tolist()) >= bar) \
                and copy_may_be_shown(req.doc, req.task.spans, draft, req.baseline):
            settled.add(row.request)
    return settled


def _words_outside(doc: Document, spans: list[Span]) -> frozenset[str]:
    """The words the document uses outside `spans`: its own names, which polish never swaps for one another."""
    cuts = [0] + [edge for s in spans for edge in (s.start, s.end)] + [len(doc.text)]
    return frozenset(word for a, b in zip(cuts[::2], cuts[1::2]) for word in re.findall(r"\w+", doc.text[a:b]))


def run_infill_batch(denoiser, requests: list[tuple[Document, list[Span], InfillOptions]]) -> list[InfillResult | Exception]:
    """Several requests with the same sampler options and mode: every candidate canvas of every request shares each
    model call (rows padded to one length, padding masked out of attention)."""
    outcomes: list[InfillResult | Exception | None] = []
    live: list[Request] = []
    rows: list[Prepared] = []
    for doc, spans, options in requests:
        try:
            started = time.perf_counter()
            asked = _checked(denoiser, doc, spans, options)
            doc, spans, leads = pin_indentation(doc, asked) if options.mode == "fill" else (doc, asked, [])
            new_rows = prepare_rows(denoiser, doc, spans, options, len(live))
        except (InfillError, ValueError) as exc:
            outcomes.append(exc)
            continue
        live.append(Request(doc, InfillTask(doc.text, doc.language.name, spans, options), ParseBaseline.of(doc, spans),
                            started, asked, leads))
        rows += new_rows
        outcomes.append(None)
    if not rows:
        return outcomes
    first = live[0].task.options
    if any(repr(r.task.options.sampler) != repr(first.sampler) or r.task.options.mode != first.mode for r in live):
        raise ValueError("a batch shares one sampler configuration and fill mode")
    batch = _stack(rows)
    decoding = plan_decoding(denoiser, live, rows, batch.ids)
    batch.probs = torch.full(batch.ids.shape, float("nan"), device=batch.ids.device)
    settled = _verify_lookups(denoiser, live, batch, decoding)
    # Ghost text with a threshold of 1 (the model is never sure enough in that language) decodes nothing.
    batch.decoded = [i for i, row in enumerate(rows) if row.draft is None and row.request not in settled
                     and live[row.request].task.options.min_confidence < 1.0]
    trace = Trace()
    if first.mode == "refine":
        known = [_words_outside(live[row.request].doc, live[row.request].task.spans) for row in rows]
        batch.ids, trace = polish(denoiser, batch.ids, batch.in_holes, first.polish, attention_mask=batch.attention,
                                  known=known)
        batch.probs, batch.decoded = trace.commit_probs, list(range(len(rows)))
    elif batch.decoded:
        pick = torch.tensor(batch.decoded, device=batch.ids.device)
        batch.ids[pick], trace = decoding.sample(denoiser, batch, batch.in_holes[pick], first.sampler, batch.decoded)
        if first.revise_rounds:
            own = batch.in_holes[pick] & ~torch.isin(batch.ids[pick], torch.tensor(sorted(_skip_ids(denoiser)),
                                                                                   device=batch.ids.device))
            batch.ids[pick], revise_trace = refine(
                denoiser, batch.ids[pick], own, replace(first.sampler, refine_rounds=first.revise_rounds),
                attention_mask=None if batch.attention is None else batch.attention[pick],
                code_only=batch.code_only[pick])
            trace.merge(revise_trace)
        batch.probs[pick] = trace.commit_probs
    if batch.probs is None:
        batch.probs = torch.full(batch.ids.shape, float("nan"))
    trace.commit_probs = None
    for i in batch.decoded:
        batch.drafts[i] = _draft(denoiser, live[batch.rows[i].request], batch.rows[i], batch.ids[i])
    _syntax_rounds(denoiser, live, batch, first.sampler, trace, decoding)
    results = []
    for k, req in enumerate(live):
        mine = [i for i, row in enumerate(rows) if row.request == k]
        row_trace = replace(trace, committed_per_step=list(trace.committed_per_step), confidences=list(trace.confidences))
        result = _result(denoiser, req, [rows[i] for i in mine], [batch.drafts[i] for i in mine], batch.ids[mine],
                         batch.probs[mine], row_trace, [j for j, i in enumerate(mine) if i in batch.decoded])
        results.append(unpin_result(result, req.asked, req.leads))
    it = iter(results)
    return [o if o is not None else next(it) for o in outcomes]


def run_infill(denoiser, doc: Document, spans: list[Span], options: InfillOptions | None = None) -> InfillResult:
    """Fill `spans` of `doc`; every character outside them is kept as it is."""
    options = options or InfillOptions()
    if not is_token_level(denoiser):  # a text-level backend (a remote API)
        from .remote_fill import run_remote_infill
        asked = _checked(denoiser, doc, spans, options)
        pinned, spans, leads = pin_indentation(doc, asked) if options.mode == "fill" else (doc, asked, [])
        result = run_remote_infill(denoiser, pinned, spans, options)
        return unpin_result(result, asked, leads)
    outcome = run_infill_batch(denoiser, [(doc, spans, options)])[0]
    if isinstance(outcome, Exception):
        raise outcome
    return outcome
