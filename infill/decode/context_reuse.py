"""Cache mode "reuse": one model pass over a request's canvas serves all its candidate lengths, and the
document's states carry over to its next request (model/kv_cache.py keeps them and applies the edits).

A request's candidate canvases differ only in their holes' lengths, so every row takes the reference
row's context columns: those before the first hole as they are, the ones after each hole rotated to
their new positions (RoPE). The hole columns are recomputed at every step; only the context is reused.
"""

from __future__ import annotations

import torch

from model.kv_cache import ContextCache, states_for


def _segments(holes: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    """[lo, hi) of the context runs around `holes`."""
    edges = [0] + [x for hole in holes for x in hole] + [length]
    return list(zip(edges[0::2], edges[1::2]))


def context_moves(ref_holes, ref_length: int, row_holes, row_length: int) -> list[tuple[int, int, int]]:
    """(reference column, row column, size) of each context run the row shares with the reference."""
    return [(a, b, min(a_hi - a, b_hi - b))
            for (a, a_hi), (b, b_hi) in zip(_segments(ref_holes, ref_length), _segments(row_holes, row_length))]


class SharedContexts:
    """The states of each request's reference canvas, and seeded caches for any subset of the batch's rows."""

    def __init__(self, denoiser, rows, keys: list[str], width: int, refresh_every: int = 0):
        self.denoiser, self.rows, self.width, self.refresh_every = denoiser, rows, width, refresh_every
        self.reference: dict[int, int] = {}  # request -> its row with the longest holes
        for i, row in enumerate(rows):
            best = self.reference.get(row.request)
            if best is None or sum(row.lengths) > sum(rows[best].lengths):
                self.reference[row.request] = i
        self.keys, self._states = keys, None

    @property
    def states(self) -> dict:
        """Each request's context states, computed when a row first needs them (a request that a document draft
        settles without the model needs none)."""
        if self._states is None:
            store = self.denoiser.contexts
            self._states = {request: states_for(self.denoiser, self.rows[i].ids[0].tolist(), self.keys[request], store)
                            for request, i in self.reference.items()}
        return self._states

    @property
    def recomputed(self) -> int:
        """Context columns computed for this batch (the rest came from earlier requests)."""
        return sum(s.recomputed for s in self._states.values()) if self._states is not None else 0

    def cache_for(self, indices: list[int]) -> ContextCache:
        """A dual cache for rows `indices` (in that order), padded to the batch width, holes active."""
        first = self.states[self.rows[indices[0]].request]
        keys = [k.new_zeros(len(indices), k.shape[1], self.width, k.shape[-1]) for k in first.keys]
        values = [torch.zeros_like(k) for k in keys]
        own = torch.zeros(len(indices), self.width, dtype=torch.bool)  # each row's own hole columns
        for slot, i in enumerate(indices):
            row = self.rows[i]
            ref = self.rows[self.reference[row.request]]
            states = self.states[row.request]
            moves = context_moves(ref.canvas.holes, ref.ids.shape[1], row.canvas.holes, row.ids.shape[1])
            for layer, (k, v) in enumerate(zip(states.keys, states.values)):
                for a, b, n in moves:
                    keys[layer][slot, :, b:b + n] = self.denoiser.shift_keys(k[0, :, a:a + n], b - a)
                    values[layer][slot, :, b:b + n] = v[0, :, a:a + n]
            for lo, hi in row.canvas.holes:
                own[slot, lo:hi] = True
        columns = own.any(0).nonzero().squeeze(-1)
        device = self.denoiser.device
        return ContextCache("dual", self.refresh_every, keys, values, columns.to(device), stale=False, seeded=True,
                            live=own[:, columns].to(device))

    def shared_cache(self, index: int) -> ContextCache:
        """A cache of row `index`'s context that any number of variants of that row (other tokens in its holes)
        read at once, without a copy per variant (model/transformer.py: attend_to_shared_context)."""
        cache = self.cache_for([index])
        cache.live, cache.shared = None, True
        return cache
