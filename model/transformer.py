"""The built-in bidirectional transformer: pre-norm, RoPE, SwiGLU, no causal mask."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig


class RMSNorm(nn.Module):
    def __init__(self, dim: int, eps: float = 1e-6):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        norm = x.float().pow(2).mean(-1, keepdim=True).add(self.eps).rsqrt()
        return (x.float() * norm).type_as(x) * self.weight


def rope_frequencies(head_dim: int, theta: float, device) -> torch.Tensor:
    """(hd/2,) rotation speed of each pair of dimensions."""
    return 1.0 / (theta ** (torch.arange(0, head_dim, 2, device=device).float() / head_dim))


def rope_tables(head_dim: int, length: int, theta: float, device) -> tuple[torch.Tensor, torch.Tensor]:
    """Cosine and sine tables for rotary position embeddings."""
    angles = torch.outer(torch.arange(length, device=device).float(), rope_frequencies(head_dim, theta, device))  # (L, hd/2)
    return angles.cos(), angles.sin()


def shift_rope(keys: torch.Tensor, delta: int, theta: float) -> torch.Tensor:
    """Keys already rotated for positions p, rotated on to p + delta: rotations by angles add up exactly."""
    if delta == 0:
        return keys
    angles = delta * rope_frequencies(keys.shape[-1], theta, keys.device)  # (hd/2,)
    return apply_rope(keys, angles.cos(), angles.sin())


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    x1, x2 = x[..., 0::2], x[..., 1::2]  # (B, H, L, hd/2)
    rotated = torch.stack((x1 * cos - x2 * sin, x1 * sin + x2 * cos), dim=-1)
    return rotated.flatten(-2).type_as(x)


class SelfAttention(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.n_head = cfg.n_head
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model, bias=False)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model, bias=False)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, keep: torch.Tensor | None = None,
                kv: list | None = None, active: torch.Tensor | None = None, live: torch.Tensor | None = None,
                shared: bool = False) -> torch.Tensor:
        """`x` (B, A, D) holds only the `active` columns when the other keys/values come from a cache: `kv` is
        [keys, values] of every column, (B, H, L, hd), updated here at the active ones; a full pass fills it.
        With `live` (B, A), `x` is packed (N, D): only those slots are computed, the others keep their cached states.
        `shared`: `kv` is one canvas, (1, H, L, hd), that all B rows read around their own active columns."""
        D = x.shape[-1]
        q, k, v = self.qkv(x).split(D, dim=-1)
        if live is not None:
            q, k, v = (_unpack(t, live) for t in (q, k, v))  # (B, A, D)
        B, A = q.shape[:2]
        q, k, v = (t.view(B, A, self.n_head, D // self.n_head).transpose(1, 2) for t in (q, k, v))  # (B, H, A, hd)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        if shared:
            y = attend_to_shared_context(q, k, v, kv, active, keep)  # (B, H, A, hd)
            return self.proj(y.transpose(1, 2).reshape(B, A, D))
        if kv is not None and active is not None:
            # Written in place: the active columns are recomputed at every partial step anyway, and a pass that
            # updates kept states (an edit between requests) leaves them there.
            if live is not None:
                slots = live[:, None, :, None]
                k, v = torch.where(slots, k, kv[0][:, :, active]), torch.where(slots, v, kv[1][:, :, active])
            kv[0][:, :, active], kv[1][:, :, active] = k, v
            k, v = kv  # (B, H, L, hd)
        elif kv is not None:
            kv[:] = [k, v]
        # Full attention: every position sees the code after it as well as before it.
        y = F.scaled_dot_product_attention(q, k, v, attn_mask=keep, is_causal=False)  # (B, H, A, hd)
        y = y.transpose(1, 2).reshape(B, A, D)
        return self.proj(y[live] if live is not None else y)  # (N, D) or (B, A, D)

    def store_keys_values(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, kv: list,
                          active: torch.Tensor | None = None) -> None:
        """Only this layer's keys and values, (1, H, L or A, hd), into `kv` (all columns, or the `active` ones):
        a pass that builds states for later steps needs nothing else from the last layer."""
        D = x.shape[-1]
        _, k, v = self.qkv(x).split(D, dim=-1)
        B, A = k.shape[:2]
        k, v = (t.view(B, A, self.n_head, D // self.n_head).transpose(1, 2) for t in (k, v))  # (B, H, A, hd)
        k = apply_rope(k, cos, sin)
        if active is None:
            kv[:] = [k, v]
        else:
            kv[0][:, :, active], kv[1][:, :, active] = k, v


def attend_to_shared_context(q, k, v, kv: list, active: torch.Tensor, keep: torch.Tensor | None) -> torch.Tensor:
    """Attention of B rows that differ only in their `active` columns: each row's queries (B, H, A, hd) see the
    shared canvas's keys/values (1, H, L, hd) outside those columns, and its own k, v there. The shared states are
    read once for all rows (no per-row copy), which is what makes scoring many variants of one hole cheap."""
    B, H, A, hd = q.shape
    context_k, context_v = kv[0][0], kv[1][0]  # (H, L, hd)
    L = context_k.shape[1]
    outside = torch.ones(L, dtype=torch.bool, device=q.device)
    outside[active] = False
    if keep is not None:
        outside &= keep[0, 0, 0]  # the rows share the canvas, so they share its padding too
    scale = hd ** -0.5
    queries = q.transpose(0, 1).reshape(H, B * A, hd)  # every row's queries against the one context
    to_context = (queries @ context_k.transpose(1, 2)) * scale  # (H, B*A, L)
    to_context = to_context.masked_fill(~outside, float("-inf"))
    to_own = ((q @ k.transpose(2, 3)) * scale).transpose(0, 1).reshape(H, B * A, A)  # (H, B*A, A)
    weights = torch.softmax(torch.cat((to_context, to_own), dim=-1), dim=-1)  # (H, B*A, L + A)
    from_context = (weights[..., :L] @ context_v).view(H, B, A, hd).transpose(0, 1)  # (B, H, A, hd)
    from_own = weights[..., L:].view(H, B, A, A).transpose(0, 1) @ v  # (B, H, A, hd)
    return (from_context + from_own).type_as(q)


def _unpack(packed: torch.Tensor, live: torch.Tensor) -> torch.Tensor:
    """(N, D) at the True slots of `live` (B, A) -> (B, A, D), zeros elsewhere."""
    out = packed.new_zeros(*live.shape, packed.shape[-1])
    out[live] = packed
    return out


class SwiGLU(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.gate = nn.Linear(cfg.d_model, cfg.mlp_hidden, bias=False)
        self.up = nn.Linear(cfg.d_model, cfg.mlp_hidden, bias=False)
        self.down = nn.Linear(cfg.mlp_hidden, cfg.d_model, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(F.silu(self.gate(x)) * self.up(x))


class Block(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.attn_norm = RMSNorm(cfg.d_model)
        self.attn = SelfAttention(cfg)
        self.mlp_norm = RMSNorm(cfg.d_model)
        self.mlp = SwiGLU(cfg)

    def forward(self, x, cos, sin, keep=None, kv=None, active=None, live=None, shared=False):
        x = x + self.attn(self.attn_norm(x), cos, sin, keep, kv, active, live, shared)
        return x + self.mlp(self.mlp_norm(x))


class DiffusionTransformer(nn.Module):
    """Predicts every position's token from the whole (partly masked) sequence."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.cfg = cfg
        self.embed = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.blocks = nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.norm = RMSNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=False)
        self.head.weight = self.embed.weight  # tied embeddings keep the shipped file small
        self.apply(self._init_weights)
        self._rope: dict[tuple[int, str], tuple[torch.Tensor, torch.Tensor]] = {}  # every denoising step reuses them

    @staticmethod
    def _init_weights(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, ids: torch.Tensor, attention_mask: torch.Tensor | None = None) -> torch.Tensor:
        """`attention_mask` (B, L), 1 for real tokens and 0 for batch padding, which no position attends to."""
        return self.logits_at(self.features(ids, attention_mask))  # (B, L, V)

    def logits_at(self, features: torch.Tensor) -> torch.Tensor:
        """Token logits for final hidden states (training computes them only where the loss needs them)."""
        return self.head(self.norm(features))

    def features(self, ids: torch.Tensor, attention_mask: torch.Tensor | None = None, cache=None,
                 blocks: list[nn.Module] | None = None, states_only: bool = False) -> torch.Tensor | None:
        """Hidden states after the last block, before the final norm: (B, L, D), or (B, A, D) at the cache's
        active columns when `cache` (model.kv_cache.ContextCache) holds the other columns' keys and values.
        `blocks`: the same blocks wrapped (training passes them through torch.compile), used on a full pass.
        `states_only`: fill `cache` and return None; the last layer then computes its keys and values only."""
        B, L = ids.shape
        key = (L, str(ids.device))
        if key not in self._rope:
            self._rope = {key: rope_tables(self.cfg.head_dim, L, self.cfg.rope_theta, ids.device)}  # keep the latest only
        cos, sin = self._rope[key]
        keep = attention_mask.bool()[:, None, None, :] if attention_mask is not None else None  # (B, 1, 1, L)
        if cache is not None and not cache.wants_full_pass():
            active, live = cache.active, cache.live
            x = self.embed(ids[:, active])  # (B, A, D)
            if live is not None:
                x = x[live]  # (N, D): rows compute only their own holes (candidate lengths differ)
            last = len(self.blocks) - 1 if states_only else None
            for i, (block, keys, values) in enumerate(zip(self.blocks, cache.keys, cache.values)):
                if i == last:
                    block.attn.store_keys_values(block.attn_norm(x), cos[active], sin[active], [keys, values], active)
                    break
                x = block(x, cos[active], sin[active], keep, [keys, values], active, live, cache.shared)
            cache.partial_steps += 1
            return None if states_only else x  # (B, A, D), or (N, D) with live slots
        x = self.embed(ids)  # (B, L, D)
        kvs = [[] for _ in self.blocks] if cache is not None else [None] * len(self.blocks)
        blocks = blocks or self.blocks
        for i, (block, kv) in enumerate(zip(blocks, kvs)):
            if states_only and i == len(blocks) - 1:
                self.blocks[i].attn.store_keys_values(self.blocks[i].attn_norm(x), cos, sin, kv)
                break
            x = block(x, cos, sin, keep, kv)
        if cache is not None:
            cache.store([kv[0] for kv in kvs], [kv[1] for kv in kvs])
        return None if states_only else x  # (B, L, D)

    def num_params(self) -> int:
        return sum(p.numel() for p in self.parameters())
