"""The README's Quick start commands with the shipped built-in model: fills that parse with exit 0, or for a whole
method body an honest refusal (exit 3, file unchanged, the problem named) — never a fill that parses worse."""

import ast
import json

import pytest

from model.denoiser import builtin_weights_installed
from tests.conftest import EXAMPLES
from tests.lsp_server.test_cli import cli

pytestmark = pytest.mark.skipif(not builtin_weights_installed(), reason="no built-in weights in this checkout")


def test_quick_start_fills_both_holes_with_code_that_parses():
    run = cli("infill", EXAMPLES / "holes.py", "--holes", "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["accepted"] and len(out["fills"]) == 2 and all(f["text"].strip() for f in out["fills"])
    ast.parse(out["text"])  # the whole file parses
    original = (EXAMPLES / "holes.py").read_text().split("\n")
    filled = out["text"].split("\n")
    assert len(filled) == len(original)
    assert [a for a, b in zip(original, filled) if a != b] == [line for line in original if "<|fill|>" in line], \
        "only the hole lines changed"


def test_stack_pop_gets_a_body_that_parses_or_an_honest_refusal():
    run = cli("infill", EXAMPLES / "stack.py", "--function", "Stack.pop", "--json")
    out = json.loads(run.stdout)
    original = (EXAMPLES / "stack.py").read_text()
    if run.returncode == 3:  # the built-in model's best body does not parse: said, and nothing changes
        assert not out["accepted"] and out["fills"] == [] and out["text"] == original
        assert run.stderr.startswith("diffusion-lsp: no fill that parses was found") and run.stderr.count("\n") == 1
        assert "(line " in run.stderr and out["problems"], "the refusal names the best attempt's first problems"
        return
    assert run.returncode == 0, run.stderr
    [fill] = out["fills"]
    assert out["accepted"] and fill["text"].strip(), "the stub's body is replaced by code"
    assert out["problems"] == [], "no dead code, no name defined nowhere"
    ast.parse(out["text"])
    head = original[: original.index('raise NotImplementedError')]
    tail = original[original.index("\n\n    def __len__"):]
    assert out["text"].startswith(head) and out["text"].endswith(tail), "only the body changed"
