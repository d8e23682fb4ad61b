"""Masked-diffusion samplers: unmask the masked positions in a few parallel steps.

One loop (as LLaDA's generate.py): per step, predict every masked position, score how sure the
model is, and commit the best-scored ones. Strategies differ only in the score and in how many
tokens a step may commit; `refine` starts from existing tokens and re-masks the least confident.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from functools import lru_cache

import torch

from .errors import ModelError
from .kv_cache import CACHE_MODES, ContextCache

STRATEGIES = ("confidence", "margin", "entropy", "random", "threshold")


@dataclass
class SamplerOptions:
    steps: int = 16
    strategy: str = "confidence"   # one of STRATEGIES
    threshold: float = 0.9         # `threshold`: also commit every token at least this confident (Fast-dLLM)
    block_length: int = 0          # > 0: semi-autoregressive blocks of this many masks, left to right
    temperature: float = 0.0       # 0 = greedy; > 0 = Gumbel-max sampling of the token
    seed: int | None = None
    refine_threshold: float = 0.5  # refine: re-mask tokens whose probability is below this ...
    refine_fraction: float = 0.3   # ... but at most this fraction of the editable tokens per round
    refine_rounds: int = 1
    cache: str = "none"            # one of CACHE_MODES: keep the context's keys/values between steps (and requests)
    cache_refresh: int = 0         # with a cache: a full pass every N model calls (1 = exact); 0 = once per block
    # > 0: a row whose every remaining mask is predicted less surely than this commits them all at once. Ghost text is
    # cut at its first token below its threshold, so the steps that would place such tokens one by one are spent on
    # text that is not shown.
    settle_below: float = 0.0


@dataclass
class Trace:
    steps: int = 0
    nfe: int = 0
    committed_per_step: list[int] = field(default_factory=list)
    confidences: list[list[float]] = field(default_factory=list)  # per step, of the tokens it committed
    remasked: int = 0
    seconds: float = 0.0
    # (B, L) probability each position's token had when it was committed; NaN where this run committed nothing.
    # The engine scores candidate fills with it (mean log-probability of their tokens).
    commit_probs: torch.Tensor | None = None

    def merge(self, other: "Trace") -> None:
        """Add `other`'s counts; its commit probabilities replace these where it committed (same shape only)."""
        if other.commit_probs is not None and self.commit_probs is not None \
                and other.commit_probs.shape == self.commit_probs.shape:
            self.commit_probs = torch.where(other.commit_probs.isnan(), self.commit_probs, other.commit_probs)
        self.steps += other.steps
        self.nfe += other.nfe
        self.committed_per_step += other.committed_per_step
        self.confidences += other.confidences
        self.remasked += other.remasked
        self.seconds += other.seconds


def predict_tokens(logits: torch.Tensor, mask_id: int, temperature: float, generator: torch.Generator | None,
                   code_only: torch.Tensor | None = None, filler_ids: tuple[int, ...] = ()) -> tuple[torch.Tensor, torch.Tensor]:
    """The token chosen at every predicted position and the softmax probabilities it came from.
    `logits` (N, V) at N positions; `code_only` (N,) marks those that may not take a filler id (<|pad|>, <|eos|>)."""
    logits = logits.float().clone()
    logits[..., mask_id] = -math.inf  # a position is never filled with the mask itself
    if code_only is not None:
        for filler in (f for f in filler_ids if 0 <= f < logits.shape[-1]):  # a config may name ids outside the head
            logits[..., filler].masked_fill_(code_only, -math.inf)
    probs = torch.softmax(logits, dim=-1)  # (N, V)
    if temperature > 0:
        uniform = torch.rand(logits.shape, generator=generator, device=logits.device).clamp_(1e-10, 1.0)
        tokens = (logits / temperature - torch.log(-torch.log(uniform))).argmax(-1)
    else:
        tokens = logits.argmax(-1)
    return tokens, probs  # (N,), (N, V)


def score_positions(strategy: str, tokens: torch.Tensor, probs: torch.Tensor,
                    generator: torch.Generator | None) -> torch.Tensor:
    """How sure the model is at each position; higher is committed first."""
    if strategy in ("confidence", "threshold"):
        return probs.gather(-1, tokens.unsqueeze(-1)).squeeze(-1)
    if strategy == "margin":
        top2 = probs.topk(2, dim=-1).values
        return top2[..., 0] - top2[..., 1]
    if strategy == "entropy":
        return (probs * probs.clamp_min(1e-12).log()).sum(-1)  # negative entropy
    if strategy == "random":
        return torch.rand(tokens.shape, generator=generator, device=tokens.device)
    raise ValueError(strategy)


