"""Random-weight checkpoints shaped like real models, for speed measurements only: the time a forward pass takes
depends on the shapes, not on the weights' values. Written in the Dream checkpoint layout (config.json,
tokenizer.json, safetensors), or Open-dCoder's (a plain `qwen2` config whose tokenizer names a mask token), and
loaded by the same code path as a real download."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import torch

from .denoiser import BUILTIN_DIR

# Qwen2.5-0.5B's proportions (config.json of Qwen/Qwen2.5-0.5B; Open-dCoder-0.5B has Qwen2.5-Coder-0.5B's, the same),
# and Dream-v0-7B's (Dream-org/Dream-v0-Base-7B).
QWEN2_05B = {"vocab_size": 151936, "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
             "num_attention_heads": 14, "num_key_value_heads": 2, "tie_word_embeddings": True}
SHAPES = {
    "qwen2-0.5b-dream": QWEN2_05B,
    "open-dcoder-0.5b": QWEN2_05B,
    "dream-7b": {"vocab_size": 152064, "hidden_size": 3584, "intermediate_size": 18944, "num_hidden_layers": 28,
                 "num_attention_heads": 28, "num_key_value_heads": 4, "tie_word_embeddings": False},
}


DREAM_ONLY = ("architectures", "model_type", "mask_token_id", "pad_token_id", "eos_token_id")


def dream_config(shape: dict) -> dict:
    """A Dream config.json of these proportions (the Qwen2 fields plus Dream's architecture and special tokens)."""
    return {"architectures": ["DreamModel"], "model_type": "Dream", **shape, "max_position_embeddings": 4096,
            "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu",
            "mask_token_id": 151666, "pad_token_id": 151643, "eos_token_id": 151643}


def write_random_dream(directory: Path, shape: str, seed: int = 0) -> Path:
    """A Dream checkpoint of `shape` with random weights (fp32 on disk) and the built-in tokenizer."""
    from safetensors.torch import save_file
    from transformers import Qwen2Config, Qwen2ForCausalLM

    if shape not in SHAPES:
        raise ValueError(shape)
    directory.mkdir(parents=True, exist_ok=True)
    config = dream_config(SHAPES[shape])
    fields = {k: v for k, v in config.items() if k not in DREAM_ONLY}
    if shape.startswith("open-dcoder"):  # qwen2 architecture; the mask token is the tokenizer's
        config = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", **fields}
        (directory / "tokenizer_config.json").write_text(json.dumps({"mask_token": "<|mask|>", "pad_token": "<|pad|>"}))
    (directory / "config.json").write_text(json.dumps(config))
    shutil.copy(BUILTIN_DIR / "tokenizer.json", directory / "tokenizer.json")  # ids past it are never shown
    torch.manual_seed(seed)
    with torch.device("meta"):
        model = Qwen2ForCausalLM(Qwen2Config(**fields))
    state = {}
    for name, param in model.state_dict().items():
        if name == "lm_head.weight" and fields["tie_word_embeddings"]:
            continue  # tied: the loader takes the embedding
        state[name] = torch.ones(param.shape) if name.endswith("norm.weight") else torch.randn(param.shape) * 0.02
    save_file(state, str(directory / "model.safetensors"))
    return directory
