"""Train the built-in denoiser on CPU or GPU, resumably, with validation loss and a loss-curve PNG."""

from __future__ import annotations

import contextlib
import json
import math
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
from tqdm import tqdm

from ..checkpoint import load_checkpoint, save_checkpoint
from ..config import ModelConfig
from ..denoiser import BuiltinDenoiser
from ..plotting import PlotsUnavailable, pyplot
from ..tokenizer import CodeTokenizer, train_tokenizer
from ..transformer import DiffusionTransformer
from .corpus import read_records
from .mixture import LanguageMixture, parse_weights
from .objective import context_batch, diffusion_loss, make_batch, masked_token_loss
from .validation import code_windows, score_windows

INITIAL_CARD = "initial_MODEL_CARD.md"  # the card of the model a run started from
SIZES = {  # name -> (n_layer, n_head, d_model, mlp_hidden)
    "tiny": (2, 2, 64, 192),
    "small": (6, 4, 256, 704),
    "medium": (8, 6, 384, 1024),  # 17M parameters: the largest shape under the built-in model's 40 MB in fp16
    "small-wide": (3, 6, 384, 1024),  # width/depth ablation shapes at about small's parameters and FLOPs
    "small-deep": (12, 4, 192, 512),
    "base": (8, 8, 512, 1408),
}


@dataclass
class TrainOptions:
    corpus: str
    out: str
    size: str = "small"
    vocab_size: int = 8192
    seq_len: int = 256
    max_len: int = 1024
    batch_size: int = 16
    steps: int = 20000
    lr: float = 1e-3
    warmup: int = 200
    seed: int = 0
    eval_every: int = 250
    save_every: int = 250
    threads: int = 0
    device: str = "cpu"
    precision: str = "bf16"  # bf16 autocast: ~1.5x faster on CPUs with avx512_bf16/AMX, and on GPUs
    snapshot_every: int = 1000  # copies kept under OUT/snapshots/step_N for evaluation against tokens seen
    uniform_fraction: float = 0.3  # share of examples masked uniformly over the whole window (no pads)
    pad_weight: float = 1.0        # loss weight of <|pad|> targets (the surplus of span holes); code tokens weigh 1
    code_val_windows: int = 32     # validation windows for CE/top-1 on code tokens only (0: skip)
    languages: str = ""            # "python=6,c=1,...": files drawn by language weight (empty: every file alike)
    init_from: str = ""            # a checkpoint whose weights and tokenizer a new run starts from
    weight_decay: float = 0.1
    decay: str = "all"             # "all" parameters, or only "matrices" (no decay on norms and embeddings)
    compile: bool = False          # the blocks through torch.compile: x1.28 per CPU step (one thread, small)
    # > 0: the corpus holds (context, window) pairs (`train context-corpus`); this share of rows reads the
    # workspace context ahead of the window (infill/workspace/training_pairs.py)
    context_share: float = 0.0


def describe(options: dict) -> str:
    """How a phase of a run was trained: data, hardware and precision."""
    where = f"{options.get('threads') or 'all'} CPU threads" if options.get("device", "cpu") == "cpu" else options["device"]
    mix = f" ({options['languages']})" if options.get("languages") else ""
    return f"{Path(options['corpus']).name}{mix}, {where}, {options.get('precision', 'fp32')}"


def autocast(opts: TrainOptions):
    if opts.precision == "bf16":
        return torch.autocast(torch.device(opts.device).type, dtype=torch.bfloat16)
    if opts.precision == "fp32":
        return contextlib.nullcontext()
    raise ValueError(opts.precision)


def lr_at(step: int, opts: TrainOptions) -> float:
    if step < opts.warmup:
        return opts.lr * (step + 1) / opts.warmup
    progress = min(1.0, (step - opts.warmup) / max(1, opts.steps - opts.warmup))
    return opts.lr * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * progress)))


def _load_or_train_tokenizer(out: Path, texts: list[str], vocab_size: int) -> CodeTokenizer:
    path = out / "tokenizer.json"
    if path.is_file():
        return CodeTokenizer.from_file(path)
    tok = train_tokenizer(texts, vocab_size)
    out.mkdir(parents=True, exist_ok=True)
    tok.save(path)
    return tok


