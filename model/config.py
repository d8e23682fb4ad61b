"""The one configuration dataclass of the built-in denoiser."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class ModelConfig:
    vocab_size: int = 8192
    max_len: int = 1024
    n_layer: int = 6
    n_head: int = 4
    d_model: int = 256
    mlp_hidden: int = 704  # SwiGLU hidden width (about 8/3 * d_model, rounded to 64)
    rope_theta: float = 10000.0
    mask_id: int = 0
    pad_id: int = 1
    eos_id: int = 2

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_head
