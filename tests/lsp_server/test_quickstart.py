"""The README's Quick start command with the shipped built-in model: a body that parses, exit 0."""

import ast
import json

import pytest

from model.denoiser import builtin_weights_installed
from tests.conftest import EXAMPLES
from tests.lsp_server.test_cli import cli

pytestmark = pytest.mark.skipif(not builtin_weights_installed(), reason="no built-in weights in this checkout")


def test_quick_start_fills_stack_pop_with_code_that_parses():
    run = cli("infill", EXAMPLES / "stack.py", "--function", "Stack.pop", "--json")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    [fill] = out["fills"]
    assert out["accepted"] and fill["text"].strip(), "the stub's body is replaced by code"
    ast.parse(out["text"])  # the whole file still parses
    original = (EXAMPLES / "stack.py").read_text()
    head = original[: original.index('raise NotImplementedError')]
    tail = original[original.index("\n\n    def __len__"):]
    assert out["text"].startswith(head) and out["text"].endswith(tail), "only the body changed"
