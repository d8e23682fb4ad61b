"""SDAR (block diffusion): a checkpoint laid out as SDAR-1.7B-Chat, checked against a plain-torch transcription of its
modeling_sdar.py (Qwen3 blocks with per-head q/k RMSNorm) under generate.py's block-causal mask, and its
block_diffusion_generate loop (finished blocks' keys and values kept) against our sampler, with and without the
cache."""

import json

import pytest
import torch
import torch.nn.functional as F
from safetensors.torch import load_file

from model.denoiser import load_denoiser
from model.errors import ModelError
from model.kv_cache import ContextCache
from model.sampler import SamplerOptions, sample
from tests.lsp_server.test_cli import cli
from tests.model.real_layouts import assert_cli_fills_two_holes, remote_code_ran, write_sdar_chat


@pytest.fixture(scope="module")
def sdar(tmp_path_factory):
    return write_sdar_chat(tmp_path_factory.mktemp("sdar"))


def reference_logits(directory, ids):
    """modeling_sdar.py's forward as its code writes it: embed, per layer RMSNorm -> q/k/v (no bias), per-head RMSNorm
    of q and k, rotate-half RoPE, GQA attention under generate.py's mask tril(blocks).repeat_interleave(block_size),
    o_proj, RMSNorm -> SiLU MLP; final norm; an untied lm_head; no shift."""
    config = json.loads((directory / "config.json").read_text())
    state = {}
    for f in sorted(directory.glob("*.safetensors")):
        state.update({k: v.float() for k, v in load_file(str(f)).items()})
    H, KV, hd = config["num_attention_heads"], config["num_key_value_heads"], config["head_dim"]
    L, eps, block = ids.shape[1], config["rms_norm_eps"], config["block_size"]

    def rms(x, weight):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight

    def rope(x):
        inv = 1.0 / (config["rope_theta"] ** (torch.arange(0, hd, 2).float() / hd))
        ang = torch.outer(torch.arange(L).float(), inv)
        cos, sin = torch.cat([ang, ang], -1).cos(), torch.cat([ang, ang], -1).sin()
        return x * cos + torch.cat([-x[..., hd // 2:], x[..., : hd // 2]], -1) * sin

    blocks = -(-L // block)
    seen = torch.tril(torch.ones(blocks, blocks)).repeat_interleave(block, 0).repeat_interleave(block, 1)[:L, :L].bool()
    x = state["model.embed_tokens.weight"][ids]
    for i in range(config["num_hidden_layers"]):
        b = f"model.layers.{i}.self_attn."
        h = rms(x, state[f"model.layers.{i}.input_layernorm.weight"])

        def proj(name, heads):
            return (h @ state[b + f"{name}.weight"].T).view(1, L, heads, hd).transpose(1, 2)
        q = rms(proj("q_proj", H), state[b + "q_norm.weight"])
        k = rms(proj("k_proj", KV), state[b + "k_norm.weight"])
        v = proj("v_proj", KV)
        k, v = k.repeat_interleave(H // KV, 1), v.repeat_interleave(H // KV, 1)
        att = F.scaled_dot_product_attention(rope(q), rope(k), v, attn_mask=seen).transpose(1, 2).reshape(1, L, H * hd)
        x = x + att @ state[b + "o_proj.weight"].T
        h = rms(x, state[f"model.layers.{i}.post_attention_layernorm.weight"])
        m = f"model.layers.{i}.mlp."
        x = x + (F.silu(h @ state[m + "gate_proj.weight"].T) * (h @ state[m + "up_proj.weight"].T)) @ state[m + "down_proj.weight"].T
    return rms(x, state["model.norm.weight"]) @ state["lm_head.weight"].T  # (1, L, V)


def reference_generate(directory, prompt, mask_id, gen_length, forbidden):
    """generate.py's block_diffusion_generate, greedy (top_k 1) with 'low_confidence_static', denoising_steps equal to
    the block length (one token a step); every step runs the whole canvas so far (no cache). `forbidden` ids (the mask,
    head rows past the tokenizer) are never chosen, as our sampler never chooses them."""
    block = json.loads((directory / "config.json").read_text())["block_size"]
    total = -(-(prompt.shape[1] + gen_length) // block) * block
    x = torch.full((1, total), mask_id)
    x[0, :prompt.shape[1]] = prompt[0]
    for start in range(prompt.shape[1] // block * block, total, block):
        for _ in range(block):
            current = x[:, start:start + block]
            if not (current == mask_id).any():
                break
            logits = reference_logits(directory, x[:, :start + block])[0, start:start + block]
            logits[:, forbidden] = float("-inf")
            probs = torch.softmax(logits, -1)
            confidence, tokens = probs.max(-1)
            confidence[current[0] != mask_id] = float("-inf")
            best = int(confidence.argmax())
            x[0, start + best] = tokens[best]
    return x


def test_loads_its_mask_block_and_chat(sdar):
    d = load_denoiser(str(sdar), "cpu")
    added = json.loads((sdar / "added_tokens.json").read_text())
    assert d.mask_id == added["<|MASK|>"] and d.block_size == 4
    assert d.follows_instructions and d.lead_ids == ()
    assert {added["<|im_end|>"], added["<|endoftext|>"]} <= d.end_ids
    assert not remote_code_ran(sdar)


def test_matches_sdars_code_under_the_block_causal_mask(sdar):
    d = load_denoiser(str(sdar), "cpu")
    ids = torch.randint(0, 290, (1, 15))
    ids[0, 9:13] = d.mask_id  # a block being denoised, ahead of a partial one
    n = d.token_count
    ours, theirs = d.logits(ids)[..., :n], reference_logits(sdar, ids)[..., :n]
    print(f"max |logit difference| vs SDAR's code: {(ours - theirs).abs().max():.2e}")
    assert torch.allclose(ours, theirs, atol=2e-4)


def test_a_block_sees_itself_and_the_blocks_before_it_only(sdar):
    d = load_denoiser(str(sdar), "cpu")
    ids = torch.randint(0, 290, (1, 16))
    base = d.logits(ids)
    later, same = ids.clone(), ids.clone()
    later[0, 12] = (ids[0, 12] + 1) % 290  # block 3
    same[0, 7] = (ids[0, 7] + 1) % 290  # block 1
    assert torch.equal(d.logits(later)[0, :12], base[0, :12]), "a later block changed an earlier prediction"
    assert not torch.allclose(d.logits(same)[0, 4], base[0, 4]), "a block did not see its own later column"


def test_decodes_as_sdars_generate_does_and_the_kept_blocks_change_nothing(sdar):
    d = load_denoiser(str(sdar), "cpu")
    prompt = torch.randint(0, 290, (1, 6))  # ends inside a block: its first two columns are prompt
    forbidden = [d.mask_id, *range(d.token_count, d.vocab_size)]
    expected = reference_generate(sdar, prompt, d.mask_id, 10, forbidden)
    ids = expected.clone()
    masked = torch.zeros_like(ids, dtype=torch.bool)
    masked[0, 6:] = True
    blocks = -(-16 // 4)
    for cache in ("none", "prefix"):
        out, trace = sample(d, ids, masked, SamplerOptions(steps=4 * blocks, strategy="confidence", cache=cache))
        assert torch.equal(out, expected), cache
    kept = ContextCache("prefix")
    out, _ = sample(d, ids, masked, SamplerOptions(steps=4 * blocks, cache="prefix"), cache=kept)
    assert kept.refreshes == 3 and kept.finished.shape[1] == 12  # blocks 1-3 stored once each, block 4 never
    assert kept.keys[0].get_seq_length() == 12


def test_padded_rows_decode_as_alone(sdar):
    d = load_denoiser(str(sdar), "cpu")
    short, long = torch.randint(0, 290, (1, 9)), torch.randint(0, 290, (1, 13))
    long[0, :5] = short[0, :5]
    rows = torch.zeros(2, 13, dtype=torch.long)
    rows[0, :9], rows[1] = short[0], long[0]
    attention = torch.zeros_like(rows)
    attention[0, :9], attention[1] = 1, 1
    masked = torch.zeros_like(rows, dtype=torch.bool)
    masked[:, 5:8] = True
    options = SamplerOptions(steps=6, cache="prefix")
    together, _ = sample(d, rows, masked, options, attention_mask=attention)
    alone, _ = sample(d, short, masked[:1, :9], options)
    assert torch.equal(together[0, :9], alone[0])


def test_a_mixture_of_experts_sdar_is_refused_in_one_line(sdar, tmp_path):
    for f in sdar.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    config = json.loads((tmp_path / "config.json").read_text())
    (tmp_path / "config.json").write_text(json.dumps({**config, "model_type": "sdar_moe", "num_experts": 128}))
    with pytest.raises(ModelError, match="mixture-of-experts SDAR .*SGLang"):
        load_denoiser(str(tmp_path), "cpu")


def test_cli_fills_holes_and_follows_an_instruction_with_it(sdar, tmp_path):
    assert_cli_fills_two_holes(sdar, tmp_path)
    (tmp_path / "r.py").write_text("def f(x):\n    return x\n")
    run = cli("infill", tmp_path / "r.py", "--lines", "2-2", "--instruction", "double it", "--json", "--model", sdar,
              "--device", "cpu")
    assert run.returncode in (0, 3), run.stderr
    assert "Traceback" not in run.stderr
