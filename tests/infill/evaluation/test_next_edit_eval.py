"""The next-edit benchmark: cases cut from a real git history, and how a proposal is judged against the commit."""

import subprocess

from infill.evaluation.next_edit_cases import EditCase, cases_from_git, read_cases, write_cases
from infill.evaluation.next_edit_eval import CASES, judge, region_ceiling

BEFORE = "def area(width, height):\n    h = height\n    w = width\n    return width * h\n"
AFTER = "def area(size, height):\n    h = height\n    w = size\n    return size * h\n"


def _git(repo, *args):
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args], check=True,
                   capture_output=True)


def test_cases_come_from_commits_that_change_one_region_in_several_hunks(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "shapes.py").write_text(BEFORE + "\n" * 3 + "def other():\n    pass\n")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    (repo / "shapes.py").write_text(AFTER + "\n" * 3 + "def other():\n    pass\n")
    _git(repo, "commit", "-qam", "rename")
    [case] = cases_from_git(repo / ".git", "t/repo", 10)
    assert case.path == "shapes.py" and case.language == "python"
    assert case.first.startswith("def area(size, height):\n    h = height\n    w = width\n"), "only the first hunk"
    assert case.after.startswith(AFTER)
    write_cases([case], tmp_path / "cases.jsonl")
    assert read_cases(tmp_path / "cases.jsonl") == [case]


def test_a_proposal_is_exact_accepted_or_neither():
    first = AFTER.replace("    w = size\n    return size", "    w = width\n    return width")
    assert first != AFTER
    case = EditCase("t", "c", "shapes.py", "python", BEFORE, first, AFTER)
    assert judge(case, AFTER) == (True, True)
    assert judge(case, first.replace("w = width", "w = size")) == (False, True), "part of the rest, as the commit"
    assert judge(case, first.replace("w = width", "w = sizes")) == (False, False), "a line the commit never wrote"
    assert judge(case, first) == (False, False), "nothing proposed"
    assert judge(case, region_ceiling(case)) == (True, True), "the commit itself, through the edit model's path"


def test_the_shipped_cases_are_real_and_held_out():
    cases = read_cases(CASES)
    assert len(cases) == 150 and {c.repo for c in cases} == {"encode/httpx", "sirupsen/logrus", "dtolnay/anyhow"}
    assert all(c.before != c.first != c.after for c in cases)
