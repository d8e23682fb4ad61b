"""Scoring a draft the model did not write (infill/decode/lookup.py): the probability of each of its tokens with the
tokens before it in place and the rest of the hole masked, as the model would commit them left to right. All of a
draft's prefixes go through one model call: one row per token, the document's context states shared (cache "reuse")."""

from __future__ import annotations

import math

import torch


@torch.no_grad()
def draft_probabilities(denoiser, ids: torch.Tensor, attention: torch.Tensor | None, hole: tuple[int, int],
                        draft: list[int], cache=None) -> torch.Tensor:
    """(n,) probability of draft token k given draft[:k] and the context; `ids` (L,) is the row with its hole masked,
    `cache` a shared context cache of that row (SharedContexts.shared_cache), or None: full passes."""
    lo, n = hole[0], len(draft)
    rows = ids.unsqueeze(0).repeat(n, 1)  # (n, L)
    wanted = torch.tensor(draft, device=ids.device)
    for k in range(1, n):
        rows[k, lo:lo + k] = wanted[:k]
    diagonal = torch.arange(n, device=ids.device)
    positions = torch.zeros_like(rows, dtype=torch.bool)
    positions[diagonal, lo + diagonal] = True  # row k is read only at token k: the head runs n times, not n * n
    mask = None if attention is None else attention.unsqueeze(0).repeat(n, 1)
    extra = {"cache": cache} if cache is not None else {}
    logits = denoiser.logits(rows, mask, positions=positions, **extra).float()  # (n, V)
    logits[:, denoiser.mask_id] = -math.inf  # as the sampler: a position is never filled with the mask itself
    probs = torch.softmax(logits, dim=-1)  # (n, V)
    return probs[diagonal.to(probs.device), wanted.to(probs.device)]  # (n,)


def geometric_mean(probs: list[float]) -> float:
    """How sure the model is of a whole draft: the geometric mean of its tokens' probabilities (0 for none)."""
    if not probs:
        return 0.0
    return math.exp(sum(math.log(max(p, 1e-9)) for p in probs) / len(probs))
