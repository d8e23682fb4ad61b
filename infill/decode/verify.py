"""Scoring a draft the model did not write (infill/decode/lookup.py): the probability of each of its tokens with the
tokens before it in place and the rest of the hole masked, as the model would commit them left to right. All of a
draft's prefixes go through one model call: one row per token, the document's context states shared (cache "reuse").
Drafts of several holes of one canvas (infill/local_edits.py) share that call."""

from __future__ import annotations

import math

import torch


@torch.no_grad()
def draft_probabilities(denoiser, ids: torch.Tensor, attention: torch.Tensor | None, hole: tuple[int, int],
                        draft: list[int], cache=None) -> torch.Tensor:
    """(n,) probability of draft token k given draft[:k] and the context; `ids` (L,) is the row with its hole masked,
    `cache` a shared context cache of that row (SharedContexts.shared_cache), or None: full passes."""
    return prefix_probabilities(denoiser, ids, attention, [(hole[0], draft)], cache)[0]


@torch.no_grad()
def prefix_probabilities(denoiser, ids: torch.Tensor, attention: torch.Tensor | None,
                         drafts: list[tuple[int, list[int]]], cache=None) -> list[torch.Tensor]:
    """For each (start, draft), (n,) the probability of its token k given its tokens before k written from `start`
    on (the other holes of `ids` stay masked): one row per token of every draft, all in one model call."""
    rows = ids.unsqueeze(0).repeat(sum(len(d) for _, d in drafts), 1)  # (R, L)
    positions = torch.zeros_like(rows, dtype=torch.bool)
    wanted, r = [], 0
    for lo, draft in drafts:
        for k in range(len(draft)):
            if k:
                rows[r, lo:lo + k] = torch.tensor(draft[:k], device=ids.device)
            positions[r, lo + k] = True  # row r is read only at token k: the head runs once a row
            wanted.append(draft[k])
            r += 1
    mask = None if attention is None else attention.unsqueeze(0).repeat(len(rows), 1)
    extra = {"cache": cache} if cache is not None else {}
    logits = denoiser.logits(rows, mask, positions=positions, **extra).float()  # (R, V)
    logits[:, denoiser.mask_id] = -math.inf  # as the sampler: a position is never filled with the mask itself
    probs = torch.softmax(logits, dim=-1)  # (R, V)
    picked = probs[torch.arange(len(wanted), device=probs.device), torch.tensor(wanted, device=probs.device)]  # (R,)
    return list(picked.split([len(d) for _, d in drafts]))


def geometric_mean(probs: list[float]) -> float:
    """How sure the model is of a whole draft: the geometric mean of its tokens' probabilities (0 for none)."""
    if not probs:
        return 0.0
    return math.exp(sum(math.log(max(p, 1e-9)) for p in probs) / len(probs))
