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


def test_a_pickle_that_would_run_code_is_never_loaded(tmp_path):
    import pickle
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))
    for name in ("pytorch_model.bin", "model.bin", "model.safetensors"):
        (tmp_path / name).write_bytes(pickle.dumps(Payload()))
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelError):
        load_denoiser(str(tmp_path), "cpu")
    assert not marker.exists(), "no pickle was ever unpickled"


def test_a_config_claiming_a_huge_model_is_refused_before_allocating(tiny_checkpoint, tmp_path):
    import json
    import resource
    from safetensors import safe_open
    from safetensors.torch import load_file, save_file
    tensors = load_file(str(tiny_checkpoint / WEIGHTS_FILE))
    with safe_open(str(tiny_checkpoint / WEIGHTS_FILE), framework="pt") as f:
        metadata = dict(f.metadata())
    config = {**read_metadata(tiny_checkpoint)["config"], "d_model": 1 << 16, "mlp_hidden": 1 << 20, "n_layer": 4096}
    metadata["config"] = json.dumps(config)  # ~10^13 parameters claimed, the tiny model's tensors stored
    for f in tiny_checkpoint.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    save_file(tensors, str(tmp_path / WEIGHTS_FILE), metadata=metadata)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ModelError, match="does not match"):
        load_denoiser(str(tmp_path), "cpu")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 500_000, "no memory blow-up (KiB)"


def test_a_dream_config_claiming_10_to_the_12_parameters_is_refused(tmp_path):
    import json
    from tests.model.test_hf_dream import write_tiny_dream
    directory = write_tiny_dream(tmp_path)
    config = json.loads((directory / "config.json").read_text())
    config.update(hidden_size=32768, intermediate_size=131072, num_hidden_layers=80, num_attention_heads=256,
                  num_key_value_heads=256)
    (directory / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="describes .* parameters"):
        load_denoiser(str(directory), "cpu")
