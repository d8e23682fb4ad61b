"""The evaluation harness: the canonical solutions, put in place by the same code path as model fills, pass."""

import pytest

from infill.evaluation.harness import SPLITS, default_data_dir, fill_problem, load_problems, passes
from model.sampler import SamplerOptions
from tests.helpers import OracleDenoiser

DATA = default_data_dir()
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason=f"benchmark data not found at {DATA}")


@pytest.mark.parametrize("split", ["single-line", "multi-line", "random-span-light"])
def test_canonical_fills_pass_and_wrong_fills_fail(tiny_denoiser, split):
    problems = load_problems(split, DATA, limit=40)
    budget = SPLITS[split][1]
    tok = tiny_denoiser.tokenizer
    checked = 0
    for problem in problems:
        truth = problem.canonical_solution
        if split != "random-span-light":
            truth = truth[:-1] if truth.endswith("\n") else truth  # the hole's own newline stays fixed
        if len(tok.encode(truth)) > budget or not truth.strip():
            continue
        oracle = OracleDenoiser(tiny_denoiser, [truth], budget=budget)
        program, result = fill_problem(oracle, problem, split, SamplerOptions(steps=4), lengths="budget")
        assert program == problem.prompt + problem.canonical_solution + problem.suffix
        assert passes(f"{program}\n{problem.test}\ncheck({problem.entry_point})\n")
        checked += 1
        if checked == 3:
            break
    assert checked == 3
    broken = problems[0]
    assert not passes(f"{broken.prompt}    return None\n{broken.suffix}\n{broken.test}\ncheck({broken.entry_point})\n")


def test_timeouts_fail():
    assert not passes("while True: pass", timeout=1.0)
