"""Near-duplicate removal: MinHash signatures of word 5-grams, banded into an LSH index (Jaccard >= ~0.7)."""

from __future__ import annotations

import re
import zlib

import numpy as np

NUM_HASHES, BANDS = 128, 16          # 16 bands of 8 rows: pairs above Jaccard ~0.71 collide in some band
_PRIME = (1 << 61) - 1
_rng = np.random.default_rng(0)
_A = _rng.integers(1, _PRIME, NUM_HASHES, dtype=np.uint64)
_B = _rng.integers(0, _PRIME, NUM_HASHES, dtype=np.uint64)
_WORD = re.compile(r"\w+|[^\w\s]")


def signature(text: str, n: int = 5) -> np.ndarray | None:
    """(NUM_HASHES,) MinHash of the text's word n-grams; None when it has too few words."""
    words = _WORD.findall(text)
    if len(words) < n:
        return None
    shingles = np.fromiter({zlib.crc32(" ".join(words[i:i + n]).encode()) for i in range(len(words) - n + 1)},
                           dtype=np.uint64)
    # (a * x + b) mod p per hash function; uint64 wraps, which keeps it a fixed random map of x.
    hashed = (shingles[None, :] * _A[:, None] + _B[:, None]) % _PRIME  # (H, S)
    return hashed.min(axis=1)


class NearDuplicateIndex:
    """Remembers the signatures it kept; `seen` says whether a new text is a near duplicate of one of them."""

    def __init__(self, threshold: float = 0.7):
        self.threshold = threshold
        self.buckets: list[dict[bytes, list[int]]] = [{} for _ in range(BANDS)]
        self.kept = np.zeros((1024, NUM_HASHES), dtype=np.uint64)  # grows by doubling
        self.count = 0

    def seen(self, text: str) -> bool:
        sig = signature(text)
        if sig is None:
            return False
        rows = NUM_HASHES // BANDS
        keys = [sig[b * rows:(b + 1) * rows].tobytes() for b in range(BANDS)]
        candidates = set()
        for band, key in enumerate(keys):
            candidates.update(self.buckets[band].get(key, ()))
        if candidates:  # one vectorised check, however many files share a band (boost's headers do)
            similar = (self.kept[np.fromiter(candidates, dtype=np.int64)] == sig).mean(axis=1)  # (C,)
            if (similar >= self.threshold).any():
                return True
        if self.count == len(self.kept):
            self.kept = np.concatenate([self.kept, np.zeros_like(self.kept)])
        self.kept[self.count] = sig
        for band, key in enumerate(keys):
            self.buckets[band].setdefault(key, []).append(self.count)
        self.count += 1
        return False
