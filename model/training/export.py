"""Ship a trained checkpoint inside the package: fp16 weights, tokenizer, model card and loss curve."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..checkpoint import load_checkpoint, save_checkpoint
from ..denoiser import BUILTIN_DIR
from .train import describe


def model_card(meta: dict, params: int, manifest: dict, state: dict, evaluation: str) -> str:
    cfg = meta["config"]
    sources = "\n".join(f"| {s['name']} | {s['version']} | {s['license']} |" for s in manifest.get("sources", []))
    counts = manifest.get("counts", {})
    hours = meta.get("train_seconds", 0) / 3600
    opts = state.get("options", {})
    first = state.get("first_phase") or (describe(opts) if opts else "?")
    events = [(0, first)] + [(r["step"], r["event"]) for r in state.get("log", []) if "event" in r]
    phases = "; ".join(f"from step {step}: {what}" for step, what in events)
    return f"""# diffusion-lsp built-in model

A bidirectional masked-diffusion transformer (pre-norm, RoPE, SwiGLU, no causal mask) trained by
`diffusion-lsp train` on the data below, with hole-shaped masking (lines, blocks, rests of lines,
random spans; 1-3 holes; budgets longer than the truth with `<|pad|>` surplus) plus uniform random-t
masking, and the masked-diffusion loss (cross-entropy on masked positions weighted by 1/t).

| | |
|---|---|
| parameters | {params / 1e6:.2f} M ({cfg['n_layer']} layers, d_model {cfg['d_model']}, {cfg['n_head']} heads, SwiGLU {cfg['mlp_hidden']}) |
| vocabulary | {cfg['vocab_size']} byte-level BPE tokens (`<|mask|>` {cfg['mask_id']}, `<|pad|>` {cfg['pad_id']}, `<|eos|>` {cfg['eos_id']}) |
| window | {cfg['max_len']} tokens (trained on {opts.get('seq_len', '?')}-token windows) |
| tokens seen | {meta.get('tokens_seen', 0):,} ({meta.get('steps', 0)} steps of {opts.get('batch_size', '?')} x {opts.get('seq_len', '?')}) |
| training time | {hours:.2f} h on a 2-core x86-64 CPU (AMD EPYC), no GPU |
| phases | {phases} |
| weights | fp16 safetensors (loaded as fp32 on CPU) |

## Data

| source | version | licence |
|---|---|---|
{sources}

{counts.get('train', '?')} training files, {counts.get('val', '?')} validation files ({counts.get('chars', 0):,} characters);
{counts.get('exact_duplicates', 0)} exact and {counts.get('near_duplicates', 0)} near duplicates removed; split by file.
Test suites and the HumanEval benchmark are excluded.

## Evaluation

{evaluation}

![loss curve](loss.png)
"""


def export_builtin(run_dir: str | Path, corpus_dir: str | Path, evaluation: str = "Not measured yet.",
                   dest: Path = BUILTIN_DIR) -> Path:
    run_dir, corpus_dir = Path(run_dir), Path(corpus_dir)
    model, tok, meta = load_checkpoint(run_dir / "checkpoint")
    manifest = json.loads((corpus_dir / "manifest.json").read_text()) if (corpus_dir / "manifest.json").is_file() else {}
    state = json.loads((run_dir / "state.json").read_text()) if (run_dir / "state.json").is_file() else {}
    # The run's own record of what it saw, for checkpoints whose metadata lacks it.
    meta.setdefault("tokens_seen", state.get("tokens", 0))
    meta.setdefault("train_seconds", state.get("seconds", 0.0))
    meta.setdefault("steps", state.get("step", 0))
    save_checkpoint(dest, model, tok, extra={k: v for k, v in meta.items() if k != "config"}, half=True)
    if (run_dir / "loss.png").is_file():
        shutil.copy(run_dir / "loss.png", dest / "loss.png")
    (dest / "MODEL_CARD.md").write_text(model_card(meta, model.num_params(), manifest, state, evaluation))
    return dest
