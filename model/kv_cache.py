"""Context caches for denoising (Fast-dLLM's prefix and dual caches, arXiv 2505.22618), and their reuse.

A refresh runs the whole canvas and keeps every layer's keys and values; the steps after it recompute
only the active columns (the holes, or everything from the first hole on) and attend to the kept keys
and values of the rest. Bidirectional attention makes the kept states approximate once the holes
change; refreshing every step is exact. The sampler owns the cache and passes it back to the model.

`reuse` goes further: one pass over a request's canvas serves every candidate length (the context columns
are copied, the ones after a hole rotated to their new positions), and the states are kept per document
so the next request recomputes only the tokens an edit changed (infill/decode/context_reuse.py plans it).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import torch

CACHE_MODES = ("none", "prefix", "dual", "reuse")


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
    columns: torch.Tensor | None = None         # transformers backends: the columns a partial step runs ...
    context: torch.Tensor | None = None         # ... and those whose keys/values it keeps
    seeded: bool = False                        # keys/values came from a shared or earlier pass: keep the plan
    live: torch.Tensor | None = None            # (B, A) slots of the active columns each row computes (None: all)
    shared: bool = False                        # keys/values are one canvas (1, H, L, hd) every row reads, unwritten
    finished: torch.Tensor | None = None        # block-causal models: (B, n) ids of the finished blocks kept

    def __post_init__(self) -> None:
        if self.mode not in CACHE_MODES or self.mode in ("none", "reuse"):
            raise ValueError(self.mode)

    def plan(self, masked: torch.Tensor) -> None:
        """Columns to recompute from now on, given what is still masked (B, L); the next call refreshes."""
        if self.seeded:  # every hole column stays active, so no block ever needs a full pass
            return
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


@dataclass
class ContextStates:
    """One canvas's keys and values in every layer, (1, H, L, hd), keys after RoPE."""

    ids: list[int]
    keys: list[torch.Tensor]
    values: list[torch.Tensor]
    uses: int = 0          # requests served by these states since the last fresh pass
    recomputed: int = 0    # columns the last request had to compute


@dataclass(frozen=True)
class ReusePolicy:
    max_uses: int = 16      # a fresh pass after this many requests: reused states drift from what a fresh pass gives
    min_kept: float = 0.5   # a fresh pass when fewer than this share of the columns can be kept
    around: int = 8         # also recompute the columns this close to a changed one (they drift the most)

    def describe(self) -> str:
        if self.max_uses <= 0:
            return "always fresh"
        return f"fresh after {self.max_uses} reuses, recompute +-{self.around} around edits"


def matching_runs(old: list[int], new: list[int]) -> list[tuple[int, int, int]]:
    """(old start, new start, size) of runs of equal tokens, in order: the common prefix and suffix, and
    the matching blocks between them (difflib), so a moved window or an edit anywhere keeps the rest."""
    limit = min(len(old), len(new))
    head = 0
    while head < limit and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < limit - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    runs = [(0, 0, head)] if head else []
    middle_old, middle_new = old[head:len(old) - tail], new[head:len(new) - tail]
    if middle_old and middle_new:
        matcher = SequenceMatcher(None, middle_old, middle_new, autojunk=False)
        runs += [(head + a, head + b, n) for a, b, n in matcher.get_matching_blocks() if n >= 4]
    if tail:
        runs.append((len(old) - tail, len(new) - tail, tail))
    return runs


class ReusedContexts:
    """The latest ContextStates per document key, least recently used dropped first."""

    def __init__(self, capacity: int = 8, policy: ReusePolicy = ReusePolicy()):
        self.capacity, self.policy = capacity, policy
        self._states: OrderedDict[str, ContextStates] = OrderedDict()

    def get(self, key: str) -> ContextStates | None:
        if key in self._states:
            self._states.move_to_end(key)
        return self._states.get(key)

    def put(self, key: str, states: ContextStates) -> None:
        self._states[key] = states
        self._states.move_to_end(key)
        while len(self._states) > self.capacity:
            self._states.popitem(last=False)

    def forget(self, key: str) -> None:
        self._states.pop(key, None)


def states_for(model, ids: list[int], key: str, store: ReusedContexts | None) -> ContextStates:
    """The states of canvas `ids`: from the document's previous canvas where the policy allows (only the
    changed columns computed), else from one fresh pass. `model` offers full_states, shift_keys, update_states."""
    old = store.get(key) if store is not None and key else None
    policy = store.policy if store is not None else ReusePolicy()
    if old is not None and old.uses < policy.max_uses and len(old.ids) and len(ids):
        runs = matching_runs(old.ids, ids)
        kept = sum(n for _, _, n in runs)
        if kept >= policy.min_kept * len(ids):
            keys, values = [], []
            for layer_keys, layer_values in zip(old.keys, old.values):
                k = layer_keys.new_zeros(*layer_keys.shape[:2], len(ids), layer_keys.shape[-1])
                v = torch.zeros_like(k)
                for a, b, n in runs:
                    k[:, :, b:b + n] = model.shift_keys(layer_keys[:, :, a:a + n], b - a)
                    v[:, :, b:b + n] = layer_values[:, :, a:a + n]
                keys.append(k)
                values.append(v)
            fresh = torch.ones(len(ids), dtype=torch.bool)
            for _, b, n in runs:
                fresh[b:b + n] = False
            if policy.around > 0 and fresh.any():  # widen every changed run by `around` columns on both sides
                width = 2 * policy.around + 1
                fresh = torch.nn.functional.max_pool1d(fresh[None, None].float(), width, 1, policy.around)[0, 0].bool()
            changed = fresh.nonzero().squeeze(-1)
            if changed.numel():
                model.update_states(ids, keys, values, changed)
            states = ContextStates(list(ids), keys, values, old.uses + 1, int(changed.numel()))
            if store is not None:
                store.put(key, states)
            return states
    keys, values = model.full_states(ids)
    states = ContextStates(list(ids), keys, values, 0, len(ids))
    if store is not None and key:
        store.put(key, states)
    return states