def commit_confident(scores: torch.Tensor, confidence: torch.Tensor, todo: torch.Tensor,
                     steps_left: int, options: SamplerOptions, tokens: torch.Tensor) -> torch.Tensor:
    """Pick the positions to commit this step: the quota that finishes on time, plus (threshold) every sure one, or
    (settle_below) all of a row left unsure; a step that is not the last one defers stutters among `tokens` (B, L)
    (defer_stutters)."""
    chosen = torch.zeros_like(todo)
    settled = torch.zeros(todo.shape[0], dtype=torch.bool, device=todo.device)
    for row in range(todo.shape[0]):
        candidates = todo[row].nonzero().squeeze(-1)
        if candidates.numel() == 0:
            continue
        if float(confidence[row, candidates].max()) < options.settle_below:
            chosen[row, candidates], settled[row] = True, True
            continue
        quota = math.ceil(candidates.numel() / max(steps_left, 1))
        if options.strategy == "threshold":
            quota = max(quota, int((confidence[row, candidates] >= options.threshold).sum()))
        best = scores[row, candidates].topk(min(quota, candidates.numel())).indices
        chosen[row, candidates[best]] = True
    if steps_left > 1:
        sure = confidence >= options.threshold if options.strategy == "threshold" else torch.zeros_like(chosen)
        chosen &= ~(defer_stutters(chosen, tokens, sure) & ~settled[:, None])
    return chosen


def defer_stutters(chosen: torch.Tensor, tokens: torch.Tensor, sure: torch.Tensor) -> torch.Tensor:
    """Chosen positions whose left neighbour is chosen in the same step with the same token, unless sure.
    Both were predicted while the other was still a mask, so neither saw the other: that is how a parallel step
    writes `notebookbookbook`. Deferred, the position is predicted again next step, seeing its neighbour."""
    stutter = torch.zeros_like(chosen)  # (B, L)
    stutter[:, 1:] = chosen[:, 1:] & chosen[:, :-1] & (tokens[:, 1:] == tokens[:, :-1]) & ~sure[:, 1:]
    return stutter


def predict_logits(denoiser, ids: torch.Tensor, attention_mask: torch.Tensor | None,
                   positions: torch.Tensor, cache: ContextCache | None = None) -> torch.Tensor:
    """Logits (N, V) at `positions` (B, L), computed only for the rows that have any: finished rows of a batch
    (a short candidate length) cost nothing, and the head runs only where a token is predicted. With a cache
    every row stays (the cache holds them all) and only its active columns are recomputed."""
    if cache is not None:
        return denoiser.logits(ids, attention_mask, positions=positions, cache=cache)
    rows = positions.any(1).nonzero().squeeze(-1)
    if rows.numel() == ids.shape[0]:
        return denoiser.logits(ids, attention_mask, positions=positions)
    sub_mask = None if attention_mask is None else attention_mask[rows]
    return denoiser.logits(ids[rows], sub_mask, positions=positions[rows])


def _scatter(where: torch.Tensor, flat: torch.Tensor, fill) -> torch.Tensor:
    """A (B, L) tensor holding `flat` at the True positions of `where` (row-major) and `fill` elsewhere."""
    full = torch.full(where.shape, fill, dtype=flat.dtype, device=flat.device)
    full[where] = flat
    return full


def split_blocks(masked: torch.Tensor, block_length: int, steps: int) -> list[torch.Tensor]:
    """Semi-autoregressive blocks: the masked positions in canvas order, `block_length` at a time."""
    if block_length <= 0:
        return [masked]
    order = masked.any(0).nonzero().squeeze(-1)  # columns holding a mask in some row
    n_blocks = min(max(1, math.ceil(order.numel() / block_length)), steps)
    blocks = []
    for chunk in order.tensor_split(n_blocks):
        block = torch.zeros_like(masked)
        block[:, chunk] = masked[:, chunk]
        blocks.append(block)
    return blocks


