"""Scoring a draft the model did not write (infill/decode/lookup.py): the probability of each of its tokens with the
tokens before it in place and the rest of the hole masked, as the model would commit them left to right. All of a
draft's prefixes go through one model call: one row per token, the document's context states shared (cache "reuse").
Several drafts of one hole (names to choose from) share that call and their common prefixes."""

from __future__ import annotations

import math

import torch


@torch.no_grad()
def draft_probabilities(denoiser, ids: torch.Tensor, attention: torch.Tensor | None, hole: tuple[int, int],
                        draft: list[int], cache=None) -> torch.Tensor:
    """(n,) probability of draft token k given draft[:k] and the context; `ids` (L,) is the row with its hole masked,
    `cache` a shared context cache of that row (SharedContexts.shared_cache), or None: full passes."""
    return prefix_probabilities(denoiser, ids, attention, hole[0], [draft], cache)[0]


@torch.no_grad()
def prefix_probabilities(denoiser, ids: torch.Tensor, attention: torch.Tensor | None, lo: int,
                         drafts: list[list[int]], cache=None) -> list[torch.Tensor]:
    """For each draft, (n,) the probability of its token k given its tokens before k, written from `lo` on: one
    row per distinct prefix (drafts that start alike share rows), all in one model call."""
    prefixes = list(dict.fromkeys(tuple(d[:k]) for d in drafts for k in range(len(d))))
    row_of = {prefix: r for r, prefix in enumerate(prefixes)}
    rows = ids.unsqueeze(0).repeat(len(prefixes), 1)  # (R, L)
    positions = torch.zeros_like(rows, dtype=torch.bool)
    for r, prefix in enumerate(prefixes):
        if prefix:
            rows[r, lo:lo + len(prefix)] = torch.tensor(prefix, device=ids.device)
        positions[r, lo + len(prefix)] = True  # row r is read only after its prefix: the head runs once a row
    mask = None if attention is None else attention.unsqueeze(0).repeat(len(prefixes), 1)
    extra = {"cache": cache} if cache is not None else {}
    logits = denoiser.logits(rows, mask, positions=positions, **extra).float()  # (R, V)
    logits[:, denoiser.mask_id] = -math.inf  # as the sampler: a position is never filled with the mask itself
    probs = torch.softmax(logits, dim=-1)  # (R, V)
    return [torch.stack([probs[row_of[tuple(d[:k])], d[k]] for k in range(len(d))]) if d else torch.zeros(0)
            for d in drafts]


def geometric_mean(probs: list[float]) -> float:
    """How sure the model is of a whole draft: the geometric mean of its tokens' probabilities (0 for none)."""
    if not probs:
        return 0.0
    return math.exp(sum(math.log(max(p, 1e-9)) for p in probs) / len(probs))
