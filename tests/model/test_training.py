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


def test_a_run_starts_from_another_checkpoint_with_a_language_mix(tmp_path, tiny_checkpoint):
    import shutil

    from model.checkpoint import load_checkpoint
    from model.training.export import export_builtin

    corpus = tmp_path / "corpus"  # shaped like corpus v2: every file names its language
    corpus.mkdir()
    rows = [{"name": p.name, "text": p.read_text(), "language": {".py": "python", ".go": "go"}.get(p.suffix, "other")}
            for p in sorted(EXAMPLES.iterdir())]
    for split in ("train", "val"):
        (corpus / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (corpus / "manifest.json").write_text(json.dumps({"packages": [{"package": "pypi:examples", "license": "MIT",
                                                                  "files": {"python": 2, "go": 1}}],
                                                    "languages": {"python": {"files": 2, "chars": 10, "tokens_estimate": 4}},
                                                    "dropped_files": {}}))
    initial = tmp_path / "initial"
    shutil.copytree(tiny_checkpoint, initial)
    (initial / "MODEL_CARD.md").write_text("# old\n\n## Data\n\n| stdlib | 3.11 | PSF-2.0 |\n\n## Evaluation\n\nnone\n")
    before, tok_before, meta = load_checkpoint(initial)
    run = tmp_path / "run"
    opts = TrainOptions(corpus=str(corpus), out=str(run), seq_len=64, batch_size=4, steps=3, warmup=1, eval_every=3,
                        save_every=3, threads=1, snapshot_every=3, code_val_windows=2, languages="python=3,go=1",
                        init_from=str(initial), uniform_fraction=0.8, pad_weight=0.1)
    train(opts)
    after, tok_after, _ = load_checkpoint(run / "checkpoint")
    assert after.cfg == before.cfg and tok_after.vocab_size == tok_before.vocab_size
    state = json.loads((run / "state.json").read_text())
    assert state["tokens"] == meta.get("tokens_seen", 0) + 3 * 4 * 64, "tokens seen carry over from the initial model"
    assert state["first_phase"].startswith(f"the weights of {initial}")
    card = (export_builtin(run, corpus, dest=tmp_path / "weights") / "MODEL_CARD.md").read_text()
    assert "(python=3,go=1)" in card and "| stdlib | 3.11 | PSF-2.0 |" in card, "the initial model's data is listed"
    assert "This run masked 80% of examples uniformly" in card and "`<|pad|>` targets weighted 0.1" in card
    # A run continued from that run's checkpoint (which now holds the card) on the same data names the repeated
    # table instead of listing it twice.
    assert (run / "checkpoint" / "MODEL_CARD.md").read_text() == card
    again = TrainOptions(**{**opts.__dict__, "out": str(tmp_path / "run2"), "init_from": str(run / "checkpoint")})
    train(again)
    card2 = (export_builtin(tmp_path / "run2", corpus, dest=tmp_path / "weights2") / "MODEL_CARD.md").read_text()
    assert card2.count("| language | files |") == 1 and "The same data as this run, drawn the same way." in card2
    assert "| stdlib | 3.11 | PSF-2.0 |" in card2, "the data further back is still listed"
    assert f"It continued the weights of {initial}" in card


def test_a_bad_language_mix_is_one_line(tmp_path, capsys):
    from lsp_server.cli import main

    corpus = tmp_path / "corpus"
    build_corpus(corpus, [Source("examples", "0", "MIT", str(EXAMPLES))], val_fraction=0.0)
    capsys.readouterr()
    assert main(["train", "run", "--corpus", str(corpus), "--out", str(tmp_path / "run"), "--languages", "cobol=1"]) == 2
    assert capsys.readouterr().err == "diffusion-lsp: error: no files of cobol in the corpus (it has python)\n"
    assert main(["train", "run", "--corpus", str(corpus), "--languages", "python"]) == 2
    assert capsys.readouterr().err.startswith("diffusion-lsp: error: language weight 'python' is not NAME=WEIGHT")


def test_weight_decay_can_spare_norms_and_embeddings(tiny_checkpoint):
    import pytest

    from model.checkpoint import load_checkpoint
    from model.training.train import param_groups

    model, _, _ = load_checkpoint(tiny_checkpoint)
    opts = TrainOptions(corpus="-", out="-", decay="matrices")
    decayed, spared = param_groups(model, opts)
    assert decayed["weight_decay"] == 0.1 and spared["weight_decay"] == 0.0
    assert any(p is model.embed.weight for p in spared["params"]) and all(p.ndim == 2 for p in decayed["params"])
    assert len(decayed["params"]) + len(spared["params"]) == len(list(model.parameters()))
    assert len(param_groups(model, TrainOptions(corpus="-", out="-"))) == 1
    with pytest.raises(ValueError, match="sometimes"):
        param_groups(model, TrainOptions(corpus="-", out="-", decay="sometimes"))


def test_the_card_says_how_the_run_masked_its_examples():
    from model.training.export import _objective

    uniform = _objective({"uniform_fraction": 1.0, "pad_weight": 0.1}, None)
    assert "every example uniformly" in uniform and "no `<|pad|>` targets" in uniform and "continued" not in uniform
    mixed = _objective({"uniform_fraction": 0.3, "pad_weight": 1.0}, {"from": "model/weights", "tokens": 1})
    assert "30% of examples uniformly" in mixed and "weighted 1.0" in mixed and "model/weights" in mixed


def test_compiled_blocks_train_the_same_model(tmp_path):
    """torch.compile'd blocks share the model's parameters: the same losses step by step as eager blocks, and the
    checkpoint is the plain model's (no `_orig_mod` keys)."""
    import torch

    from model.checkpoint import load_checkpoint
    from model.training.objective import diffusion_loss
    from model.training.train import compiled_blocks, new_model
    from tests.conftest import build_tiny_checkpoint

    _, tok, _ = load_checkpoint(build_tiny_checkpoint(tmp_path / "tiny"), "cpu")
    torch.manual_seed(0)
    eager = new_model("tiny", tok, 128)
    compiled = new_model("tiny", tok, 128)
    compiled.load_state_dict(eager.state_dict())
    blocks = compiled_blocks(compiled)
    optims = [torch.optim.AdamW(m.parameters(), lr=1e-3) for m in (eager, compiled)]
    for step in range(3):
        g = torch.Generator().manual_seed(step)
        ids = torch.randint(10, tok.vocab_size, (2, 32), generator=g)
        masked = torch.rand(2, 32, generator=g) < 0.5
        losses = []
        for model, optim, wrapped in ((eager, optims[0], None), (compiled, optims[1], blocks)):
            loss = diffusion_loss(model, ids, masked, torch.ones(2), torch.ones(2, 32, dtype=torch.bool), tok.mask_id,
                                  blocks=wrapped)
            optim.zero_grad()
            loss.backward()
            optim.step()
            losses.append(loss.item())
        assert abs(losses[0] - losses[1]) < 1e-4, (step, losses)
    assert all(torch.allclose(a, b, atol=1e-5) for a, b in zip(eager.state_dict().values(), compiled.state_dict().values()))
    assert not any("_orig_mod" in key for key in compiled.state_dict())


def test_context_rows_read_the_context_and_are_masked_only_in_the_code(tiny_checkpoint):
    import random

    from model.checkpoint import load_checkpoint
    from model.training.objective import context_batch
    _, tok, _ = load_checkpoint(tiny_checkpoint)
    pairs = [("# pkg/base.py\ndef get_stats(ids): ...\n\n", "stats = get_stats(ids)\nids = merge(ids, pair, 3)\n" * 3)]
    ids, masked, _, candidates = context_batch(pairs, tok, 96, 8, random.Random(0), context_share=1.0)
    context = len(tok.encode(pairs[0][0]))
    assert ids[:, :context].tolist() == [tok.encode(pairs[0][0])] * 8, "every row starts with the context"
    assert not candidates[:, :context].any() and not masked[:, :context].any(), "the context is never masked"
    assert (masked <= candidates).all() and masked.any(1).all()
    plain, _, _, plain_candidates = context_batch(pairs, tok, 96, 8, random.Random(0), context_share=0.0)
    assert plain[:, 0].tolist() == [tok.encode(pairs[0][1])[0]] * 8 and plain_candidates[:, 0].all()
