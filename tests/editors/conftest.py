"""The VS Code extension built once per test session with `npm ci && npm run package`, as a user would."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def built_vsix(tmp_path_factory) -> Path:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed")
    work = tmp_path_factory.mktemp("vscode") / "vscode"
    shutil.copytree(ROOT / "editors" / "vscode", work, ignore=shutil.ignore_patterns("node_modules", "dist", "*.vsix", "e2e"))
    for command in (["npm", "ci", "--no-audit", "--no-fund"], ["npm", "run", "package"]):
        run = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return work / "diffusion-lsp.vsix"
