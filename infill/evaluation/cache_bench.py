"""Context caches compared in one run, as ratios (the machines are shared and noisy): the speed of a 64-token
body fill, the quality each cache keeps (HumanEval single-line pass@1, held-out line exact match, agreement
with the uncached fill), and reuse across keystrokes replayed on held-out lines under several refresh policies.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

from tqdm import tqdm

from model.kv_cache import ReusePolicy
from model.plotting import pyplot
from model.sampler import SamplerOptions

from ..engine import run_infill
from ..source.document import Document
from ..source.spans import function_by_name, select_function_body
from ..task import InfillOptions, Span
from .harness import EVAL_SYNTAX_ROUNDS, PY, Problem, line_cases, passes, problem_document

BENCH_FUNCTION = "dedent"


@dataclass(frozen=True)
class CacheSetup:
    name: str
    cache: str                # model.kv_cache.CACHE_MODES
    steps: int = 16           # 0: one token per call
    strategy: str = "threshold"
    max_lengths: int = 6      # length search: candidate lengths per hole
    keystroke: bool = False   # reuse: the document's states come from its version one keystroke earlier

    def sampler(self, tokens: int) -> SamplerOptions:
        return SamplerOptions(steps=self.steps or tokens, strategy=self.strategy, threshold=0.9, cache=self.cache)


BASELINE = CacheSetup("one token per call, no cache", "none", steps=0, strategy="confidence")
SETUPS = [
    CacheSetup("no cache", "none"),
    CacheSetup("prefix cache", "prefix"),
    CacheSetup("dual cache", "dual"),
    CacheSetup("reuse: one pass for all lengths", "reuse"),
    CacheSetup("reuse after a keystroke", "reuse", keystroke=True),
]
# Ghost-text candidates for the server's defaults: fewer steps and candidate lengths are faster; the numbers decide.
GHOST_SETUPS = [CacheSetup(f"ghost: reuse, {steps} steps, {n} length{'s' if n > 1 else ''}", "reuse", steps=steps,
                           max_lengths=n, keystroke=True) for n, steps in ((3, 8), (2, 8), (2, 6), (1, 8))]
GHOST = GHOST_SETUPS[1]  # the server's default (lsp_server/settings.py: steps, ghostLengths)


def one_keystroke_earlier(text: str, at: int) -> tuple[str, int]:
    """The text before its last character ahead of `at` (whitespace aside) was typed, and where that was."""
    i = at - 1
    while i >= 0 and text[i] in " \t\n":
        i -= 1
    return (text[:i] + text[i + 1:], i) if i >= 0 else (text, at)


_keys = iter(range(1 << 60))


def _run(denoiser, setup: CacheSetup, doc: Document, spans: list[Span], tokens: int, **options):
    """One fill under `setup`; a keystroke setup first fills the previous version so its states are kept."""
    key = f"bench-{next(_keys)}" if setup.cache == "reuse" else ""
    opts = InfillOptions(sampler=setup.sampler(tokens), max_lengths=setup.max_lengths, context_key=key,
                         keep_to_train_window=False, **options)
    if setup.keystroke:
        text, typed_at = one_keystroke_earlier(doc.text, spans[0].start)
        shift = len(doc.text) - len(text)
        run_infill(denoiser, Document(text, doc.language),
                   [replace(s, start=s.start - shift, end=s.end - shift) if s.start > typed_at else s for s in spans], opts)
    started = time.perf_counter()
    result = run_infill(denoiser, doc, spans, opts)
    return result, time.perf_counter() - started


def _agreement(ids_a: str, ids_b: str) -> bool:
    return ids_a.strip() == ids_b.strip()


def cache_speed(denoiser, path: Path, tokens: int = 64, repeats: int = 3) -> dict:
    """Each setup fills the same `tokens`-token body (exact length, no syntax rounds): calls, median seconds,
    speedup over one token per call without a cache, and whether its fill equals the uncached one."""
    doc = Document.from_path(path)
    span = replace(select_function_body(doc, function_by_name(doc, BENCH_FUNCTION)), budget=tokens)
    fixed = dict(syntax_rounds=0, max_fill_tokens=tokens, lengths="exact")
    rows = []
    supported = ("none", *denoiser.supports_cache)
    for setup in tqdm([s for s in (BASELINE, *SETUPS) if s.cache in supported], desc="cache speed", unit="setup",
                      file=sys.stderr):
        times, result = [], None
        for _ in range(max(1, repeats)):
            result, seconds = _run(denoiser, setup, doc, [span], tokens, **fixed)
            times.append(seconds)
        rows.append({"name": setup.name, "cache": setup.cache, "steps": setup.steps or tokens, "nfe": result.trace.nfe,
                     "seconds": statistics.median(times), "fill": result.fills[0].text, "parses": result.syntax_errors == 0})
    base, uncached = rows[0]["seconds"], rows[1]["fill"]
    for row in rows:
        row["speedup_vs_one_per_call"] = round(base / row["seconds"], 2)
        row["same_fill_as_no_cache"] = _agreement(row.pop("fill"), uncached)
        row["seconds"] = round(row["seconds"], 4)
    return {"fill_tokens": tokens, "context_tokens": len(denoiser.tokenizer.encode(doc.text)), "repeats": repeats,
            "setups": rows}


@dataclass
class QualityTally:
    name: str
    cases: int = 0
    passed: int = 0
    agree: int = 0
    seconds: float = 0.0
    nfe: int = 0

    def add(self, ok: bool, same: bool, result, seconds: float) -> None:
        self.cases += 1
        self.passed += ok
        self.agree += same
        self.seconds += seconds
        self.nfe += result.trace.nfe

    def report(self, key: str) -> dict:
        n = max(1, self.cases)
        return {"name": self.name, "cases": self.cases, key: round(self.passed / n, 4),
                "same_fill_as_reference": round(self.agree / n, 4),
                "mean_seconds": round(self.seconds / n, 4), "mean_nfe": round(self.nfe / n, 2)}


def _shown(result) -> str:
    return result.fills[0].text if result.accepted else ""


def humaneval_quality(denoiser, problems: list[Problem], setups: list[CacheSetup]) -> list[dict]:
    """Single-line pass@1 per setup; setups take turns problem by problem. The first setup is the reference."""
    tallies = [QualityTally(s.name) for s in setups]
    for problem in tqdm(problems, desc="HumanEval single-line per cache", unit="problem", file=sys.stderr):
        doc, at = problem_document(problem, "single-line")
        reference = None
        for setup, tally in zip(setups, tallies):
            # As `diffusion-lsp eval humaneval-infilling`: a whole-line hole of at most 32 tokens, one syntax round.
            result, seconds = _run(denoiser, setup, doc, [Span(at, at, kind="lines", budget=32)], 32,
                                   syntax_rounds=EVAL_SYNTAX_ROUNDS, max_fill_tokens=32)
            ok = result.accepted and passes(f"{result.text}\n{problem.test}\ncheck({problem.entry_point})\n")
            reference = _shown(result) if reference is None else reference
            tally.add(ok, _agreement(_shown(result), reference), result, seconds)
    return [t.report("pass_at_1") for t in tallies]


def line_quality(denoiser, texts: list[str], limit: int, setups: list[CacheSetup]) -> list[dict]:
    """Held-out line exact match per setup (the line masked from its first non-blank character)."""
    tallies = [QualityTally(s.name) for s in setups]
    for text, start, end in tqdm(line_cases(texts, limit), desc="held-out lines per cache", unit="line", file=sys.stderr):
        truth, doc, reference = text[start:end], Document(text, PY), None
        for setup, tally in zip(setups, tallies):
            result, seconds = _run(denoiser, setup, doc, [Span(start, end, kind="line", single_line=True, budget=32)], 32,
                                   syntax_rounds=EVAL_SYNTAX_ROUNDS, max_fill_tokens=32)
            reference = _shown(result) if reference is None else reference
            tally.add(_shown(result).strip() == truth.strip(), _agreement(_shown(result), reference), result, seconds)
    return [t.report("exact_match") for t in tallies]


def typing_replay(denoiser, texts: list[str], limit: int, policies: list[ReusePolicy], keys_per_line: int = 12) -> list[dict]:
    """Held-out lines typed again character by character, a ghost-text request after each keystroke, with the
    document's states reused under each refresh policy (the first policy is the reference: always fresh). Reports
    how often a policy's ghost text equals the always-fresh one, line exact match (typed + ghost) and speed."""
    store = denoiser.contexts
    if store is None:
        raise ValueError(f"the model {denoiser.name!r} keeps no states between requests")
    saved = store.policy
    tallies = [QualityTally(policy.describe()) for policy in policies]
    ghost = InfillOptions(sampler=GHOST.sampler(24), max_lengths=GHOST.max_lengths, syntax_rounds=EVAL_SYNTAX_ROUNDS,
                          max_fill_tokens=64, context_tokens=1024, cut_back=True, keep_to_train_window=False)
    try:
        for case, (text, start, end) in enumerate(tqdm(line_cases(texts, limit, seed=1), desc="typing replay",
                                                       unit="line", file=sys.stderr)):
            truth, rest = text[start:end], text[end:]
            for typed in range(min(len(truth), keys_per_line)):
                doc = Document(text[:start] + truth[:typed] + rest, PY)
                at, reference = start + typed, None
                for number, (policy, tally) in enumerate(zip(policies, tallies)):
                    store.policy = policy
                    started = time.perf_counter()
                    result = run_infill(denoiser, doc, [Span(at, at, kind="line", single_line=True)],
                                        replace(ghost, context_key=f"typing-{case}-{number}"))
                    fill = _shown(result)
                    reference = fill if reference is None else reference
                    tally.add((truth[:typed] + fill).strip() == truth.strip(), fill == reference, result,
                              time.perf_counter() - started)
    finally:
        store.policy = saved
    return [t.report("exact_match") for t in tallies]


