"""Evaluation harnesses: HumanEval infilling pass@1 (tests run in subprocesses) and line exact match."""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from model.sampler import SamplerOptions

from .document import Document
from .engine import run_infill
from .errors import InfillError
from .languages import language_for_id
from .syntax import syntax_error_ranges
from .task import InfillOptions, Span

SPLITS = {
    "single-line": ("HumanEval-SingleLineInfilling.jsonl.gz", 32),
    "multi-line": ("HumanEval-MultiLineInfilling.jsonl.gz", 128),
    "random-span": ("HumanEval-RandomSpanInfilling.jsonl.gz", 64),
    "random-span-light": ("HumanEval-RandomSpanInfillingLight.jsonl.gz", 64),
}
TEST_TIMEOUT_S = 10.0
PY = language_for_id("python")


@dataclass(frozen=True)
class Problem:
    task_id: str
    prompt: str
    suffix: str
    canonical_solution: str
    test: str
    entry_point: str


def default_data_dir() -> Path:
    """The benchmark folder: $DIFFUSION_LSP_HUMANEVAL, else ../shared/benchmarks/humaneval-infilling beside the checkout."""
    if os.environ.get("DIFFUSION_LSP_HUMANEVAL"):
        return Path(os.environ["DIFFUSION_LSP_HUMANEVAL"])
    for base in (Path.cwd(), Path(__file__).resolve().parents[1]):
        candidate = base.parent / "shared" / "benchmarks" / "humaneval-infilling"
        if candidate.is_dir():
            return candidate
    return Path("../shared/benchmarks/humaneval-infilling")


def load_problems(split: str, data_dir: Path, limit: int | None = None) -> list[Problem]:
    if split not in SPLITS:
        raise InfillError(f"unknown split {split!r} (choose from {', '.join(SPLITS)})")
    path = data_dir / SPLITS[split][0]
    if not path.is_file():
        raise InfillError(f"benchmark file not found: {path} (pass --data DIR)")
    with gzip.open(path, "rt") as f:
        rows = [json.loads(line) for line in f]
    if limit:
        rows = random.Random(0).sample(rows, min(limit, len(rows)))  # a fixed, spread-out subset
    return [Problem(**{k: row[k] for k in Problem.__dataclass_fields__}) for row in rows]


def passes(program: str, timeout: float = TEST_TIMEOUT_S) -> bool:
    """Run the program in a fresh, isolated interpreter; it passes when it exits 0 in time."""
    with tempfile.TemporaryDirectory() as tmp:
        try:
            run = subprocess.run([sys.executable, "-I", "-c", program], cwd=tmp, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return False
    return run.returncode == 0


def fill_problem(denoiser, problem: Problem, split: str, sampler: SamplerOptions) -> tuple[str, object]:
    """The program with the model's fill in place, and the infill result."""
    budget = SPLITS[split][1]
    whole_lines = split in ("single-line", "multi-line")
    # Whole-line splits: the hole is a line of its own, its newline stays fixed.
    text = problem.prompt + ("\n" if whole_lines else "") + problem.suffix
    span = Span(len(problem.prompt), len(problem.prompt), kind="lines" if whole_lines else "selection", budget=budget)
    result = run_infill(denoiser, Document(text, PY), [span], InfillOptions(sampler=sampler, max_fill_tokens=budget))
    return result.text, result


def evaluate_humaneval(denoiser, split: str, data_dir: Path, limit: int | None, configs: list[tuple[str, SamplerOptions]]) -> dict:
    problems = load_problems(split, data_dir, limit)
    report = {"model": denoiser.name, "split": split, "problems": len(problems), "budget_tokens": SPLITS[split][1], "configs": []}
    for name, sampler in configs:
        passed = parsed = nfe = 0
        started = time.perf_counter()
        for problem in tqdm(problems, desc=name, unit="problem", file=sys.stderr):
            program, result = fill_problem(denoiser, problem, split, sampler)
            nfe += result.trace.nfe
            parsed += not syntax_error_ranges(program, PY)
            passed += passes(f"{program}\n{problem.test}\ncheck({problem.entry_point})\n")
        n = max(1, len(problems))
        report["configs"].append({"name": name, "strategy": sampler.strategy, "steps": sampler.steps,
                                  "pass_at_1": round(passed / n, 4), "parse_rate": round(parsed / n, 4),
                                  "mean_nfe": round(nfe / n, 2), "seconds": round(time.perf_counter() - started, 1)})
    return report


def humaneval_configs(split: str, decoders: str = "both") -> list[tuple[str, SamplerOptions]]:
    budget = SPLITS[split][1]
    one = ("one token per call", SamplerOptions(steps=budget, strategy="confidence"))
    parallel = ("threshold-parallel 0.9", SamplerOptions(steps=budget, strategy="threshold", threshold=0.9))
    if decoders == "both":
        return [one, parallel]
    if decoders == "one-per-call":
        return [one]
    if decoders == "threshold":
        return [parallel]
    raise ValueError(decoders)


def line_exact_match(denoiser, texts: list[str], limit: int, sampler: SamplerOptions, seed: int = 0) -> dict:
    """Mask one code line (from its first non-blank character) in held-out files; exact match of the fill."""
    rng = random.Random(seed)
    hits = total = nfe = 0
    for _ in tqdm(range(limit), desc="exact match", unit="line", file=sys.stderr):
        text = rng.choice(texts)
        lines = text.split("\n")
        candidates = [i for i, line in enumerate(lines) if len(line.strip()) >= 4 and not line.strip().startswith("#")]
        if not candidates:
            continue
        i = rng.choice(candidates)
        start = sum(len(line) + 1 for line in lines[:i]) + len(lines[i]) - len(lines[i].lstrip())
        end = start + len(lines[i].strip())
        doc = Document(text, PY)
        result = run_infill(denoiser, doc, [Span(start, end, kind="line", single_line=True, budget=32)],
                            InfillOptions(sampler=sampler, max_fill_tokens=32))
        hits += result.fills[0].text.strip() == text[start:end].strip()
        nfe += result.trace.nfe
        total += 1
    return {"lines": total, "exact_match": round(hits / max(1, total), 4), "mean_nfe": round(nfe / max(1, total), 2)}
