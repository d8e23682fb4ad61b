"""The GPU recipe end to end on CPU with a tiny configuration: pack, train for a wall-clock budget as the device
machine would, bring the shards back, import them as a checkpoint the server loads."""

import json
import subprocess
import sys

import torch

from model.denoiser import load_denoiser
from model.training.corpus import Source, build_corpus
from model.training.gpu_recipe import SHARD_BYTES, import_shards
from model.training.pack import load_pack, pack_corpus
from tests.conftest import EXAMPLES


def test_pack_train_on_a_budget_and_import(tmp_path, tiny_checkpoint):
    corpus = tmp_path / "corpus"
    build_corpus(corpus, [Source("examples", "0", "MIT", str(EXAMPLES.parent / "infill"))], val_fraction=0.0)
    (corpus / "val.jsonl").write_text((corpus / "train.jsonl").read_text())
    meta = pack_corpus(corpus, tiny_checkpoint / "tokenizer.json", tmp_path / "pack", max_mib=0.05)
    train = load_pack(tmp_path / "pack", "train")
    assert meta["train_tokens"] == train.size <= 0.05 * 2**20 / 2 and train.dtype.name == "uint16"
    out = tmp_path / "OUT"
    done = subprocess.run([sys.executable, "-m", "model.training.gpu_recipe", "--pack", str(tmp_path / "pack"), "--out",
                           str(out), "--size", "tiny", "--seconds", "4", "--device", "cpu", "--batch-size", "4",
                           "--seq-len", "64"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["steps"] > 0 and info["train_seconds"] < 60
    shards = sorted(out.glob("shard-*.safetensors"))
    assert shards and all(p.stat().st_size <= SHARD_BYTES for p in shards) and len(list(out.iterdir())) <= 8
    checkpoint = import_shards(out, tmp_path / "gpu")
    denoiser = load_denoiser(str(checkpoint), "cpu")
    ids = torch.randint(3, denoiser.vocab_size, (1, 16))
    assert denoiser.logits(ids).shape == (1, 16, denoiser.vocab_size)
    assert denoiser.meta["steps"] == info["steps"]


def test_shards_split_big_models_and_import_restores_every_weight(tmp_path, tiny_checkpoint, monkeypatch):
    import model.training.gpu_recipe as recipe
    from model.checkpoint import load_checkpoint
    original, tok, _ = load_checkpoint(tiny_checkpoint)
    monkeypatch.setattr(recipe, "SHARD_BYTES", 8_000)
    paths = recipe.write_shards(original, tmp_path / "OUT", {"steps": 1})
    tok.save(tmp_path / "OUT" / "tokenizer.json")
    assert len(paths) > 2
    restored, _, _ = load_checkpoint(import_shards(tmp_path / "OUT", tmp_path / "gpu"))
    for name, tensor in original.state_dict().items():
        assert torch.equal(restored.state_dict()[name], tensor.half().float()), name


def test_a_run_resumes_in_chunks_under_one_schedule(tmp_path, tiny_checkpoint):
    """Chunk 2 starts from chunk 1's shards (weights only: Adam's states would not fit the way back) and carries
    on its steps, tokens, seconds and log; the cosine spans the whole run."""
    from model.training.gpu_recipe import read_shards, train_packed

    corpus = tmp_path / "corpus"
    build_corpus(corpus, [Source("examples", "0", "MIT", str(EXAMPLES.parent / "infill"))], val_fraction=0.0)
    (corpus / "val.jsonl").write_text((corpus / "train.jsonl").read_text())
    pack_corpus(corpus, tiny_checkpoint / "tokenizer.json", tmp_path / "pack", max_mib=0.05)
    common = dict(size="tiny", device="cpu", batch_size=4, seq_len=64, total_seconds=4.0, log_every=1)  # any speed
    first = train_packed(tmp_path / "pack", tmp_path / "chunk1", seconds=2.0, **common)
    second = train_packed(tmp_path / "pack", tmp_path / "chunk2", seconds=10.0, resume=tmp_path / "chunk1", **common)
    assert first["chunks"] == 1 and second["chunks"] == 2
    assert second["steps"] > first["steps"] and second["tokens_seen"] > first["tokens_seen"]
    assert second["train_seconds"] < 4.0 + 2.0, "the run stops at its total budget, not the chunk's"
    log = json.loads((tmp_path / "chunk2" / "log.json").read_text())["log"]
    assert [r["step"] for r in log] == list(range(1, second["steps"] + 1)), "one log, carried across chunks"
    model, info = read_shards(tmp_path / "chunk2")
    assert info == second and model.cfg.n_layer == 2


def test_the_default_gpu_shape_fits_the_shipped_size_limit():
    from model.config import ModelConfig
    from model.training.train import SIZES
    from model.transformer import DiffusionTransformer

    n_layer, n_head, d_model, mlp_hidden = SIZES["medium"]
    model = DiffusionTransformer(ModelConfig(vocab_size=8192, max_len=1024, n_layer=n_layer, n_head=n_head,
                                             d_model=d_model, mlp_hidden=mlp_hidden, mask_id=0, pad_id=1, eos_id=2))
    assert model.num_params() * 2 <= 40e6  # fp16 bytes
