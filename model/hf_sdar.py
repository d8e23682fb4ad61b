"""SDAR-family checkpoints (JetLM's SDAR-1.7B/4B/8B-Chat, and TraDo, trained from them) loaded into transformers'
own Qwen3 modules and run block-causally.

Followed: SDAR's modeling_sdar.py (Qwen3 blocks: per-head RMSNorm of q and k before RoPE, GQA, no biases, an untied
head; the Qwen3 weight names; config.json's block_size and mask_token_id) and generate.py (block_diffusion_generate):
the canvas is cut into blocks of block_size columns from column 0; a query sees its own block and every block before
it; position i predicts token i (no shift); blocks are decoded left to right and each finished block's keys and
values are kept. So a hole sees the code before it, never the code after it. No remote code is run.
"""

from __future__ import annotations

from pathlib import Path

import torch

from .denoiser import DenoiserBase
from .errors import ModelError
from .hf_checkpoint import (
    bidirectional,
    block_causal_mask,
    check_fits,
    head_at,
    keep_first,
    read_config,
    run_trunk,
    working_window,
)
from .hf_tokenizer import end_of_fill_ids, mask_token_id, read_tokenizer, special_token
from .hf_weights import build_and_load

QWEN3_FIELDS = ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                "num_key_value_heads", "head_dim", "max_position_embeddings", "rms_norm_eps", "rope_theta",
                "tie_word_embeddings", "hidden_act", "attention_bias")


def is_sdar_config(config: dict) -> bool:
    return str(config.get("model_type", "")).startswith("sdar") or any(
        str(a).startswith("SDAR") for a in config.get("architectures") or [])


class SDARDenoiser(DenoiserBase):

    supports_cache = ("prefix",)  # exact here: a finished block never sees what comes after it

    def __init__(self, directory: Path, device: torch.device):
        from transformers import Qwen3Config, Qwen3ForCausalLM

        raw = read_config(directory)
        if raw.get("model_type") == "sdar_moe" or raw.get("num_experts"):
            raise ModelError(f"{directory.name}: a mixture-of-experts SDAR is not loaded here; serve it with SGLang and "
                             "point the server at it (remoteApi: chat, README \"Models\")")
        config = Qwen3Config(**{k: raw[k] for k in QWEN3_FIELDS if k in raw})
        # The tokenizer and template first: a checkpoint missing them fails in a second, not after the weights load.
        self.tokenizer, self.chat, self.chat_problem = read_tokenizer(directory)
        self.follows_instructions = self.chat is not None  # the Chat models ship Qwen3's template
        self.mask_id = mask_token_id(self.tokenizer, directory, raw)
        if self.mask_id is None:
            raise ModelError(f"checkpoint {directory} names no mask token (mask_token_id or the tokenizer's mask_token)")
        self.block_size = int(raw.get("block_size") or 4)
        named_pad = self.tokenizer.token_id(special_token(directory, "pad_token") or "<|endoftext|>")
        self.pad_id = raw.get("pad_token_id") or (named_pad if named_pad is not None else 151643)
        eos = raw.get("eos_token_id", self.pad_id)
        self.eos_id = eos[0] if isinstance(eos, list) else eos
        self.end_ids = end_of_fill_ids(self.tokenizer, directory, self.pad_id, self.eos_id) - {self.mask_id}
        self.vocab_size = config.vocab_size
        self.token_count = min(self.tokenizer.vocab_size, config.vocab_size)
        self.max_len = working_window(raw.get("max_position_embeddings", 4096))
        check_fits(directory, device, Qwen3ForCausalLM, config)  # refuse before allocating anything
        self.model = build_and_load(Qwen3ForCausalLM, config, directory, device, "SDAR")
        bidirectional(self.model)  # what each query sees is the block-causal mask passed in, nothing else
        self.device, self.name = device, str(directory)

    @torch.no_grad()
    def logits(self, ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
               positions: torch.Tensor | None = None, cache=None) -> torch.Tensor:
        ids = ids.to(self.device)
        mask = attention_mask.to(self.device) if attention_mask is not None else None
        wanted = positions.to(self.device) if positions is not None else None
        if cache is not None and wanted is None:
            raise ModelError("a step from the cache predicts only the positions asked for")
        asked = wanted.any(0).nonzero() if wanted is not None else None
        last = int(asked.max()) + 1 if asked is not None and asked.numel() else ids.shape[1]
        # Blocks after the last one asked about cannot change its predictions: they are never run.
        end = min(ids.shape[1], -(-last // self.block_size) * self.block_size)
        start = self._keep_finished_blocks(ids, mask, wanted, cache) if cache is not None else 0
        hidden = self._run_blocks(ids, mask, start, end, cache)  # (B, end - start, D)
        if wanted is not None:
            if wanted[:, :start].any():
                raise ValueError("a step from the cache can predict only the blocks after the kept ones")
            wanted = wanted[:, start:end]
        return head_at(self.model.lm_head, hidden, wanted, None, self.device,
                       vocab=self.token_count)  # (B, L, V) or (N, V)

    def _keep_finished_blocks(self, ids: torch.Tensor, mask: torch.Tensor | None, wanted: torch.Tensor,
                              cache) -> int:
        """Column where this step's run starts: the blocks before it are finished (no mask, nothing asked) and their
        keys and values are in `cache`, appended to it now where missing."""
        open_columns = (ids == self.mask_id).any(0) | wanted.any(0)
        first = int(open_columns.nonzero()[0]) if open_columns.any() else ids.shape[1]
        start = first // self.block_size * self.block_size
        kept = cache.finished
        if (not cache.keys or kept is None or kept.shape[0] != ids.shape[0] or kept.shape[1] > start
                or not torch.equal(kept, ids[:, :kept.shape[1]])):
            cache.keys, kept = [], ids[:, :0]  # another canvas: start over
        done = kept.shape[1]
        if done < start:
            _, kv_cache = run_trunk(self.model.model, ids[:, done:start], None, cache.keys[0] if cache.keys else None,
                                    attention=self._mask(mask, ids.shape[0], done, start),
                                    position_ids=torch.arange(done, start, device=self.device).unsqueeze(0),
                                    use_cache=True)
            cache.store([kv_cache], [])
            cache.finished = ids[:, :start].clone()
        return start

    def _run_blocks(self, ids: torch.Tensor, mask: torch.Tensor | None, start: int, end: int, cache) -> torch.Tensor:
        """Hidden states of columns `start`..`end`, attending to the kept blocks before `start`; nothing is kept."""
        kv_cache = cache.keys[0] if cache is not None and cache.keys else None
        hidden, _ = run_trunk(self.model.model, ids[:, start:end], None, kv_cache,
                              attention=self._mask(mask, ids.shape[0], start, end),
                              position_ids=torch.arange(start, end, device=self.device).unsqueeze(0),
                              use_cache=kv_cache is not None)
        if kv_cache is not None:
            keep_first(kv_cache, start)  # drop what this step appended: the block is not finished
            cache.partial_steps += 1
        return hidden

    def _mask(self, mask: torch.Tensor | None, batch: int, start: int, end: int) -> torch.Tensor:
        return block_causal_mask(mask, batch, start, end, self.block_size, self.model.model.embed_tokens.weight.dtype,
                                 self.device)
