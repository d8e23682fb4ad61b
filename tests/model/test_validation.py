"""Validation on code tokens only: fixed windows and masks, pads never counted, CE computed right."""

import math

import torch

from model.denoiser import DenoiserBase
from model.training.objective import diffusion_loss
from model.training.validation import code_windows, masked_code_metrics
from tests.conftest import EXAMPLES


class UniformDenoiser(DenoiserBase):
    """Predicts every token with the same probability: its CE is exactly log(V)."""

    def __init__(self, real):
        self.tokenizer, self.mask_id, self.vocab_size = real.tokenizer, real.mask_id, real.vocab_size
        self.seen: list[torch.Tensor] = []
        self.where: list[torch.Tensor] = []

    def logits(self, ids, attention_mask=None, positions=None):
        self.seen.append(ids.clone())
        self.where.append(positions.clone())
        return torch.zeros(int(positions.sum()), self.vocab_size)


def _texts():
    return [p.read_text() for p in sorted(EXAMPLES.iterdir()) if p.is_file()]


def test_windows_are_clean_code_and_fixed(tiny_denoiser):
    tok = tiny_denoiser.tokenizer
    a, b = code_windows(_texts(), tok, 48, 10, seed=3), code_windows(_texts(), tok, 48, 10, seed=3)
    assert a == b and all(len(w) == 48 for w in a)
    assert not any(t in (tok.pad_id, tok.mask_id, tok.eos_id) for w in a for t in w), "no pads, masks or eos"


def test_uniform_predictions_score_log_v_at_every_ratio(tiny_denoiser):
    fake = UniformDenoiser(tiny_denoiser)
    report = masked_code_metrics(fake, _texts(), seq_len=48, windows=20, batch_size=8)
    assert set(report) == {"0.15", "0.50", "0.90"}
    for ratio, row in report.items():
        assert abs(row["ce"] - math.log(fake.vocab_size)) < 1e-3
        assert abs(row["tokens"] - float(ratio) * 20 * 48) < 0.25 * 20 * 48
    masked = sum(int((ids == fake.mask_id).sum()) for ids in fake.seen)
    assert masked == sum(row["tokens"] for row in report.values()), "exactly the masked code tokens are scored"


def test_bits_per_byte_divide_by_the_masked_text_not_the_tokens(tiny_denoiser):
    fake, tok = UniformDenoiser(tiny_denoiser), tiny_denoiser.tokenizer
    report = masked_code_metrics(fake, _texts(), ratios=(0.5,), seq_len=48, windows=8, batch_size=8)
    rows = torch.tensor(code_windows(_texts(), tok, 48, 8))
    (where,) = fake.where
    masked_text = "".join(tok.token_text(int(t)) for t in rows[where])
    expected = math.log2(fake.vocab_size) * int(where.sum()) / len(masked_text.encode())
    assert abs(report["0.50"]["bits_per_byte"] - expected) < 1e-3
    assert report["0.50"]["bits_per_byte"] < math.log2(fake.vocab_size), "tokens hold more than one byte"


def test_the_real_model_is_scored_the_same_way_twice(tiny_denoiser):
    first = masked_code_metrics(tiny_denoiser, _texts(), seq_len=48, windows=8)
    assert first == masked_code_metrics(tiny_denoiser, _texts(), seq_len=48, windows=8)
    assert 0 < first["0.50"]["ce"] < 20 and 0 <= first["0.50"]["top1"] <= 1


def test_pad_weight_scales_only_pad_targets(tiny_denoiser):
    model, cfg = tiny_denoiser.model, tiny_denoiser.model.cfg
    ids = torch.randint(3, cfg.vocab_size, (2, 16))
    ids[:, 10:] = cfg.pad_id
    candidates = torch.ones_like(ids, dtype=torch.bool)
    weights = torch.ones(2)
    only_pads = torch.zeros_like(candidates)
    only_pads[:, 12] = True
    assert diffusion_loss(model, ids, only_pads, weights, candidates, cfg.mask_id, cfg.pad_id, 0.0) == 0
    mixed = torch.zeros_like(candidates)
    mixed[:, 3] = mixed[:, 12] = True
    full = diffusion_loss(model, ids, mixed, weights, candidates, cfg.mask_id, cfg.pad_id, 1.0)
    code_only = diffusion_loss(model, ids, mixed, weights, candidates, cfg.mask_id, cfg.pad_id, 0.0)
    assert 0 < code_only < full
