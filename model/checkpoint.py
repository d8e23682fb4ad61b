"""Save and load built-in checkpoints: a directory with model.safetensors (config in its metadata) and tokenizer.json."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import load_model, save_model

from .config import ModelConfig
from .errors import ModelError
from .tokenizer import CodeTokenizer
from .transformer import DiffusionTransformer

WEIGHTS_FILE = "model.safetensors"
TOKENIZER_FILE = "tokenizer.json"
FORMAT = "diffusion-lsp"


def save_checkpoint(directory: str | Path, model: DiffusionTransformer, tokenizer: CodeTokenizer,
                    extra: dict | None = None, half: bool = False) -> None:
    """Write weights (fp16 when `half`, for shipping) and tokenizer; temporary names first, so a crash never
    leaves half a checkpoint."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    metadata = {"format": FORMAT, "config": json.dumps(model.cfg.to_dict()), "info": json.dumps(extra or {})}
    tmp_weights, tmp_tok = directory / (WEIGHTS_FILE + ".tmp"), directory / (TOKENIZER_FILE + ".tmp")
    save_model(copy.deepcopy(model).half() if half else model, str(tmp_weights), metadata=metadata)
    tokenizer.save(tmp_tok)
    os.replace(tmp_tok, directory / TOKENIZER_FILE)
    os.replace(tmp_weights, directory / WEIGHTS_FILE)


def read_metadata(directory: str | Path) -> dict:
    """The checkpoint's training info plus its model config."""
    path = Path(directory) / WEIGHTS_FILE
    try:
        with safe_open(str(path), framework="pt") as f:
            raw = f.metadata() or {}
    except FileNotFoundError:
        raise ModelError(f"checkpoint has no {WEIGHTS_FILE}: {path}") from None
    except Exception as exc:
        raise ModelError(f"broken checkpoint {path}: {str(exc).splitlines()[0]}") from None
    if raw.get("format") != FORMAT or "config" not in raw:
        raise ModelError(f"{path} is not a diffusion-lsp checkpoint (no config in its metadata)")
    try:
        return {**json.loads(raw.get("info", "{}")), "config": json.loads(raw["config"])}
    except json.JSONDecodeError:
        raise ModelError(f"broken checkpoint {path}: its metadata is not valid JSON") from None


def check_shapes(cfg: ModelConfig, weights: Path) -> None:
    """The config's tensor shapes (built on the meta device: nothing allocated) must be the file's, so a config that
    claims a huge model cannot exhaust memory before the weights are read."""
    with torch.device("meta"):
        expected = {name: tuple(t.shape) for name, t in DiffusionTransformer(cfg).state_dict().items()}
    with safe_open(str(weights), framework="pt") as f:
        stored = {name: tuple(f.get_slice(name).get_shape()) for name in f.keys()}
    wrong = [name for name, shape in stored.items() if name in expected and expected[name] != shape]
    if wrong or not set(stored) <= set(expected):
        name = (wrong or sorted(set(stored) - set(expected)))[0]
        raise ModelError(f"broken checkpoint {weights.parent}: its config does not match the weights "
                         f"({name}: {stored[name]} stored, {expected.get(name)} expected)")


def load_checkpoint(directory: str | Path, device: str | torch.device = "cpu") -> tuple[DiffusionTransformer, CodeTokenizer, dict]:
    """Rebuild the model from the config saved inside the checkpoint, then load its weights."""
    directory = Path(directory)
    meta = read_metadata(directory)
    tok_path = directory / TOKENIZER_FILE
    if not tok_path.is_file():
        raise ModelError(f"checkpoint has no {TOKENIZER_FILE}: {tok_path}")
    tokenizer = CodeTokenizer.from_file(tok_path)
    try:
        cfg = ModelConfig(**meta["config"])
        check_shapes(cfg, directory / WEIGHTS_FILE)  # before anything is allocated
        model = DiffusionTransformer(cfg)
        missing, unexpected = load_model(model, str(directory / WEIGHTS_FILE), strict=False)
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"broken checkpoint {directory}: {str(exc).splitlines()[0]}") from None
    if missing or unexpected:
        raise ModelError(f"broken checkpoint {directory}: missing {sorted(missing)[:3]}, unexpected {sorted(unexpected)[:3]}")
    if tokenizer.vocab_size > cfg.vocab_size or tokenizer.mask_id != cfg.mask_id:
        raise ModelError(f"broken checkpoint {directory}: tokenizer does not match the model config")
    model.to(device).eval()
    return model, tokenizer, meta
