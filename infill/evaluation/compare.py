"""Two models' `eval --samples` files, case by case: which cases each got right and whether the difference is noise.

pass@1 counts here are a few problems out of 200, so "6 against 3" says little by itself. Both runs evaluate the
same fixed subset in the same order, so the cases pair up; only the discordant pairs (right in one run, wrong in
the other) tell the models apart, and the exact McNemar test says how likely so lopsided a split is by chance.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import InfillError

OUTCOMES = ("correct", "shown")  # what each case records that a comparison pairs


@dataclass
class PairedCount:
    """One outcome over the paired cases: how often each run had it, and the discordant pairs."""

    a: int
    b: int
    both: int
    only_a: int
    only_b: int
    p_value: float  # exact two-sided McNemar (binomial on the discordant pairs); 1.0 when there are none


def mcnemar_exact(only_a: int, only_b: int) -> float:
    """Two-sided exact McNemar p-value: the chance of a split at least this lopsided among fair coin flips."""
    n = only_a + only_b
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(only_a, only_b) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def read_samples(path: Path) -> list[dict]:
    """The JSON lines `eval --samples` wrote; a clear error for a missing or malformed file."""
    try:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError as exc:
        raise InfillError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise InfillError(f"{path} is not a samples file (JSON lines): {exc}") from None
    if not rows or any(not isinstance(r, dict) or not {"case", "decoder", *OUTCOMES} <= r.keys() for r in rows):
        raise InfillError(f"{path} is not a samples file: each line needs case, decoder, correct and shown")
    return rows


def _keyed(rows: list[dict]) -> dict[tuple, dict]:
    """Each row under (decoder, case, n): the n-th time this case came up for this decoder (a line may repeat)."""
    seen: Counter = Counter()
    keyed = {}
    for row in rows:
        seen[row["decoder"], row["case"]] += 1
        keyed[row["decoder"], row["case"], seen[row["decoder"], row["case"]]] = row
    return keyed


def paired(pairs: list[tuple[dict, dict]], outcome: str) -> PairedCount:
    a = [bool(x[outcome]) for x, _ in pairs]
    b = [bool(y[outcome]) for _, y in pairs]
    only_a = sum(x and not y for x, y in zip(a, b))
    only_b = sum(y and not x for x, y in zip(a, b))
    return PairedCount(sum(a), sum(b), sum(x and y for x, y in zip(a, b)), only_a, only_b,
                       round(mcnemar_exact(only_a, only_b), 4))


def compare_samples(path_a: Path, path_b: Path) -> dict:
    """Per decoder: the paired cases of both files and, for each outcome, the paired counts and McNemar p-value."""
    a, b = _keyed(read_samples(path_a)), _keyed(read_samples(path_b))
    common = [key for key in a if key in b]
    if not common:
        raise InfillError(f"{path_a} and {path_b} share no case: were they run on the same subset?")
    report = {"a": str(path_a), "b": str(path_b), "unpaired": len(a) + len(b) - 2 * len(common), "decoders": []}
    for decoder in dict.fromkeys(key[0] for key in common):
        pairs = [(a[key], b[key]) for key in common if key[0] == decoder]
        row = {"decoder": decoder, "cases": len(pairs)}
        row.update({outcome: asdict(paired(pairs, outcome)) for outcome in OUTCOMES})
        row["only_a_right"] = [x["case"] for x, y in pairs if x["correct"] and not y["correct"]]
        row["only_b_right"] = [y["case"] for x, y in pairs if y["correct"] and not x["correct"]]
        report["decoders"].append(row)
    return report
