"""A tiny random checkpoint in LLaDA's on-disk layout, checked against a plain-torch reference of LLaDA's blocks."""

import json
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import save_file

from model.denoiser import load_denoiser
from tests.model.test_hf_dream import write_tiny_dream

D, H, KV, LAYERS, FF, VOCAB = 32, 4, 2, 2, 64, 320


def write_tiny_llada(directory):
    write_tiny_dream(directory, shards=1)  # borrow its tokenizer.json, then replace config and weights
    for f in directory.glob("model*"):
        f.unlink()
    tok = json.loads((directory / "tokenizer.json").read_text())
    mask_id = next(t["id"] for t in tok["added_tokens"] if t["content"] == "<|mask|>")
    (directory / "config.json").write_text(json.dumps({
        "architectures": ["LLaDAModelLM"], "model_type": "llada", "d_model": D, "n_heads": H, "n_kv_heads": KV,
        "n_layers": LAYERS, "mlp_hidden_size": FF, "vocab_size": VOCAB, "embedding_size": VOCAB, "rope_theta": 500000.0,
        "rms_norm_eps": 1e-5, "max_sequence_length": 512, "weight_tying": False, "mask_token_id": mask_id,
        "auto_map": {"AutoModel": "modeling_llada.LLaDAModelLM"}}))
    g = torch.Generator().manual_seed(0)
    w = lambda *shape: torch.randn(*shape, generator=g) * 0.1  # noqa: E731
    state = {"model.transformer.wte.weight": w(VOCAB, D), "model.transformer.ln_f.weight": 1 + w(D),
             "model.transformer.ff_out.weight": w(VOCAB, D)}
    for i in range(LAYERS):
        b = f"model.transformer.blocks.{i}."
        state.update({b + "attn_norm.weight": 1 + w(D), b + "ff_norm.weight": 1 + w(D), b + "q_proj.weight": w(D, D),
                      b + "k_proj.weight": w(KV * D // H, D), b + "v_proj.weight": w(KV * D // H, D), b + "attn_out.weight": w(D, D),
                      b + "ff_proj.weight": w(FF, D), b + "up_proj.weight": w(FF, D), b + "ff_out.weight": w(D, FF)})
    save_file(state, str(directory / "model.safetensors"))
    return directory, state


def reference_logits(state, ids):
    """LLaDA's forward as its modeling file writes it: x + attn(attn_norm(x)); x + ff_out(silu(ff_proj(h)) * up_proj(h))."""
    def rms(x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * weight

    def rope(x):  # rotate-half RoPE with theta 500000, as OLMo/LLaDA
        hd = x.shape[-1]
        inv = 1.0 / (500000.0 ** (torch.arange(0, hd, 2).float() / hd))
        ang = torch.outer(torch.arange(x.shape[-2]).float(), inv)
        cos, sin = torch.cat([ang, ang], -1).cos(), torch.cat([ang, ang], -1).sin()
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return x * cos + torch.cat([-x2, x1], -1) * sin

    x = state["model.transformer.wte.weight"][ids]
    L, hd = ids.shape[1], D // H
    for i in range(LAYERS):
        b = f"model.transformer.blocks.{i}."
        h = rms(x, state[b + "attn_norm.weight"])
        q = (h @ state[b + "q_proj.weight"].T).view(1, L, H, hd).transpose(1, 2)
        k = (h @ state[b + "k_proj.weight"].T).view(1, L, KV, hd).transpose(1, 2).repeat_interleave(H // KV, 1)
        v = (h @ state[b + "v_proj.weight"].T).view(1, L, KV, hd).transpose(1, 2).repeat_interleave(H // KV, 1)
        att = F.scaled_dot_product_attention(rope(q), rope(k), v, is_causal=False).transpose(1, 2).reshape(1, L, D)
        x = x + att @ state[b + "attn_out.weight"].T
        h = rms(x, state[b + "ff_norm.weight"])
        x = x + (F.silu(h @ state[b + "ff_proj.weight"].T) * (h @ state[b + "up_proj.weight"].T)) @ state[b + "ff_out.weight"].T
    return rms(x, state["model.transformer.ln_f.weight"]) @ state["model.transformer.ff_out.weight"].T


@pytest.fixture(scope="module")
def llada(tmp_path_factory):
    return write_tiny_llada(tmp_path_factory.mktemp("tiny_llada"))


def test_matches_llada_math_bidirectionally_without_shift(llada):
    directory, state = llada
    d = load_denoiser(str(directory), "cpu")
    assert d.mask_id == json.loads((directory / "config.json").read_text())["mask_token_id"]
    ids = torch.randint(0, 300, (1, 12))
    n = d.token_count  # rows past the tokenizer's ids are -inf
    assert torch.allclose(d.logits(ids)[..., :n], reference_logits(state, ids)[..., :n], atol=1e-4)
    print(f"max |logit difference| vs LLaDA's math: {(d.logits(ids)[..., :n] - reference_logits(state, ids)[..., :n]).abs().max():.2e}")
    changed = ids.clone()
    changed[0, 10] = (ids[0, 10] + 1) % 300
    assert not torch.allclose(d.logits(ids)[0, 2], d.logits(changed)[0, 2]), "a later token changes an earlier position"


def test_cli_fills_with_a_llada_checkpoint(llada, tmp_path):
    directory, _ = llada
    (tmp_path / "a.py").write_text("def f(x):\n    y = x\n    return y\n")
    run = subprocess.run([sys.executable, "-m", "lsp_server", "infill", str(tmp_path / "a.py"), "--lines", "2-2", "--json", "--accept-broken",
                          "--model", str(directory), "--steps", "4", "--max-tokens", "8"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["text"].endswith("\n    return y\n")
