"""Shared pieces of the Hugging Face checkpoint loaders: memory checks, full attention, transformers' caches, the head
(the tokenizer is model/hf_tokenizer.py, the weights model/hf_weights.py)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import torch

from .errors import ModelError
from .hf_weights import read_header, weight_files

# The most tokens a canvas holds, whatever the config allows (Dream-Coder says 32,768): every denoising step runs
# the whole canvas, so a long file's far context costs more than it helps an edit.
WORKING_WINDOW = 4096


def working_window(max_positions: int) -> int:
    return min(int(max_positions), WORKING_WINDOW)


def read_config(directory: Path) -> dict:
    path = directory / "config.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None
    if not isinstance(raw, dict):
        raise ModelError(f"{path} is not a JSON object")
    return raw


def bidirectional(model) -> None:
    """Full attention in a transformers decoder: the mask builder and SDPA's fallback flag both say non-causal."""
    model.config.is_causal = False
    for layer in model.model.layers:
        layer.self_attn.is_causal = False


def weights_bytes(directory: Path, dtype_bytes: int) -> int:
    """Memory the checkpoint's weights need at `dtype_bytes` per parameter, read from the safetensors headers only."""
    total = 0
    for f in weight_files(directory):
        for name, info in read_header(f).items():
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


def keep_first(kv_cache, n: int) -> None:
    """Crop a transformers cache to its first `n` positions (crop takes how many to drop, as a negative number)."""
    extra = kv_cache.get_seq_length() - n
    if extra > 0:
        kv_cache.crop(-extra)


def _keep_columns(kv_cache, columns: torch.Tensor) -> None:
    """Keep only `columns` in every layer of a transformers cache (a dual cache keeps the context, not the holes)."""
    if hasattr(kv_cache, "layers"):  # transformers >= 4.56: one object per layer
        for layer in kv_cache.layers:
            layer.keys, layer.values = layer.keys[:, :, columns], layer.values[:, :, columns]
        return
    for i in range(len(kv_cache.key_cache)):
        kv_cache.key_cache[i] = kv_cache.key_cache[i][:, :, columns]
        kv_cache.value_cache[i] = kv_cache.value_cache[i][:, :, columns]


def full_attention_mask(mask: torch.Tensor | None, batch: int, keys: int, dtype, device) -> torch.Tensor:
    """(B, 1, 1, K) additive mask: every query sees every real key. Passing it whole keeps transformers from
    building its own mask, which older releases make causal whatever the config says."""
    keep = torch.ones(batch, keys, dtype=torch.bool, device=device) if mask is None else mask.bool().to(device)
    return torch.zeros(batch, 1, 1, keys, dtype=dtype, device=device).masked_fill(~keep[:, None, None, :],
                                                                                  torch.finfo(dtype).min)


def block_causal_mask(mask: torch.Tensor | None, batch: int, start: int, end: int, block: int, dtype,
                      device) -> torch.Tensor:
    """(B, 1, end - start, end) additive mask of a block-causal model for queries `start`..`end`: a query sees every
    real key in its own block of `block` columns (counted from column 0) and in the blocks before it."""
    query_blocks = torch.arange(start, end, device=device) // block
    key_blocks = torch.arange(end, device=device) // block
    seen = (key_blocks[None, :] <= query_blocks[:, None]).expand(batch, 1, -1, -1)  # (B, 1, Q, K)
    if mask is not None:
        seen = seen & mask[:, :end].bool().to(device)[:, None, None, :]
    return torch.zeros(seen.shape, dtype=dtype, device=device).masked_fill(~seen, torch.finfo(dtype).min)


def _cache_argument(trunk) -> str:
    """What this transformers release calls the cache: `cache` (recent) or `past_key_values`."""
    return "cache" if "cache" in inspect.signature(trunk.forward).parameters else "past_key_values"


