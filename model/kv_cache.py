"""A context cache for denoising (Fast-dLLM's prefix and dual caches, arXiv 2505.22618).

A refresh runs the whole canvas and keeps every layer's keys and values; the steps after it recompute
only the active columns (the holes, or everything from the first hole on) and attend to the kept keys
and values of the rest. Bidirectional attention makes the kept states approximate once the holes
change; refreshing every step is exact. The sampler owns the cache and passes it back to the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

CACHE_MODES = ("none", "prefix", "dual")


@dataclass
class ContextCache:
    mode: str                                   # "prefix": recompute from the first hole on; "dual": only the holes
    refresh_every: int = 0                      # a full pass every this many calls (1: always, exact; 0: when planned)
    keys: list = field(default_factory=list)    # per layer (B, H, L, hd) after RoPE; transformers: [DynamicCache]
    values: list = field(default_factory=list)  # per layer (B, H, L, hd)
    active: torch.Tensor | None = None          # (A,) columns a partial step recomputes
    stale: bool = True                          # the next call must be a full pass
    partial_steps: int = 0
    refreshes: int = 0
    start: int = 0                              # transformers backends: first column a partial step runs

    def __post_init__(self) -> None:
        if self.mode not in CACHE_MODES or self.mode == "none":
            raise ValueError(self.mode)

    def plan(self, masked: torch.Tensor) -> None:
        """Columns to recompute from now on, given what is still masked (B, L); the next call refreshes."""
        columns = masked.any(0).nonzero().squeeze(-1)
        if self.mode == "prefix" and columns.numel():
            columns = torch.arange(int(columns[0]), masked.shape[1], device=masked.device)
        self.active, self.stale = columns, True

    def wants_full_pass(self) -> bool:
        if self.stale or self.active is None or not self.keys or not self.active.numel():
            return True
        return bool(self.refresh_every) and self.partial_steps >= self.refresh_every - 1

    def store(self, keys: list[torch.Tensor], values: list[torch.Tensor]) -> None:
        self.keys, self.values, self.stale, self.partial_steps = keys, values, False, 0
        self.refreshes += 1
