"""The `diffusion-lsp` command, run as a real subprocess, with a tiny checkpoint the tests build."""

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLES

KEYS = {"text", "fills", "nfe", "tokens", "seconds", "model", "accepted", "candidates", "baseline_errors"}


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
    run = cli("infill", workdir / file, *where, "--json", "--model", tiny_checkpoint, "--steps", "4", "--max-tokens", "12",
              "--accept-broken")  # a random model's fill rarely parses; the contract is the same either way
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
    scores = [c["score"] for c in out["candidates"] if c["accepted"]]
    assert scores == sorted(scores, reverse=True), "accepted candidates come best first"


def test_a_fill_that_parses_worse_is_never_written_or_returned_with_exit_0(workdir, broken_checkpoint):
    original = (workdir / "stack.py").read_text()
    args = ("infill", workdir / "stack.py", "--function", "Stack.pop", "--model", broken_checkpoint, "--steps", "4",
            "--max-tokens", "12")
    run = cli(*args, "--json", "--write")  # a body of `(` never parses
    assert run.returncode == 3 and "no fill that parses" in run.stderr and len(run.stderr.splitlines()) == 1
    out = json.loads(run.stdout)
    assert out["accepted"] is False and out["fills"] == [] and out["text"] == original
    assert out["best_attempt"]["text"] != original and out["best_attempt"]["fills"]
    assert out["problems"] and all(p.startswith("line ") for p in out["problems"]) and out["problems"][0] in run.stderr
    assert (workdir / "stack.py").read_text() == original, "--write never saves a broken fill"
    plain = cli(*args)
    assert plain.returncode == 3 and plain.stdout == ""
    forced = cli(*args, "--write", "--accept-broken")
    assert forced.returncode == 0 and (workdir / "stack.py").read_text() == out["best_attempt"]["text"]


def test_two_holes_in_one_pass_and_write(workdir, echo_checkpoint):
    (workdir / "notes.py").write_text("def f(a):\n    <|fill|>\n    return <|fill|>\n")
    run = cli("infill", workdir / "notes.py", "--holes", "--json", "--model", echo_checkpoint, "--steps", "5", "--syntax-rounds", "0")
    out = json.loads(run.stdout)
    assert run.returncode == 0 and out["accepted"], run.stderr
    assert len(out["fills"]) == 2 and out["nfe"] <= 5, "both holes (every candidate length) are denoised together"
    assert "<|fill|>" not in out["text"] and all(f["text"].strip() for f in out["fills"])
    run = cli("infill", workdir / "notes.py", "--holes", "--write", "--model", echo_checkpoint, "--steps", "2")
    assert run.returncode == 0 and run.stdout == ""
    written = (workdir / "notes.py").read_text()
    assert "<|fill|>" not in written and written.startswith("def f(a):\n    1") and "\n    return 1" in written


def test_plain_output_is_the_new_file(workdir, tiny_checkpoint):
    run = cli("infill", workdir / "stack.py", "--lines", "13-13", "--model", tiny_checkpoint, "--steps", "2", "--accept-broken")
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


def test_bench_compares_caches_with_their_quality(tiny_checkpoint, tmp_path):
    run = cli("bench", "--json", "--model", tiny_checkpoint, "--tokens", "12", "--repeats", "1", "--problems", "1",
              "--lines", "1", "--typing-lines", "1", "--plot", tmp_path / "caches.png")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    speed = {r["name"]: r for r in report["speed"]["setups"]}
    assert speed["one token per call, no cache"]["nfe"] == 12 and speed["one token per call, no cache"]["speedup_vs_one_per_call"] == 1
    assert {"no cache", "prefix cache", "dual cache", "reuse after a keystroke"} <= set(speed)
    assert speed["no cache"]["same_fill_as_no_cache"] and speed["dual cache"]["nfe"] == speed["no cache"]["nfe"]
    for section, metric in (("humaneval_single_line", "pass_at_1"), ("heldout_lines", "exact_match")):
        rows = report[section]["setups"]
        assert rows[0]["name"] == "no cache" and rows[0]["same_fill_as_reference"] == 1.0
        assert all(0 <= r[metric] <= 1 and r["mean_nfe"] > 0 for r in rows)
    policies = report["typing"]["policies"]
    assert policies[0]["name"] == "always fresh" and len(policies) >= 3
    assert (tmp_path / "caches.png").stat().st_size > 1000


