import pytest
import torch

from model.local_ngrams import FileNgrams, LocalPrior
from model.sampler import SamplerOptions, sample

MASK, PAD, EOS = 0, 1, 2


def test_counts_stay_inside_each_piece():
    ngrams = FileNgrams.of([[5, 6, 7], [8, 5, 6]])
    assert ngrams.follows[(5,)] == {6: 2}
    assert ngrams.follows[(5, 6)] == {7: 1}
    assert (7,) not in ngrams.follows, "no n-gram crosses from one piece (a hole between) into the next"
    assert sum(ngrams.unigram.values()) == 6


def test_distribution_prefers_what_followed_the_longest_context():
    # After 5 the file wrote 6 twice and 9 once; after 4 5 it wrote 9.
    ngrams = FileNgrams.of([[3, 5, 6, 3, 5, 6, 4, 5, 9]])
    after_five = ngrams.distribution([5], 12)
    assert after_five.sum().item() == pytest.approx(1.0)
    assert after_five.argmax().item() == 6
    after_four_five = ngrams.distribution([4, 5], 12)
    assert after_four_five.sum().item() == pytest.approx(1.0)
    assert after_four_five.argmax().item() == 9
    assert after_four_five[11] == 0, "a token the file never holds gets nothing"
    # An unseen two-token context backs off to its last token.
    assert torch.equal(ngrams.distribution([7, 5], 12), after_five)


def test_mix_touches_only_positions_whose_left_context_the_file_knows():
    ngrams = FileNgrams.of([[5, 6, 7]])
    ids = torch.tensor([[5, MASK, MASK, 8, MASK]])
    todo = ids == MASK
    probs = torch.full((3, 10), 0.1)
    probs[:, MASK] = 0.0
    probs[0, EOS] = 0.0  # say code is asked at the first position: no filler
    mixed = LocalPrior([ngrams], 0.5, MASK).mix(probs, ids, todo)
    assert mixed[0, 6] == pytest.approx(0.5 * 0.1 + 0.5 * ngrams.distribution([5], 10)[6].item(), rel=1e-4)
    assert mixed[0].sum().item() == pytest.approx(0.5 * probs[0].sum().item() + 0.5, rel=1e-5)
    assert mixed[0, MASK] == 0 and mixed[0, EOS] == 0, "the prior never brings back what the model may not write"
    assert torch.equal(mixed[1], probs[1]), "left neighbour is a mask: nothing known"
    assert torch.equal(mixed[2], probs[2]), "left neighbour 8 is not in the file"
    assert torch.equal(LocalPrior([ngrams], 0.0, MASK).mix(probs, ids, todo), probs)
    assert torch.equal(LocalPrior([None], 0.5, MASK).mix(probs, ids, todo), probs)


class UnsureDenoiser:
    """Predicts every masked position as nearly uniform over the code tokens 3..9, with a faint lean to 9."""

    mask_id, pad_id, eos_id, vocab_size, name = MASK, PAD, EOS, 10, "unsure"

    def logits(self, ids, attention_mask=None, positions=None):
        out = torch.zeros((*ids.shape, self.vocab_size))  # (B, L, V)
        out[..., :3] = -10.0
        out[..., 9] = 0.1
        return out if positions is None else out[positions]


def test_an_unsure_model_copies_what_the_file_wrote_after_the_same_tokens():
    # Elsewhere in the file: 4 5 6 7. The canvas holds 4 5 then three masks.
    prior = LocalPrior([FileNgrams.of([[4, 5, 6, 7, 3, 3]])], 0.5, MASK)
    ids = torch.tensor([[4, 5, MASK, MASK, MASK]])
    options = SamplerOptions(steps=3, strategy="confidence")
    alone, _ = sample(UnsureDenoiser(), ids, ids == MASK, options)
    assert alone[0, 2:].tolist() == [9, 9, 9]
    copied, trace = sample(UnsureDenoiser(), ids, ids == MASK, options, prior=prior)
    assert copied[0, 2:].tolist() == [6, 7, 3]
    assert trace.commit_probs[0, 2] > 0.3, "the commit probability a candidate is scored by includes the file's"
