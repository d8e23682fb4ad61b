"""The ablation table: arms read from real runs and evaluations, ranked by held-out bits per byte."""

import json
import shutil

from lsp_server.cli import main
from model.training.ablations import ablation_table, read_arm
from model.training.export import export_builtin
from tests.conftest import EXAMPLES

OPTIONS = {"corpus": "runs/corpus-v2", "out": "runs/abl2-base", "size": "small", "lr": 0.001, "threads": 1,
           "uniform_fraction": 0.8, "pad_weight": 0.1}


def _arm(tmp_path, checkpoint, name: str, options: dict, heldout_bpb: float | None = None, capsys=None):
    """A run folder (checkpoint + state.json) and its RUN.eval.json: a real `eval masked-code` unless `heldout_bpb`
    is given."""
    run = tmp_path / name
    shutil.copytree(checkpoint, run / "checkpoint")
    val = {"0.50": {"ce": 5.0, "top1": 0.2, "tokens": 100}}
    (run / "state.json").write_text(json.dumps({"options": {**OPTIONS, "out": str(run), **options}, "tokens": 4096,
                                                "seconds": 1800, "log": [{"step": 1, "val_code": val}]}))
    report = tmp_path / f"{name}.eval.json"
    if heldout_bpb is None:
        heldout = tmp_path / "heldout"
        heldout.mkdir(exist_ok=True)
        (heldout / "long.py").write_text("\n".join(p.read_text() for p in sorted(EXAMPLES.glob("*.py"))))
        capsys.readouterr()
        assert main(["eval", "masked-code", "--model", str(run / "checkpoint"), "--source", str(heldout),
                     "--limit", "4", "--json"]) == 0
        report.write_text(capsys.readouterr().out)
    else:
        rows = {r: {"ce": 4.0, "top1": 0.3, "bits_per_byte": heldout_bpb} for r in ("0.15", "0.50", "0.90")}
        report.write_text(json.dumps({"masked_code": rows}))
    return report


def test_arms_are_ranked_by_held_out_bits_per_byte_and_named_by_their_change(tmp_path, tiny_checkpoint, capsys):
    base = _arm(tmp_path, tiny_checkpoint, "abl-base", {}, capsys=capsys)
    better = _arm(tmp_path, tiny_checkpoint, "abl-lr", {"lr": 0.003, "threads": 2}, heldout_bpb=0.5)
    worse = _arm(tmp_path, tiny_checkpoint, "abl-span", {"uniform_fraction": 0.3, "pad_weight": 1.0}, heldout_bpb=99.0)
    table = ablation_table([read_arm(p) for p in (worse, base, better)], "abl-base").splitlines()
    assert [row.split(" | ")[0] for row in table[2:]] == ["| abl-lr", "| abl-base", "| abl-span"], "best first"
    assert "| lr 0.003 |" in table[2], "the thread count is how it ran, not a change"
    assert "| pad-weight 1.0, uniform-fraction 0.3 |" in table[4]
    assert "| baseline |" in table[3]
    assert "-" not in table[3].split(" | ")[5:8], "the real evaluation reports bits per byte"
    assert main(["train", "ablations", str(base), str(better), "--baseline", "abl-base",
                 "--out", str(tmp_path / "table.md")]) == 0
    written = (tmp_path / "table.md").read_text()
    card = (export_builtin(tmp_path / "abl-base", tmp_path / "no-corpus", ablations=written,
                           dest=tmp_path / "weights") / "MODEL_CARD.md").read_text()
    assert "## Ablations" in card and written.strip() in card


def test_an_unknown_baseline_or_missing_run_is_one_line(tmp_path, tiny_checkpoint, capsys):
    arm = _arm(tmp_path, tiny_checkpoint, "abl-a", {}, heldout_bpb=1.0)
    assert main(["train", "ablations", str(arm), "--baseline", "abl-b"]) == 2
    assert capsys.readouterr().err.strip().count("\n") == 0
    assert main(["train", "ablations", str(tmp_path / "nothing.eval.json"), "--baseline", "nothing"]) == 2
    assert "nothing" in capsys.readouterr().err


def test_held_out_files_shorter_than_a_window_are_one_line(tmp_path, tiny_checkpoint, capsys):
    (tmp_path / "short.py").write_text("x = 1\n")
    assert main(["eval", "masked-code", "--model", str(tiny_checkpoint), "--source", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "holds 256 tokens" in err and "internal error" not in err and err.count("\n") == 1


def test_an_arms_fill_evaluations_join_its_row(tmp_path, tiny_checkpoint, capsys):
    base = _arm(tmp_path, tiny_checkpoint, "abl-base", {}, heldout_bpb=1.0)
    other = _arm(tmp_path, tiny_checkpoint, "abl-lr", {"lr": 0.003}, heldout_bpb=2.0)
    capsys.readouterr()
    assert main(["eval", "humaneval-infilling", "--split", "single-line", "--limit", "2", "--decoders", "search",
                 "--model", str(tmp_path / "abl-base" / "checkpoint"), "--json"]) == 0
    (tmp_path / "abl-base.single.json").write_text(capsys.readouterr().out)
    (tmp_path / "abl-base.em.json").write_text(json.dumps({"decoders": [
        {"name": "search", "exact_match": 0.25, "shown": 0.5}]}))
    rows = ablation_table([read_arm(base), read_arm(other)], "abl-base").splitlines()
    assert "HumanEval single-line pass@1" in rows[0] and rows[0].count("|") == rows[2].count("|")
    single, em = rows[2].split(" | ")[-2:]
    assert single.count("%") == 3, "the real evaluation's pass@1, shown and compile rates"
    assert em == "25.0% / 50.0% |"
    assert rows[3].endswith("- / - / - | - / - |"), "an arm without fill evaluations says so"
    (tmp_path / "abl-lr.em.json").write_text("{not json")
    assert main(["train", "ablations", str(base), str(other), "--baseline", "abl-base"]) == 2
    assert "abl-lr.em.json" in capsys.readouterr().err
