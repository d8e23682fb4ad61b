"""The model card's ablation table: equal-step training runs, each one change against a baseline run, ranked by
bits per byte on masked held-out code (the only column that compares across tokenizers), beside what the arm's
fills do (HumanEval single-line pass@1, held-out line exact match) where those were evaluated."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import torch

from ..checkpoint import read_metadata
from ..config import ModelConfig
from ..transformer import DiffusionTransformer

# Options that name where a run lives or how it was scheduled on this machine, not what it learned from.
_NOT_A_CHANGE = {"out", "threads", "device", "snapshot_every", "eval_every", "save_every"}


@dataclass
class Arm:
    """One finished ablation run: its options, held-out scores (eval masked-code) and its own validation."""

    name: str
    options: dict
    heldout: dict        # ratio -> {"ce", "top1", "bits_per_byte", ...} on held-out files
    own_val: dict        # ratio -> the run's last code-only validation on its corpus's val split
    params: int
    tokens: int
    hours: float
    fills: dict = field(default_factory=dict)  # "single" / "em" -> the search decoder's row of `eval ... --json`

    @property
    def score(self) -> float:
        """Mean held-out bits per byte over the masking ratios (lower is better); inf when not measured."""
        values = [row.get("bits_per_byte") for row in self.heldout.values()]
        return sum(values) / len(values) if values and None not in values else float("inf")


def read_arm(eval_json: Path) -> Arm:
    """An arm from RUN.eval.json (`eval masked-code --json` of RUN/checkpoint) and the run folder RUN beside it."""
    run = eval_json.with_name(eval_json.name.removesuffix(".eval.json"))
    try:
        report = json.loads(eval_json.read_text())
        state = json.loads((run / "state.json").read_text())
        config = ModelConfig(**read_metadata(run / "checkpoint")["config"])
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"ablation arm {run}: {exc}") from None
    validations = [r["val_code"] for r in state.get("log", []) if r.get("val_code")]
    return Arm(name=run.name, options=state.get("options", {}), heldout=report.get("masked_code", {}),
               own_val=validations[-1] if validations else {}, params=parameter_count(config),
               tokens=state.get("tokens", 0), hours=state.get("seconds", 0.0) / 3600, fills=read_fills(run))


def read_fills(run: Path) -> dict:
    """RUN.single.json (`eval humaneval-infilling --json`) and RUN.em.json (`eval line-exact-match --json`), if
    written: the length-search decoder's row of each."""
    fills = {}
    for kind in ("single", "em"):
        path = run.with_name(f"{run.name}.{kind}.json")
        if not path.exists():
            continue
        try:
            rows = json.loads(path.read_text())["decoders"]
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ValueError(f"ablation arm {run}: {path.name}: {exc}") from None
        fills[kind] = next((row for row in rows if row.get("name") == "search"), rows[0] if rows else {})
    return fills


def parameter_count(config: ModelConfig) -> int:
    with torch.device("meta"):  # shapes only, nothing allocated
        return DiffusionTransformer(config).num_params()


def describe_change(arm: Arm, baseline: Arm) -> str:
    """The options in which an arm differs from the baseline, e.g. `lr 0.003`; the baseline itself says so."""
    keys = sorted(set(arm.options) | set(baseline.options))
    changed = [f"{key.replace('_', '-')} {arm.options.get(key, '-')}" for key in keys
               if key not in _NOT_A_CHANGE and arm.options.get(key) != baseline.options.get(key)]
    return "baseline" if arm is baseline else (", ".join(changed) or "no change")


def _cell(row: dict, key: str, percent: bool = False) -> str:
    value = row.get(key)
    if value is None:
        return "-"
    return f"{value:.1%}" if percent else f"{value:.3f}"


def _fill_cells(fills: dict) -> str:
    single, em = fills.get("single", {}), fills.get("em", {})
    return (f"{_cell(single, 'pass_at_1', True)} / {_cell(single, 'shown', True)} / "
            f"{_cell(single, 'shown_that_parse', True)} | {_cell(em, 'exact_match', True)} / {_cell(em, 'shown', True)}")


def ablation_table(arms: list[Arm], baseline: str) -> str:
    """Markdown: one row per arm, best held-out bits per byte first; the baseline is the arm named `baseline`."""
    base = next((a for a in arms if a.name == baseline), None)
    if base is None:
        raise ValueError(f"no ablation arm named {baseline} (have: {', '.join(a.name for a in arms)})")
    ratios = sorted(base.heldout)
    head = ("| arm | change | params | tokens | hours | "
            + " | ".join(f"held-out bits/byte @{float(r):.0%}" for r in ratios)
            + " | held-out CE / top-1 @50% | own val CE / top-1 @50% | HumanEval single-line pass@1 / shown / "
              "shown that compile | held-out line exact match / shown |")
    rule = "|" + "---|" * (head.count("|") - 1)
    rows = []
    for arm in sorted(arms, key=lambda a: a.score):
        heldout = " | ".join(_cell(arm.heldout.get(r, {}), "bits_per_byte") for r in ratios)
        mid, own = arm.heldout.get("0.50", {}), arm.own_val.get("0.50", {})
        rows.append(f"| {arm.name} | {describe_change(arm, base)} | {arm.params / 1e6:.2f}M | {arm.tokens / 1e6:.1f}M | "
                    f"{arm.hours:.2f} | {heldout} | {_cell(mid, 'ce')} / {_cell(mid, 'top1', True)} | "
                    f"{_cell(own, 'ce')} / {_cell(own, 'top1', True)} | {_fill_cells(arm.fills)} |")
    return "\n".join([head, rule, *rows])
