import pytest
import torch

import model.denoiser as denoiser_module
from model.checkpoint import WEIGHTS_FILE, load_checkpoint, read_metadata
from model.denoiser import load_denoiser
from model.errors import ModelError


def test_round_trip_rebuilds_config_and_weights(tiny_checkpoint, tiny_denoiser):
    model, tok, meta = load_checkpoint(tiny_checkpoint)
    assert meta["config"]["n_layer"] == 2 and model.cfg.d_model == 32
    ids = torch.randint(3, tok.vocab_size, (1, 20))
    assert torch.allclose(model(ids), tiny_denoiser.logits(ids))
    assert model.head.weight.data_ptr() == model.embed.weight.data_ptr(), "tied weights survive the round trip"


def test_bidirectional_attention(tiny_denoiser):
    ids = torch.randint(3, tiny_denoiser.vocab_size, (1, 30))
    changed = ids.clone()
    changed[0, 25] = (ids[0, 25] + 1) % tiny_denoiser.vocab_size
    a, b = tiny_denoiser.logits(ids), tiny_denoiser.logits(changed)
    assert not torch.allclose(a[0, 3], b[0, 3]), "a later token changes an earlier position's prediction"


@pytest.mark.parametrize("damage", ["truncate", "garbage", "no_tokenizer", "no_weights"])
def test_broken_checkpoints_give_model_errors(tiny_checkpoint, tmp_path, damage):
    for f in tiny_checkpoint.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    weights = tmp_path / WEIGHTS_FILE
    if damage == "truncate":
        weights.write_bytes(weights.read_bytes()[:-100])
    elif damage == "garbage":
        weights.write_bytes(b"not a safetensors file at all")
    elif damage == "no_tokenizer":
        (tmp_path / "tokenizer.json").unlink()
    else:
        weights.unlink()
    with pytest.raises(ModelError):
        load_denoiser(str(tmp_path), "cpu")


def test_builtin_without_weights_says_so(monkeypatch, tmp_path):
    monkeypatch.setattr(denoiser_module, "BUILTIN_DIR", tmp_path)
    with pytest.raises(ModelError, match="no trained weights are installed"):
        load_denoiser("builtin", "cpu")


def test_bad_specs(tmp_path):
    with pytest.raises(ModelError, match="neither"):
        load_denoiser(str(tmp_path / "nope"), "cpu")
    with pytest.raises(ModelError, match="unknown device"):
        load_denoiser("builtin", "tpu")


def test_metadata_is_json(tiny_checkpoint):
    assert read_metadata(tiny_checkpoint)["config"]["vocab_size"] > 256
