"""Presets by name: `models` lists them, `models pull` downloads one from a stand-in hub on 127.0.0.1 into the
Hugging Face cache (resuming a dropped download), and the name then works as --model and as the server's setting;
nothing is downloaded otherwise."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from model.presets import PRESETS
from tests.model.hub_standin import StandInHub
from tests.model.real_layouts import remote_code_ran, write_dream_family

NAME = "diffucoder-7b-cpgrpo"
HUB_ID = next(p.hub_id for p in PRESETS if p.name == NAME)


def _cli(*args, env, timeout=300):
    return subprocess.run([sys.executable, "-m", "lsp_server", *args], capture_output=True, text=True, timeout=timeout,
                          env=env)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    folder = write_dream_family(tmp_path_factory.mktemp("repo"), pad_token="<|dlm_pad|>", chat_file=True,
                                hidden=64, shards=2)
    server = StandInHub({HUB_ID: folder}, drop_after=40000)
    yield server, folder
    server.close()


@pytest.fixture
def env(tmp_path, hub):
    server, _ = hub
    return {**os.environ, "HF_ENDPOINT": server.url, "HF_HOME": str(tmp_path / "hf"), "HF_HUB_DISABLE_XET": "1",
            "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HUB_ETAG_TIMEOUT": "5"}


def test_models_lists_at_least_eight_presets_with_what_a_user_needs():
    run = subprocess.run([sys.executable, "-m", "lsp_server", "models", "--json"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    presets = json.loads(run.stdout)
    assert len(presets) >= 8
    for p in presets:
        assert p["hub_id"] and p["family"] in ("dream", "llada", "sdar") and p["memory_bf16_gib"] > 0.5 and p["licence"]
        assert isinstance(p["mask_id"], int) and p["logit_shift"] in (0, 1) and p["window"] <= 4096
    assert any(not p["commercial_use"] for p in presets), "research-only licences are flagged"


def test_a_preset_not_pulled_names_the_pull_command_and_downloads_nothing(env, hub):
    server, _ = hub
    before = len(server.requests)
    run = _cli("infill", "examples/holes.py", "--holes", "--model", NAME, env=env)
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert f"diffusion-lsp models pull {NAME}" in run.stderr
    assert len(server.requests) == before, "nothing is asked of the hub unless the user pulls"
    unknown = _cli("models", "pull", "no-such-model", env=env)
    assert unknown.returncode == 2 and "dream-coder-7b" in unknown.stderr and unknown.stderr.count("\n") == 1


def test_pull_resumes_after_a_dropped_connection_then_the_name_fills_code(env, hub, tmp_path):
    server, folder = hub
    server.flaky = True
    first = _cli("models", "pull", NAME, env=env)
    assert first.returncode == 2, first.stdout + first.stderr
    last = first.stderr.strip().splitlines()[-1]  # above it: the progress bar and the retries huggingface_hub logs
    assert last.startswith("diffusion-lsp: error: pulling") and "run the same command again to resume" in last
    assert "Traceback" not in first.stderr
    cut = _cli("infill", "examples/holes.py", "--holes", "--model", NAME, env=env)
    assert cut.returncode == 2 and "models pull" in cut.stderr, "a half-downloaded checkpoint is never loaded"
    server.flaky = False
    second = _cli("models", "pull", NAME, env=env)
    assert second.returncode == 0, second.stderr
    # huggingface_hub 2.x starts a cut file again (its partial files are per attempt); the files finished before the
    # drop are kept, and what the cache holds is whole (checked below by loading it).
    assert not any(r.endswith(".py") for r in server.requests), "no code is downloaded"
    (tmp_path / "a.py").write_text("def f(x):\n    y = x\n    return y\n")
    run = _cli("infill", str(tmp_path / "a.py"), "--lines", "2-2", "--json", "--accept-broken", "--model", NAME,
               "--steps", "2", "--max-tokens", "4", env={**env, "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["text"].endswith("\n    return y\n")
    assert not remote_code_ran(folder)


def test_a_corrupt_pulled_file_is_named_and_never_loaded(env, hub):
    hub[0].flaky = False
    assert _cli("models", "pull", NAME, env=env).returncode == 0
    snapshots = list((Path(env["HF_HOME"]) / "hub").glob("models--*/snapshots/*"))
    shard = sorted(snapshots[0].glob("*.safetensors"))[0]
    blob = shard.resolve()  # the cache links snapshot names to blobs
    data = blob.read_bytes()
    blob.write_bytes(data[: len(data) - 100])
    run = _cli("infill", "examples/holes.py", "--holes", "--model", NAME, env={**env, "HF_HUB_OFFLINE": "1"})
    assert run.returncode == 2 and shard.name in run.stderr and run.stderr.count("\n") == 1


def test_a_pulled_preset_serves_ghost_text_as_the_server_s_model_setting(env, hub, tmp_path, monkeypatch):
    from lsp_server.reliability.raw_client import RawServer

    hub[0].flaky = False
    assert _cli("models", "pull", NAME, env=env).returncode == 0
    for key in ("HF_HOME", "HF_HUB_DISABLE_XET"):
        monkeypatch.setenv(key, env[key])
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # serving never downloads
    server = RawServer("builtin", {"model": NAME, "ghostMinConfidence": 0, "ghostLookupConfidence": 1})
    try:
        uri = (tmp_path / "a.py").as_uri()
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": "def f(x):\n    y = \n    return y\n"}})
        answer = server.request("textDocument/inlineCompletion", {"textDocument": {"uri": uri},
                                "position": {"line": 1, "character": 8}, "context": {"triggerKind": 1}}, timeout=120)
        assert "error" not in answer, answer
        said = []
        while not server.notifications.empty():
            said.append(server.notifications.get())
        errors = [n for n in said if n.get("method") == "window/showMessage" and n["params"]["type"] == 1]
        assert not errors, errors
        logs = " ".join(n["params"]["message"] for n in said if n.get("method") == "window/logMessage")
        assert "not downloaded" not in logs
    finally:
        server.close()


def test_doctor_says_how_long_a_fill_takes_and_how_that_is_known(tmp_path):
    from model.presets import fill_seconds, preset
    small, how = fill_seconds(preset("open-dcoder-0.5b"), "cpu")
    assert small > 0 and how.startswith("measured")
    big, how = fill_seconds(preset("dream-coder-7b"), "cpu")
    assert big > 10 * small and how.startswith("estimated from the 0.49B shape")
    assert fill_seconds(preset("dream-coder-7b"), "cuda")[0] is None
    env = {**os.environ, "HF_HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"}  # not pulled: doctor still answers
    run = _cli("doctor", "--model", "open-dcoder-0.5b", "--device", "cpu", env=env)
    assert "speed      about" in run.stdout and "measured" in run.stdout
