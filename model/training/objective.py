"""Training examples shaped like the product's requests, and the masked-diffusion loss.

Holes are whole lines, blocks, rests of lines or random spans (one to three per example), with
budgets longer than the truth whose surplus is <|pad|> (half the time sized like the engine's budgets);
a fraction t of each hole is masked and the loss is cross-entropy on masked positions weighted by 1/t.
Some examples use uniform random-t masking over the whole window (the plain ELBO).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import torch
import torch.nn.functional as F

MIN_T = 0.02


@dataclass
class Example:
    ids: list[int]        # the clean sequence (holes padded to their budgets)
    candidates: list[bool]  # positions that may be masked (the holes, or every position)


def _line_starts(text: str) -> list[int]:
    return [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def choose_hole(text: str, rng: random.Random) -> tuple[int, int]:
    """A character range of `text` shaped like an editor request."""
    starts = _line_starts(text)
    lines = text.split("\n")
    kind = rng.choices(["line", "lines", "block", "rest", "span"], weights=[3, 2, 2, 2, 1])[0]
    i = rng.randrange(len(lines))
    line_end = starts[i] + len(lines[i])
    body_start = starts[i] + _indent(lines[i])
    if kind == "line":
        return body_start, line_end
    if kind == "lines":
        j = min(len(lines) - 1, i + rng.randint(1, 6))
        return starts[i], starts[j] + len(lines[j])
    if kind == "block":  # the indented lines below line i (its block when it opens one)
        first = i + 1
        if first >= len(lines):
            return body_start, line_end
        last = first
        while last + 1 < len(lines) and (not lines[last + 1].strip() or _indent(lines[last + 1]) > _indent(lines[i])):
            last += 1
        return starts[first], starts[last] + len(lines[last])
    if kind == "rest":
        return rng.randint(body_start, line_end), line_end
    a = rng.randrange(len(text) + 1)
    return a, min(len(text), a + rng.randint(1, 120))


def hole_surplus(truth_tokens: int, rng: random.Random) -> int:
    """How many <|pad|> follow a hole's truth: half the time a little, half the time as much as the engine's
    budgets leave (at least 16-96 tokens, or 1.5x + 8), so the model learns lengths under real budgets."""
    if rng.random() < 0.5:
        return rng.randint(0, max(2, truth_tokens // 2)) + rng.randint(0, 4)
    budget = max(rng.choice([16, 24, 32, 64, 96]), int(truth_tokens * 1.5) + 8)
    return budget - truth_tokens


def span_example(text: str, tok, seq_len: int, rng: random.Random) -> Example:
    holes = sorted(choose_hole(text, rng) for _ in range(rng.choice([1, 1, 1, 2, 3])))
    merged: list[list[int]] = []
    for a, b in holes:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    ids, candidates, pos = [], [], 0
    for a, b in merged:
        fixed = tok.encode(text[pos:a])
        truth = tok.encode(text[a:b])
        surplus = hole_surplus(len(truth), rng)
        ids += fixed + truth + [tok.pad_id] * surplus
        candidates += [False] * len(fixed) + [True] * (len(truth) + surplus)
        pos = b
    tail = tok.encode(text[pos:])
    ids += tail
    candidates += [False] * len(tail)
    return Example(ids[:seq_len], candidates[:seq_len])


def uniform_example(text: str, tok, seq_len: int) -> Example:
    ids = tok.encode(text)[:seq_len]
    return Example(ids, [True] * len(ids))


def make_batch(texts, tok, seq_len: int, batch_size: int, rng: random.Random,
               uniform_fraction: float = 0.3) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """(ids, masked, weights, candidates): clean ids, which positions are masked, 1/t per row. `texts` is a list
    (files drawn uniformly) or anything with `choice(rng)` (a LanguageMixture)."""
    chars = seq_len * 4
    rows, cand_rows = [], []
    pick = texts.choice if hasattr(texts, "choice") else (lambda r: r.choice(texts))
    while len(rows) < batch_size:
        text = pick(rng)
        starts = _line_starts(text)
        begin = rng.choice(starts[: max(1, len(starts) - 5)])
        window = text[begin: begin + chars]
        if len(window.strip()) < 40:
            continue
        ex = uniform_example(window, tok, seq_len) if rng.random() < uniform_fraction else span_example(window, tok, seq_len, rng)
        if not any(ex.candidates):
            continue
        short = seq_len - len(ex.ids)  # a window that ends at the file's end is closed by <|eos|>
        rows.append(ex.ids + [tok.eos_id] * short)
        cand_rows.append(ex.candidates + [False] * short)
    return _masked_batch(rows, cand_rows, rng)


def context_batch(pairs: list[tuple[str, str]], tok, seq_len: int, batch_size: int, rng: random.Random,
                  context_share: float, context_tokens: int = 256):
    """As make_batch, over (context, window) pairs: `context_share` of the rows start with the context (definitions
    from the file's related workspace files, as commented code: what the server puts ahead of the file), which is
    never masked; the rest of each row is the window, masked uniformly."""
    rows, cand_rows = [], []
    while len(rows) < batch_size:
        context, window = rng.choice(pairs)
        ctx = tok.encode(context) if context and rng.random() < context_share else []
        if len(ctx) > context_tokens:
            ctx = []
        code = tok.encode(window)[:seq_len - len(ctx)]
        if len(code) < 16:
            continue
        short = seq_len - len(ctx) - len(code)
        rows.append(ctx + code + [tok.eos_id] * short)
        cand_rows.append([False] * len(ctx) + [True] * len(code) + [False] * short)
    return _masked_batch(rows, cand_rows, rng)


def _masked_batch(rows: list[list[int]], cand_rows: list[list[bool]], rng: random.Random):
    batch_size = len(rows)
    ids = torch.tensor(rows)  # (B, L)
    candidates = torch.tensor(cand_rows)  # (B, L)
    t = torch.empty(batch_size).uniform_(MIN_T, 1.0, generator=torch.Generator().manual_seed(rng.randrange(2**31)))
    noise = torch.rand(ids.shape, generator=torch.Generator().manual_seed(rng.randrange(2**31)))
    masked = candidates & (noise < t[:, None])
    # Every row trains on at least one masked position.
    first = candidates.float().argmax(1)
    masked[torch.arange(batch_size), first] |= ~masked.any(1)
    return ids, masked, 1.0 / t, candidates


def diffusion_loss(model, ids, masked, weights, candidates, mask_id: int, pad_id: int = -1,
                   pad_weight: float = 1.0, blocks=None) -> torch.Tensor:
    """Masked-diffusion ELBO: CE on masked positions weighted by 1/t, averaged over candidate positions;
    `<|pad|>` targets (the surplus of span holes: easy, and most of their positions) weigh `pad_weight`.
    `blocks`: the model's blocks compiled (model.training.train.compiled_blocks), or None."""
    features = model.features(ids.masked_fill(masked, mask_id), blocks=blocks)  # (B, L, D)
    # Logits only where the loss looks: the vocabulary projection is a third of a step's compute.
    logits = model.logits_at(features[masked])  # (M, V)
    targets = ids[masked]  # (M,)
    ce = F.cross_entropy(logits.float(), targets, reduction="none")  # (M,)
    if pad_weight != 1.0:
        ce = torch.where(targets == pad_id, ce * pad_weight, ce)
    row_scale = weights / candidates.sum(1).clamp_min(1)  # (B,)
    return (ce * row_scale[masked.nonzero()[:, 0]]).sum() / ids.shape[0]


def masked_token_loss(model, ids, masked, mask_id: int) -> float:
    """Plain mean cross-entropy on masked positions (the validation number)."""
    with torch.no_grad():
        logits = model.logits_at(model.features(ids.masked_fill(masked, mask_id))[masked])  # (M, V)
        return float(F.cross_entropy(logits.float(), ids[masked]))
