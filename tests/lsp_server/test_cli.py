"""The `diffusion-lsp` command, run as a real subprocess, with a tiny checkpoint the tests build."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLES

KEYS = {"text", "fills", "nfe", "tokens", "seconds", "model"}


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "lsp_server", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd, env={**os.environ, "PYTHONUNBUFFERED": "1"})


@pytest.fixture
def workdir(tmp_path):
    for f in EXAMPLES.iterdir():
        shutil.copy(f, tmp_path / f.name)
    return tmp_path


@pytest.mark.parametrize("file,where", [
    ("stack.py", ["--function", "Stack.pop"]),
    ("shapes.js", ["--function", "area"]),
    ("stats.rs", ["--function", "max"]),
    ("words.go", ["--lines", "10-10"]),
    ("stack.py", ["--range", "23:12-23:31"]),
])
def test_json_contract_in_four_languages(workdir, tiny_checkpoint, file, where):
    original = (workdir / file).read_text()
    run = cli("infill", workdir / file, *where, "--json", "--model", tiny_checkpoint, "--steps", "4", "--max-tokens", "12")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert KEYS <= set(out) and out["model"] == str(tiny_checkpoint)
    assert 1 <= out["nfe"] and isinstance(out["seconds"], float) and out["tokens"] <= 12
    [fill] = out["fills"]
    lines = original.split("\n")
    (l1, c1), (l2, c2) = fill["start"], fill["end"]
    start = sum(len(x) + 1 for x in lines[: l1 - 1]) + c1 - 1
    end = sum(len(x) + 1 for x in lines[: l2 - 1]) + c2 - 1
    assert out["text"] == original[:start] + fill["text"] + original[end:]
    assert (workdir / file).read_text() == original, "without --write the file is untouched"


def test_two_holes_in_one_pass_and_write(workdir, tiny_checkpoint):
    run = cli("infill", workdir / "holes.py", "--holes", "--json", "--model", tiny_checkpoint, "--steps", "5", "--syntax-rounds", "0")
    out = json.loads(run.stdout)
    assert len(out["fills"]) == 2 and out["nfe"] <= 5, "both holes are denoised together"
    assert "<|fill|>" not in out["text"]
    run = cli("infill", workdir / "holes.py", "--holes", "--write", "--model", tiny_checkpoint, "--steps", "2")
    assert run.returncode == 0 and run.stdout == ""
    assert "<|fill|>" not in (workdir / "holes.py").read_text()


def test_plain_output_is_the_new_file(workdir, tiny_checkpoint):
    run = cli("infill", workdir / "stack.py", "--lines", "13-13", "--model", tiny_checkpoint, "--steps", "2")
    assert run.returncode == 0
    assert run.stdout.startswith('"""A small stack') and "def __len__(self):" in run.stdout


@pytest.mark.parametrize("case,args,message", [
    ("line past the end", ["stack.py", "--lines", "5-500"], "past the end"),
    ("missing file", ["nope.py", "--lines", "1-1"], "no such file"),
    ("unknown function", ["stack.py", "--function", "frobnicate"], "no function named"),
    ("unknown language", ["notes.xyz", "--lines", "1-1"], "unsupported language"),
    ("binary file", ["blob.py", "--lines", "1-1"], "binary"),
    ("bad range syntax", ["stack.py", "--range", "1:1"], "expected L:C-L:C"),
    ("column past the line", ["stack.py", "--range", "1:1-1:999"], "column 999"),
    ("no holes", ["stack.py", "--holes"], "no hole markers"),
    ("unknown sampler", ["stack.py", "--lines", "1-1", "--sampler", "bogus"], "unknown sampler"),
    ("instruction on the built-in kind of model", ["stack.py", "--lines", "1-1", "--instruction", "x"], "cannot follow instructions"),
    ("bad model dir", ["stack.py", "--lines", "1-1", "--model", "/nonexistent/dir"], "neither"),
])
def test_bad_input_gives_one_clear_line(workdir, tiny_checkpoint, case, args, message):
    (workdir / "notes.xyz").write_text("hello\n")
    (workdir / "blob.py").write_bytes(b"\x00\x01\x02binary")
    before = {p.name: p.read_bytes() for p in workdir.iterdir()}
    file, *rest = args
    if "--model" not in rest:
        rest += ["--model", tiny_checkpoint]
    run = cli("infill", workdir / file, *rest, "--write")
    assert run.returncode != 0, case
    assert message in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert {p.name: p.read_bytes() for p in workdir.iterdir()} == before, "nothing is written on failure"


def test_broken_checkpoint_is_one_line(workdir, tiny_checkpoint, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(tiny_checkpoint, broken)
    (broken / "model.safetensors").write_bytes(b"garbage")
    run = cli("infill", workdir / "stack.py", "--lines", "1-1", "--model", broken)
    assert run.returncode == 2 and "broken checkpoint" in run.stderr and len(run.stderr.splitlines()) == 1


def test_doctor_reports_grammars_and_model(tiny_checkpoint):
    run = cli("doctor", "--model", tiny_checkpoint)
    assert run.returncode == 0, run.stdout
    assert "grammar    python: ok" in run.stdout and "grammar    cpp: ok" in run.stdout
    assert f"model      {tiny_checkpoint}: ok" in run.stdout


def test_bench_prints_json_for_every_strategy(tiny_checkpoint, tmp_path):
    run = cli("bench", "--json", "--model", tiny_checkpoint, "--tokens", "16", "--steps", "4", "--repeats", "1",
              "--plot", tmp_path / "bench.png")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    rows = {r["name"]: r for r in report["strategies"]}
    assert rows["one token per call"]["nfe"] == 16 and rows["confidence (LLaDA)"]["nfe"] <= 4
    assert (tmp_path / "bench.png").stat().st_size > 1000


def test_bench_lsp_measures_the_real_server(tiny_checkpoint):
    run = cli("bench", "--lsp", "--requests", "3", "--model", tiny_checkpoint, "--device", "cpu")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["requests"] == 3 and 0 < report["p50_ms"] <= report["p95_ms"]
    assert report["non_empty_rate"] > 0


def test_eval_runs_the_chosen_decoders(tiny_checkpoint):
    from infill.evaluation import default_data_dir
    if not default_data_dir().is_dir():
        pytest.skip(f"benchmark data not found at {default_data_dir()}")
    run = cli("eval", "humaneval-infilling", "--limit", "2", "--decoders", "threshold", "--json", "--model", tiny_checkpoint)
    assert run.returncode == 0, run.stderr
    configs = json.loads(run.stdout)["configs"]
    assert [c["name"] for c in configs] == ["threshold-parallel 0.9"]
    assert 0 <= configs[0]["pass_at_1"] <= 1 and configs[0]["mean_nfe"] > 0
