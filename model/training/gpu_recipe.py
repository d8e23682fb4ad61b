"""The GPU recipe: train a larger built-in model from a packed corpus in wall-clock chunks, each ending in fp16
weight shards (<= 15 MiB a file), so a run can stop and go on anywhere: on a shared or pre-emptible GPU, or on a
machine the corpus and weights are copied to and from.

On the GPU machine (a run continues with --resume, its cosine schedule spanning --total-seconds):
    python -m model.training.gpu_recipe --pack runs/pack --out runs/gpu-chunk1 --seconds 420 --device cuda
    python -m model.training.gpu_recipe --pack runs/pack --resume runs/gpu-chunk1 --out runs/gpu-chunk2 ...
Then: `diffusion-lsp train import-shards --shards DIR --out runs/gpu`, evaluate, and `train export`.
Examples are uniformly masked windows (code tokens are what the model must learn; the ablations found pad
examples cost fills more than they give); --uniform-fraction < 1 mixes in line holes with a <|pad|> surplus. A
resumed chunk starts Adam afresh (only fp16 weights are kept between chunks, to keep them small) with a short
warm-up."""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from ..checkpoint import save_checkpoint
from ..config import ModelConfig
from ..tokenizer import CodeTokenizer
from ..transformer import DiffusionTransformer
from .objective import MIN_T, diffusion_loss
from .pack import load_pack
from .train import SIZES, new_model

SHARD_BYTES = 15 * 2**20


def token_batch(data: np.ndarray, newline: np.ndarray, batch: int, seq_len: int, pad_id: int, rng: np.random.Generator,
                uniform_fraction: float = 0.8) -> tuple[torch.Tensor, torch.Tensor]:
    """(ids, candidates) (B, L): windows of the packed corpus; most get one line-aligned hole followed by a <|pad|>
    surplus (what the engine's budgets leave), the rest are candidates everywhere (plain uniform masking)."""
    rows, cands = [], []
    for _ in range(batch):
        start = int(rng.integers(0, len(data) - seq_len))
        window = data[start:start + seq_len].astype(np.int64)
        candidates = np.ones(seq_len, dtype=bool)
        if rng.random() >= uniform_fraction:
            breaks = np.flatnonzero(newline[window]) + 1
            if len(breaks) >= 2:
                a = int(rng.choice(breaks[:-1]))
                b = int(rng.choice(breaks[breaks > a][:8]))
                surplus = int(rng.integers(0, 2 * (b - a) + 8))
                hole = np.concatenate([window[a:b], np.full(surplus, pad_id)])
                window = np.concatenate([window[:a], hole, window[b:]])[:seq_len]
                candidates = np.zeros(seq_len, dtype=bool)
                candidates[a:min(seq_len, a + len(hole))] = True
        rows.append(window)
        cands.append(candidates)
    return torch.from_numpy(np.stack(rows)), torch.from_numpy(np.stack(cands))