TYPING_POLICIES = (ReusePolicy(max_uses=0), ReusePolicy(max_uses=16, around=0), ReusePolicy(max_uses=16, around=8),
                   ReusePolicy(max_uses=16, around=32), ReusePolicy(max_uses=16, around=128))


def compare_caches(denoiser, path: Path, problems: list[Problem], texts: list[str], lines: int, typing_lines: int,
                   tokens: int = 64, repeats: int = 3, policies: tuple[ReusePolicy, ...] = TYPING_POLICIES) -> dict:
    """The whole comparison as one JSON-able report; quality parts are skipped when asked for none."""
    report = {"model": denoiser.name, "device": str(denoiser.device), "speed": cache_speed(denoiser, path, tokens, repeats)}
    supported = ("none", *denoiser.supports_cache)
    setups = [s for s in [*SETUPS, *GHOST_SETUPS] if s.cache in supported]
    if problems:
        report["humaneval_single_line"] = {"problems": len(problems), "setups": humaneval_quality(denoiser, problems, setups)}
    if lines:
        report["heldout_lines"] = {"lines": lines, "setups": line_quality(denoiser, texts, lines, setups)}
    if typing_lines and "reuse" in supported:
        report["typing"] = {"lines": typing_lines, "policies": typing_replay(denoiser, texts, typing_lines, list(policies))}
    return report


