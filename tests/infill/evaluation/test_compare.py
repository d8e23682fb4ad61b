"""`eval compare`: two samples files paired case by case, with the exact McNemar p-value of the difference."""

import json

import pytest

from infill.errors import InfillError
from infill.evaluation.compare import compare_samples, mcnemar_exact
from tests.lsp_server.test_cli import cli


def _write(path, outcomes, decoder="search"):
    """One samples line per (case, correct, shown)."""
    path.write_text("".join(json.dumps({"case": case, "decoder": decoder, "fills": ["x"], "correct": correct,
                                        "shown": shown, "parses": True, "nfe": 3}) + "\n"
                            for case, correct, shown in outcomes))
    return path


def test_mcnemar_exact_matches_the_binomial_tail():
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(0, 6) == pytest.approx(2 / 64)           # all six discordant pairs one way
    assert mcnemar_exact(2, 5) == pytest.approx(2 * 29 / 128)     # 1 + 7 + 21 of 2^7 splits as lopsided, two-sided
    assert mcnemar_exact(5, 2) == mcnemar_exact(2, 5)
    assert mcnemar_exact(4, 4) == 1.0


def test_cases_pair_by_name_and_occurrence(tmp_path):
    # The same held-out line may come up twice: the n-th occurrence pairs with the n-th.
    a = _write(tmp_path / "a.jsonl", [("p1", True, True), ("p2", False, True), ("dup", True, True),
                                      ("dup", False, False), ("only-in-a", True, True)])
    b = _write(tmp_path / "b.jsonl", [("p1", True, True), ("p2", True, True), ("dup", False, True),
                                      ("dup", True, True)])
    report = compare_samples(a, b)
    assert report["unpaired"] == 1
    row = report["decoders"][0]
    assert row["cases"] == 4
    assert row["correct"] == {"a": 2, "b": 3, "both": 1, "only_a": 1, "only_b": 2, "p_value": 1.0}
    assert row["shown"]["only_b"] == 1 and row["shown"]["only_a"] == 0
    assert row["only_a_right"] == ["dup"] and row["only_b_right"] == ["p2", "dup"]


def test_files_without_common_cases_or_fields_are_refused(tmp_path):
    a = _write(tmp_path / "a.jsonl", [("p1", True, True)])
    b = _write(tmp_path / "b.jsonl", [("p1", True, True)], decoder="old")
    with pytest.raises(InfillError, match="share no case"):
        compare_samples(a, b)
    (tmp_path / "bad.jsonl").write_text('{"case": "p1"}\n')
    with pytest.raises(InfillError, match="needs case, decoder, correct and shown"):
        compare_samples(a, tmp_path / "bad.jsonl")


def test_cli_prints_json_and_one_line_errors(tmp_path):
    a = _write(tmp_path / "a.jsonl", [(f"p{i}", i < 1, True) for i in range(10)])
    b = _write(tmp_path / "b.jsonl", [(f"p{i}", i < 7, True) for i in range(10)])
    run = cli("eval", "compare", "--reports", a, b)
    assert run.returncode == 0, run.stderr
    row = json.loads(run.stdout)["decoders"][0]
    assert row["correct"]["only_b"] == 6 and row["correct"]["p_value"] == pytest.approx(0.0312, abs=1e-4)
    missing = cli("eval", "compare", "--reports", a, tmp_path / "missing.jsonl")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "cannot read" in missing.stderr and len(missing.stderr.strip().splitlines()) == 1
    one = cli("eval", "compare", "--reports", a)
    assert one.returncode == 2 and "needs --reports A.samples.jsonl B.samples.jsonl" in one.stderr