def run_trunk(trunk, ids: torch.Tensor, mask: torch.Tensor | None, kv_cache=None, attention: torch.Tensor | None = None,
         **kwargs):
    """(last hidden states, the cache it returned) of one trunk call, with full attention over `mask`'s keys unless
    an `attention` mask (B, 1, Q, K) says otherwise."""
    if attention is None:
        keys = ids.shape[1] + (kv_cache.get_seq_length() if kv_cache is not None else 0)
        attention = full_attention_mask(mask, ids.shape[0], keys, trunk.embed_tokens.weight.dtype, ids.device)
    if kv_cache is not None:
        kwargs[_cache_argument(trunk)] = kv_cache
    out = trunk(input_ids=ids, attention_mask=attention, **kwargs)
    returned = getattr(out, "cache", None) if hasattr(out, "cache") else getattr(out, "past_key_values", None)
    return out.last_hidden_state, returned


def cached_hidden(trunk, ids: torch.Tensor, mask: torch.Tensor | None, cache, shift: int = 0) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Last hidden states of a transformers decoder trunk: (B, A, D) for canvas `columns` (A,), or (B, L, D) and None.

    Without a cache, or on a refresh, the whole canvas runs. A prefix cache (model.kv_cache) keeps transformers'
    own DynamicCache of the columns before the first hole, a dual cache that of every column but the holes'; a
    step runs only the other columns (at their true positions) and the cache is cropped back after it. `shift`
    more columns run before each hole for models whose state i-1 predicts token i."""
    if cache is None:
        return run_trunk(trunk, ids, mask)[0], None
    if cache.wants_full_pass():
        hidden, kv_cache = run_trunk(trunk, ids, mask, use_cache=True)
        active = cache.active if cache.active is not None else torch.arange(0)
        if cache.mode == "prefix":
            start = max(0, int(active[0]) - shift) if active.numel() else 0
            cache.columns = torch.arange(start, ids.shape[1], device=ids.device)
            keep_first(kv_cache, start)
            cache.context = torch.arange(start, device=ids.device)
        else:
            run = torch.zeros(ids.shape[1], dtype=torch.bool, device=ids.device)
            run[active.to(ids.device)] = True
            run[(active.to(ids.device) - shift).clamp_min(0)] = True
            cache.columns, cache.context = run.nonzero().squeeze(-1), (~run).nonzero().squeeze(-1)
            _keep_columns(kv_cache, cache.context)
        cache.store([kv_cache], [])
        return hidden, None
    kept, run = cache.keys[0], cache.columns
    step_mask = None if mask is None else torch.cat([mask[:, cache.context], mask[:, run]], dim=1)
    hidden, _ = run_trunk(trunk, ids[:, run], step_mask, kept, position_ids=run.unsqueeze(0), use_cache=True)
    keep_first(kept, cache.context.numel())  # drop what this step appended: the next step starts from the context again
    cache.partial_steps += 1
    return hidden, run


def head_at(head, hidden: torch.Tensor, positions: torch.Tensor | None, columns: torch.Tensor | None, device,
            shift: int = 0, vocab: int | None = None) -> torch.Tensor:
    """The LM head only where asked: `hidden` (B, A, D) holds canvas `columns` (None: every column). With `shift`
    1 the state at column p - 1 predicts token p (Dream; column 0 predicts itself). Rows from `vocab` on (the head
    is padded past the tokenizer's ids) get -inf: no token the tokenizer cannot write is ever chosen."""
    if positions is None:
        if columns is not None:
            raise ModelError("a step from the cache predicts only the positions asked for")
        if shift:
            hidden = torch.cat([hidden[:, :1], hidden[:, :-1]], dim=1)
        return _within(head(hidden).float(), vocab)  # (B, L, V)
    rows, cols = positions.to(device).nonzero(as_tuple=True)
    source = (cols - shift).clamp_min(0)
    if columns is not None:
        index = torch.searchsorted(columns, source).clamp_max(columns.numel() - 1)
        if (columns[index] != source).any():
            raise ValueError("a partial step from the cache can predict only its active columns")
        source = index
    return _within(head(hidden[rows, source]).float(), vocab)  # (N, V)


def _within(logits: torch.Tensor, vocab: int | None) -> torch.Tensor:
    if vocab is not None and logits.shape[-1] > vocab:
        logits[..., vocab:] = float("-inf")
    return logits
