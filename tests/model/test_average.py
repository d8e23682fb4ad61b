import shutil

import pytest
import torch

from lsp_server.cli import main
from model.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from model.config import ModelConfig
from model.errors import ModelError
from model.training.average import average_checkpoints
from model.transformer import DiffusionTransformer


def _shifted_copy(tiny_checkpoint, directory, shift: float):
    """The tiny checkpoint with `shift` added to every weight and a training record of its own."""
    model, tok, meta = load_checkpoint(tiny_checkpoint)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(shift)
    save_checkpoint(directory, model, tok, extra={"tokens_seen": int(shift * 1000)})
    return directory


def test_the_average_is_the_mean_of_the_weights_and_keeps_the_last_record(tiny_checkpoint, tmp_path):
    a = _shifted_copy(tiny_checkpoint, tmp_path / "a", 1.0)
    b = _shifted_copy(tiny_checkpoint, tmp_path / "b", 3.0)
    assert main(["train", "average", str(a), str(b), "--out", str(tmp_path / "avg")]) == 0
    base, _, _ = load_checkpoint(tiny_checkpoint)
    avg, _, meta = load_checkpoint(tmp_path / "avg")
    for name, t in avg.state_dict().items():
        # a tied tensor is shifted once, not once per name it has
        assert torch.allclose(t, base.state_dict()[name] + 2.0, atol=1e-5), name
    assert meta["tokens_seen"] == 3000 and meta["averaged_of"] == [str(a), str(b)]
    assert read_metadata(tmp_path / "avg")["config"] == read_metadata(tiny_checkpoint)["config"]


def test_checkpoints_of_different_shapes_or_tokenizers_are_refused(tiny_checkpoint, tmp_path, capsys):
    model, tok, meta = load_checkpoint(tiny_checkpoint)
    wider = ModelConfig(**{**meta["config"], "d_model": 64, "mlp_hidden": 128})
    save_checkpoint(tmp_path / "wide", DiffusionTransformer(wider), tok)
    with pytest.raises(ModelError, match="config differs"):
        average_checkpoints([tiny_checkpoint, tmp_path / "wide"], tmp_path / "out")
    shutil.copytree(tiny_checkpoint, tmp_path / "other_tok")
    (tmp_path / "other_tok" / "tokenizer.json").write_text((tmp_path / "other_tok" / "tokenizer.json").read_text()
                                                           .replace('"<|mask|>"', '"<|mask|>" ', 1))
    with pytest.raises(ModelError, match="tokenizer differs"):
        average_checkpoints([tiny_checkpoint, tmp_path / "other_tok"], tmp_path / "out")
    assert main(["train", "average", str(tiny_checkpoint), "--out", str(tmp_path / "out")]) == 2
    assert "at least two" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_an_average_ships_with_its_runs_card_naming_what_was_averaged(tiny_checkpoint, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(tiny_checkpoint, run / "checkpoint")
    a = _shifted_copy(tiny_checkpoint, run / "snapshots" / "step_1", 1.0)
    b = _shifted_copy(tiny_checkpoint, run / "snapshots" / "step_2", 3.0)
    average_checkpoints([a, b], run / "averaged")
    from model.training.export import export_builtin
    dest = export_builtin(run, tmp_path / "no-corpus", dest=tmp_path / "weights", checkpoint=run / "averaged")
    card = (dest / "MODEL_CARD.md").read_text()
    assert "the mean of the weights of 2 checkpoints" in card and "step_2" in card
    shipped, _, _ = load_checkpoint(dest)
    base, _, _ = load_checkpoint(tiny_checkpoint)
    name = "head.weight"
    assert torch.allclose(shipped.state_dict()[name], base.state_dict()[name] + 2.0, atol=1e-2)
