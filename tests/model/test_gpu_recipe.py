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
    # The whole infill/ folder (one chunk under its budget: the budget leaves room for the folder to grow).
    build_corpus(corpus, [Source("examples", "0", "MIT", str(EXAMPLES.parent / "infill"))], val_fraction=0.0)
    (corpus / "val.jsonl").write_text((corpus / "train.jsonl").read_text())
    meta = pack_corpus(corpus, tiny_checkpoint / "tokenizer.json", tmp_path / "pack", max_mib=0.25)
    train = load_pack(tmp_path / "pack", "train")
    assert meta["train_tokens"] == train.size > 0 and train.dtype.name == "uint16"
    assert sum(p.stat().st_size for p in (tmp_path / "pack").glob("train-*.u16.xz")) <= 0.25 * 2**20
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
    pack_corpus(corpus, tiny_checkpoint / "tokenizer.json", tmp_path / "pack", max_mib=0.25)
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


def _records_corpus(root, files: dict[str, str]):
    """A corpus folder whose train and val splits hold `files` (name -> text), each file's language from its name."""
    root.mkdir()
    language = {".py": "python", ".c": "c", ".go": "go"}
    rows = "".join(json.dumps({"name": name, "text": text, "language": language[name[name.rindex("."):]]}) + "\n"
                   for name, text in files.items())
    for split in ("train", "val"):
        (root / f"{split}.jsonl").write_text(rows)
    return root


def test_a_pack_follows_the_language_mix_never_repeats_a_file_and_keeps_to_its_budget(tmp_path, tiny_checkpoint,
                                                                                      monkeypatch):
    import model.training.pack as pack
    from model.tokenizer import CodeTokenizer

    files = {f"m{i}.py": f"def f{i}(x):\n    return x + {i}\n" * 6 for i in range(40)}
    files |= {f"m{i}.c": f"int f{i}(int x) {{ return x * {i}; }}\n" * 6 for i in range(40)}
    files |= {f"m{i}.go": f"func f{i}() int {{ return {i} }}\n" for i in range(5)}
    corpus = _records_corpus(tmp_path / "corpus", files)
    monkeypatch.setattr(pack, "CHUNK_TOKENS", 512)  # several chunks from a small corpus
    tok = CodeTokenizer.from_file(tiny_checkpoint / "tokenizer.json")
    meta = pack.pack_corpus(corpus, tiny_checkpoint / "tokenizer.json", tmp_path / "all", max_mib=10,
                            languages="python=3,c=1")
    texts = tok.decode(load_pack(tmp_path / "all", "train").tolist()).split(tok.decode([tok.eos_id]))
    assert len(list((tmp_path / "all").glob("train-*.u16.xz"))) > 2
    assert sorted(filter(None, texts)) == sorted(t for n, t in files.items() if not n.endswith(".go")), \
        "every file of a weighted language exactly once, none of a language left out"
    first_half = texts[:40]
    assert sum(t.startswith("def") for t in first_half) > 20, "python, weighted 3:1, is drawn more often early on"
    (tmp_path / "all" / "notes.txt").write_text("mine")
    small = pack.pack_corpus(corpus, tiny_checkpoint / "tokenizer.json", tmp_path / "all", max_mib=0.002)
    assert 0 < small["train_tokens"] == load_pack(tmp_path / "all", "train").size < meta["train_tokens"], \
        "packing again into the same folder leaves none of the earlier chunks"
    assert sum(p.stat().st_size for p in (tmp_path / "all").glob("train-*")) <= 0.002 * 2**20
    assert small["val_tokens"] == load_pack(tmp_path / "all", "val").size
    assert (tmp_path / "all" / "notes.txt").read_text() == "mine", "only the pack's own files are replaced"


def test_a_pack_that_cannot_be_made_is_one_line(tmp_path, tiny_checkpoint, capsys):
    from lsp_server.cli import main

    corpus = _records_corpus(tmp_path / "corpus", {"a.py": "x = 1\n" * 2000})
    base = ["train", "pack", "--corpus", str(corpus), "--tokenizer", str(tiny_checkpoint / "tokenizer.json"),
            "--out", str(tmp_path / "pack")]
    assert main(base + ["--languages", "rust=1"]) == 2
    assert "no files of rust" in capsys.readouterr().err
    assert main(base + ["--max-mib", "0.0001"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "hold no chunk" in err.splitlines()[-1], "after the progress bar, one line"
