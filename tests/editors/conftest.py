"""The VS Code extension built once per test run with `npm ci && npm run package`, as a user would."""

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
    shutil.copytree(ROOT / "editors" / "vscode", work, ignore=shutil.ignore_patterns("node_modules", "dist", "*.vsix"))
    # As in a checkout where editors/vscode/e2e/setup.sh ran: e2e/ holds code-server's node_modules, which
    # packaging must leave out (a link to the real one when it is there, else a stand-in).
    e2e_modules = ROOT / "editors" / "vscode" / "e2e" / "node_modules"
    if e2e_modules.is_dir():
        (work / "e2e" / "node_modules").symlink_to(e2e_modules, target_is_directory=True)
    else:
        (work / "e2e" / "node_modules" / "stand-in").mkdir(parents=True)
        (work / "e2e" / "node_modules" / "stand-in" / "index.js").write_text("module.exports = 1;\n")
    for command in (["npm", "ci", "--no-audit", "--no-fund"], ["npm", "run", "package"]):
        run = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    return work / "diffusion-lsp.vsix"
