"""A cache language model of the file being edited: which token followed these tokens elsewhere in the file.

Code is local (Tu, Su and Devanbu, "On the localness of software", FSE 2014): a file repeats its own identifiers
and idioms. The built-in model reads about 256 tokens around a hole; the file's n-grams bring in the rest (an
import at the top, a method defined 2,000 tokens up). Where the tokens left of a masked position are known, the
sampler mixes the file's next-token distribution into the model's (`LocalPrior.mix`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import torch

ORDER = 3  # longest n-gram: two tokens of left context


@dataclass
class FileNgrams:
    """Counts of one file's n-grams (orders 1 to ORDER), tokenized piece by piece (no n-gram crosses a hole)."""

    unigram: Counter
    follows: dict[tuple[int, ...], Counter]  # left context (1 to ORDER-1 tokens) -> counts of the next token

    def __post_init__(self):
        self._dense: dict[tuple[tuple[int, ...], int], torch.Tensor] = {}  # (context, vocab) -> distribution

    @classmethod
    def of(cls, pieces: list[list[int]], order: int = ORDER) -> "FileNgrams":
        unigram: Counter = Counter()
        follows: dict[tuple[int, ...], Counter] = defaultdict(Counter)
        for ids in pieces:
            unigram.update(ids)
            for i, token in enumerate(ids):
                for k in range(1, min(i, order - 1) + 1):
                    follows[tuple(ids[i - k:i])][token] += 1
        return cls(unigram, dict(follows))

    def known_context(self, left: list[int]) -> bool:
        return bool(left) and (left[-1],) in self.follows

    def distribution(self, left: list[int], vocab: int) -> torch.Tensor:
        """(vocab,) P(next | left) by Witten-Bell interpolation from the file's unigram up to the longest context
        the file has seen; `left` ends right before the position (known tokens only). Kept per context."""
        k = 0
        while k < min(len(left), ORDER - 1) and tuple(left[len(left) - k - 1:]) in self.follows:
            k += 1
        context = tuple(left[len(left) - k:]) if k else ()
        key = (context, vocab)
        if key not in self._dense:
            if not context:
                p = _dense(self.unigram, vocab)
                self._dense[key] = p / p.sum().clamp_min(1)
            else:
                seen = self.follows[context]
                n, distinct = sum(seen.values()), len(seen)
                shorter = self.distribution(list(context[1:]), vocab)
                self._dense[key] = (shorter * distinct + _dense(seen, vocab)) / (n + distinct)
        return self._dense[key]


def _dense(counts: Counter, vocab: int) -> torch.Tensor:
    """(vocab,) the counts as a vector (ids beyond it dropped)."""
    p = torch.zeros(vocab)
    ids = [t for t in counts if 0 <= t < vocab]
    if ids:
        p[torch.tensor(ids, dtype=torch.long)] = torch.tensor([float(counts[t]) for t in ids])
    return p


@dataclass
class LocalPrior:
    """Per batch row, the n-grams of the file it fills (None: none), and how much of the file's distribution to
    mix into the model's where a position's left neighbour is known and was seen in the file."""

    rows: list[FileNgrams | None]
    weight: float
    mask_id: int

    def subset(self, rows: list[int]) -> "LocalPrior":
        return LocalPrior([self.rows[i] for i in rows], self.weight, self.mask_id)

    def mix(self, probs: torch.Tensor, ids: torch.Tensor, todo: torch.Tensor) -> torch.Tensor:
        """`probs` (N, V) at the True places of `todo` (B, L) in row-major order, mixed with the file's
        next-token distribution: (1 - weight) * model + weight * file, where the file knows the left context."""
        if self.weight <= 0:
            return probs
        mixed = probs.clone()
        for n, (row, col) in enumerate(todo.nonzero().tolist()):
            ngrams = self.rows[row]
            if ngrams is None:
                continue
            left = _known_left(ids[row], col, self.mask_id)
            if not ngrams.known_context(left):
                continue
            # What the model may not write here (the mask; a filler where code is asked) stays out.
            local = torch.where(probs[n] > 0, ngrams.distribution(left, probs.shape[-1]).to(probs), 0.0)
            total = local.sum()
            if total > 0:
                mixed[n] = (1 - self.weight) * probs[n] + self.weight * local / total
        return mixed


def _known_left(row_ids: torch.Tensor, col: int, mask_id: int) -> list[int]:
    """The up to ORDER-1 tokens right before `col`, stopping at a mask."""
    left = row_ids[max(0, col - (ORDER - 1)):col].tolist()
    while mask_id in left:
        left = left[left.index(mask_id) + 1:]
    return left
