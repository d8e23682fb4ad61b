"""Evaluation harnesses: HumanEval infilling pass@1 (tests run in subprocesses) and line exact match."""

from __future__ import annotations

import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from model.sampler import SamplerOptions

from ..engine import run_infill
from ..errors import InfillError
from ..source.document import Document
from ..source.languages import language_for_id
from ..source.syntax import syntax_error_ranges
from ..task import InfillOptions, Span

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


PACKAGED_DATA = Path(__file__).parent / "data" / "humaneval-infilling"


def default_data_dir() -> Path:
    """The benchmark folder: $DIFFUSION_LSP_HUMANEVAL, else the copy that ships inside the package."""
    if os.environ.get("DIFFUSION_LSP_HUMANEVAL"):
        return Path(os.environ["DIFFUSION_LSP_HUMANEVAL"])
    return PACKAGED_DATA


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


# How each decoder decides a hole's length (all use threshold-parallel decoding, 0.9, one token per step at least):
# "old" is the decoding before length search (one canvas of the budget, surplus as <|pad|>, every fill shown);
# "search" is the product's; "true-length" gets the canonical fill's token count and no pads (a ceiling).
DECODERS = {"old": "budget", "search": "search", "true-length": "exact"}
EVAL_SYNTAX_ROUNDS = 1  # as the language server's default


@dataclass(frozen=True)
class Arm:
    """One way of filling that a benchmark measures: a decoder, and how much code the model sees (None: its window)."""

    decoder: str
    context_tokens: int | None = None
    name: str = ""


@dataclass
class Tally:
    """What one arm did over a benchmark; a fill that is not accepted is not shown, so it cannot pass."""

    arm: Arm
    problems: int = 0
    passed: int = 0
    shown: int = 0
    shown_no_worse: int = 0
    shown_parsing: int = 0
    got_code: int = 0
    nfe: int = 0
    seconds: float = 0.0

    def shows(self, result) -> bool:
        return result.accepted or self.arm.decoder == "old"  # the old engine showed every fill

    def add(self, result, shown_ok: bool, parses: bool) -> None:
        self.problems += 1
        self.passed += shown_ok
        shown = self.shows(result)
        self.shown += shown
        best = result.candidates[0] if result.candidates else None
        self.shown_no_worse += shown and (best is None or best.errors <= result.baseline_errors)
        self.shown_parsing += shown and parses
        self.got_code += shown and any(f.text.strip() for f in result.fills)
        self.nfe += result.trace.nfe
        self.seconds += result.seconds

    def report(self, key: str) -> dict:
        n = max(1, self.problems)
        shown = max(1, self.shown)
        return {"name": self.arm.name, "context_tokens": self.arm.context_tokens, key: round(self.passed / n, 4),
                "shown": round(self.shown / n, 4),
                "shown_no_worse": round(self.shown_no_worse / shown, 4),
                "shown_that_parse": round(self.shown_parsing / shown, 4),
                "holes_with_code": round(self.got_code / n, 4), "mean_nfe": round(self.nfe / n, 2),
                "mean_seconds": round(self.seconds / n, 3)}


def _sampler(split: str) -> SamplerOptions:
    """Threshold-parallel decoding, 0.9, at least two (single-line) or four (longer holes) tokens per step."""
    return SamplerOptions(steps=16 if split in ("single-line", "line") else 32, strategy="threshold", threshold=0.9)


def problem_document(problem: Problem, split: str) -> tuple[Document, int]:
    """The problem's file with the hole emptied, and the offset of the hole."""
    whole_lines = split in ("single-line", "multi-line")
    # Whole-line splits: the hole is a line of its own, its newline stays fixed.
    return Document(problem.prompt + ("\n" if whole_lines else "") + problem.suffix, PY), len(problem.prompt)


def fill_problem(denoiser, problem: Problem, split: str, sampler: SamplerOptions, lengths: str = "search",
                 **options) -> tuple[str, object]:
    """The program with the model's fill in place, and the infill result (`options`: more InfillOptions fields)."""
    budget = SPLITS[split][1]
    whole_lines = split in ("single-line", "multi-line")
    truth = problem.canonical_solution[:-1] if whole_lines and problem.canonical_solution.endswith("\n") else problem.canonical_solution
    if lengths == "exact":
        budget = max(1, len(denoiser.tokenizer.encode(truth)))
    doc, at = problem_document(problem, split)
    span = Span(at, at, kind="lines" if whole_lines else "selection", budget=budget)
    result = run_infill(denoiser, doc, [span], InfillOptions(sampler=sampler, syntax_rounds=EVAL_SYNTAX_ROUNDS,
                                                             max_fill_tokens=budget, lengths=lengths, **options))
    return result.text, result


def parse_arms(names: str, contexts: str | None = None) -> list[Arm]:
    """Every decoder named (or all) with every context size given (comma-separated token counts; none: the window)."""
    chosen = list(DECODERS) if names == "all" else [n.strip() for n in names.split(",") if n.strip()]
    unknown = [n for n in chosen if n not in DECODERS]
    if unknown or not chosen:
        raise InfillError(f"unknown decoder {', '.join(unknown) or names!r} (choose from all, {', '.join(DECODERS)})")
    try:
        sizes = [int(c) for c in contexts.split(",")] if contexts else [None]
    except ValueError:
        raise InfillError(f"--context-tokens takes token counts such as 256,1024, not {contexts!r}") from None
    if any(n is not None and n < 16 for n in sizes):
        raise InfillError("--context-tokens must be at least 16")
    return [Arm(d, n, d if len(sizes) == 1 else f"{d}@{n}") for d in chosen for n in sizes]


