"""The context cache: a partial step reuses the kept keys/values exactly; refreshing every call equals no cache."""

import pytest
import torch

from model.kv_cache import ContextCache, ReusedContexts, ReusePolicy, matching_runs, states_for
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
    from tests.model.real_layouts import write_open_dcoder
    llada, _ = write_tiny_llada(tmp_path / "llada")
    return [load_denoiser(str(write_tiny_dream(tmp_path / "dream")), "cpu"), load_denoiser(str(llada), "cpu"),
            load_denoiser(str(write_open_dcoder(tmp_path / "open_dcoder")), "cpu")]


@pytest.mark.parametrize("mode", ["prefix", "dual"])
def test_dream_and_llada_caches_through_transformers_cache(tmp_path, mode):
    for denoiser in _hf_backends(tmp_path):
        ids, masked = _canvas(denoiser)
        if getattr(denoiser, "hide_pad_keys", False):
            ids[0, 3] = denoiser.pad_id  # a filler in the context: Open-dCoder hides it, cached or not
        attention = torch.ones_like(ids)
        attention[1, 35:] = 0
        full = denoiser.logits(ids, attention, positions=masked)
        cache = ContextCache(mode)
        cache.plan(masked)
        denoiser.logits(ids, attention, positions=masked, cache=cache)
        for _ in range(2):  # the kept context is cropped back after every step, so steps repeat exactly
            assert torch.allclose(denoiser.logits(ids, attention, positions=masked, cache=cache), full, atol=1e-4)
        assert cache.partial_steps == 2 and cache.refreshes == 1
        if mode == "dual":  # only the holes (and, for Dream, the column before each) run
            assert cache.columns.numel() <= 2 * int(masked.any(0).sum())
        plain, _ = sample(denoiser, ids, masked, SamplerOptions(steps=3, strategy="confidence"))
        exact, _ = sample(denoiser, ids, masked, SamplerOptions(steps=3, strategy="confidence", cache=mode, cache_refresh=1))
        assert torch.equal(plain, exact)
        approximate, _ = sample(denoiser, ids, masked, SamplerOptions(steps=3, strategy="confidence", cache="reuse"))
        assert torch.equal(approximate[~masked], ids[~masked]), "reuse falls back to the dual cache here"


def test_shifting_kept_keys_equals_computing_them_at_the_new_positions(tiny_denoiser):
    """RoPE rotations add up: first-layer keys (which see only their own token) moved by `delta` are exact."""
    torch.manual_seed(2)
    ids = torch.randint(3, tiny_denoiser.vocab_size, (30,)).tolist()
    keys, _ = tiny_denoiser.full_states(ids)
    for delta in (5, 17):
        moved, _ = tiny_denoiser.full_states([7] * delta + ids)
        assert torch.allclose(tiny_denoiser.shift_keys(keys[0], delta), moved[0][:, :, delta:], atol=1e-5)
        assert torch.allclose(tiny_denoiser.shift_keys(moved[0][:, :, delta:], -delta), keys[0], atol=1e-5)


def test_states_only_passes_keep_the_same_keys_and_values_as_a_full_pass(tiny_denoiser):
    """full_states and update_states skip the last layer's attention and MLP: its keys and values are unchanged."""
    torch.manual_seed(4)
    ids = torch.randint(3, tiny_denoiser.vocab_size, (1, 50))
    full = ContextCache("dual")
    full.plan(torch.zeros_like(ids, dtype=torch.bool))
    assert tiny_denoiser.model.features(ids, None, full) is not None
    keys, values = tiny_denoiser.full_states(ids[0].tolist())
    for got, want in zip(keys + values, full.keys + full.values):
        assert torch.allclose(got, want, atol=1e-6)
    columns = torch.arange(20, 30)
    for t in keys + values:
        t[:, :, columns] = 0.0  # forgotten, then recomputed against the rest: the same states again
    tiny_denoiser.update_states(ids[0].tolist(), keys, values, columns)
    for got, want in zip(keys + values, full.keys + full.values):
        assert torch.allclose(got, want, atol=1e-5)


def test_matching_runs_keep_prefix_suffix_and_moved_blocks():
    old = list(range(100))
    new = [999] * 3 + list(range(50)) + [555] + list(range(50, 100))  # text added at the start and in the middle
    runs = matching_runs(old, new)
    assert sum(n for _, _, n in runs) == 100
    assert all(old[a:a + n] == new[b:b + n] for a, b, n in runs)
    assert matching_runs(old, old) == [(0, 0, 100)]


def test_kept_states_are_reused_and_only_the_edit_is_recomputed(tiny_denoiser):
    torch.manual_seed(3)
    ids = torch.randint(3, tiny_denoiser.vocab_size, (200,)).tolist()
    store = ReusedContexts(policy=ReusePolicy(max_uses=4, around=8))
    first = states_for(tiny_denoiser, ids, "doc", store)
    assert first.recomputed == 200 and first.uses == 0
    same = states_for(tiny_denoiser, ids, "doc", store)
    assert same.recomputed == 0 and all(torch.equal(a, b) for a, b in zip(same.keys, first.keys))
    edited = ids[:100] + [5] + ids[100:]  # one token typed
    after = states_for(tiny_denoiser, edited, "doc", store)
    assert 1 <= after.recomputed <= 1 + 2 * 8 + 2 and after.uses == 2
    fresh_keys, _ = tiny_denoiser.full_states(edited)
    # far from the edit, the kept keys of the first layer are exactly the fresh ones (moved by one position)
    assert torch.allclose(after.keys[0][:, :, 150:], fresh_keys[0][:, :, 150:], atol=1e-5)
    for _ in range(3):
        after = states_for(tiny_denoiser, edited, "doc", store)
    assert after.uses == 0 and after.recomputed == len(edited), "max_uses reached: a fresh pass"
    assert states_for(tiny_denoiser, list(range(3, 40)), "doc", store).recomputed == 37, "too little in common: fresh"


def test_the_reuse_cache_refreshed_every_call_is_exact(tiny_denoiser):
    ids, masked = _canvas(tiny_denoiser)
    plain, _ = sample(tiny_denoiser, ids, masked, SamplerOptions(steps=4, strategy="confidence"))
    exact, _ = sample(tiny_denoiser, ids, masked, SamplerOptions(steps=4, strategy="confidence", cache="reuse", cache_refresh=1))
    assert torch.equal(plain, exact)
