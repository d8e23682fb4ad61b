"""Logits only where asked: every local backend's head at `positions` equals its full logits there."""

import torch

from model.denoiser import load_denoiser


def _check(denoiser):
    torch.manual_seed(0)
    ids = torch.randint(3, min(300, denoiser.vocab_size), (2, 13))
    attention = torch.ones_like(ids)
    attention[1, 9:] = 0
    positions = torch.zeros_like(ids, dtype=torch.bool)
    positions[0, [1, 4, 12]] = True
    positions[1, [0, 8]] = True
    full = denoiser.logits(ids, attention)  # (B, L, V)
    some = denoiser.logits(ids, attention, positions=positions)  # (N, V)
    assert some.shape == (5, full.shape[-1])
    assert torch.allclose(some, full[positions], atol=1e-4)


def test_builtin_head_runs_only_at_positions(tiny_denoiser):
    _check(tiny_denoiser)


def test_dream_head_runs_only_at_positions(tmp_path):
    from tests.model.test_hf_dream import write_tiny_dream
    _check(load_denoiser(str(write_tiny_dream(tmp_path)), "cpu"))


def test_llada_head_runs_only_at_positions(tmp_path):
    from tests.model.test_hf_llada import write_tiny_llada
    directory, _ = write_tiny_llada(tmp_path)
    _check(load_denoiser(str(directory), "cpu"))
