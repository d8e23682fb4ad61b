"""The Denoiser contract and the one factory that builds any backend from a spec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Protocol, runtime_checkable

import torch

from .checkpoint import WEIGHTS_FILE, load_checkpoint
from .errors import ModelError
from .kv_cache import ContextCache, ReusedContexts
from .tokenizer import CodeTokenizer
from .transformer import shift_rope

BUILTIN_DIR = Path(__file__).parent / "weights"


@runtime_checkable
class Denoiser(Protocol):
    """Predicts every position of a partly masked sequence; prediction for position i sits at index i."""

    name: str
    tokenizer: CodeTokenizer
    mask_id: int
    pad_id: int
    eos_id: int
    vocab_size: int
    max_len: int
    device: torch.device
    # What it can do, declared rather than probed (DenoiserBase holds the defaults):
    follows_instructions: bool         # an instruct model: "refactor with an instruction" works
    train_window: int | None           # the canvas length it was trained on (fills keep near it); None: its max_len
    supports_cache: tuple[str, ...]    # context caches it implements besides "none" (model.kv_cache.CACHE_MODES)
    contexts: ReusedContexts | None    # per-document states kept between requests (cache "reuse"), if it keeps them

    def logits(self, ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
               positions: torch.Tensor | None = None) -> torch.Tensor:
        """(B, L) -> (B, L, V), or (N, V) at the N True places of `positions` (B, L) in row-major order (the head
        runs only there); `attention_mask` (B, L) marks real tokens when rows are padded to one length."""
        ...


class DenoiserBase:
    """The capabilities a denoiser lacks unless it says otherwise."""

    follows_instructions: bool = False
    chat_problem: str = ""                         # why it cannot follow instructions, when a checkpoint says
    end_ids: frozenset[int] = frozenset()          # tokens besides pad and eos that end or pad an answer: never text
    lead_ids: tuple[int, ...] = ()                 # tokens every canvas starts with (a BOS the model was trained with)
    block_size: int = 0                            # > 0: attention is block-causal over blocks this long (SDAR)
    train_window: int | None = None
    supports_cache: tuple[str, ...] = ()
    contexts: ReusedContexts | None = None


def is_token_level(backend) -> bool:
    """A Denoiser (logits over token ids) rather than a text-level filler (a remote API, model/remote.py), which the
    engine drives span by span."""
    return callable(getattr(backend, "logits", None))


class BuiltinDenoiser(DenoiserBase):
    """The project's own bidirectional transformer, loaded from a diffusion-lsp checkpoint directory."""

    def __init__(self, model, tokenizer: CodeTokenizer, name: str, meta: dict | None = None):
        self.model, self.tokenizer, self.name = model, tokenizer, name
        self.meta = meta or {}
        cfg = model.cfg
        self.mask_id, self.pad_id, self.eos_id = cfg.mask_id, cfg.pad_id, cfg.eos_id
        self.vocab_size, self.max_len = cfg.vocab_size, cfg.max_len
        # The canvas length it was trained on: longer canvases read worse (infill/decode/context.py keeps near it).
        self.train_window = int(self.meta.get("train_window") or 0) or None
        self.device = next(model.parameters()).device
        self.contexts = ReusedContexts()  # per document: the last canvas's keys/values (cache mode "reuse")

    # The three operations model.kv_cache.states_for needs to keep and update a canvas's states.
    @torch.no_grad()
    def full_states(self, ids: list[int]) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        cache = ContextCache("dual")
        cache.plan(torch.zeros(1, len(ids), dtype=torch.bool))
        self.model.features(torch.tensor([ids], device=self.device), None, cache, states_only=True)
        return cache.keys, cache.values

    def shift_keys(self, keys: torch.Tensor, delta: int) -> torch.Tensor:
        return shift_rope(keys, delta, self.model.cfg.rope_theta)

    @torch.no_grad()
    def update_states(self, ids: list[int], keys: list, values: list, columns: torch.Tensor) -> None:
        """Recompute `columns` of the kept states in place, attending to the rest as kept."""
        cache = ContextCache("dual", keys=keys, values=values, active=columns.to(self.device), stale=False, seeded=True)
        self.model.features(torch.tensor([ids], device=self.device), None, cache, states_only=True)

    supports_cache = ("prefix", "dual", "reuse")

    @torch.no_grad()
    def logits(self, ids: torch.Tensor, attention_mask: torch.Tensor | None = None,
               positions: torch.Tensor | None = None, cache=None) -> torch.Tensor:
        mask = attention_mask.to(self.device) if attention_mask is not None else None
        partial = cache is not None and not cache.wants_full_pass()
        features = self.model.features(ids.to(self.device), mask, cache)  # (B, L, D), or (B, A, D) from the cache
        if partial and positions is not None:
            outside = positions.clone()
            outside[:, cache.active] = False
            if outside.any():
                raise ValueError("a partial step from the cache can predict only its active columns")
            positions = positions[:, cache.active]
            if cache.live is not None:
                if (positions & ~cache.live).any():
                    raise ValueError("a partial step from the cache can predict only its live slots")
                positions = positions[cache.live]  # (N,) over the packed features
        elif partial:
            raise ValueError("a partial step from the cache predicts only the positions asked for")
        if positions is not None:
            features = features[positions.to(self.device)]  # (N, D)
        return self.model.logits_at(features).float()  # (B, L, V) or (N, V)


