"""Ship a trained checkpoint inside the package: fp16 weights, tokenizer, model card and loss curve."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..checkpoint import load_checkpoint, save_checkpoint
from ..denoiser import BUILTIN_DIR
from .train import INITIAL_CARD, describe


def _registry_data(manifest: dict, mix: str) -> str:
    """Corpus v2 (`train corpus --registries`): languages, packages and licences in short; every file's licence is
    in the corpus's files.jsonl (docs/corpus-v2/files.jsonl.gz for the shipped model)."""
    rows = "\n".join(f"| {name} | {v['files']:,} | {v['chars']:,} | {v['tokens_estimate'] / 1e6:.1f}M |"
                     for name, v in manifest["languages"].items())
    packages = [p for p in manifest["packages"] if p.get("files")]
    licences = sorted({p["license"] for p in packages})
    return f"""| language | files | characters | tokens (estimate) |
|---|---|---|---|
{rows}

{len(packages)} source packages from PyPI, npm and Debian (of {len(manifest['packages'])} listed); licences:
{', '.join(licences)}. Dropped files: {', '.join(f'{k} {v:,}' for k, v in manifest.get('dropped_files', {}).items())}.
Split by package; files sharing a 13-word run with an evaluation set are out.
{f"Files were drawn by language weight: {mix}." if mix else ""}"""


def _installed_data(manifest: dict) -> str:
    """The first corpus (`train corpus`): the standard library and installed PyPI packages."""
    sources = "\n".join(f"| {s['name']} | {s['version']} | {s['license']} |" for s in manifest.get("sources", []))
    counts = manifest.get("counts", {})
    return f"""| source | version | licence |
|---|---|---|
{sources}

{counts.get('train', '?')} training files, {counts.get('val', '?')} validation files ({counts.get('chars', 0):,} characters);
{counts.get('exact_duplicates', 0)} exact and {counts.get('near_duplicates', 0)} near duplicates removed; split by file.
Test suites and the HumanEval benchmark are excluded."""


def _initial_model_data(run_dir: Path, state: dict, data: str) -> str:
    """The Data section of the card of the model a run started from (copied into the run when it started); a table
    identical to this run's `data` is named, not repeated, so a chain of continued runs stays readable."""
    init, card = state.get("init"), run_dir / INITIAL_CARD
    if not init or not card.is_file():
        return ""
    text = card.read_text()
    start = text.find("## Data")
    if start < 0:
        return ""
    end = text.find("\n## ", start + 1)
    body = text[start + len("## Data"):end if end > 0 else len(text)].strip()
    if data.strip():
        body = body.replace(data.strip(), "The same data as this run, drawn the same way.")
    return f"\n\n### Data of the initial model ({init['tokens']:,} tokens, {init['from']})\n\n{body.replace('### ', '#### ')}"


def model_card(meta: dict, params: int, manifest: dict, state: dict, evaluation: str, run_dir: Path = Path("."),
               ablations: str = "") -> str:
    cfg = meta["config"]
    hours = meta.get("train_seconds", 0) / 3600
    opts = state.get("options", {})
    first = state.get("first_phase") or (describe(opts) if opts else "?")
    events = [(0, first)] + [(r["step"], r["event"]) for r in state.get("log", []) if "event" in r]
    phases = "; ".join(f"from step {step}: {what}" for step, what in events)
    data = _registry_data(manifest, opts.get("languages", "")) if "languages" in manifest else _installed_data(manifest)
    init = state.get("init")
    carried = f" (of which {init['tokens']:,} before this run, in {init['from']})" if init else ""
    objective = _objective(opts, init)
    return f"""# diffusion-lsp built-in model

A bidirectional masked-diffusion transformer (pre-norm, RoPE, SwiGLU, no causal mask) trained by
`diffusion-lsp train` on the data below with the masked-diffusion loss (cross-entropy on masked positions
weighted by 1/t). {objective}

| | |
|---|---|
| parameters | {params / 1e6:.2f} M ({cfg['n_layer']} layers, d_model {cfg['d_model']}, {cfg['n_head']} heads, SwiGLU {cfg['mlp_hidden']}) |
| vocabulary | {cfg['vocab_size']} byte-level BPE tokens (`<|mask|>` {cfg['mask_id']}, `<|pad|>` {cfg['pad_id']}, `<|eos|>` {cfg['eos_id']}) |
| window | {cfg['max_len']} tokens (trained on {opts.get('seq_len', '?')}-token windows) |
| tokens seen | {meta.get('tokens_seen', 0):,}{carried} ({meta.get('steps', 0)} steps of {opts.get('batch_size', '?')} x {opts.get('seq_len', '?')} in this run) |
| training time | {hours:.2f} h on 2-core x86-64 CPUs (this project's build machines: AMD EPYC, later Intel Xeon), no GPU |
| phases | {phases} |
| weights | fp16 safetensors (loaded as fp32 on CPU){_averaged(meta)} |

## Data

{data}{_initial_model_data(run_dir, state, data)}

## Evaluation

{evaluation}
{_ablation_section(ablations)}
![loss curve](loss.png)
"""


