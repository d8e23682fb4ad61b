"""Batched fills: rows padded to one length share model calls, and padding never reaches a real row."""

import torch

from infill.engine import run_infill, run_infill_batch
from infill.source.document import Document
from infill.source.languages import language_for_id
from infill.source.spans import select_holes
from infill.task import InfillOptions
from model.sampler import SamplerOptions

PY = language_for_id("python")


def _padded_logits_match(denoiser):
    short, long = torch.randint(3, 300, (1, 9)), torch.randint(3, 300, (1, 17))
    batch = torch.full((2, 17), denoiser.pad_id)
    batch[0, :9], batch[1] = short[0], long[0]
    mask = torch.zeros_like(batch)
    mask[0, :9], mask[1] = 1, 1
    out = denoiser.logits(batch, mask)
    assert torch.allclose(out[0, :9], denoiser.logits(short)[0], atol=1e-4)
    assert torch.allclose(out[1], denoiser.logits(long)[0], atol=1e-4)


def test_padding_is_invisible_to_the_builtin_model(tiny_denoiser):
    _padded_logits_match(tiny_denoiser)


def test_padding_is_invisible_to_a_dream_model(tmp_path):
    from model.denoiser import load_denoiser
    from tests.model.test_hf_dream import write_tiny_dream
    _padded_logits_match(load_denoiser(str(write_tiny_dream(tmp_path)), "cpu"))


def test_a_batch_fills_every_request_in_one_set_of_model_calls(tiny_denoiser):
    docs = [Document("x = <|fill|>\n", PY), Document("def f(a):\n    return <|fill|>\n\nprint(f(2))\n", PY),
            Document("broken = (\n", PY)]
    options = InfillOptions(sampler=SamplerOptions(steps=4), syntax_rounds=0, max_fill_tokens=6)
    requests = [(doc, select_holes(doc) if "<|fill|>" in doc.text else [], options) for doc in docs]
    results = run_infill_batch(tiny_denoiser, requests)
    assert isinstance(results[2], Exception), "a bad request fails alone"
    for (doc, spans, _), result in zip(requests[:2], results[:2]):
        assert result.trace.nfe <= 4 and "<|fill|>" not in result.text
        single = run_infill(tiny_denoiser, doc, spans, options)
        assert result.text.split("\n")[1:] == single.text.split("\n")[1:]  # the code around the hole is the same