def plot_curve(log: list[dict], path: Path) -> None:
    plt = pyplot()

    fig, ax = plt.subplots(figsize=(7, 4))
    train = [r for r in log if "train_loss" in r]
    val = [r for r in log if "val_loss" in r]
    code = [r for r in log if "val_code" in r]
    ax.plot([r["tokens"] for r in train], [r["train_loss"] for r in train], label="train (ELBO, 1/t weighted)", alpha=0.6)
    ax.plot([r["tokens"] for r in val], [r["val_loss"] for r in val], label="validation (masked CE, pads included)", marker="o")
    ax.plot([r["tokens"] for r in code], [r["val_code"]["0.50"]["ce"] for r in code], marker="s",
            label="validation (CE on code tokens only, 50% masked)")
    for r in log:
        if "event" in r:
            ax.axvline(r["tokens"], color="grey", linestyle=":")
            ax.annotate(r["event"], (r["tokens"], 1), xycoords=("data", "axes fraction"), rotation=90, va="top", fontsize=7)
    ax.set_xlabel("tokens seen")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _corpus(opts: TrainOptions):
    """(train files, validation files): plain lists, or LanguageMixtures when the run weighs languages; with
    `context_share`, (context, window) pairs."""
    if opts.context_share > 0:
        return tuple([(r.get("context", ""), r["text"]) for r in map(json.loads, open(Path(opts.corpus) / f"{split}.jsonl"))]
                     for split in ("train", "val"))
    weights = parse_weights(opts.languages)  # a bad mix fails before the corpus is read
    train_records = read_records(Path(opts.corpus) / "train.jsonl")
    val_records = read_records(Path(opts.corpus) / "val.jsonl")
    if not weights:
        return [t for t, _ in train_records], [t for t, _ in val_records]
    return LanguageMixture(train_records, weights), LanguageMixture(val_records, weights)


def new_model(size: str, tok: CodeTokenizer, max_len: int = 1024) -> DiffusionTransformer:
    """A freshly initialised model of a named shape for this tokenizer."""
    n_layer, n_head, d_model, mlp_hidden = SIZES[size]
    return DiffusionTransformer(ModelConfig(vocab_size=tok.vocab_size, max_len=max_len, n_layer=n_layer, n_head=n_head,
                                            d_model=d_model, mlp_hidden=mlp_hidden, mask_id=tok.mask_id,
                                            pad_id=tok.pad_id, eos_id=tok.eos_id))


def compiled_blocks(model: DiffusionTransformer) -> list:
    """The model's blocks through torch.compile: the same parameters (the optimizer and checkpoints see the plain
    model), their norms, rotary embedding and MLP gating fused; shapes stay fixed in training, so it compiles once."""
    return [torch.compile(block) for block in model.blocks]


def param_groups(model: DiffusionTransformer, opts: TrainOptions) -> list[dict]:
    """AdamW groups: weight decay on every parameter, or only on the matrices of attention and MLPs."""
    if opts.decay == "all":
        return [{"params": list(model.parameters()), "weight_decay": opts.weight_decay}]
    if opts.decay == "matrices":
        embedding = model.embed.weight  # tied to the head
        decayed = [p for p in model.parameters() if p.ndim == 2 and p is not embedding]
        rest = [p for p in model.parameters() if not (p.ndim == 2 and p is not embedding)]
        return [{"params": decayed, "weight_decay": opts.weight_decay}, {"params": rest, "weight_decay": 0.0}]
    raise ValueError(opts.decay)


def _initial_state(opts: TrainOptions, tokens: int = 0, seconds: float = 0.0, first: str = "") -> dict:
    return {"step": 0, "tokens": tokens, "seconds": seconds, "log": [], "options": asdict(opts),
            "first_phase": first + describe(asdict(opts))}


def _start(opts: TrainOptions, out: Path, train_texts) -> tuple[DiffusionTransformer, CodeTokenizer, dict]:
    """(model, tokenizer, state): resumed from OUT, started from another checkpoint's weights, or new."""
    ckpt_dir, state_path = out / "checkpoint", out / "state.json"
    if (ckpt_dir / "model.safetensors").is_file():
        model, tok, _ = load_checkpoint(ckpt_dir, opts.device)
        state = json.loads(state_path.read_text())
        if describe(state["options"]) != describe(asdict(opts)):  # the curve and the model card show each phase
            state["log"].append({"step": state["step"], "tokens": state["tokens"], "event": describe(asdict(opts))})
        state["options"] = asdict(opts)
        return model, tok, state
    if opts.init_from:  # weights, tokenizer and the count of tokens seen carry over; the schedule restarts
        model, tok, meta = load_checkpoint(opts.init_from, opts.device)
        out.mkdir(parents=True, exist_ok=True)
        tok.save(out / "tokenizer.json")
        if (Path(opts.init_from) / "MODEL_CARD.md").is_file():  # its data section goes into the new model's card
            shutil.copy(Path(opts.init_from) / "MODEL_CARD.md", out / INITIAL_CARD)
        tokens, seconds = meta.get("tokens_seen", 0), meta.get("train_seconds", 0.0)
        state = _initial_state(opts, tokens, seconds, f"the weights of {opts.init_from} ({tokens:,} tokens seen), then ")
        state["init"] = {"from": opts.init_from, "tokens": tokens, "seconds": seconds}
        return model, tok, state
    sample = train_texts.sample(20000, opts.seed) if hasattr(train_texts, "sample") else train_texts
    if opts.context_share > 0:
        sample = [window for _, window in sample]
    tok = _load_or_train_tokenizer(out, sample, opts.vocab_size)
    return new_model(opts.size, tok, opts.max_len).to(opts.device), tok, _initial_state(opts)