def _objective(opts: dict, init: dict | None) -> str:
    """How this run masked its examples, in a sentence; earlier phases are described by the initial model's card."""
    holes = ("hole-shaped masking (lines, blocks, rests of lines, random spans; 1-3 holes; budgets longer than the "
             "truth with a `<|pad|>` surplus)")
    fraction = opts.get("uniform_fraction")
    if fraction is None:
        how = f"This run used {holes} plus uniform random-t masking."
    elif fraction >= 1:
        how = ("This run masked every example uniformly at a random ratio t over the whole window: no hole shapes "
               "and no `<|pad|>` targets (the ablations below found them costly).")
    else:
        how = (f"This run masked {fraction:.0%} of examples uniformly over the whole window and gave the rest "
               f"{holes}, `<|pad|>` targets weighted {opts.get('pad_weight', 1.0)}.")
    return how + (f" It continued the weights of {init['from']} (their data is listed below)." if init else "")


def _averaged(meta: dict) -> str:
    names = meta.get("averaged_of")
    return f"; the mean of the weights of {len(names)} checkpoints ({', '.join(names)})" if names else ""


def _ablation_section(table: str) -> str:
    if not table:
        return ""
    return ("\n## Ablations\n\nEqual-step runs from scratch, one change each against the baseline; held-out bits per "
            "byte of masked code\n(lower is better) compare across tokenizers, CE per token only within one.\n\n"
            f"{table.strip()}\n")


def export_builtin(run_dir: str | Path, corpus_dir: str | Path, evaluation: str = "Not measured yet.",
                   dest: Path = BUILTIN_DIR, ablations: str = "", checkpoint: str | Path | None = None) -> Path:
    """Ship the run's checkpoint (or `checkpoint`, e.g. an average of its snapshots) with the run's card."""
    run_dir, corpus_dir = Path(run_dir), Path(corpus_dir)
    model, tok, meta = load_checkpoint(checkpoint or run_dir / "checkpoint")
    manifest = json.loads((corpus_dir / "manifest.json").read_text()) if (corpus_dir / "manifest.json").is_file() else {}
    state = json.loads((run_dir / "state.json").read_text()) if (run_dir / "state.json").is_file() else {}
    # The run's own record of what it saw, for checkpoints whose metadata lacks it.
    meta.setdefault("tokens_seen", state.get("tokens", 0))
    meta.setdefault("train_seconds", state.get("seconds", 0.0))
    meta.setdefault("steps", state.get("step", 0))
    if state.get("options", {}).get("seq_len"):
        meta.setdefault("train_window", state["options"]["seq_len"])
    save_checkpoint(dest, model, tok, extra={k: v for k, v in meta.items() if k != "config"}, half=True)
    if (run_dir / "loss.png").is_file():
        shutil.copy(run_dir / "loss.png", dest / "loss.png")
    card = model_card(meta, model.num_params(), manifest, state, evaluation, run_dir, ablations)
    (dest / "MODEL_CARD.md").write_text(card)
    # The run's checkpoint gets the card too: a run continued from that checkpoint lists this model's data.
    (run_dir / "checkpoint" / "MODEL_CARD.md").write_text(card)
    return dest