def python_compiles(program: str) -> bool:
    """Neither tree-sitter nor CPython's compiler finds an error (tree-sitter forgives some, such as a stray indent;
    CPython's parser alone passes a parameter named twice or a `return` outside a function). Nothing runs."""
    if syntax_error_ranges(program, PY):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(program, "<fill>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def _sample(case: str, decoder: str, result, correct: bool, parses: bool, shown: bool) -> dict:
    """One line of `eval --samples`: what a decoder filled in one case and how it fared."""
    return {"case": case, "decoder": decoder, "fills": [f.text for f in result.fills], "shown": shown,
            "correct": correct, "parses": parses, "nfe": result.trace.nfe}


def evaluate_humaneval(denoiser, split: str, data_dir: Path, limit: int | None, arms: list[Arm],
                       samples: list | None = None) -> dict:
    """pass@1 of each arm; `samples`, when given, gets one `_sample` per problem and arm."""
    problems = load_problems(split, data_dir, limit)
    report = {"model": denoiser.name, "split": split, "problems": len(problems), "budget_tokens": SPLITS[split][1],
              "steps": _sampler(split).steps, "decoders": []}
    tallies = [Tally(arm) for arm in arms]
    # Decoders take turns problem by problem, so a change in the machine's load touches them all alike.
    for problem in tqdm(problems, desc=f"{split} ({', '.join(a.name for a in arms)})", unit="problem", file=sys.stderr):
        for tally in tallies:
            program, result = fill_problem(denoiser, problem, split, _sampler(split), DECODERS[tally.arm.decoder],
                                           context_tokens=tally.arm.context_tokens)
            ok = tally.shows(result) and passes(f"{program}\n{problem.test}\ncheck({problem.entry_point})\n")
            parses = python_compiles(program)
            tally.add(result, ok, parses)
            if samples is not None:
                samples.append(_sample(problem.task_id, tally.arm.name, result, ok, parses, tally.shows(result)))
    report["decoders"] = [tally.report("pass_at_1") for tally in tallies]
    return report


def heldout_texts(source: Path, limit_files: int = 400) -> list[str]:
    """Python files under `source` (code the model was not trained on), sorted for a fixed sample."""
    if not source.is_dir():
        raise InfillError(f"no such folder: {source}")
    texts = []
    for path in sorted(source.rglob("*.py"))[:limit_files]:
        try:
            texts.append(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
    if not texts:
        raise InfillError(f"no Python files under {source}")
    return texts


def default_heldout_source() -> Path:
    """pygls, installed with diffusion-lsp and absent from the training corpus (stdlib + corpus_packages.txt)."""
    import pygls
    return Path(pygls.__file__).parent


def line_cases(texts: list[str], limit: int, seed: int = 0) -> list[tuple[str, int, int]]:
    """(text, start, end) of `limit` code lines from `texts`, from each line's first non-blank character."""
    rng = random.Random(seed)
    cases = []
    while len(cases) < limit:
        text = rng.choice(texts)
        lines = text.split("\n")
        candidates = [i for i, line in enumerate(lines) if len(line.strip()) >= 4 and not line.strip().startswith("#")]
        if not candidates:
            continue
        i = rng.choice(candidates)
        start = sum(len(line) + 1 for line in lines[:i]) + len(lines[i]) - len(lines[i].lstrip())
        cases.append((text, start, start + len(lines[i].strip())))
    return cases


def line_exact_match(denoiser, texts: list[str], limit: int, arms: list[Arm], seed: int = 0,
                     samples: list | None = None) -> dict:
    """Mask one code line (from its first non-blank character) in held-out files; exact match of the shown fill."""
    cases = line_cases(texts, limit, seed)
    tallies = [Tally(arm) for arm in arms]
    for text, start, end in tqdm(cases, desc=f"exact match ({', '.join(a.name for a in arms)})", unit="line", file=sys.stderr):
        truth, doc = text[start:end], Document(text, PY)
        for tally in tallies:
            budget = max(1, len(denoiser.tokenizer.encode(truth))) if tally.arm.decoder == "true-length" else 32
            result = run_infill(denoiser, doc, [Span(start, end, kind="line", single_line=True, budget=budget)],
                                InfillOptions(sampler=_sampler("line"), syntax_rounds=EVAL_SYNTAX_ROUNDS, max_fill_tokens=budget,
                                              lengths=DECODERS[tally.arm.decoder],
                                              context_tokens=tally.arm.context_tokens))
            exact, parses = tally.shows(result) and result.fills[0].text.strip() == truth.strip(), \
                python_compiles(result.text)
            tally.add(result, exact, parses)
            if samples is not None:
                samples.append(_sample(truth, tally.arm.name, result, exact, parses, tally.shows(result)))
    return {"lines": len(cases), "decoders": [tally.report("exact_match") for tally in tallies]}
