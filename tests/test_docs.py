"""The README and docs speak to users: short, complete about settings, links that resolve, and nothing about how the
project itself was built (iterations, the machines it was built on, what they were lent)."""

from __future__ import annotations

import dataclasses
import re
import subprocess

import pytest

from lsp_server.settings import Settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")

# Words that describe the building of the project, not the product. pytest's fixture scope "session" is code.
BUILD_PROSE = re.compile(
    r"\bsessions?\b|\blent\b|\blend(s|ing)?\b|FILES_AT|\bcarry: |device tool|device machine|device time|not_drawn"
    r"|\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth) (session|sitting|iteration)\b",
    re.IGNORECASE)
ALLOWED = ('scope="session"',)
DATA_SUFFIXES = {".json", ".jsonl", ".gz", ".png", ".safetensors", ".vsix"}
THIRD_PARTY = ("infill/evaluation/data/",)  # other projects' files, shipped unchanged for the evaluations


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.title() for word in rest)


def tracked_text_files() -> list:
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split("\n")
    paths = [ROOT / name for name in listed if name]
    return [p for p in paths if p.is_file() and p.suffix not in DATA_SUFFIXES and p.name != "test_docs.py"
            and not str(p.relative_to(ROOT)).startswith(THIRD_PARTY)]


def test_readme_is_short_and_starts_with_what_a_user_needs():
    lines = README.split("\n")
    assert len(lines) < 300
    first_screen = "\n".join(lines[:45])
    assert "masked-diffusion" in first_screen, "the pitch"
    assert "![" in first_screen and "docs/vscode-ghost-text.png" in first_screen, "the screenshot"
    assert "## Install" in first_screen or "## Quick start" in first_screen


def test_quick_start_has_the_install_block_then_the_test_block():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert len(blocks) >= 2
    assert "pip install torch==2.13.0" in blocks[0] and "diffusion-lsp infill" in blocks[0]
    assert blocks[0].index("torch==2.13.0") < blocks[0].index("pip install -e .")
    assert "pip install -e '.[test]'" in blocks[1] and "python -m pytest tests" in blocks[1]
    assert "python -m pytest tests" in (ROOT / ".ci" / "run").read_text(), "CI runs the README's test command"


def test_every_setting_is_in_the_readme_table_with_its_default():
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `(\w+)` \| ([^|]*(?:\\\|[^|]*)*) \|", README, re.M)}
    for field in dataclasses.fields(Settings):
        name = camel(field.name)
        assert name in rows, f"setting {name} is not documented in README.md"
        default = getattr(Settings(), field.name)
        if default is None or (isinstance(default, (int, float, str)) and not isinstance(default, bool)):
            shown = rows[name].strip().strip("`").replace("\\|", "|")
            expected = "auto" if default is None else (str(default) if default != "" else '""')
            assert shown == expected, f"{name}: README says {shown}, code {default!r}"
    documented = set(rows) - {camel(f.name) for f in dataclasses.fields(Settings)}
    assert not documented - {"setting"}, f"documented settings the server does not have: {documented}"


def test_relative_links_in_readme_and_docs_resolve():
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if "://" in target:
                continue
            if not (page.parent / target).exists():
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []


def test_no_prose_about_how_the_project_was_built():
    found = []
    for path in tracked_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.split("\n"), 1):
            if BUILD_PROSE.search(line) and not any(allowed in line for allowed in ALLOWED):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert found == []


@pytest.mark.parametrize("line", ["(2026-12-02, sixth session)", "a GPU was lent", "copy FILES_AT here",
                                  "the device tool carries 64 MiB", "in the third iteration"])
def test_the_prose_check_sees_build_talk(line):
    assert BUILD_PROSE.search(line)