def mask_batch(candidates: torch.Tensor, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    t = torch.rand(candidates.shape[0], generator=generator) * (1 - MIN_T) + MIN_T  # (B,)
    masked = candidates & (torch.rand(candidates.shape, generator=generator) < t[:, None])
    first = candidates.float().argmax(1)
    masked[torch.arange(len(masked)), first] |= ~masked.any(1)
    return masked, 1.0 / t


def train_packed(pack: Path, out: Path, size: str, seconds: float, device: str, batch_size: int = 64,
                 seq_len: int = 512, lr: float = 1e-3, seed: int = 0, resume: Path | None = None,
                 total_seconds: float | None = None, uniform_fraction: float = 1.0, pad_weight: float = 0.1,
                 log_every: int = 50) -> dict:
    """Train one chunk of at most `seconds` (from scratch, or from the shards of the chunk before); write weight
    shards, tokenizer and the whole run's log to `out`."""
    started = time.perf_counter()
    tok = CodeTokenizer.from_file(pack / "tokenizer.json")
    data, val = load_pack(pack, "train"), load_pack(pack, "val")
    newline = np.zeros(tok.vocab_size, dtype=bool)
    newline[[i for i in range(tok.vocab_size) if "\n" in tok.decode([i])]] = True
    torch.manual_seed(seed)
    if resume:
        model, before = read_shards(resume)
        log = json.loads((resume / "log.json").read_text())["log"] if (resume / "log.json").is_file() else []
    else:
        model, before, log = new_model(size, tok), {}, []
    model.to(device).train()
    step, tokens, done = before.get("steps", 0), before.get("tokens_seen", 0), before.get("train_seconds", 0.0)
    total = total_seconds or done + seconds
    chunks, first_step = before.get("chunks", 0) + 1, step
    optim = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
    rng, generator = np.random.default_rng(seed + chunks), torch.Generator().manual_seed(seed + chunks)
    autocast = torch.autocast(torch.device(device).type, dtype=torch.bfloat16)
    warmup = 100 if first_step == 0 else 20  # a resumed chunk's Adam starts without moment estimates
    # Every chunk with budget left trains at least one step: a slow start (unpacking, a busy machine) that spends
    # the chunk's seconds before the loop must not leave a chunk that makes no progress.
    while done < total and (step == first_step or (time.perf_counter() - started < seconds
                                                   and done + time.perf_counter() - started < total)):
        ids, candidates = token_batch(data, newline, batch_size, seq_len, tok.pad_id, rng, uniform_fraction)
        masked, weights = mask_batch(candidates, generator)
        ids, masked, weights, candidates = (x.to(device) for x in (ids, masked, weights, candidates))
        progress = (done + time.perf_counter() - started) / total
        for group in optim.param_groups:  # warm-up then cosine over the whole run's wall-clock budget
            group["lr"] = lr * min(1.0, (step - first_step + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(1.0, progress)))
        with autocast:
            loss = diffusion_loss(model, ids, masked, weights, candidates, tok.mask_id, tok.pad_id, pad_weight)
        optim.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        step, tokens = step + 1, tokens + ids.numel()
        if step % log_every == 0:
            log.append({"step": step, "tokens": tokens, "train_loss": loss.item(),
                        "seconds": round(done + time.perf_counter() - started, 1)})
    model.eval()
    info = {"steps": step, "tokens_seen": tokens, "train_window": seq_len,
            "train_seconds": round(done + time.perf_counter() - started, 1),
            "size": size if not resume else before.get("size", size), "device": device, "val_tokens": int(val.size),
            "chunks": chunks, "total_seconds": total, "uniform_fraction": uniform_fraction, "pad_weight": pad_weight}
    write_shards(model, out, info)
    tok.save(out / "tokenizer.json")
    (out / "log.json").write_text(json.dumps({"info": info, "log": log}))
    return info


def write_shards(model: DiffusionTransformer, out: Path, info: dict) -> list[Path]:
    """fp16 weights in files of at most SHARD_BYTES, the config in every shard's metadata."""
    out.mkdir(parents=True, exist_ok=True)
    metadata = {"config": json.dumps(model.cfg.to_dict()), "info": json.dumps(info)}
    shards, current, size = [], {}, 0
    state = {k: v.detach().to("cpu", torch.float16).contiguous() for k, v in model.state_dict().items()
             if k != "head.weight"}  # tied to the embedding
    for name, tensor in state.items():
        nbytes = tensor.numel() * 2
        if current and size + nbytes > SHARD_BYTES:
            shards.append(current)
            current, size = {}, 0
        current[name], size = tensor, size + nbytes
    shards.append(current)
    paths = []
    for i, shard in enumerate(shards):
        paths.append(out / f"shard-{i:02d}.safetensors")
        save_file(shard, str(paths[-1]), metadata=metadata)
    return paths


def read_shards(shards: Path) -> tuple[DiffusionTransformer, dict]:
    """(fp32 model, its info) from shards written by `write_shards`."""
    from safetensors import safe_open
    files = sorted(shards.glob("shard-*.safetensors"))
    if not files:
        raise FileNotFoundError(f"no shard-*.safetensors in {shards}")
    with safe_open(str(files[0]), framework="pt") as f:
        metadata = f.metadata()
    model = DiffusionTransformer(ModelConfig(**json.loads(metadata["config"])))
    state = {}
    for path in files:
        state.update(load_file(str(path)))
    state["head.weight"] = state["embed.weight"]
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return model, json.loads(metadata["info"])


def import_shards(shards: Path, out: Path) -> Path:
    """A normal checkpoint (fp32) from shards written by `write_shards`, plus their log."""
    model, info = read_shards(shards)
    save_checkpoint(out / "checkpoint", model, CodeTokenizer.from_file(shards / "tokenizer.json"), info)
    if (shards / "log.json").is_file():
        (out / "gpu-log.json").write_text((shards / "log.json").read_text())
    return out / "checkpoint"


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pack", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--size", default="medium", choices=sorted(SIZES),
                   help="medium: 17M parameters, 35 MB in fp16 (the built-in model's limit is 40 MB)")
    p.add_argument("--seconds", type=float, default=420, help="this chunk's wall-clock budget")
    p.add_argument("--total-seconds", type=float, default=None, help="the whole run's budget (default: this chunk)")
    p.add_argument("--resume", default=None, help="the folder a previous chunk wrote (shards, tokenizer, log.json)")
    p.add_argument("--uniform-fraction", type=float, default=1.0,
                   help="share of uniformly masked windows; the rest get a line hole with a <|pad|> surplus")
    p.add_argument("--pad-weight", type=float, default=0.1)
    p.add_argument("--device", default="cuda")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--seq-len", type=int, default=512)
    p.add_argument("--lr", type=float, default=1e-3)
    args = p.parse_args(argv)
    print(json.dumps(train_packed(Path(args.pack), Path(args.out), args.size, args.seconds, args.device, args.batch_size,
                                  args.seq_len, args.lr, resume=Path(args.resume) if args.resume else None,
                                  total_seconds=args.total_seconds, uniform_fraction=args.uniform_fraction,
                                  pad_weight=args.pad_weight)))


if __name__ == "__main__":
    main()