def test_bench_prints_json_for_every_strategy(tiny_checkpoint, tmp_path):
    run = cli("bench", "--strategies", "--json", "--model", tiny_checkpoint, "--tokens", "16", "--steps", "4", "--repeats", "1",
              "--plot", tmp_path / "bench.png")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    rows = {r["name"]: r for r in report["strategies"]}
    assert rows["one token per call"]["nfe"] == 16 and rows["confidence (LLaDA)"]["nfe"] <= 4
    assert (tmp_path / "bench.png").stat().st_size > 1000


def test_bench_lsp_measures_the_real_server(tiny_checkpoint):
    # The tiny random model is sure of nothing: without the confidence cut, so suggestions are counted.
    run = cli("bench", "--lsp", "--requests", "3", "--model", tiny_checkpoint, "--device", "cpu",
              "--settings", '{"ghostMinConfidence": 0}')
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["requests"] == 3 and 0 < report["p50_ms"] <= report["p95_ms"]
    assert report["non_empty_rate"] > 0
    assert report["typing_requests"] == 3 and 0 < report["typing_p50_ms"] <= report["typing_p95_ms"]
    assert 0 < report["rss_mb"] <= report["peak_rss_mb"] and report["first_request_seconds"] > 0


def test_eval_runs_the_chosen_decoders(tiny_checkpoint, tmp_path):
    from infill.evaluation.harness import default_data_dir
    if not default_data_dir().is_dir():
        pytest.skip(f"benchmark data not found at {default_data_dir()}")
    samples = tmp_path / "samples.jsonl"
    run = cli("eval", "humaneval-infilling", "--limit", "2", "--decoders", "old,search", "--json", "--model", tiny_checkpoint,
              "--samples", samples)
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)["decoders"]
    assert [r["name"] for r in rows] == ["old", "search"]
    assert all(0 <= r["pass_at_1"] <= 1 and r["mean_nfe"] > 0 for r in rows)
    assert rows[1]["shown_no_worse"] == 1.0 or rows[1]["shown"] == 0, "length search shows only fills that parse no worse"
    cases = [json.loads(line) for line in samples.read_text().splitlines()]
    assert [c["decoder"] for c in cases] == ["old", "search"] * 2 and cases[0]["case"].startswith("SingleLineInfilling/")
    for row in rows:  # the samples add up to the report
        mine = [c for c in cases if c["decoder"] == row["name"]]
        assert sum(c["correct"] for c in mine) / 2 == row["pass_at_1"] and sum(c["shown"] for c in mine) / 2 == row["shown"]


def test_eval_compares_context_sizes_as_arms(tiny_checkpoint, tmp_path):
    (tmp_path / "held_out.py").write_text("".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(40)))
    samples = tmp_path / "samples.jsonl"
    run = cli("eval", "line-exact-match", "--limit", "2", "--decoders", "search", "--context-tokens", "32,1024",
              "--source", tmp_path, "--json", "--model", tiny_checkpoint, "--samples", samples)
    assert run.returncode == 0, run.stderr
    rows = json.loads(run.stdout)["decoders"]
    assert [(r["name"], r["context_tokens"]) for r in rows] == [("search@32", 32), ("search@1024", 1024)]
    assert [json.loads(line)["decoder"] for line in samples.read_text().splitlines()] == ["search@32", "search@1024"] * 2
    bad = cli("eval", "line-exact-match", "--context-tokens", "lots", "--source", tmp_path, "--model", tiny_checkpoint)
    assert bad.returncode == 2 and "--context-tokens takes token counts" in bad.stderr and "Traceback" not in bad.stderr


def test_eval_data_ships_with_the_package():
    from infill.evaluation.harness import PACKAGED_DATA, load_problems
    assert (PACKAGED_DATA / "LICENSE").is_file()
    assert len(load_problems("single-line", PACKAGED_DATA)) == 1033
