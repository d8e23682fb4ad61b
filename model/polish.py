"""Polish that does no harm: a token is replaced only where the model, seeing everything else, finds it unlikely and
prefers another token by a clear margin, both read at the same masked position under the same context. One token a
round (the most lopsided), a few rounds; a correct line is left as it is, and what changes is a minimal diff."""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from functools import lru_cache

import torch

from .sampler import Trace


@dataclass(frozen=True)
class PolishOptions:
    # Chosen on held-out lines for a damage rate under 2% (docs/polish.md): looser settings changed 3-7% of them.
    rounds: int = 3            # tokens replaced at most (one a round, each round sees the ones before)
    unlikely: float = 0.002    # the present token's probability must be below this ...
    margin: float = 300.0      # ... and the replacement at least this many times likelier
    sure: float = 0.7          # ... and at least this likely itself


WORD, SYMBOL = 1, 2
_WORD = re.compile(r"\s*\w+")
_SYMBOL = re.compile(r"\s*[^\w\s\"'`]+")  # quotes are no operator: a string's edge is never moved


@lru_cache(maxsize=4)
def token_shapes(tokenizer, vocab_size: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(V,) each token's shape (WORD: spaces then a word, SYMBOL: spaces then operators or punctuation, 0: anything
    else: whitespace, line breaks, mixed) and (V,) its leading spaces. A polish swaps a token only for one of the same
    shape and spacing: `<` for `>`, `0` for `1`, a name for a name, never a re-laid line or a split word."""
    shape = torch.zeros(vocab_size, dtype=torch.int8)
    lead = torch.zeros(vocab_size, dtype=torch.int16)
    for token in range(min(vocab_size, tokenizer.vocab_size)):
        text = tokenizer.token_text(token)
        shape[token] = WORD if _WORD.fullmatch(text) else SYMBOL if _SYMBOL.fullmatch(text) else 0
        lead[token] = len(text) - len(text.lstrip(" "))
    return shape, lead


LITERALS = frozenset({"true", "false", "True", "False", "None", "nil", "null", "and", "or", "not", "is", "in"})


def whole_tokens(tokenizer, ids: list[int], positions: list[int], shape: torch.Tensor,
                 known: frozenset[str] = frozenset()) -> list[int]:
    """The positions whose token may be replaced: a run of symbols; a number, boolean or logical word; or a whole
    word (no letter glued before or after it, not a string's prefix) that is not in `known`, the words the document
    uses outside the span. A name used elsewhere is the code's own, and which of two of its names belongs here is a
    guess a model makes wrongly as often as rightly (measured: `entry.Print` polished into `logger.Print`)."""
    texts = {p: tokenizer.token_text(ids[p]) for q in positions for p in (q - 1, q, q + 1) if 0 <= p < len(ids)}
    kept = []
    for p in positions:
        kind = int(shape[ids[p]]) if ids[p] < shape.numel() else 0
        if kind == SYMBOL:
            kept.append(p)
        elif kind == WORD:
            before, after = texts.get(p - 1, " "), texts.get(p + 1, " ")
            glued = (before[-1:].isalnum() or before[-1:] == "_") and not texts[p][:1].isspace()
            word = texts[p].strip()
            owned = word in known and not word.isdigit() and word not in LITERALS
            if not glued and not (after[:1].isalnum() or after[:1] in "_\"'`") and not owned:
                kept.append(p)
    return kept


@torch.no_grad()
def leave_one_out(denoiser, ids: torch.Tensor, attention: torch.Tensor | None, positions: list[int]) -> torch.Tensor:
    """(P, V) probabilities at each of `positions` of the row `ids` (L,) with that one position masked and every
    other token in place: one model call, a row per position."""
    rows = ids.unsqueeze(0).repeat(len(positions), 1)  # (P, L)
    where = torch.zeros_like(rows, dtype=torch.bool)
    index = torch.arange(len(positions), device=ids.device)
    cols = torch.tensor(positions, device=ids.device)
    rows[index, cols] = denoiser.mask_id
    where[index, cols] = True
    mask = None if attention is None else attention.unsqueeze(0).repeat(len(positions), 1)
    logits = denoiser.logits(rows, mask, positions=where).float()  # (P, V)
    logits[:, denoiser.mask_id] = -math.inf
    for never in {denoiser.pad_id, denoiser.eos_id, *getattr(denoiser, "end_ids", ())}:
        if 0 <= never < logits.shape[-1]:
            logits[:, never] = -math.inf  # polish rewrites code; it never deletes a token into a filler
    probs = torch.softmax(logits, dim=-1)  # (P, V)
    shape, lead = (t.to(probs.device) for t in token_shapes(denoiser.tokenizer, probs.shape[-1]))
    present = ids[cols].to(probs.device)
    same = (shape[None, :] == shape[present][:, None]) & (lead[None, :] == lead[present][:, None])  # (P, V)
    return probs * same  # only a token of the same shape and spacing may come in


def most_lopsided(probs: torch.Tensor, present: torch.Tensor, options: PolishOptions) -> tuple[int, int] | None:
    """(index into the positions, replacement token) of the clearest case for a change, or None when there is none."""
    old = probs.gather(-1, present.unsqueeze(-1)).squeeze(-1)  # (P,)
    others = probs.scatter(-1, present.unsqueeze(-1), 0.0)
    new_p, new_token = others.max(-1)  # (P,), (P,)
    allowed = (old < options.unlikely) & (new_p >= options.sure) & (new_p >= options.margin * old.clamp_min(1e-12))
    if not allowed.any():
        return None
    gain = torch.where(allowed, new_p.log() - old.clamp_min(1e-12).log(), torch.full_like(new_p, -math.inf))
    best = int(gain.argmax())
    return best, int(new_token[best])


@torch.no_grad()
def polish(denoiser, ids: torch.Tensor, editable: torch.Tensor, options: PolishOptions, *,
           attention_mask: torch.Tensor | None = None, known: list[frozenset[str]] | None = None) -> tuple[torch.Tensor, Trace]:
    """Rows of `ids` (B, L) with at most `options.rounds` of their `editable` tokens replaced, each by the rule above;
    `known`: per row, the words its document uses outside the span (never replaced). The trace's commit
    probabilities hold each replacement's probability (NaN elsewhere)."""
    started = time.perf_counter()
    ids = ids.clone()
    trace = Trace(commit_probs=torch.full(ids.shape, math.nan, device=ids.device))
    for row in range(ids.shape[0]):
        shape, _ = token_shapes(denoiser.tokenizer, denoiser.vocab_size)
        positions = whole_tokens(denoiser.tokenizer, ids[row].tolist(), editable[row].nonzero().squeeze(-1).tolist(),
                                 shape, known[row] if known is not None else frozenset())
        attention = None if attention_mask is None else attention_mask[row]
        for _ in range(options.rounds if positions else 0):
            probs = leave_one_out(denoiser, ids[row], attention, positions)
            trace.nfe += 1
            found = most_lopsided(probs, ids[row, positions].to(probs.device), options)
            if found is None:
                break
            index, token = found
            ids[row, positions[index]] = token
            trace.commit_probs[row, positions[index]] = float(probs[index, token])
            trace.remasked += 1
    trace.steps = trace.nfe
    trace.seconds = time.perf_counter() - started
    return ids, trace
