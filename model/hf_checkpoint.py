"""Shared pieces of the Hugging Face checkpoint loaders: tokenizer.json, safetensors shards, full attention."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer

from .errors import ModelError


class HFTokenizer:
    """Text <-> ids with a checkpoint's own tokenizer.json (no special tokens added)."""

    def __init__(self, path: Path):
        try:
            self._tok = Tokenizer.from_file(str(path))
        except Exception as exc:
            raise ModelError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None

    @property
    def vocab_size(self) -> int:
        return self._tok.get_vocab_size()

    def token_id(self, token: str) -> int | None:
        return self._tok.token_to_id(token)

    def encode(self, text: str) -> list[int]:
        return self._tok.encode(text, add_special_tokens=False).ids

    def token_starts(self, text: str) -> list[int]:
        """The str offset where each token of `text` starts (the byte pieces of one character share it)."""
        return [start for start, _ in self._tok.encode(text, add_special_tokens=False).offsets]

    def decode(self, ids) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=False)

    def token_text(self, token_id: int) -> str:
        return self.decode([token_id])


def weight_files(directory: Path) -> list[Path]:
    """The safetensors files of a checkpoint (one file, or the shards its index names); a missing one is an error."""
    index = directory / "model.safetensors.index.json"
    if index.is_file():
        names = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        files = [directory / name for name in names]
    else:
        files = [directory / "model.safetensors"]
    for f in files:
        if not f.is_file():
            raise ModelError(f"checkpoint {directory} is missing {f.name}")
    return files


def read_weights(directory: Path, device: torch.device) -> dict[str, torch.Tensor]:
    state = {}
    for f in weight_files(directory):
        try:
            state.update(load_file(str(f), device=str(device)))
        except Exception as exc:
            raise ModelError(f"broken weights file {f}: {str(exc).splitlines()[0]}") from None
    return state


def bidirectional(model) -> None:
    """Full attention in a transformers decoder: the mask builder and SDPA's fallback flag both say non-causal."""
    model.config.is_causal = False
    for layer in model.model.layers:
        layer.self_attn.is_causal = False


def weights_bytes(directory: Path, dtype_bytes: int) -> int:
    """Memory the checkpoint's weights need at `dtype_bytes` per parameter, read from the safetensors headers only."""
    total = 0
    for f in weight_files(directory):
        with open(f, "rb") as handle:
            header = json.loads(handle.read(int.from_bytes(handle.read(8), "little")))
        for name, info in header.items():
            if name != "__metadata__":
                count = 1
                for dim in info["shape"]:
                    count *= dim
                total += count * dtype_bytes
    return total


def available_bytes(device: torch.device) -> int:
    if device.type == "cuda":
        return torch.cuda.mem_get_info(device)[0]
    with open("/proc/meminfo") as f:
        info = dict(line.split(":", 1) for line in f)
    return int(info["MemAvailable"].split()[0]) * 1024


def config_params(model_class, config) -> int:
    """Parameters the config describes, counted on the meta device (nothing is allocated)."""
    with torch.device("meta"):
        probe = model_class._from_config(config)
    return sum(p.numel() for p in probe.parameters())


def check_fits(directory: Path, device: torch.device, model_class=None, config=None) -> tuple[int, int]:
    """(needed, available) bytes; raises ModelError when the weights (plus 20% for activations) cannot fit, or when
    config.json describes a model far larger than its weights (building it would exhaust memory first)."""
    dtype_bytes = 2 if device.type == "cuda" else 4
    stored = weights_bytes(directory, dtype_bytes)
    described = config_params(model_class, config) * dtype_bytes if model_class is not None else stored
    if described > 2 * stored + 2**20:
        raise ModelError(f"{directory.name}: config.json describes {described // dtype_bytes:,} parameters but the weights "
                         f"hold {stored // dtype_bytes:,}; refusing to build it")
    needed = int(max(stored, described) * 1.2)
    available = available_bytes(device)
    if needed > available:
        raise ModelError(f"{directory.name} needs about {needed / 2**30:.1f} GiB on {device.type} "
                         f"({'bf16' if device.type == 'cuda' else 'fp32'}) but only {available / 2**30:.1f} GiB is free")
    return needed, available


class ChatTemplate:
    """A checkpoint's own chat template (tokenizer_config.json), rendered by transformers without remote code."""

    def __init__(self, directory: Path):
        from transformers import PreTrainedTokenizerFast

        config = json.loads((directory / "tokenizer_config.json").read_text())
        self._tok = PreTrainedTokenizerFast(tokenizer_file=str(directory / "tokenizer.json"), chat_template=config["chat_template"])

    def prompt(self, user_message: str) -> str:
        """The text up to where the assistant's answer starts."""
        return self._tok.apply_chat_template([{"role": "user", "content": user_message}], tokenize=False, add_generation_prompt=True)


