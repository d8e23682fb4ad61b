"""Honest validation: cross-entropy and top-1 accuracy on masked *code* tokens only, at fixed masking ratios.

The training loss averages in `<|pad|>` positions (easy: most of a span example's surplus), so it flatters the
model. Here every window is clean code, the masked positions are code tokens drawn uniformly at a fixed ratio,
and the windows and masks are the same on every call (fixed seed), so numbers compare across checkpoints.
CE per token does not compare across tokenizers (a bigger vocabulary packs more text in a token), so each ratio
also reports bits per byte of the masked tokens' text, which does.
"""

from __future__ import annotations

import math
import random

import torch
import torch.nn.functional as F

RATIOS = (0.15, 0.5, 0.9)


def code_windows(texts: list[str], tok, seq_len: int, windows: int, seed: int = 0) -> list[list[int]]:
    """`windows` full windows of `seq_len` code tokens, each from a random line start of a random text."""
    rng, out = random.Random(seed), []
    encoded = [ids for ids in (tok.encode(t) for t in texts) if len(ids) >= seq_len]
    if not encoded:
        raise ValueError(f"no text holds {seq_len} tokens")
    for _ in range(windows):
        ids = rng.choice(encoded)
        start = rng.randrange(len(ids) - seq_len + 1)
        out.append(ids[start:start + seq_len])
    return out


@torch.no_grad()
def masked_code_metrics(denoiser, texts: list[str], ratios=RATIOS, seq_len: int = 256, windows: int = 64,
                        batch_size: int = 16, seed: int = 0) -> dict:
    """{ratio: {"ce", "top1", "tokens", "perplexity", "bits_per_byte"}}: masked-token CE (nats) and top-1 over code tokens, pads
    never counted. Any denoiser: it runs its head only at the masked positions."""
    rows = code_windows(texts, denoiser.tokenizer, seq_len, windows, seed)
    return score_windows(denoiser, rows, ratios, batch_size, seed)


@torch.no_grad()
def score_windows(denoiser, windows: list[list[int]], ratios=RATIOS, batch_size: int = 16, seed: int = 0) -> dict:
    """masked_code_metrics over windows already cut (training scores the same ones at every evaluation)."""
    rows = torch.tensor(windows)  # (N, L)
    token_bytes: dict[int, int] = {}
    report = {}
    for ratio in ratios:
        generator = torch.Generator().manual_seed(seed + int(ratio * 1000))
        masked = torch.rand(rows.shape, generator=generator) < ratio  # (N, L)
        masked[:, 0] |= ~masked.any(1)
        ce_sum, correct, count, size = 0.0, 0, 0, 0
        for i in range(0, len(rows), batch_size):
            ids, where = rows[i:i + batch_size], masked[i:i + batch_size]
            logits = denoiser.logits(ids.masked_fill(where, denoiser.mask_id), positions=where).float().cpu()  # (M, V)
            target = ids[where]
            ce_sum += float(F.cross_entropy(logits, target, reduction="sum"))
            correct += int((logits.argmax(-1) == target).sum())
            count += int(target.numel())
            size += sum(_text_bytes(denoiser.tokenizer, int(t), token_bytes) for t in target)
        report[f"{ratio:.2f}"] = {"ce": round(ce_sum / count, 4), "top1": round(correct / count, 4), "tokens": count,
                                  "perplexity": round(math.exp(ce_sum / count), 1),
                                  "bits_per_byte": round(ce_sum / math.log(2) / max(size, 1), 4)}
    return report


def _text_bytes(tok, token_id: int, known: dict[int, int]) -> int:
    """UTF-8 bytes of one token's text (a token holding part of a character counts as that character's 3-byte
    stand-in; rare in code)."""
    if token_id not in known:
        known[token_id] = len(tok.token_text(token_id).encode())
    return known[token_id]
