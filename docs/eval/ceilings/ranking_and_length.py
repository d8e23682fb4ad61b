"""How much better could length search and ranking make a model's fills? For each of the fixed 200 HumanEval
single-line problems: the search decoder's top fill, every candidate it ranked (each run against the tests), and
the fill decoded at the canonical line's true token length. Writes JSON lines; prints the counts.
Run: `python docs/eval/ceilings/ranking_and_length.py [--model builtin] --out docs/eval/ceilings/v7.jsonl`."""

import argparse
import json
import sys

import torch

from infill.checks.acceptance import splice
from infill.evaluation.harness import _sampler, default_data_dir, fill_problem, load_problems, passes
from model.denoiser import load_denoiser


def candidates_of(problem, result) -> list[dict]:
    """Every ranked candidate of a result with whether its program passes the problem's tests."""
    text = problem.prompt + "\n" + problem.suffix
    found = []
    for c in result.candidates:
        program = splice(text, c.fills)
        found.append({"fill": c.fills[0].text, "score": round(c.score, 3), "errors": c.errors,
                      "accepted": c.accepted, "lengths": c.lengths,
                      "ok": passes(f"{program}\n{problem.test}\ncheck({problem.entry_point})\n")})
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="builtin")
    parser.add_argument("--out", required=True)
    parser.add_argument("--limit", type=int, default=200)
    args = parser.parse_args()
    torch.set_num_threads(1)
    denoiser = load_denoiser(args.model, "cpu")
    counts = {"problems": 0, "search_top": 0, "best_accepted_candidate": 0, "any_candidate": 0, "true_length": 0}
    with open(args.out, "w") as out:
        for problem in load_problems("single-line", default_data_dir(), args.limit):
            row = {"case": problem.task_id}
            for lengths in ("search", "exact"):
                _, result = fill_problem(denoiser, problem, "single-line", _sampler("single-line"), lengths,
                                         context_tokens=256)
                found = candidates_of(problem, result)
                row[lengths] = {"top_ok": bool(result.accepted and found and found[0]["ok"]), "cands": found}
            out.write(json.dumps(row) + "\n")
            counts["problems"] += 1
            counts["search_top"] += row["search"]["top_ok"]
            counts["best_accepted_candidate"] += any(c["ok"] and c["accepted"] for c in row["search"]["cands"])
            counts["any_candidate"] += any(c["ok"] for c in row["search"]["cands"])
            counts["true_length"] += row["exact"]["top_ok"]
            print(counts, file=sys.stderr, flush=True)
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
