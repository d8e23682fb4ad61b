"""Test doubles for the Denoiser contract (real models come from the conftest fixtures)."""

from __future__ import annotations

import torch

from model.denoiser import DenoiserBase


class RecordingDenoiser:
    """Wraps a denoiser and keeps a copy of every canvas it was called with."""

    def __init__(self, inner):
        self.inner = inner
        self.calls: list[torch.Tensor] = []
        for name in ("name", "tokenizer", "mask_id", "pad_id", "eos_id", "vocab_size", "max_len", "device", "follows_instructions"):
            setattr(self, name, getattr(inner, name))

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def logits(self, ids, attention_mask=None, positions=None):
        self.calls.append(ids.clone())
        return self.inner.logits(ids, attention_mask, positions=positions)


class OracleDenoiser(DenoiserBase):
    """Knows the text each hole should get, but is confidently wrong on chosen tokens for its first `lie_calls` calls.

    It learns where the holes are from the first call (every hole position is masked then).
    """

    def __init__(self, real, hole_texts: list[str], budget: int, lies: dict[int, int] | None = None, lie_calls: int = 1):
        self.tokenizer, self.name = real.tokenizer, "oracle"
        self.mask_id, self.pad_id, self.eos_id = real.mask_id, real.pad_id, real.eos_id
        self.vocab_size, self.max_len, self.device = real.vocab_size, real.max_len, torch.device("cpu")
        self.targets = []
        for text in hole_texts:
            ids = self.tokenizer.encode(text)
            assert len(ids) <= budget
            self.targets.append(ids + [self.pad_id] * (budget - len(ids)))
        self.lies, self.lie_calls, self.calls, self.positions = lies or {}, lie_calls, 0, None
        self.budget = budget

    def logits(self, ids, attention_mask=None, positions=None):
        if self.positions is None:
            self.positions = (ids[0] == self.mask_id).nonzero().squeeze(-1).tolist()
        self.calls += 1
        out = torch.full((*ids.shape, self.vocab_size), -10.0)
        out.scatter_(-1, ids.unsqueeze(-1), 10.0)  # fixed tokens predict themselves
        flat = [t for target in self.targets for t in target]
        for k, pos in enumerate(self.positions):
            token = flat[k]
            if self.calls <= self.lie_calls and k in self.lies:
                token = self.lies[k]
            out[0, pos] = -10.0
            out[0, pos, token] = 10.0 - 0.01 * k  # earlier positions slightly surer: a stable commit order
        return out if positions is None else out[positions]


class ScriptedDenoiser(DenoiserBase):
    """Writes `script` into every hole of every row, whatever the canvas: the k-th masked position of a row gets the
    k-th script token (then <|pad|>); where <|pad|> is not allowed its second choice is `filler`."""

    def __init__(self, real, script: str, filler: str = "x"):
        for name in ("tokenizer", "mask_id", "pad_id", "eos_id", "vocab_size", "max_len"):
            setattr(self, name, getattr(real, name))
        self.name, self.device = "scripted", torch.device("cpu")
        self.script, self.filler = self.tokenizer.encode(script), self.tokenizer.encode(filler)[0]

    def logits(self, ids, attention_mask=None, positions=None):
        out = torch.full((*ids.shape, self.vocab_size), -10.0)  # (B, L, V)
        out.scatter_(-1, ids.unsqueeze(-1), 10.0)
        for row in range(ids.shape[0]):
            holes = (ids[row] == self.mask_id).nonzero().squeeze(-1).tolist()
            # Positions already committed count too: the k-th hole position is k after the first masked one.
            first = holes[0] if holes else 0
            for pos in holes:
                k = pos - first
                target = self.script[k] if k < len(self.script) else self.pad_id
                out[row, pos] = -10.0
                out[row, pos, target] = 10.0 - 0.01 * k
                out[row, pos, self.filler] = 5.0
        return out if positions is None else out[positions]