def resolve_device(device: str) -> torch.device:
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device not in ("cpu", "cuda") and not device.startswith("cuda:"):
        raise ModelError(f"unknown device {device!r} (use auto, cpu or cuda)")
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ModelError("--device cuda asked for, but torch sees no CUDA device")
    return torch.device(device)


def builtin_weights_installed() -> bool:
    return (BUILTIN_DIR / WEIGHTS_FILE).is_file()


def load_denoiser(spec: str = "builtin", device: str = "auto", remote_model: str = "", remote_api: str = "auto",
                  api_key_env: str = ""):
    """Build a backend from `builtin`, a checkpoint directory, or the URL of a remote API (model/remote.py)."""
    if spec.startswith(("http://", "https://")):
        from .remote import RemoteFiller
        return RemoteFiller(spec, remote_model, api=remote_api, api_key_env=api_key_env)
    dev = resolve_device(device)
    if spec == "builtin":
        if not builtin_weights_installed():
            raise ModelError(f"no trained weights are installed (expected {BUILTIN_DIR / WEIGHTS_FILE}); "
                             "pass --model DIR with a checkpoint made by `diffusion-lsp train`")
        model, tok, meta = load_checkpoint(BUILTIN_DIR, dev)
        return BuiltinDenoiser(model, tok, "builtin", meta)
    from .presets import preset
    if preset(spec) is not None:  # a preset's name: its pulled copy in the Hugging Face cache
        from .hub import local_checkpoint
        spec = str(local_checkpoint(spec))
    path = Path(spec).expanduser()
    if not path.is_dir():
        raise ModelError(f"model spec {spec!r} is neither 'builtin', a preset (`diffusion-lsp models`) nor an existing "
                         "directory")
    if (path / WEIGHTS_FILE).is_file() and not (path / "config.json").is_file():
        model, tok, meta = load_checkpoint(path, dev)
        return BuiltinDenoiser(model, tok, str(path), meta)
    if (path / "config.json").is_file():
        try:
            config = json.loads((path / "config.json").read_text())
        except ValueError:
            raise ModelError(f"{path / 'config.json'} is not valid JSON") from None
        from .hf_dream import DreamDenoiser, is_dream_config, is_qwen2_diffusion
        from .hf_llada import LLaDADenoiser, is_llada_config
        from .hf_sdar import SDARDenoiser, is_sdar_config
        if is_dream_config(config) or is_qwen2_diffusion(path, config):
            return DreamDenoiser(path, dev)
        if is_llada_config(config):
            return LLaDADenoiser(path, dev)
        if is_sdar_config(config):
            return SDARDenoiser(path, dev)
        raise ModelError(f"{path}: unsupported architecture {config.get('architectures') or config.get('model_type')} "
                         "(supported: diffusion-lsp checkpoints, the Dream family, Open-dCoder, LLaDA, SDAR; an autoregressive "
                         "model's tokenizer names no mask token)")
    raise ModelError(f"{path} holds no {WEIGHTS_FILE}")
