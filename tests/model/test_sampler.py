import pytest
import torch

from model.denoiser import DenoiserBase
from model.sampler import STRATEGIES, SamplerOptions, defer_stutters, refine, sample
from tests.helpers import RecordingDenoiser


def _canvas(denoiser, n_masks=24, seed=0):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, denoiser.vocab_size, (1, 60), generator=g)
    masked = torch.zeros_like(ids, dtype=torch.bool)
    masked[0, 10:10 + n_masks // 2] = True
    masked[0, 40:40 + n_masks - n_masks // 2] = True
    return ids, masked


@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("block_length", [0, 5])
@pytest.mark.parametrize("steps", [1, 4, 7, 40])
def test_invariants(tiny_denoiser, strategy, block_length, steps):
    rec = RecordingDenoiser(tiny_denoiser)
    ids, masked = _canvas(tiny_denoiser)
    options = SamplerOptions(steps=steps, strategy=strategy, block_length=block_length, threshold=0.05, seed=1)
    out, trace = sample(rec, ids, masked, options)
    assert trace.nfe == len(rec.calls) <= steps
    assert not (out == tiny_denoiser.mask_id).any(), "every mask is resolved"
    assert torch.equal(out[~masked], ids[~masked]), "constraints never change"
    assert sum(trace.committed_per_step) == int(masked.sum())
    assert all(n >= 1 for n in trace.committed_per_step), "each model call commits at least one token"
    # Once a position is committed it keeps its token in every later call and in the result.
    for before, after in zip(rec.calls, rec.calls[1:] + [out]):
        committed = before != tiny_denoiser.mask_id
        assert torch.equal(after[committed], before[committed])


def test_threshold_commits_more_per_call_when_sure(tiny_denoiser):
    ids, masked = _canvas(tiny_denoiser, n_masks=30)
    _, one_per_call = sample(tiny_denoiser, ids, masked, SamplerOptions(steps=30, strategy="confidence"))
    _, parallel = sample(tiny_denoiser, ids, masked, SamplerOptions(steps=30, strategy="threshold", threshold=0.0))
    assert one_per_call.nfe == 30
    assert parallel.nfe == 1  # every token clears a zero threshold


def test_a_row_left_unsure_commits_all_its_masks_at_once(tiny_denoiser):
    """settle_below: when no remaining mask of a row is predicted that surely, the row's masks take the current
    predictions in one step (ghost text would cut such tokens anyway); a lower bar leaves the schedule as it was."""
    ids, masked = _canvas(tiny_denoiser, n_masks=20)
    rec = RecordingDenoiser(tiny_denoiser)
    settled, trace = sample(rec, ids, masked, SamplerOptions(steps=10, strategy="threshold", settle_below=1.0))
    assert trace.nfe == 1 and trace.committed_per_step == [20]
    first = tiny_denoiser.logits(ids.masked_fill(masked, tiny_denoiser.mask_id))[0]
    first[:, tiny_denoiser.mask_id] = -float("inf")
    assert torch.equal(settled[masked], first.argmax(-1)[masked[0]]), "the first step's own predictions"
    _, scheduled = sample(tiny_denoiser, ids, masked, SamplerOptions(steps=10, strategy="threshold", settle_below=0.0))
    assert scheduled.nfe == 10


def test_unknown_strategy_raises(tiny_denoiser):
    ids, masked = _canvas(tiny_denoiser)
    with pytest.raises(ValueError, match="bogus"):
        sample(tiny_denoiser, ids, masked, SamplerOptions(strategy="bogus"))


def test_refine_touches_only_editable_low_confidence_tokens(tiny_denoiser):
    ids, editable = _canvas(tiny_denoiser)
    out, trace = refine(tiny_denoiser, ids, editable, SamplerOptions(steps=4, refine_threshold=1.1, refine_fraction=0.5))
    assert torch.equal(out[~editable], ids[~editable])
    assert 0 < trace.remasked <= int(0.5 * editable.sum())
    assert trace.nfe >= 2


def test_refine_with_nothing_unsure_changes_nothing(tiny_denoiser):
    ids, editable = _canvas(tiny_denoiser)
    out, trace = refine(tiny_denoiser, ids, editable, SamplerOptions(refine_threshold=0.0))
    assert torch.equal(out, ids) and trace.remasked == 0 and trace.nfe == 1


def test_temperature_sampling_is_seeded(tiny_denoiser):
    ids, masked = _canvas(tiny_denoiser)
    a, _ = sample(tiny_denoiser, ids, masked, SamplerOptions(steps=4, temperature=1.0, seed=7))
    b, _ = sample(tiny_denoiser, ids, masked, SamplerOptions(steps=4, temperature=1.0, seed=7))
    assert torch.equal(a, b)


class StutterDenoiser(DenoiserBase):
    """Vocabulary of five: a mask, pad, eos, `book` (A) and `.` (B). A masked position after a mask or other text
    guesses A (a little surer the further left it is); right after an A it is sure of B. A parallel step that
    commits two neighbours at once, neither seeing the other, writes A A: a stutter."""

    mask_id, pad_id, eos_id, vocab_size, name = 0, 1, 2, 5, "stutter"
    A, B = 3, 4

    def logits(self, ids, attention_mask=None, positions=None):
        out = torch.full((*ids.shape, self.vocab_size), -10.0)  # (B, L, V)
        out.scatter_(-1, ids.unsqueeze(-1), 10.0)
        for row, pos in (ids == self.mask_id).nonzero().tolist():
            out[row, pos] = -10.0
            if pos > 0 and ids[row, pos - 1] == self.A:
                out[row, pos, self.B] = 10.0
            else:
                out[row, pos, self.A], out[row, pos, self.B] = 1.0 - 0.01 * pos, 0.0
        return out if positions is None else out[positions]


def test_a_parallel_step_defers_a_stutter_until_its_neighbour_is_seen():
    denoiser = StutterDenoiser()
    ids = torch.tensor([[StutterDenoiser.B, 0, 0, 0, 0]])
    masked = ids == 0
    out, trace = sample(denoiser, ids, masked, SamplerOptions(steps=3, strategy="threshold", threshold=0.99))
    assert out[0, 1:].tolist() == [denoiser.A, denoiser.B, denoiser.A, denoiser.B]
    assert trace.committed_per_step[0] == 1, "the quota was two, but the second A was deferred"
    # The last step must finish: it commits the stutter rather than leave a mask.
    out, _ = sample(denoiser, ids, masked, SamplerOptions(steps=1, strategy="confidence"))
    assert out[0, 1:].tolist() == [denoiser.A] * 4


def test_sure_neighbours_may_repeat_a_token():
    chosen = torch.tensor([[True, True, True, False]])
    tokens = torch.tensor([[7, 7, 7, 7]])
    assert defer_stutters(chosen, tokens, torch.zeros_like(chosen)).tolist() == [[False, True, True, False]]
    sure = torch.tensor([[True, True, False, False]])
    assert defer_stutters(chosen, tokens, sure).tolist() == [[False, False, True, False]]