def grid_blocks(masked: torch.Tensor, block_size: int) -> list[torch.Tensor]:
    """A block-causal model's own blocks (every `block_size` columns from column 0) that hold a mask, left to right:
    it was trained to denoise one such block seeing only finished blocks before it."""
    blocks = []
    for number in (masked.any(0).nonzero().squeeze(-1) // block_size).unique().tolist():
        block = torch.zeros_like(masked)
        columns = slice(number * block_size, (number + 1) * block_size)
        block[:, columns] = masked[:, columns]
        blocks.append(block)
    return blocks


def open_cache(denoiser, options: SamplerOptions, cache: ContextCache | None) -> ContextCache | None:
    """The cache this run keeps: the caller's (seeded from shared or earlier states), a new one, or none."""
    if options.cache not in CACHE_MODES:
        raise ValueError(options.cache)
    if options.cache == "none" or cache is not None:
        return cache
    supported = denoiser.supports_cache
    if options.cache == "reuse" and "reuse" not in supported:  # the default: the best cache this model keeps
        fallback = next((mode for mode in ("dual", "prefix") if mode in supported), None)
        return ContextCache(fallback, options.cache_refresh) if fallback else None
    if options.cache not in supported:
        raise ModelError(f"the model {denoiser.name!r} keeps no {options.cache} cache "
                         f"(it supports: {', '.join(supported) or 'none'})")
    # Without states to start from, "reuse" decodes like the dual cache.
    return ContextCache("dual" if options.cache == "reuse" else options.cache, options.cache_refresh)


# Kinds of token for stopping a single-line hole early (line_token_kinds).
CODE, NEWLINE, CODE_THEN_NEWLINE, FILLER = 0, 1, 2, 3


@lru_cache(maxsize=4)
def line_token_kinds(tokenizer, vocab_size: int, filler_ids: tuple[int, ...]) -> torch.Tensor:
    """(V,) what each token does to a line: code, a bare newline, code then a newline, or filler (pad/eos/mask)."""
    kinds = torch.zeros(vocab_size, dtype=torch.int8)
    for token in range(min(vocab_size, tokenizer.vocab_size)):  # a head may be wider than its tokenizer
        text = tokenizer.token_text(token) if token not in filler_ids else ""
        if token in filler_ids:
            kinds[token] = FILLER
        elif "\n" in text:
            kinds[token] = CODE_THEN_NEWLINE if text.split("\n")[0].strip() else NEWLINE
    return kinds


def stop_finished_lines(ids: torch.Tensor, masked: torch.Tensor, line_holes: torch.Tensor,
                        kinds: torch.Tensor) -> torch.Tensor:
    """Masked positions of a single-line hole after a committed line ending that follows code: the fill is cut
    there, so they can no longer change it. `line_holes` (B, L) numbers those holes (0 elsewhere); `kinds` (V,)."""
    kind = kinds[ids.clamp(0, kinds.numel() - 1)].long()  # (B, L)
    fixed = ~masked & (line_holes > 0)
    code_before = torch.zeros_like(masked)
    code_before[:, 1:] = fixed[:, :-1] & (kind[:, :-1] == CODE) & (line_holes[:, :-1] == line_holes[:, 1:])
    ended = fixed & ((kind == CODE_THEN_NEWLINE) | ((kind == NEWLINE) & code_before))  # (B, L)
    done = torch.zeros_like(masked)
    for row in ended.any(1).nonzero().squeeze(-1).tolist():
        for hole in line_holes[row, ended[row]].unique().tolist():
            first = int((ended[row] & (line_holes[row] == hole)).nonzero()[0])
            done[row, first + 1:] |= line_holes[row, first + 1:] == hole
    return done & masked


@torch.no_grad()
def sample(denoiser, ids: torch.Tensor, masked: torch.Tensor, options: SamplerOptions, *,
           attention_mask: torch.Tensor | None = None, code_only: torch.Tensor | None = None,
           cache: ContextCache | None = None, line_holes: torch.Tensor | None = None,
           line_kinds: torch.Tensor | None = None) -> tuple[torch.Tensor, Trace]:
    """Unmask `masked` positions of `ids` (B, L); every other id is a constraint and never changes.
    Rows of a batch may be padded to one length: `attention_mask` (B, L) marks their real tokens;
    `code_only` (B, L) marks positions that must get code, not <|pad|>/<|eos|> (a hole that may not come back empty);
    `cache` may come seeded; `line_holes` with `line_kinds` stop a single-line hole once its line has ended."""
    if options.strategy not in STRATEGIES:
        raise ValueError(options.strategy)
    cache = open_cache(denoiser, options, cache)
    started = time.perf_counter()
    generator = torch.Generator(device=ids.device).manual_seed(options.seed) if options.seed is not None else None
    ids, masked = ids.clone(), masked.clone().to(torch.bool)
    ids[masked] = denoiser.mask_id
    trace = Trace(commit_probs=torch.full(ids.shape, math.nan, device=ids.device))
    steps = max(1, options.steps)
    if model_block := getattr(denoiser, "block_size", 0):  # its own blocks, each with a share of the steps
        blocks = grid_blocks(masked, model_block)
        steps_per_block = [max(1, math.ceil(steps / max(1, len(blocks))))] * len(blocks)
    else:
        blocks = split_blocks(masked, options.block_length, steps)
        steps_per_block = [len(part) for part in torch.arange(steps).tensor_split(len(blocks))]
    fillers = (denoiser.pad_id, denoiser.eos_id, *sorted(getattr(denoiser, "end_ids", ())))  # never code
    for block, block_steps in zip(blocks, steps_per_block):
        if cache is not None:
            cache.plan(masked & block)  # a full pass opens each block; its masked columns are recomputed after
        for step in range(block_steps):
            todo = masked & block
            if not todo.any():
                break
            logits = predict_logits(denoiser, ids, attention_mask, todo, cache)  # (N, V) at the positions still to do
            trace.nfe += 1
            tokens, probs = predict_tokens(logits, denoiser.mask_id, options.temperature, generator,
                                           None if code_only is None else code_only[todo], fillers)
            flat_confidence = probs.gather(-1, tokens.unsqueeze(-1)).squeeze(-1)  # (N,)
            flat_scores = score_positions(options.strategy, tokens, probs, generator)
            confidence, scores = (_scatter(todo, flat, -math.inf) for flat in (flat_confidence, flat_scores))  # (B, L)
            tokens = _scatter(todo, tokens, denoiser.mask_id)
            chosen = commit_confident(scores, confidence, todo, block_steps - step, options, tokens)
            ids[chosen] = tokens[chosen]
            trace.commit_probs[chosen] = confidence[chosen]
            masked &= ~chosen
            if line_holes is not None and line_kinds is not None:
                after_end = stop_finished_lines(ids, masked, line_holes, line_kinds)
                ids[after_end], masked = denoiser.pad_id, masked & ~after_end
            trace.steps += 1
            trace.committed_per_step.append(int(chosen.sum()))
            trace.confidences.append(confidence[chosen].tolist())
    trace.seconds = time.perf_counter() - started
    return ids, trace


@torch.no_grad()
def token_confidence(denoiser, ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
                     positions: torch.Tensor | None = None) -> torch.Tensor:
    """Probability the model gives to each present token (at `positions`, default all) seeing the whole sequence."""
    if positions is None:
        positions = torch.ones_like(ids, dtype=torch.bool) if attention_mask is None else attention_mask.bool()
    probs = torch.softmax(denoiser.logits(ids, attention_mask, positions=positions).float(), dim=-1)  # (N, V)
    present = probs.gather(-1, ids[positions].to(probs.device).unsqueeze(-1)).squeeze(-1)  # (N,)
    return _scatter(positions, present, 0.0)  # (B, L)


def select_low_confidence(confidence: torch.Tensor, editable: torch.Tensor, options: SamplerOptions) -> torch.Tensor:
    """Editable positions below the refine threshold, the least confident first, capped per row."""
    remask = torch.zeros_like(editable)
    for row in range(editable.shape[0]):
        candidates = (editable[row] & (confidence[row] < options.refine_threshold)).nonzero().squeeze(-1)
        cap = max(1, int(options.refine_fraction * int(editable[row].sum())))
        worst = confidence[row, candidates].topk(min(cap, candidates.numel()), largest=False).indices
        remask[row, candidates[worst]] = True
    return remask


@torch.no_grad()
def refine(denoiser, ids: torch.Tensor, editable: torch.Tensor, options: SamplerOptions, *,
           attention_mask: torch.Tensor | None = None, code_only: torch.Tensor | None = None) -> tuple[torch.Tensor, Trace]:
    """Self-correction: re-mask the least confident editable tokens and denoise them again."""
    trace = Trace(commit_probs=torch.full(ids.shape, math.nan, device=ids.device))
    ids, editable = ids.clone(), editable.clone().to(torch.bool)
    for _ in range(max(1, options.refine_rounds)):
        started = time.perf_counter()
        confidence = token_confidence(denoiser, ids, attention_mask, editable)
        trace.nfe += 1
        trace.seconds += time.perf_counter() - started
        remask = select_low_confidence(confidence, editable, options)
        if not remask.any():
            break
        trace.remasked += int(remask.sum())
        ids, round_trace = sample(denoiser, ids, remask, options, attention_mask=attention_mask, code_only=code_only)
        trace.merge(round_trace)
    return ids, trace
