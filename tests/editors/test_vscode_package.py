"""The VS Code extension builds into an installable .vsix with `npm ci && npm run package` (typecheck included)."""

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NPM = shutil.which("npm")
pytestmark = pytest.mark.skipif(NPM is None, reason="npm is not installed")


def test_npm_ci_and_package_make_a_vsix(tmp_path):
    work = tmp_path / "vscode"
    shutil.copytree(ROOT / "editors" / "vscode", work, ignore=shutil.ignore_patterns("node_modules", "dist", "*.vsix"))
    for command in (["npm", "ci", "--no-audit", "--no-fund"], ["npm", "run", "package"]):
        run = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    with zipfile.ZipFile(work / "diffusion-lsp.vsix") as vsix:
        manifest = json.loads(vsix.read("extension/package.json"))
        assert "extension/dist/extension.js" in vsix.namelist()
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert {"diffusion.fillSelection", "diffusion.implementFunction", "diffusion.fillHoles", "diffusion.polishSelection",
            "diffusion.refactorSelection"} <= commands
    settings = set(manifest["contributes"]["configuration"]["properties"])
    from lsp_server.settings import Settings
    from dataclasses import fields
    import re
    camel = {re.sub(r"_(\w)", lambda m: m.group(1).upper(), f.name) for f in fields(Settings)}
    exposed = {s.removeprefix("diffusion.") for s in settings} - {"server.command", "server.args"}
    assert exposed <= camel, "every extension setting is a server setting"
