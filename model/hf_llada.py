"""LLaDA-8B (base/instruct) checkpoints mapped onto transformers' own Llama modules, run with full attention.

Followed: LLaDA's modeling_llada.py (LLaDAModelLM.model = LLaDAModel; `transformer.wte`, `transformer.blocks.N`
with attn_norm, q_proj/k_proj/v_proj, attn_out, ff_norm, ff_proj (gate, SiLU), up_proj, ff_out (down);
`transformer.ln_f`; `transformer.ff_out` unless weight_tying) and its OLMo-style config (d_model, n_heads,
n_kv_heads, n_layers, mlp_hidden_size, rope_theta, rms_norm_eps). LLaDA predicts position i at index i (no
shift); its mask id is 126336. No remote code is run.
"""

from __future__ import annotations

import re
from pathlib import Path

import torch

from .denoiser import DenoiserBase
from .errors import ModelError
from .hf_checkpoint import bidirectional, cached_hidden, check_fits, head_at, read_config, working_window
from .hf_tokenizer import end_of_fill_ids, read_tokenizer
from .hf_weights import build_and_load

LLADA_MASK_ID = 126336
_BLOCK_NAMES = {
    "attn_norm": "input_layernorm", "ff_norm": "post_attention_layernorm",
    "q_proj": "self_attn.q_proj", "k_proj": "self_attn.k_proj", "v_proj": "self_attn.v_proj", "attn_out": "self_attn.o_proj",
    "ff_proj": "mlp.gate_proj", "up_proj": "mlp.up_proj", "ff_out": "mlp.down_proj",
}


def is_llada_config(config: dict) -> bool:
    return config.get("model_type") in ("llada", "LLaDA") or "LLaDAModelLM" in (config.get("architectures") or [])


def llama_name(name: str) -> str | None:
    """transformers' Llama name of a LLaDA weight, or None for a name LLaDA does not use."""
    name = name.removeprefix("model.").removeprefix("transformer.")
    m = re.fullmatch(r"blocks\.(\d+)\.(\w+)\.(weight|bias)", name)
    if m and m.group(2) in _BLOCK_NAMES:
        return f"model.layers.{m.group(1)}.{_BLOCK_NAMES[m.group(2)]}.{m.group(3)}"
    return {"wte.weight": "model.embed_tokens.weight", "ln_f.weight": "model.norm.weight", "ff_out.weight": "lm_head.weight"}.get(name)


class LLaDADenoiser(DenoiserBase):

    def __init__(self, directory: Path, device: torch.device):
        from transformers import LlamaConfig, LlamaForCausalLM

        raw = read_config(directory)
        try:
            config = LlamaConfig(
                vocab_size=raw.get("embedding_size") or raw["vocab_size"], hidden_size=raw["d_model"],
                intermediate_size=raw.get("mlp_hidden_size") or raw["mlp_ratio"] * raw["d_model"],
                num_hidden_layers=raw["n_layers"], num_attention_heads=raw["n_heads"],
                num_key_value_heads=raw.get("n_kv_heads") or raw["n_heads"], max_position_embeddings=raw.get("max_sequence_length", 4096),
                rms_norm_eps=raw.get("rms_norm_eps", 1e-5), rope_theta=raw.get("rope_theta", 10000.0),
                tie_word_embeddings=bool(raw.get("weight_tying", False)), hidden_act="silu",
                attention_bias=bool(raw.get("include_bias") or raw.get("include_qkv_bias")))
        except KeyError as exc:
            raise ModelError(f"{directory / 'config.json'} lacks the LLaDA field {exc}") from None
        # The tokenizer and template first: a checkpoint missing them fails in a second, not after the weights load.
        self.tokenizer, self.chat, self.chat_problem = read_tokenizer(directory)
        self.follows_instructions = self.chat is not None  # instruct variants ship a chat template
        self.mask_id = raw.get("mask_token_id", LLADA_MASK_ID)
        self.eos_id = raw.get("eos_token_id", 126081)
        self.pad_id = raw.get("pad_token_id", self.eos_id)
        self.end_ids = end_of_fill_ids(self.tokenizer, directory, self.pad_id, self.eos_id) - {self.mask_id}
        self.vocab_size = config.vocab_size
        self.token_count = min(self.tokenizer.vocab_size, config.vocab_size)
        self.max_len = working_window(config.max_position_embeddings)
        check_fits(directory, device, LlamaForCausalLM, config)  # refuse before allocating anything
        self.model = build_and_load(LlamaForCausalLM, config, directory, device, "LLaDA", llama_name)
        bidirectional(self.model)
        self.device, self.name = device, str(directory)

    supports_cache = ("prefix", "dual")

    @torch.no_grad()
    def logits(self, ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
               positions: torch.Tensor | None = None, cache=None) -> torch.Tensor:
        mask = attention_mask.to(self.device).long() if attention_mask is not None else None
        hidden, columns = cached_hidden(self.model.model, ids.to(self.device), mask, cache)  # (B, A, D); no shift
        return head_at(self.model.lm_head, hidden, positions, columns, self.device,
                       vocab=self.token_count)  # (B, L, V) or (N, V)