def plot_caches(report: dict, path: Path) -> None:
    plt = pyplot()

    panels = [k for k in ("humaneval_single_line", "heldout_lines", "typing") if k in report]
    rows_of_panels = 1 if len(panels) < 2 else 2  # a speed-only run (random weights) gets one row, not empty panels
    cols = 1 if not panels else 2
    fig, grid = plt.subplots(rows_of_panels, cols, figsize=(6.5 * cols, 4.25 * rows_of_panels), squeeze=False)
    axes = [ax for row in grid for ax in row]
    for ax in axes[1 + len(panels):]:
        ax.axis("off")
    speed = report["speed"]["setups"]
    ax = axes[0]
    ax.barh([r["name"] for r in speed], [r["speedup_vs_one_per_call"] for r in speed], color="tab:blue")
    for y, r in enumerate(speed):
        ax.text(r["speedup_vs_one_per_call"], y, f" x{r['speedup_vs_one_per_call']}  ({r['seconds'] * 1000:.0f} ms, "
                f"{r['nfe']} calls)", va="center", fontsize=7)
    ax.set_xlim(0, 1.45 * max(r["speedup_vs_one_per_call"] for r in speed))
    ax.set_xlabel("speedup over one token per call, no cache")
    ax.set_title(f"{report['speed']['fill_tokens']}-token body, {report['speed']['context_tokens']}-token context", fontsize=9)
    ax.invert_yaxis()
    for ax, key in zip(axes[1:], panels):
        rows = report[key]["setups"] if key != "typing" else report[key]["policies"]
        metric = "pass_at_1" if key == "humaneval_single_line" else "exact_match"
        names = [r["name"] for r in rows]
        ys = range(len(rows))
        ax.barh([y - 0.2 for y in ys], [100 * r[metric] for r in rows], height=0.4, label=metric.replace("_", " ") + " %")
        ax.barh([y + 0.2 for y in ys], [100 * r["same_fill_as_reference"] for r in rows], height=0.4,
                label="same fill as " + ("always fresh" if key == "typing" else "no cache") + " %")
        for y, r in zip(ys, rows):
            ax.text(1, y + 0.2, f"{r['mean_seconds'] * 1000:.0f} ms", va="center", fontsize=7)
        ax.set_yticks(list(ys), names, fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 105)
        n = report[key].get("problems") or report[key].get("lines")
        ax.set_title({"humaneval_single_line": f"HumanEval single-line ({n})", "heldout_lines": f"held-out lines ({n})",
                      "typing": f"typing replay ({n} lines): refresh policy"}[key], fontsize=9)
        ax.legend(fontsize=7, loc="lower right")
    fig.suptitle(f"Context caches: {report['model']} on {report['device']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