def chat_template(directory: Path) -> ChatTemplate | None:
    path = directory / "tokenizer_config.json"
    try:
        return ChatTemplate(directory) if path.is_file() and json.loads(path.read_text()).get("chat_template") else None
    except (ValueError, KeyError):
        return None


def load_weights(model, state: dict, directory: Path, family: str, unknown: list[str] = ()) -> None:
    """Load `state` into `model` strictly (a tied lm_head may be absent); a mismatch names what is off."""
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not (k == "lm_head.weight" and model.config.tie_word_embeddings)]
    if missing or unexpected or unknown:
        raise ModelError(f"checkpoint {directory} does not match the {family} layout: missing {missing[:3]}, "
                         f"unexpected {(list(unknown) + list(unexpected))[:3]}")
    model.eval()


def read_tokenizer(directory: Path) -> tuple[HFTokenizer, "ChatTemplate | None"]:
    """The checkpoint's tokenizer and, for instruct variants, its chat template."""
    path = directory / "tokenizer.json"
    if not path.is_file():
        raise ModelError(f"checkpoint {directory} is missing tokenizer.json")
    return HFTokenizer(path), chat_template(directory)


def _keep_first(kv_cache, n: int) -> None:
    """Crop a transformers cache to its first `n` positions (crop takes how many to drop, as a negative number)."""
    extra = kv_cache.get_seq_length() - n
    if extra > 0:
        kv_cache.crop(-extra)


def _keep_columns(kv_cache, columns: torch.Tensor) -> None:
    """Keep only `columns` in every layer of a transformers cache (a dual cache keeps the context, not the holes)."""
    for layer in kv_cache.layers:
        layer.keys, layer.values = layer.keys[:, :, columns], layer.values[:, :, columns]


def cached_hidden(trunk, ids: torch.Tensor, mask: torch.Tensor | None, cache, shift: int = 0) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Last hidden states of a transformers decoder trunk: (B, A, D) for canvas `columns` (A,), or (B, L, D) and None.

    Without a cache, or on a refresh, the whole canvas runs. A prefix cache (model.kv_cache) keeps transformers'
    own DynamicCache of the columns before the first hole, a dual cache that of every column but the holes'; a
    step runs only the other columns (at their true positions) and the cache is cropped back after it. `shift`
    more columns run before each hole for models whose state i-1 predicts token i."""
    if cache is None:
        return trunk(input_ids=ids, attention_mask=mask).last_hidden_state, None
    if cache.wants_full_pass():
        out = trunk(input_ids=ids, attention_mask=mask, use_cache=True)
        active = cache.active if cache.active is not None else torch.arange(0)
        if cache.mode == "prefix":
            start = max(0, int(active[0]) - shift) if active.numel() else 0
            cache.columns = torch.arange(start, ids.shape[1], device=ids.device)
            _keep_first(out.cache, start)
            cache.context = torch.arange(start, device=ids.device)
        else:
            run = torch.zeros(ids.shape[1], dtype=torch.bool, device=ids.device)
            run[active.to(ids.device)] = True
            run[(active.to(ids.device) - shift).clamp_min(0)] = True
            cache.columns, cache.context = run.nonzero().squeeze(-1), (~run).nonzero().squeeze(-1)
            _keep_columns(out.cache, cache.context)
        cache.store([out.cache], [])
        return out.last_hidden_state, None
    kept, run = cache.keys[0], cache.columns
    step_mask = None if mask is None else torch.cat([mask[:, cache.context], mask[:, run]], dim=1)
    hidden = trunk(input_ids=ids[:, run], attention_mask=step_mask, position_ids=run.unsqueeze(0), cache=kept,
                   use_cache=True).last_hidden_state
    _keep_first(kept, cache.context.numel())  # drop what this step appended: the next step starts from the context again
    cache.partial_steps += 1
    return hidden, run


def head_at(head, hidden: torch.Tensor, positions: torch.Tensor | None, columns: torch.Tensor | None, device,
            shift: int = 0) -> torch.Tensor:
    """The LM head only where asked: `hidden` (B, A, D) holds canvas `columns` (None: every column). With `shift`
    1 the state at column p - 1 predicts token p (Dream; column 0 predicts itself)."""
    if positions is None:
        if columns is not None:
            raise ModelError("a step from the cache predicts only the positions asked for")
        if shift:
            hidden = torch.cat([hidden[:, :1], hidden[:, :-1]], dim=1)
        return head(hidden).float()  # (B, L, V)
    rows, cols = positions.to(device).nonzero(as_tuple=True)
    source = (cols - shift).clamp_min(0)
    if columns is not None:
        index = torch.searchsorted(columns, source).clamp_max(columns.numel() - 1)
        if (columns[index] != source).any():
            raise ValueError("a partial step from the cache can predict only its active columns")
        source = index
    return head(hidden[rows, source]).float()  # (N, V)
