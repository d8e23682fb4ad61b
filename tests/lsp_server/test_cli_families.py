"""The command line split by family: training code loads only for `train`, and PNG plots are an optional extra
whose absence is one clear line."""

import json
import os
import subprocess
import sys

from tests.conftest import ROOT


def run_python(code: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, **(env or {})})


def test_building_the_parser_and_parsing_loads_no_training_code():
    code = ("import sys; from lsp_server.cli import build_parser; "
            "build_parser().parse_args(['infill', 'x.py', '--holes']); "
            "print(sorted(m for m in sys.modules if m.startswith('model.training')))")
    run = run_python(code)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"


def test_every_family_registers_its_commands():
    code = ("from lsp_server.cli import build_parser; p = build_parser(); "
            "print(sorted(p._subparsers._group_actions[0].choices))")
    run = run_python(code)
    assert run.stdout.strip() == str(sorted(["infill", "serve", "serve-http", "doctor", "models", "bench", "reliability",
                                             "eval", "train"]))


def test_a_plot_without_matplotlib_is_one_line_and_no_file(tmp_path):
    blocker = tmp_path / "no_matplotlib"
    (blocker / "matplotlib").mkdir(parents=True)
    (blocker / "matplotlib" / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"split": "single-line", "problems": 1, "decoders": []}))
    out = tmp_path / "plot.png"
    run = subprocess.run([sys.executable, "-m", "lsp_server", "eval", "plot", "--reports", str(report), "--out", str(out)],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": f"{blocker}{os.pathsep}{ROOT}"})
    assert run.returncode == 2
    assert run.stderr.count("\n") == 1 and "diffusion-lsp[plots]" in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()
