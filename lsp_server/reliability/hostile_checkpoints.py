"""Checkpoints built to hurt: each must end in a clear one-line error, run no code, and not blow up memory."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from model.checkpoint import WEIGHTS_FILE
from model.denoiser import BUILTIN_DIR
from model.shapes import SHAPES, dream_config

SOURCE = "def add(a, b):\n    return a + b\n"


class _Payload:
    """Unpickling this creates the marker file: proof that code ran."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _copy_builtin(directory: Path) -> Path:
    directory.mkdir(parents=True)
    for name in (WEIGHTS_FILE, "tokenizer.json"):
        shutil.copy(BUILTIN_DIR / name, directory / name)
    return directory


def _wrong_shapes(directory: Path) -> None:
    from safetensors import safe_open
    from safetensors.torch import save_file
    path = directory / WEIGHTS_FILE
    with safe_open(str(path), framework="pt") as f:
        metadata, tensors = f.metadata(), {k: f.get_tensor(k) for k in f.keys()}
    name = max(tensors, key=lambda k: tensors[k].numel())
    tensors[name] = tensors[name][:, : tensors[name].shape[-1] // 2].contiguous()  # half the columns
    save_file(tensors, str(path), metadata=metadata)


def build_hostile_checkpoints(root: Path, marker: Path) -> dict[str, Path]:
    """name -> checkpoint directory."""
    cases = {}
    d = root / "pickle"
    d.mkdir(parents=True)
    for name in ("pytorch_model.bin", "model.bin", WEIGHTS_FILE):
        (d / name).write_bytes(pickle.dumps(_Payload(marker)))
    shutil.copy(BUILTIN_DIR / "tokenizer.json", d / "tokenizer.json")
    cases["pickle that would run code"] = d
    d = root / "pickle_only"
    d.mkdir()
    (d / "pytorch_model.bin").write_bytes(pickle.dumps(_Payload(marker)))
    shutil.copy(BUILTIN_DIR / "tokenizer.json", d / "tokenizer.json")
    cases["pytorch_model.bin only (pickle)"] = d
    d = _copy_builtin(root / "truncated")
    (d / WEIGHTS_FILE).write_bytes((d / WEIGHTS_FILE).read_bytes()[:1_000_000])
    cases["truncated safetensors"] = d
    d = _copy_builtin(root / "corrupt")
    data = bytearray((d / WEIGHTS_FILE).read_bytes())
    data[8:64] = b"\xff" * 56  # the JSON header
    (d / WEIGHTS_FILE).write_bytes(bytes(data))
    cases["corrupt safetensors header"] = d
    d = _copy_builtin(root / "shapes")
    _wrong_shapes(d)
    cases["wrong tensor shapes"] = d
    d = _copy_builtin(root / "huge")
    huge = {**SHAPES["dream-7b"], "hidden_size": 32768, "intermediate_size": 131072, "num_hidden_layers": 80,
            "num_attention_heads": 256, "num_key_value_heads": 256}
    (d / "config.json").write_text(json.dumps(dream_config(huge)))
    cases["config.json claiming 10^12 parameters"] = d
    d = _copy_builtin(root / "no_tokenizer")
    (d / "tokenizer.json").unlink()
    cases["missing tokenizer"] = d
    return cases


def _run(model: Path, source: Path) -> tuple[int, str, float]:
    """(exit code, stderr, peak RSS in MiB) of `diffusion-lsp infill` on this checkpoint."""
    process = subprocess.Popen([sys.executable, "-m", "lsp_server", "infill", str(source), "--lines", "2-2",
                                "--model", str(model), "--device", "cpu"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "DIFFUSION_LSP_DEBUG": ""})
    stderr = process.stderr.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, stderr, round(usage.ru_maxrss / 1024, 1)


def hostile_checkpoints() -> dict:
    """Each hostile checkpoint through the CLI: its error line, whether code ran, its peak memory."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        marker, source = root / "code-ran", root / "m.py"
        source.write_text(SOURCE)
        rows = {}
        for name, directory in build_hostile_checkpoints(root / "checkpoints", marker).items():
            code, stderr, peak = _run(directory, source)
            lines = stderr.strip().splitlines()
            rows[name] = {"exit_code": code, "error": lines[-1] if lines else "", "one_line": len(lines) == 1,
                          "traceback": "Traceback" in stderr, "peak_rss_mb": peak}
        ran = marker.exists()
    clear = all(r["exit_code"] == 2 and r["one_line"] and not r["traceback"] for r in rows.values())
    return {"checkpoints": rows, "code_executed": ran, "all_clear_one_line_errors": clear,
            "max_peak_rss_mb": max(r["peak_rss_mb"] for r in rows.values())}
