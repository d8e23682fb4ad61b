"""A checkpoint's weights into transformers modules at no more memory than the weights themselves.

The model is built on the meta device (no memory, no random init) and every tensor is read from its safetensors
file on its own (the file is read, not memory-mapped, into one reused buffer), copied to the
target dtype and put in place: the peak is the weights plus the largest tensor, which is what check_fits asks.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Callable, Iterator

import torch

from .errors import ModelError

_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16,
           "I64": torch.int64, "I32": torch.int32, "I16": torch.int16, "I8": torch.int8, "U8": torch.uint8,
           "BOOL": torch.bool}


def weight_files(directory: Path) -> list[Path]:
    """The safetensors files of a checkpoint (one file, or the shards its index names); a missing one is an error."""
    index = directory / "model.safetensors.index.json"
    if index.is_file():
        try:
            names = sorted(set(json.loads(index.read_text())["weight_map"].values()))
        except (ValueError, KeyError, AttributeError) as exc:
            raise ModelError(f"broken index {index}: {str(exc).splitlines()[0] or type(exc).__name__}") from None
        files = [directory / name for name in names]
    else:
        files = [directory / "model.safetensors"]
    for f in files:
        if not f.is_file():
            raise ModelError(f"checkpoint {directory} is missing {f.name}")
    return files


def read_header(path: Path) -> dict:
    """A safetensors file's header: name -> {dtype, shape, data_offsets} (and __metadata__)."""
    return _header_and_start(path)[0]


def _header_and_start(path: Path) -> tuple[dict, int]:
    """The header and the file offset its tensors' data_offsets count from."""
    try:
        with open(path, "rb") as handle:
            (size,) = struct.unpack("<Q", handle.read(8))
            if size > 100 * 2**20:
                raise ValueError(f"header of {size} bytes")
            return json.loads(handle.read(size)), 8 + size
    except (OSError, ValueError, struct.error) as exc:
        raise ModelError(f"broken weights file {path}: {str(exc).splitlines()[0] or 'unreadable header'}") from None


def check_complete(directory: Path) -> None:
    """Every weight file the checkpoint names is there and as long as its header says (a half-downloaded or cut
    file is never loaded): a ModelError naming the first that is not."""
    for f in weight_files(directory):
        header, start = _header_and_start(f)
        ends = [info["data_offsets"][1] for name, info in header.items() if name != "__metadata__"]
        expected = start + max(ends, default=0)
        if f.stat().st_size != expected:
            raise ModelError(f"checkpoint {directory}: {f.name} is {f.stat().st_size:,} bytes where its header says "
                             f"{expected:,} (cut short or damaged)")


def iter_tensors(path: Path) -> Iterator[tuple[str, torch.Tensor]]:
    """(name, tensor) of one safetensors file, read one tensor at a time into one reused buffer (so the tensor is
    valid until the next one: copy it); a truncated or inconsistent file is a ModelError naming it."""
    header, start = _header_and_start(path)
    # One buffer for every read: allocating and freeing one per tensor between the kept ones fragments the heap
    # (glibc raises its mmap threshold after each free), which measured 10-25% above the weights.
    sizes = [info["data_offsets"][1] - info["data_offsets"][0] for name, info in header.items()
             if name != "__metadata__" and isinstance(info, dict) and len(info.get("data_offsets", ())) == 2]
    scratch = torch.empty(max(sizes, default=0), dtype=torch.uint8)
    with open(path, "rb") as handle:
        for name, info in header.items():
            if name == "__metadata__":
                continue
            try:
                dtype = _DTYPES[info["dtype"]]
                lo, hi = info["data_offsets"]
                shape = info["shape"]
                buffer = scratch[: hi - lo]
                handle.seek(start + lo)
                if handle.readinto(buffer.numpy()) != hi - lo:
                    raise ValueError(f"{name} is cut short")
                yield name, buffer.view(dtype).reshape(shape)
            except (KeyError, ValueError, RuntimeError, TypeError) as exc:
                raise ModelError(f"broken weights file {path}: {str(exc).splitlines()[0]}") from None


def _put(model: torch.nn.Module, name: str, tensor: torch.Tensor) -> None:
    module_path, _, leaf = name.rpartition(".")
    module = model.get_submodule(module_path)
    if isinstance(getattr(module, leaf), torch.nn.Parameter):
        setattr(module, leaf, torch.nn.Parameter(tensor, requires_grad=False))
    else:
        module.register_buffer(leaf, tensor)


def build_and_load(model_class, config, directory: Path, device: torch.device, family: str,
                   rename: Callable[[str], str | None] = lambda name: name) -> torch.nn.Module:
    """`model_class` built from `config` on the meta device and filled from the checkpoint, tensor by tensor, in
    bf16 on a GPU and fp32 on the CPU. `rename`: the module's name of a checkpoint tensor (None: not one of its)."""
    dtype = torch.bfloat16 if device.type == "cuda" else torch.float32
    check_complete(directory)
    with torch.device("meta"):  # its dtype is whatever the loaded tensors have
        model = model_class._from_config(config)
    expected = {name: tensor.shape for name, tensor in model.state_dict().items()}
    loaded, unknown = set(), []
    for f in weight_files(directory):
        for stored, tensor in iter_tensors(f):
            name = rename(stored)
            if name not in expected:
                unknown.append(stored)
                continue
            if tuple(tensor.shape) != tuple(expected[name]):
                raise ModelError(f"checkpoint {directory}: {stored} in {f.name} has shape {tuple(tensor.shape)}, "
                                 f"the {family} config says {tuple(expected[name])}")
            kept = torch.empty(tensor.shape, dtype=dtype if tensor.is_floating_point() else tensor.dtype, device=device)
            _put(model, name, kept.copy_(tensor))  # a copy: the read buffer is reused for the next tensor
            loaded.add(name)
    tied = bool(getattr(model.config, "tie_word_embeddings", False))
    missing = [k for k in expected if k not in loaded and not (tied and k == "lm_head.weight")]
    if missing or unknown:
        raise ModelError(f"checkpoint {directory} does not match the {family} layout: missing {missing[:3]}, "
                         f"unexpected {unknown[:3]}")
    if tied:
        model.lm_head.weight = model.model.embed_tokens.weight
    rotary = model.model.rotary_emb  # its tables are computed, not stored: build them on the device
    with torch.device(device):
        model.model.rotary_emb = type(rotary)(config=model.config)
    left = [n for n, t in list(model.named_parameters()) + list(model.named_buffers()) if t.device.type == "meta"]
    if left:
        raise ModelError(f"checkpoint {directory}: {left[0]} was never loaded")
    return model.eval()
