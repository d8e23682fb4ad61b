"""Dream-family checkpoints (Dream-v0, DiffuCoder, Dream-Coder) and Qwen2 masked-diffusion ones (Open-dCoder) loaded
into transformers' own Qwen2 modules.

Followed: Dream's configuration_dream.py (Qwen2 fields plus mask_token_id 151666, pad_token_id 151643) and
modeling_dream.py (DreamModel = `model.{embed_tokens,layers,norm}` + `lm_head`, the Qwen2 weight names). Dream
attends bidirectionally and position i predicts token i+1, so the logits are un-shifted here (as Fast-dLLM's
copy does: logits = cat([logits[:, :1], logits[:, :-1]], 1)). No remote code is run; weights come from safetensors.

Open-dCoder (Open-dLLM's veomni Qwen2ForCausalLM and generation_utils.py) is a plain `qwen2` checkpoint whose
tokenizer names a mask token (`<M>`, added by its training script): the same shift, column 0 from its own state (no
BOS), and its generate hides `pad_token_id` keys from attention, so this loader does too for that family.
"""

from __future__ import annotations

from pathlib import Path

import torch

from .denoiser import DenoiserBase
from .errors import ModelError
from .hf_checkpoint import bidirectional, cached_hidden, check_fits, head_at, read_config, working_window
from .hf_tokenizer import end_of_fill_ids, mask_token_id, read_tokenizer, special_token
from .hf_weights import build_and_load


def is_dream_config(config: dict) -> bool:
    return config.get("model_type") in ("Dream", "dream") or "DreamModel" in (config.get("architectures") or [])


def is_qwen2_diffusion(directory: Path, config: dict) -> bool:
    """A `qwen2` checkpoint that names a mask token (its tokenizer's, or a mask_token_id): a masked-diffusion Qwen2
    (Open-dCoder), not an autoregressive one (Qwen2.5 names none)."""
    if config.get("model_type") != "qwen2":
        return False
    return special_token(directory, "mask_token") is not None or mask_token_id(None, directory, config) is not None


class DreamDenoiser(DenoiserBase):

    def __init__(self, directory: Path, device: torch.device):
        from transformers import Qwen2Config, Qwen2ForCausalLM

        raw = read_config(directory)
        fields = {k: raw[k] for k in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                                      "num_key_value_heads", "max_position_embeddings", "rms_norm_eps", "rope_theta",
                                      "tie_word_embeddings", "hidden_act") if k in raw}
        config = Qwen2Config(**fields)
        # The tokenizer and template first: a checkpoint missing them fails in a second, not after the weights load.
        self.tokenizer, self.chat, self.chat_problem = read_tokenizer(directory)
        # A plain-qwen2 diffusion model is a base model that kept Qwen2.5's chat template: it was trained on no turns.
        self.hide_pad_keys = raw.get("model_type") == "qwen2"
        if self.hide_pad_keys and self.chat is not None:
            self.chat, self.chat_problem = None, "a base code model (its tokenizer's chat template is Qwen2.5's)"
        self.follows_instructions = self.chat is not None  # instruct variants ship a chat template
        self.mask_id = mask_token_id(self.tokenizer, directory, raw)
        if self.mask_id is None:
            raise ModelError(f"checkpoint {directory} names no mask token (mask_token_id, the tokenizer's mask_token "
                             "or <|mask|>)")
        named_pad = self.tokenizer.token_id(special_token(directory, "pad_token") or "<|endoftext|>")
        self.pad_id = raw.get("pad_token_id", named_pad if named_pad is not None else 151643)
        self.eos_id = raw.get("eos_token_id", self.pad_id)
        self.end_ids = end_of_fill_ids(self.tokenizer, directory, self.pad_id, self.eos_id) - {self.mask_id}
        # Column 0 has no state before it to predict it from (state i-1 predicts token i): Dream's own prompts
        # start with <|beginoftext|>, so every canvas does.
        named = special_token(directory, "bos_token") or "<|beginoftext|>"
        bos = self.tokenizer.token_id(named)
        self.lead_ids = (bos,) if bos is not None else ()
        self.vocab_size = config.vocab_size
        self.token_count = min(self.tokenizer.vocab_size, config.vocab_size)
        self.max_len = working_window(raw.get("max_position_embeddings", 4096))
        check_fits(directory, device, Qwen2ForCausalLM, config)  # refuse before allocating anything
        self.model = build_and_load(Qwen2ForCausalLM, config, directory, device, "Dream")
        bidirectional(self.model)
        self.device = device
        self.name = str(directory)

    supports_cache = ("prefix", "dual")

    @torch.no_grad()
    def logits(self, ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
               positions: torch.Tensor | None = None, cache=None) -> torch.Tensor:
        mask = attention_mask.to(self.device).long() if attention_mask is not None else None
        if self.hide_pad_keys:  # Open-dCoder's generate: attention_mask = (x != pad_token_id)
            keep = (ids != self.pad_id).long().to(self.device)
            mask = keep if mask is None else mask * keep
        hidden, columns = cached_hidden(self.model.model, ids.to(self.device), mask, cache, shift=1)  # (B, A, D)
        # un-shifted in head_at: state i-1 predicts token i (0 for 0)
        return head_at(self.model.lm_head, hidden, positions, columns, self.device, shift=1,
                       vocab=self.token_count)  # (B, L, V) or (N, V)
