"""Open-dCoder-0.5B (Open-dLLM): a plain `qwen2` checkpoint whose tokenizer names a mask token, checked against a
plain-torch reference of its modeling and generation code (veomni's Qwen2ForCausalLM with is_causal=False, and
generation_utils.py's shift and pad-key mask)."""

import json

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from model.denoiser import load_denoiser
from model.errors import ModelError
from tests.model.real_layouts import assert_cli_fills_two_holes, write_open_dcoder


@pytest.fixture(scope="module")
def dcoder(tmp_path_factory):
    return write_open_dcoder(tmp_path_factory.mktemp("open_dcoder"))


def reference_logits(directory, ids, pad_id):
    """Open-dCoder's forward as its code writes it: Qwen2 blocks (q/k/v with bias, GQA, rotate-half RoPE, RMSNorm,
    SiLU MLP, tied head) attending both ways over the keys that are not `pad_token_id`, then
    logits = cat([logits[:, :1], logits[:, :-1]], 1) (generation_utils.py's _mdm_sample)."""
    config = json.loads((directory / "config.json").read_text())
    state = {k: v.float() for k, v in load_file(str(directory / "model.safetensors")).items()}
    D, H, KV = config["hidden_size"], config["num_attention_heads"], config["num_key_value_heads"]
    hd, L, eps = D // H, ids.shape[1], config["rms_norm_eps"]

    def rms(x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight

    def rope(x):
        inv = 1.0 / (config["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd))
        ang = torch.outer(torch.arange(L).float(), inv)
        cos, sin = torch.cat([ang, ang], -1).cos(), torch.cat([ang, ang], -1).sin()
        return x * cos + torch.cat([-x[..., hd // 2:], x[..., : hd // 2]], -1) * sin

    keys = (ids != pad_id)[:, None, None, :]  # (B, 1, 1, L)
    x = state["model.embed_tokens.weight"][ids]
    for i in range(config["num_hidden_layers"]):
        b = f"model.layers.{i}."
        h = rms(x, state[b + "input_layernorm.weight"])

        def proj(name, heads):
            out = h @ state[b + f"self_attn.{name}.weight"].T + state[b + f"self_attn.{name}.bias"]
            return out.view(1, L, heads, hd).transpose(1, 2)
        q, k, v = proj("q_proj", H), proj("k_proj", KV), proj("v_proj", KV)
        k, v = k.repeat_interleave(H // KV, 1), v.repeat_interleave(H // KV, 1)
        att = F.scaled_dot_product_attention(rope(q), rope(k), v, attn_mask=keys).transpose(1, 2).reshape(1, L, D)
        x = x + att @ state[b + "self_attn.o_proj.weight"].T
        h = rms(x, state[b + "post_attention_layernorm.weight"])
        gate, up = h @ state[b + "mlp.gate_proj.weight"].T, h @ state[b + "mlp.up_proj.weight"].T
        x = x + (F.silu(gate) * up) @ state[b + "mlp.down_proj.weight"].T
    logits = rms(x, state["model.norm.weight"]) @ state["model.embed_tokens.weight"].T
    return torch.cat([logits[:, :1], logits[:, :-1]], dim=1)


def test_loads_with_the_tokenizers_mask_token_and_no_chat(dcoder):
    d = load_denoiser(str(dcoder), "cpu")
    added = json.loads((dcoder / "added_tokens.json").read_text())
    assert d.mask_id == added["<M>"] and d.pad_id == added["<|endoftext|>"]
    assert d.lead_ids == () and not d.follows_instructions  # no BOS; a base model that kept Qwen2.5's template
    assert added["<|endoftext|>"] in d.end_ids


def test_matches_open_dcoders_code_with_a_pad_in_the_canvas(dcoder):
    d = load_denoiser(str(dcoder), "cpu")
    ids = torch.randint(0, 290, (1, 14))
    ids[0, 9] = d.pad_id  # a filler committed in a hole: Open-dCoder's generate hides it from every query
    n = d.token_count
    ours, theirs = d.logits(ids)[..., :n], reference_logits(dcoder, ids, d.pad_id)[..., :n]
    print(f"max |logit difference| vs Open-dCoder's code: {(ours - theirs).abs().max():.2e}")
    assert torch.allclose(ours, theirs, atol=2e-4)
    changed = ids.clone()
    changed[0, 12] = (ids[0, 12] + 1) % 290
    assert not torch.allclose(d.logits(ids)[0, 3], d.logits(changed)[0, 3]), "a later token changes an earlier position"


def test_an_autoregressive_qwen2_is_refused_in_one_line(dcoder, tmp_path):
    for f in dcoder.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        data = json.loads((tmp_path / name).read_text())
        data.pop("mask_token")
        (tmp_path / name).write_text(json.dumps(data))
    with pytest.raises(ModelError, match="unsupported architecture.*names no mask token"):
        load_denoiser(str(tmp_path), "cpu")


def test_cli_fills_holes_with_it(dcoder, tmp_path):
    assert_cli_fills_two_holes(dcoder, tmp_path)


def test_a_mask_id_in_generation_config_is_enough(dcoder, tmp_path):
    for f in dcoder.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    mask = json.loads((dcoder / "added_tokens.json").read_text())["<M>"]
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        data = json.loads((tmp_path / name).read_text())
        data.pop("mask_token")
        (tmp_path / name).write_text(json.dumps(data))
    generation = json.loads((tmp_path / "generation_config.json").read_text())
    (tmp_path / "generation_config.json").write_text(json.dumps({**generation, "mask_token_id": mask}))
    assert load_denoiser(str(tmp_path), "cpu").mask_id == mask
