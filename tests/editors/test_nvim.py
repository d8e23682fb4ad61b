"""The Neovim plugin in real headless Neovim: ghost text (extmarks on 0.7-0.11), accept, code action, health."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NVIM = shutil.which("nvim")
pytestmark = pytest.mark.skipif(NVIM is None, reason="nvim is not installed (apt-get install neovim)")

# The stand-in model writes numbers (`111`), which return nothing: the docstring promises nothing (python_promises.py).
SOURCE = 'def add(a, b):\n    """Add a and b."""\n    pass\n\n\ndef main():\n    total = add()\n    print(total)\n'


@pytest.fixture(scope="module")
def nvim_run(tmp_path_factory, echo_checkpoint):
    tmp = tmp_path_factory.mktemp("nvim")
    (tmp / "example.py").write_text(SOURCE)
    env = {**os.environ, "DIFFUSION_PLUGIN": str(ROOT / "editors" / "nvim"), "DIFFUSION_E2E_FILE": str(tmp / "example.py"),
           "DIFFUSION_E2E_OUT": str(tmp / "out.json"), "XDG_STATE_HOME": str(tmp), "XDG_DATA_HOME": str(tmp),
           "DIFFUSION_E2E_CMD": json.dumps([sys.executable, "-m", "lsp_server", "serve", "--model", str(echo_checkpoint), "--device", "cpu"])}
    run = subprocess.run([NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {ROOT / 'tests/editors/nvim_e2e.lua'}"],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert (tmp / "out.json").is_file(), run.stderr[-2000:]
    out = json.loads((tmp / "out.json").read_text())
    assert out["error"] is None, out["error"]
    return out


def test_ghost_text_is_shown_and_accepted(nvim_run):
    assert nvim_run["attached"]
    assert nvim_run["ghost"] and "\n" not in nvim_run["ghost"]
    line = nvim_run["before"].split("\n")[6]
    assert line == "    total = add()"
    expected = nvim_run["before"].replace(line, line[:16] + nvim_run["ghost"] + line[16:], 1)
    assert nvim_run["accepted"] and nvim_run["after_accept"] == expected, "inserted at the cursor, nothing else changed"
    assert nvim_run["cursor"] == [7, 16 + len(nvim_run["ghost"].encode())]


def test_typing_clears_and_stale_responses_are_dropped(nvim_run):
    assert nvim_run["cleared_on_typing"]
    assert not nvim_run["stale_shown"]


def test_implement_function_body_edits_only_the_body(nvim_run):
    assert nvim_run["implemented"]
    before, after = nvim_run["before_action"].split("\n"), nvim_run["after_action"].split("\n")
    assert after[:2] == before[:2] and after[-5:] == before[-5:]
    assert after[2:-5] != ["    pass"]


def test_checkhealth(nvim_run):
    assert "diffusion-lsp" in nvim_run["health"]
    assert "server command found" in nvim_run["health"]
    assert "model      " in nvim_run["health"] and ": ok (" in nvim_run["health"], "doctor's model line is reported"
    assert "MISSING" not in nvim_run["health"]
    assert "client running" in nvim_run["health"]


def test_the_ghost_threshold_reaches_the_server(nvim_run):
    assert nvim_run["server_settings"]["ghost_min_confidence"] == 0.3


def test_a_next_edit_is_shown_at_its_line_then_jumped_to_and_applied(nvim_run):
    """`add(a, b)` renamed `add(first, b)`: the use of `a` in the body is proposed (virtual text at its line), and
    the next-edit key jumps there and applies it, changing nothing else."""
    before = nvim_run["before_next_edit"]
    assert before.split("\n")[:3] == ["def add(first, b):", '    """Add a and b."""', "    return a + b"]
    assert nvim_run["next_edits"] == 1
    assert nvim_run["next_edit_marks"] == [[2, "  next edit: a → first"]]
    assert nvim_run["next_edit_applied"]
    assert nvim_run["after_next_edit"] == before.replace("    return a + b", "    return first + b", 1)
    assert nvim_run["next_edit_cursor"] == [3, 11]
