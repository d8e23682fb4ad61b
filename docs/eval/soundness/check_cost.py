"""What the soundness checks add to checking one fill: parse checks alone (tree-sitter + CPython, the check before
them) against `check_fills` (the same plus dead code and undefined names), taking turns on the same held-out pygls
lines, one process: each check a new request, and 8 candidates a request (as the engine checks them). Prints JSON. Run: `python docs/eval/soundness/check_cost.py`."""

import json
import statistics
import time

from infill.checks.fill_checks import check_fills
from infill.source.document import Document
from infill.evaluation.harness import default_heldout_source, heldout_texts, line_cases
from infill.source.languages import language_for_id
from infill.source.syntax import compiler_rejects, spliced_tree, tree_error_ranges
from infill.task import Fill


def parse_checks_only(doc, fills):
    text, data, tree = spliced_tree(doc, fills)
    return len(tree_error_ranges(tree, data)) + compiler_rejects(text, doc.language, (fills[0].start, fills[0].end), tree)


def main(lines: int = 300, rounds: int = 3) -> None:
    py = language_for_id("python")
    cases = [(Document(text, py), start, end) for text, start, end in line_cases(heldout_texts(default_heldout_source()), lines, seed=3)]
    timings = {"parse checks only": [], "with soundness checks": []}
    for _ in range(rounds):
        for name, check in (("parse checks only", parse_checks_only), ("with soundness checks", check_fills)):
            for fill_text in ("x = foo(bar)", "return self.name"):  # names the file lacks; names it has
                started = time.perf_counter()
                for doc, start, end in cases:
                    check(doc, [Fill(start, end, fill_text)])
                timings[name].append((time.perf_counter() - started) / len(cases) * 1000)
    # A request checks several candidates against the same file and span: what is computed once per request is reused.
    candidates = [f"x = foo(bar, {k})" for k in range(8)]
    per_request = {"parse checks only": [], "with soundness checks": []}
    for _ in range(rounds):
        for name, check in (("parse checks only", parse_checks_only), ("with soundness checks", check_fills)):
            started = time.perf_counter()
            for doc, start, end in cases:
                for fill_text in candidates:
                    check(doc, [Fill(start, end, fill_text)])
            per_request[name].append((time.perf_counter() - started) / len(cases) / len(candidates) * 1000)
    ms = {name: round(statistics.median(values), 2) for name, values in timings.items()}
    ms8 = {name: round(statistics.median(values), 2) for name, values in per_request.items()}
    print(json.dumps({"lines": lines, "mean_file_chars": round(statistics.mean(len(d.text) for d, _, _ in cases)),
                      "ms_per_check": ms, "ratio": round(ms["with soundness checks"] / ms["parse checks only"], 2),
                      "ms_per_check_8_candidates_a_request": ms8,
                      "ratio_8_candidates": round(ms8["with soundness checks"] / ms8["parse checks only"], 2)}))


if __name__ == "__main__":
    main()