def train(opts: TrainOptions) -> Path:
    """Run (or resume) training; the newest checkpoint is always in OUT/checkpoint."""
    out = Path(opts.out)
    if opts.threads:
        torch.set_num_threads(opts.threads)
    torch.manual_seed(opts.seed)
    train_texts, val_texts = _corpus(opts)
    ckpt_dir, state_path = out / "checkpoint", out / "state.json"
    model, tok, state = _start(opts, out, train_texts)
    model.train()
    optim = torch.optim.AdamW(param_groups(model, opts), lr=opts.lr, betas=(0.9, 0.95))
    optim_path = out / "optimizer.pt"
    if state["step"] and optim_path.is_file():
        optim.load_state_dict(torch.load(optim_path, weights_only=True))
    val_rng = random.Random(opts.seed + 10**6)  # the same validation batches every time
    def batch(texts, rng, uniform_fraction=0.3):
        if opts.context_share > 0:
            return context_batch(texts, tok, opts.seq_len, opts.batch_size, rng, opts.context_share)
        return make_batch(texts, tok, opts.seq_len, opts.batch_size, rng, uniform_fraction)
    val_batches = [batch(val_texts, val_rng) for _ in range(4)]
    if opts.context_share > 0:
        val_texts = [window for _, window in val_texts]
    # Cut once: tokenizing a large validation split at every evaluation would cost more than the evaluation.
    val_pool = val_texts.sample(8 * opts.code_val_windows, opts.seed) if hasattr(val_texts, "sample") else val_texts
    code_val = code_windows(val_pool, tok, opts.seq_len, opts.code_val_windows) if opts.code_val_windows else None
    blocks = compiled_blocks(model) if opts.compile else None
    bar = tqdm(total=opts.steps, initial=state["step"], unit="step", desc=f"train {opts.size}")
    while state["step"] < opts.steps:
        step_start = time.perf_counter()
        rng = random.Random(opts.seed * 1_000_003 + state["step"])  # deterministic and resumable
        ids, masked, weights, candidates = (t.to(opts.device) for t in batch(train_texts, rng, opts.uniform_fraction))
        for group in optim.param_groups:
            group["lr"] = lr_at(state["step"], opts)
        def step_loss(through):
            return diffusion_loss(model, ids, masked, weights, candidates, tok.mask_id, tok.pad_id, opts.pad_weight,
                                  through)
        with autocast(opts):
            try:
                loss = step_loss(blocks)
            except Exception as exc:  # noqa: BLE001 - no C++ compiler and the like: the run goes on uncompiled
                if blocks is None:
                    raise
                tqdm.write(f"torch.compile failed ({type(exc).__name__}: {str(exc).splitlines()[0][:120]}); "
                           "training without it")
                blocks = None
                loss = step_loss(None)
        optim.zero_grad(set_to_none=True)
        loss.backward()
        loss = loss.item()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        state["step"] += 1
        state["tokens"] += ids.numel()
        state["seconds"] += time.perf_counter() - step_start
        if state["step"] % 10 == 0:
            state["log"].append({"step": state["step"], "tokens": state["tokens"], "train_loss": loss})
        bar.update(1)
        bar.set_postfix(loss=f"{loss:.3f}", tok_s=f"{state['tokens'] / max(state['seconds'], 1e-9):.0f}")
        if state["step"] % opts.eval_every == 0 or state["step"] == opts.steps:
            model.eval()
            with autocast(opts):
                val = sum(masked_token_loss(model, i.to(opts.device), m.to(opts.device), tok.mask_id) for i, m, _, _ in val_batches) / len(val_batches)
                code = score_windows(BuiltinDenoiser(model, tok, "training"), code_val) if code_val else None
            model.train()
            state["log"].append({"step": state["step"], "tokens": state["tokens"], "val_loss": val,
                                 **({"val_code": code} if code else {})})
            half = f" code CE@50% {code['0.50']['ce']:.3f} top-1 {code['0.50']['top1']:.3f}" if code else ""
            tqdm.write(f"step {state['step']} tokens {state['tokens']} val_loss {val:.4f}{half}")
        snapshot = state["step"] % opts.snapshot_every == 0
        if state["step"] % opts.save_every == 0 or state["step"] == opts.steps or snapshot:
            model.eval()
            save_checkpoint(ckpt_dir, model, tok, extra={"tokens_seen": state["tokens"], "train_seconds": state["seconds"], "steps": state["step"],
                                                          "train_window": opts.seq_len})
            model.train()
            torch.save(optim.state_dict(), optim_path)
            state_path.write_text(json.dumps(state))
            with contextlib.suppress(PlotsUnavailable):  # the curve is a convenience: no matplotlib, no loss.png
                plot_curve(state["log"], out / "loss.png")
            if snapshot:  # a copy of the checkpoint just written, never a stale one
                shutil.copytree(ckpt_dir, out / "snapshots" / f"step_{state['step']}", dirs_exist_ok=True)
    bar.close()
    return ckpt_dir
