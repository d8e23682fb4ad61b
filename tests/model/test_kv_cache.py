"""The context cache: a partial step reuses the kept keys/values exactly; refreshing every call equals no cache."""

import pytest
import torch

from model.kv_cache import ContextCache
from model.sampler import SamplerOptions, sample


def _canvas(denoiser, length=40, holes=((10, 16), (24, 27))):
    torch.manual_seed(1)
    ids = torch.randint(3, denoiser.vocab_size, (2, length))
    masked = torch.zeros_like(ids, dtype=torch.bool)
    for lo, hi in holes:
        masked[:, lo:hi] = True
    return ids.masked_fill(masked, denoiser.mask_id), masked


@pytest.mark.parametrize("mode", ["prefix", "dual"])
def test_a_partial_step_with_nothing_changed_equals_the_full_pass(tiny_denoiser, mode):
    ids, masked = _canvas(tiny_denoiser)
    attention = torch.ones_like(ids)
    attention[1, 35:] = 0  # a padded row
    full = tiny_denoiser.logits(ids, attention, positions=masked)  # (N, V)
    cache = ContextCache(mode)
    cache.plan(masked)
    tiny_denoiser.logits(ids, attention, positions=masked, cache=cache)  # the refresh
    again = tiny_denoiser.logits(ids, attention, positions=masked, cache=cache)  # from the cache
    assert cache.refreshes == 1 and cache.partial_steps == 1
    assert torch.allclose(again, full, atol=1e-5)
    if mode == "dual":
        assert cache.active.tolist() == list(range(10, 16)) + list(range(24, 27))


def test_refreshing_every_call_is_exact(tiny_denoiser):
    ids, masked = _canvas(tiny_denoiser)
    plain, _ = sample(tiny_denoiser, ids, masked, SamplerOptions(steps=4, strategy="confidence"))
    exact, _ = sample(tiny_denoiser, ids, masked, SamplerOptions(steps=4, strategy="confidence", cache="dual", cache_refresh=1))
    assert torch.equal(plain, exact)


def test_cached_decoding_keeps_every_fixed_token(tiny_denoiser):
    ids, masked = _canvas(tiny_denoiser)
    for mode in ("prefix", "dual"):
        out, trace = sample(tiny_denoiser, ids, masked, SamplerOptions(steps=5, strategy="threshold", cache=mode, block_length=3))
        assert torch.equal(out[~masked], ids[~masked]) and not (out == tiny_denoiser.mask_id).any()
        assert trace.nfe >= 1


def test_asking_outside_the_active_columns_is_refused(tiny_denoiser):
    ids, masked = _canvas(tiny_denoiser)
    cache = ContextCache("dual")
    cache.plan(masked)
    tiny_denoiser.logits(ids, positions=masked, cache=cache)
    everywhere = torch.ones_like(masked)
    with pytest.raises(ValueError, match="active"):
        tiny_denoiser.logits(ids, positions=everywhere, cache=cache)


def _hf_backends(tmp_path):
    from model.denoiser import load_denoiser
    from tests.model.test_hf_dream import write_tiny_dream
    from tests.model.test_hf_llada import write_tiny_llada
    (tmp_path / "llada").mkdir()
    (tmp_path / "dream").mkdir()
    llada, _ = write_tiny_llada(tmp_path / "llada")
    return [load_denoiser(str(write_tiny_dream(tmp_path / "dream")), "cpu"), load_denoiser(str(llada), "cpu")]


def test_dream_and_llada_prefix_cache_through_transformers_cache(tmp_path):
    from model.errors import ModelError
    for denoiser in _hf_backends(tmp_path):
        ids, masked = _canvas(denoiser)
        attention = torch.ones_like(ids)
        attention[1, 35:] = 0
        full = denoiser.logits(ids, attention, positions=masked)
        cache = ContextCache("prefix")
        cache.plan(masked)
        denoiser.logits(ids, attention, positions=masked, cache=cache)
        for _ in range(2):  # the kept prefix is cropped back after every step, so steps repeat exactly
            assert torch.allclose(denoiser.logits(ids, attention, positions=masked, cache=cache), full, atol=1e-4)
        assert cache.partial_steps == 2 and cache.refreshes == 1
        plain, _ = sample(denoiser, ids, masked, SamplerOptions(steps=3, strategy="confidence"))
        exact, _ = sample(denoiser, ids, masked, SamplerOptions(steps=3, strategy="confidence", cache="prefix", cache_refresh=1))
        assert torch.equal(plain, exact)
        with pytest.raises(ModelError, match="dual"):
            sample(denoiser, ids, masked, SamplerOptions(steps=2, cache="dual"))
