"""Where the model stops being sure: each fill's decoded tokens with the probability they were committed with, and a
fill cut at its first token below a threshold (ghost text shows only what the model is sure of)."""

from __future__ import annotations

import math

import torch

Pieces = list[tuple[str, float]]  # one hole's decoded tokens, pads left out: (text, commit probability)


def hole_pieces(tok, ids: torch.Tensor, probs: torch.Tensor, holes, skip: set[int]) -> list[Pieces]:
    """Per hole of one canvas row: its tokens' texts and commit probabilities (NaN, never committed, counts as 0)."""
    out = []
    for lo, hi in holes:
        pieces = []
        for token, p in zip(ids[lo:hi].tolist(), probs[lo:hi].tolist()):
            if token not in skip:
                pieces.append((tok.decode([token]), 0.0 if math.isnan(p) else p))
        out.append(pieces)
    return out


def _char_probs(text: str, pieces: Pieces) -> list[float | None]:
    """For each character of `text`, the probability of the token its non-blank character came from (None for white
    space). Clean-up only re-indents and cuts, so the fill's non-blank characters are the tokens' in order; from the
    first one that is not (text the engine added), the lowest probability of the tokens left stands for the rest."""
    stream = [(ch, p) for piece, p in pieces for ch in piece if not ch.isspace()]
    out, j = [], 0
    for ch in text:
        if ch.isspace():
            out.append(None)
        elif j < len(stream) and stream[j][0] == ch:
            out.append(stream[j][1])
            j += 1
        else:
            rest = [p for _, p in stream[j:]] or [1.0]
            out.append(min(rest))
    return out


def confidence(text: str, pieces: Pieces) -> float:
    """The lowest commit probability among the tokens `text` shows (1.0 for a blank text)."""
    probs = [p for p in _char_probs(text, pieces) if p is not None]
    return min(probs, default=1.0)


def confident_prefix(text: str, pieces: Pieces, threshold: float) -> str:
    """`text` up to its first character from a token committed with probability below `threshold`, trailing white
    space dropped; the whole text when every token is that sure."""
    for i, p in enumerate(_char_probs(text, pieces)):
        if p is not None and p < threshold:
            return text[:i].rstrip()
    return text
