"""Compare sampler strategies on one fill, as ratios measured in one run (the machines are shared and noisy)."""

from __future__ import annotations

import statistics
import sys
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from model.plotting import pyplot
from model.sampler import SamplerOptions

from ..engine import run_infill
from ..source.document import Document
from ..source.spans import function_by_name, select_function_body
from ..task import InfillOptions

BENCH_FUNCTION = "dedent"


def strategy_grid(tokens: int, steps: int) -> list[tuple[str, SamplerOptions]]:
    return [
        ("one token per call", SamplerOptions(steps=tokens, strategy="confidence")),
        ("confidence (LLaDA)", SamplerOptions(steps=steps, strategy="confidence")),
        ("margin (Dream)", SamplerOptions(steps=steps, strategy="margin")),
        ("entropy (Dream)", SamplerOptions(steps=steps, strategy="entropy")),
        ("random", SamplerOptions(steps=steps, strategy="random", seed=0)),
        ("threshold 0.9 (Fast-dLLM)", SamplerOptions(steps=steps, strategy="threshold", threshold=0.9)),
        ("threshold 0.9, 1-per-call floor", SamplerOptions(steps=tokens, strategy="threshold", threshold=0.9)),
        ("semi-AR blocks of 16", SamplerOptions(steps=steps, strategy="confidence", block_length=16)),
    ]


def compare_strategies(denoiser, path: Path, tokens: int = 64, steps: int = 16, repeats: int = 3) -> dict:
    """NFE, median wall time and tokens per call of a `tokens`-token function body fill, per strategy."""
    doc = Document.from_path(path)
    span = replace(select_function_body(doc, function_by_name(doc, BENCH_FUNCTION)), budget=tokens)
    rows = []
    for name, sampler in tqdm(strategy_grid(tokens, steps), desc="strategies", unit="strategy", file=sys.stderr):
        times, result = [], None
        for _ in range(max(1, repeats)):
            # Exactly `tokens` positions, one canvas: the samplers are compared on the same work.
            result = run_infill(denoiser, doc, [span], InfillOptions(sampler=sampler, syntax_rounds=0, max_fill_tokens=tokens,
                                                                     lengths="exact", keep_to_train_window=False))
            times.append(result.trace.seconds)
        trace = result.trace
        rows.append({"name": name, "strategy": sampler.strategy, "steps": sampler.steps, "block_length": sampler.block_length,
                     "nfe": trace.nfe, "seconds": statistics.median(times),
                     "tokens_per_call": round(sum(trace.committed_per_step) / max(trace.nfe, 1), 2),
                     "parses": result.syntax_errors == 0})
    base = rows[0]["seconds"]
    for row in rows:
        row["speedup_vs_one_per_call"] = round(base / row["seconds"], 2) if row["seconds"] else None
        row["seconds"] = round(row["seconds"], 4)
    context = len(denoiser.tokenizer.encode(doc.text))
    return {"model": denoiser.name, "device": str(denoiser.device), "fill_tokens": tokens, "context_tokens": context,
            "repeats": repeats, "strategies": rows}


def plot_strategies(report: dict, path: Path) -> None:
    plt = pyplot()

    rows = report["strategies"]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    names = [r["name"] for r in rows]
    ax1.barh(names, [r["nfe"] for r in rows])
    ax1.set_xlabel("model calls (NFE)")
    ax2.barh(names, [r["seconds"] * 1000 for r in rows])
    ax2.set_xlabel("wall time (ms)")
    ax2.set_yticks([])
    fig.suptitle(f"{report['fill_tokens']}-token fill, {report['context_tokens']}-token context, {report['model']} on {report['device']}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
