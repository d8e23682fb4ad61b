"""Shared fixtures: a tiny randomly initialised model and its checkpoint, built by the tests themselves."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
import torch

from model.checkpoint import save_checkpoint
from model.config import ModelConfig
from model.denoiser import load_denoiser
from model.tokenizer import train_tokenizer
from model.transformer import DiffusionTransformer

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
# The tiny tokenizer's training texts: this repository's examples and infill sources, frozen at one revision, so
# an edit to the code does not change how tests' texts tokenize (and with it every fixed token budget).
TOKENIZER_TEXTS = Path(__file__).resolve().parent / "tokenizer_texts.json"


def _training_texts() -> list[str]:
    return json.loads(TOKENIZER_TEXTS.read_text(encoding="utf-8"))["texts"]


def build_tiny_checkpoint(directory: Path | None = None) -> Path:
    """A 2-layer random model with a 400-token BPE trained on this repository's own files."""
    directory = directory or Path(tempfile.mkdtemp(prefix="tiny_model_"))
    torch.manual_seed(0)
    tok = train_tokenizer(_training_texts(), vocab_size=400)
    cfg = ModelConfig(vocab_size=tok.vocab_size, max_len=512, n_layer=2, n_head=2, d_model=32, mlp_hidden=64,
                      mask_id=tok.mask_id, pad_id=tok.pad_id, eos_id=tok.eos_id)
    save_checkpoint(directory, DiffusionTransformer(cfg), tok)
    return directory


def build_echo_checkpoint(directory: Path | None = None, word: str = "1") -> Path:
    """A model that writes `word` at every masked position, sure of it: its blocks are zero, so each position's state
    is its own embedding, and the mask's embedding is `word`'s. Its fills (`1`, `111`, ...) parse wherever an expression may
    stand and read no undefined name, which makes it the deterministic stand-in for editor tests that need a fill
    to be accepted."""
    directory = directory or Path(tempfile.mkdtemp(prefix="echo_model_"))
    torch.manual_seed(0)
    tok = train_tokenizer(_training_texts(), vocab_size=400)
    cfg = ModelConfig(vocab_size=tok.vocab_size, max_len=512, n_layer=2, n_head=2, d_model=32, mlp_hidden=64,
                      mask_id=tok.mask_id, pad_id=tok.pad_id, eos_id=tok.eos_id)
    model = DiffusionTransformer(cfg)
    with torch.no_grad():
        for block in model.blocks:
            for param in block.parameters():
                if param.dim() > 1:
                    param.zero_()
        [target] = tok.encode(word)
        model.embed.weight[tok.mask_id] = model.embed.weight[target] * 4
        model.norm.weight.mul_(50)  # sharp logits: it is sure of `word`, as ghost text's confidence cut requires
    save_checkpoint(directory, model, tok)
    return directory


@pytest.fixture(scope="session")
def echo_checkpoint(tmp_path_factory) -> Path:
    return build_echo_checkpoint(tmp_path_factory.mktemp("echo_model"))


@pytest.fixture(scope="session")
def broken_checkpoint(tmp_path_factory) -> Path:
    """Writes `(` everywhere: none of its fills ever parses (deterministic, unlike a random model's luck)."""
    return build_echo_checkpoint(tmp_path_factory.mktemp("paren_model"), word="(")


@pytest.fixture(scope="session")
def tiny_checkpoint(tmp_path_factory) -> Path:
    return build_tiny_checkpoint(tmp_path_factory.mktemp("tiny_model"))


@pytest.fixture(scope="session")
def tiny_denoiser(tiny_checkpoint):
    return load_denoiser(str(tiny_checkpoint), "cpu")
