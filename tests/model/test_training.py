"""A few training steps on a tiny corpus must lower the validation loss, and resume where they stopped."""

import json

from model.training.corpus import Source, build_corpus
from model.training.train import TrainOptions, train
from tests.conftest import EXAMPLES


def test_training_lowers_loss_and_resumes(tmp_path):
    corpus = tmp_path / "corpus"
    manifest = build_corpus(corpus, [Source("examples", "0", "MIT", str(EXAMPLES.parent / "infill"))], val_fraction=0.0)
    assert manifest["counts"]["train"] > 3
    (corpus / "val.jsonl").write_text((corpus / "train.jsonl").read_text())  # tiny corpus: validate on it too
    opts = TrainOptions(corpus=str(corpus), out=str(tmp_path / "run"), size="tiny", vocab_size=400, seq_len=64,
                        batch_size=8, steps=30, lr=3e-3, warmup=5, eval_every=15, save_every=15, threads=1, snapshot_every=15)
    train(opts)
    state = json.loads((tmp_path / "run" / "state.json").read_text())
    val = [r["val_loss"] for r in state["log"] if "val_loss" in r]
    assert state["step"] == 30 and val[-1] < val[0]
    assert sorted(p.name for p in (tmp_path / "run" / "snapshots").iterdir()) == ["step_15", "step_30"]
    train(TrainOptions(**{**opts.__dict__, "steps": 35, "precision": "fp32"}))  # resumes from step 30
    state = json.loads((tmp_path / "run" / "state.json").read_text())
    assert state["step"] == 35 and (tmp_path / "run" / "loss.png").is_file()
    assert [r["event"] for r in state["log"] if "event" in r] == ["corpus, 1 CPU threads, fp32"], "a new phase is logged"
    from model.training.export import export_builtin
    card = (export_builtin(tmp_path / "run", corpus, dest=tmp_path / "weights") / "MODEL_CARD.md").read_text()
    assert "from step 0: corpus, 1 CPU threads, bf16; from step 30: corpus, 1 CPU threads, fp32" in card


def test_export_ships_fp16_weights_and_a_card(tmp_path, tiny_checkpoint):
    import shutil

    from model.denoiser import load_denoiser
    from model.training.export import export_builtin

    run = tmp_path / "run"
    shutil.copytree(tiny_checkpoint, run / "checkpoint")
    dest = export_builtin(run, tmp_path / "no-corpus", "| metric | value |", dest=tmp_path / "weights")
    assert "| metric | value |" in (dest / "MODEL_CARD.md").read_text()
    shipped, original = load_denoiser(str(dest), "cpu"), load_denoiser(str(tiny_checkpoint), "cpu")
    assert (dest / "model.safetensors").stat().st_size < (tiny_checkpoint / "model.safetensors").stat().st_size
    import torch
    ids = torch.randint(3, original.vocab_size, (1, 12))
    assert torch.allclose(shipped.logits(ids), original.logits(ids), atol=1e-2)
