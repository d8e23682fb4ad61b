"""Next edits measured on real histories (next_edit_cases.py): with the first hunk of a commit applied, what each
backend proposes, scored against the rest of the commit. Exact: the proposal makes the region what the commit made
it. Accepted: every line the proposal writes is a line the commit wrote there (a user would take it as it is).
Abstained: nothing proposed. Latency: from the request after the pause to the proposal."""

from __future__ import annotations

import difflib
import statistics
import sys
import time
from pathlib import Path

from tqdm import tqdm

from ..checks.acceptance import splice
from ..local_edits import propose_edits
from ..next_edit import EditRequest, edits_from_rewrite, mercury_edit_prompt
from ..source.document import Document
from ..source.languages import language_for_id
from ..task import Fill
from .next_edit_cases import EditCase

CASES = Path(__file__).resolve().parent / "data" / "next_edit" / "cases.jsonl"


def apply_fills(text: str, fills: list[Fill]) -> str:
    return splice(text, sorted(fills, key=lambda f: f.start))


def judge(case: EditCase, proposed: str) -> tuple[bool, bool]:
    """(exact, accepted) of the text a proposal leads to."""
    if proposed == case.first:
        return False, False
    first, mine, truth = case.first.split("\n"), proposed.split("\n"), case.after.split("\n")
    written = {j for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, first, mine, autojunk=False).get_opcodes()
               if tag != "equal" for j in range(j1, j2)}
    kept = {j for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, mine, truth, autojunk=False).get_opcodes()
            if tag == "equal" for j in range(i1, i2)}
    return proposed == case.after, written <= kept


def _cursor_after_first_hunk(case: EditCase) -> int:
    """Where the user's cursor is: at the end of what the first hunk changed."""
    matcher = difflib.SequenceMatcher(None, case.before, case.first, autojunk=False)
    ends = [j2 for tag, _, _, _, j2 in matcher.get_opcodes() if tag != "equal"]
    return ends[-1] if ends else 0


def local_proposal(denoiser, case: EditCase) -> tuple[str, float]:
    doc = Document(case.first, language_for_id(case.language))
    started = time.perf_counter()
    fills = [p.fill for p in propose_edits(denoiser, doc, case.before)]
    return apply_fills(case.first, fills), time.perf_counter() - started


def region_ceiling(case: EditCase) -> str:
    """What the Mercury Edit path makes of a reply that is the commit itself: the true rewrite of the region around
    the cursor, turned into edits as a reply is (a ceiling set by the region, not a model)."""
    doc = Document(case.first, language_for_id(case.language))
    cursor = _cursor_after_first_hunk(case)
    _, (start, end) = mercury_edit_prompt(doc, cursor, EditRequest(case.path))
    true_region = _true_region(case, start, end)
    return apply_fills(case.first, edits_from_rewrite(doc, (start, end), true_region))


def _true_region(case: EditCase, start: int, end: int) -> str:
    """The region [start, end) of `case.first` (whole lines) with every change of the commit that lies inside it."""
    first, truth = case.first.split("\n"), case.after.split("\n")
    lo = case.first.count("\n", 0, start)
    hi = lo + case.first.count("\n", start, end) + 1
    region = first[lo:hi]
    opcodes = difflib.SequenceMatcher(None, first, truth, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag != "equal" and lo <= i1 and i2 <= hi and not (tag == "insert" and i1 == hi):
            region[i1 - lo:i2 - lo] = truth[j1:j2]
    return "\n".join(region)


def summarize(rows: list[dict]) -> dict:
    n = len(rows)
    proposed = [r for r in rows if r["proposed"]]
    seconds = sorted(r["seconds"] for r in rows if r["seconds"] is not None)
    return {"cases": n, "abstained": round(1 - len(proposed) / max(n, 1), 3),
            "exact": round(sum(r["exact"] for r in rows) / max(n, 1), 3),
            "accepted_of_proposed": round(sum(r["accepted"] for r in proposed) / len(proposed), 3) if proposed else None,
            "proposed": len(proposed),
            "latency_p50_ms": round(1000 * statistics.median(seconds), 1) if seconds else None,
            "latency_p95_ms": round(1000 * seconds[int(0.95 * (len(seconds) - 1))], 1) if seconds else None}


def run_next_edit_eval(denoiser, cases: list[EditCase]) -> tuple[dict, list[dict]]:
    """Every case for the local model and for the Mercury Edit path's region ceiling, in one run."""
    rows = []
    for case in tqdm(cases, desc="next edits", unit="case", file=sys.stderr):
        local, seconds = local_proposal(denoiser, case)
        ceiling = region_ceiling(case)
        for backend, text, took in (("local", local, seconds), ("edit region ceiling", ceiling, None)):
            exact, accepted = judge(case, text)
            rows.append({"backend": backend, "repo": case.repo, "commit": case.commit, "path": case.path,
                         "language": case.language, "proposed": text != case.first, "exact": exact,
                         "accepted": accepted, "seconds": took})
    report = {}
    for backend in ("local", "edit region ceiling"):
        mine = [r for r in rows if r["backend"] == backend]
        report[backend] = {"all": summarize(mine)} | {
            language: summarize([r for r in mine if r["language"] == language])
            for language in sorted({r["language"] for r in mine})}
    return report, rows
