"""A tiny random checkpoint in the Dream family's on-disk layout, loaded through the same loader as the real ones."""

import json
import subprocess
import sys

import pytest
import torch
from safetensors.torch import save_file
from tokenizers import Tokenizer, models, pre_tokenizers, decoders, trainers

from model.denoiser import load_denoiser
from model.errors import ModelError
from tests.conftest import EXAMPLES


def write_tiny_dream(directory, shards: int = 2):
    from transformers import Qwen2Config, Qwen2ForCausalLM

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator([p.read_text() for p in EXAMPLES.iterdir()], trainers.BpeTrainer(
        vocab_size=300, special_tokens=["<|endoftext|>", "<|mask|>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.save(str(directory / "tokenizer.json"))
    vocab = 320  # Dream pads its embedding past the tokenizer's vocabulary too
    config = {"architectures": ["DreamModel"], "model_type": "Dream", "vocab_size": vocab, "hidden_size": 32,
              "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
              "max_position_embeddings": 512, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "tie_word_embeddings": False,
              "hidden_act": "silu", "mask_token_id": tok.token_to_id("<|mask|>"), "pad_token_id": tok.token_to_id("<|endoftext|>"),
              "eos_token_id": tok.token_to_id("<|endoftext|>"), "auto_map": {"AutoModel": "modeling_dream.DreamModel"}}
    (directory / "config.json").write_text(json.dumps(config))
    torch.manual_seed(0)
    fields = {k: v for k, v in config.items() if k not in ("architectures", "model_type", "auto_map", "mask_token_id")}
    state = {k: v.contiguous() for k, v in Qwen2ForCausalLM(Qwen2Config(**fields)).state_dict().items()}
    names = sorted(state)
    weight_map = {}
    for i in range(shards):
        part = {k: state[k] for k in names[i::shards]}
        file = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
        save_file(part, str(directory / file))
        weight_map.update({k: file for k in part})
    (directory / "model.safetensors.index.json").write_text(json.dumps({"metadata": {}, "weight_map": weight_map}))
    return directory


@pytest.fixture(scope="module")
def dream_dir(tmp_path_factory):
    return write_tiny_dream(tmp_path_factory.mktemp("tiny_dream"))


def test_loads_with_its_mask_id_and_attends_both_ways(dream_dir):
    d = load_denoiser(str(dream_dir), "cpu")
    config = json.loads((dream_dir / "config.json").read_text())
    assert d.mask_id == config["mask_token_id"] and d.pad_id == config["pad_token_id"]
    ids = torch.randint(0, 300, (1, 24))
    changed = ids.clone()
    changed[0, 20] = (ids[0, 20] + 1) % 300
    a, b = d.logits(ids), d.logits(changed)
    assert not torch.allclose(a[0, 5], b[0, 5]), "a later token changes an earlier position's logits"


def test_logits_are_unshifted(dream_dir):
    d = load_denoiser(str(dream_dir), "cpu")
    ids = torch.randint(0, 300, (1, 16))
    from model.hf_checkpoint import full_attention_mask
    raw = d.model(input_ids=ids, attention_mask=full_attention_mask(None, 1, 16, torch.float32, ids.device)).logits
    n = d.token_count  # the head's rows past the tokenizer's ids are -inf (test_real_layouts.py)
    assert torch.allclose(d.logits(ids)[0, 5, :n], raw[0, 4, :n]), "position j's prediction comes from hidden state j-1"
    assert torch.allclose(d.logits(ids)[0, 0, :n], raw[0, 0, :n])


def test_missing_shard_is_named(dream_dir, tmp_path):
    for f in dream_dir.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "model-00002-of-00002.safetensors").unlink()
    with pytest.raises(ModelError, match="model-00002-of-00002.safetensors"):
        load_denoiser(str(tmp_path), "cpu")


def test_cli_fills_with_a_dream_checkpoint(dream_dir, tmp_path):
    (tmp_path / "a.py").write_text("def f(x):\n    y = x\n    return y\n")
    run = subprocess.run([sys.executable, "-m", "lsp_server", "infill", str(tmp_path / "a.py"), "--lines", "2-2", "--json", "--accept-broken",
                          "--model", str(dream_dir), "--steps", "4", "--max-tokens", "8"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["text"].startswith("def f(x):\n") and out["text"].endswith("\n    return y\n") and out["nfe"] >= 1


def test_memory_is_checked_before_loading(dream_dir, monkeypatch):
    import model.hf_checkpoint as hf
    from model.hf_checkpoint import weights_bytes
    assert weights_bytes(dream_dir, 4) == 4 * sum(p.numel() for p in load_denoiser(str(dream_dir), "cpu").model.state_dict().values())
    monkeypatch.setattr(hf, "available_bytes", lambda device: 1000)
    with pytest.raises(ModelError, match="needs about .* GiB on cpu .* but only"):
        load_denoiser(str(dream_dir), "cpu")
    run = subprocess.run([sys.executable, "-m", "lsp_server", "doctor", "--model", str(dream_dir), "--device", "cpu"],
                         capture_output=True, text=True, timeout=120)
    assert "memory     needs about" in run.stdout and "GiB free" in run.stdout


CHAT_TEMPLATE = ("{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
                 "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}")


def test_instruct_checkpoint_rewrites_a_selection_inside_the_assistant_turn(dream_dir, tmp_path):
    import shutil

    from infill.source.document import Document
    from infill.engine import run_infill
    from infill.source.languages import language_for_id
    from infill.task import InfillOptions, Span
    from model.sampler import SamplerOptions
    from tests.helpers import RecordingDenoiser

    instruct = tmp_path / "instruct"
    shutil.copytree(dream_dir, instruct)
    (instruct / "tokenizer_config.json").write_text(json.dumps({"chat_template": CHAT_TEMPLATE}))
    d = load_denoiser(str(instruct), "cpu")
    assert d.follows_instructions and not load_denoiser(str(dream_dir), "cpu").follows_instructions
    doc = Document("def f(x):\n    y = x\n    return y\n", language_for_id("python"))
    rec = RecordingDenoiser(d)
    result = run_infill(rec, doc, [Span(14, 19)], InfillOptions(sampler=SamplerOptions(steps=3), mode="instruct",
                                                                instruction="double it", max_fill_tokens=6, syntax_rounds=0))
    seen = d.tokenizer.decode(rec.calls[0][0].tolist())
    assert "double it" in seen and "<|im_start|>assistant" in seen and "<selection>y = x</selection>" in seen
    assert result.text.startswith("def f(x):\n    ") and result.text.endswith("\n    return y\n")
    (tmp_path / "a.py").write_text(doc.text)
    run = subprocess.run([sys.executable, "-m", "lsp_server", "infill", str(tmp_path / "a.py"), "--lines", "2-2", "--json", "--accept-broken",
                          "--instruction", "double it", "--model", str(instruct), "--steps", "3", "--max-tokens", "6"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["text"].endswith("\n    return y\n")
