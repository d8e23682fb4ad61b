"""The workspace index: what it reads (never secrets, .gitignored, vendored or generated files, nor through symlinks),
definitions and imports in each language, imports resolved to workspace files, files re-read as they change."""

import os
import pathlib
from pathlib import Path

import pytest

from infill import language_for_path
from infill.workspace import IndexLimits, WorkspaceIndex, context_for
from infill.workspace.retrieve import resolve

FILES = {
    "pkg/__init__.py": "",
    "pkg/base.py": 'def get_stats(ids, counts=None):\n    """Count consecutive pairs."""\n    return {}\n\n\n'
                   'class Tokenizer:\n    def encode(self, text):\n        return []\n',
    "pkg/main.py": "from .base import get_stats, Tokenizer\n\n\ndef run(ids):\n    stats = get_stats(ids)\n",
    "app.py": "from pkg.base import get_stats\n",
    "web/utils.ts": "export function slugify(title: string): string {\n  return title;\n}\n",
    "web/app.ts": "import { slugify } from './utils';\n\nconst s = slugify('A');\n",
    "logs/entry.go": "package logs\n\ntype Entry struct {\n\tData map[string]int\n}\n\n"
                     "func (e *Entry) WithField(key string, value int) *Entry {\n\treturn e\n}\n",
    "logs/logger.go": "package logs\n\nfunc New() *Entry {\n\treturn &Entry{}\n}\n",
    "cmd/main.go": 'package main\n\nimport "example.com/app/logs"\n\nfunc main() {\n\tlogs.New()\n}\n',
    "src/error.rs": "pub struct Error {\n    inner: u32,\n}\n\nimpl Error {\n    pub fn msg(m: &str) -> Self {\n"
                    "        Error { inner: 0 }\n    }\n}\n",
    "src/lib.rs": "use crate::error::Error;\n\npub fn fail() -> Error {\n    Error::msg(\"x\")\n}\n",
    "java/com/acme/Util.java": "package com.acme;\n\npublic class Util {\n    public static int twice(int x) {\n"
                               "        return 2 * x;\n    }\n}\n",
    "java/com/acme/app/App.java": "package com.acme.app;\n\nimport com.acme.Util;\n\nclass App {\n}\n",
    "c/list.h": "struct list { int n; };\nint list_push(struct list *l, int v);\n",
    "c/list.c": '#include "list.h"\n\nint list_push(struct list *l, int v) { return v; }\n',
}
NEVER_READ = {
    ".env": "API_KEY=secret\n", "server.key": "-----BEGIN PRIVATE KEY-----\n", "id_rsa": "secret\n",
    "build/gen.py": "def leak_me():\n    pass\n",          # .gitignored
    "node_modules/dep/index.js": "function vendored() {}\n",
    "pkg/generated_pb2.py": "def generated():\n    pass\n",
    "pkg/big.py": "x = 1\n" * 200_000,                        # over the size limit
    "pkg/blob.py": "def a():\n    pass\n\0\0\0",                 # binary
}


@pytest.fixture()
def workspace(tmp_path):
    for name, text in {**FILES, **NEVER_READ, ".gitignore": "build/\n"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_secret_ignored_vendored_generated_binary_and_huge_files_are_never_read(workspace, monkeypatch):
    opened = []
    real_open, real_read = pathlib.Path.open, pathlib.Path.read_bytes
    monkeypatch.setattr(pathlib.Path, "open", lambda self, *a, **k: (opened.append(self.name), real_open(self, *a, **k))[1])
    monkeypatch.setattr(pathlib.Path, "read_bytes", lambda self: (opened.append(self.name), real_read(self))[1])
    index = WorkspaceIndex(workspace)
    stats = index.build()
    assert set(index.files) == set(FILES)
    for never in (".env", "server.key", "id_rsa", "gen.py", "index.js"):
        assert never not in opened, f"{never} was read"
    assert "leak_me" not in index.by_name and "vendored" not in index.by_name and "generated" not in index.by_name
    assert stats.skipped["secret"] == 3 and stats.skipped["too large"] == 1 and stats.skipped["binary"] == 1


def test_definitions_with_signatures_and_docstrings(workspace):
    index = WorkspaceIndex(workspace)
    index.build()
    [(path, stats)] = index.by_name["get_stats"]
    assert path == "pkg/base.py" and stats.signature == "def get_stats(ids, counts=None)"
    assert stats.doc == "Count consecutive pairs."
    [(_, encode)] = index.by_name["encode"]
    assert encode.kind == "method" and encode.container == "Tokenizer"
    assert index.by_name["WithField"][0][1].container == "Entry"
    assert index.by_name["msg"][0][1].container == "Error"
    assert index.by_name["twice"][0][1].kind == "method"
    assert {p for p, _ in index.by_name["list_push"]} == {"c/list.h", "c/list.c"}
    assert index.files["logs/entry.go"].package == "logs"


@pytest.mark.parametrize("importer,module,expected", [
    ("pkg/main.py", ".base", ["pkg/base.py"]),
    ("app.py", "pkg.base", ["pkg/base.py"]),
    ("web/app.ts", "./utils", ["web/utils.ts"]),
    ("cmd/main.go", "example.com/app/logs", ["logs/entry.go", "logs/logger.go"]),
    ("src/lib.rs", "crate::error", ["src/error.rs"]),
    ("java/com/acme/app/App.java", "com.acme", ["java/com/acme/Util.java"]),
    ("c/list.c", "list.h", ["c/list.h"]),
])
def test_imports_resolve_to_workspace_files_in_each_language(workspace, importer, module, expected):
    index = WorkspaceIndex(workspace)
    index.build()
    imports = {imp.module: imp for imp in index.files[importer].imports}
    assert module in imports, imports
    language = language_for_path(importer).name
    assert sorted(resolve(index, importer, imports[module], language)) == expected


def test_context_holds_what_the_file_imports_and_its_package(workspace):
    index = WorkspaceIndex(workspace)
    index.build()
    text = (workspace / "pkg/main.py").read_text()
    cursor = text.index("get_stats(ids)\n")
    [snippet] = context_for(index, workspace / "pkg/main.py", text, cursor, language_for_path("m.py"), 2000)
    assert snippet.path == "pkg/base.py" and "def get_stats(ids, counts=None): ..." in snippet.lines
    go = (workspace / "logs/logger.go").read_text()
    [same_package] = context_for(index, workspace / "logs/logger.go", go, go.index("return"), language_for_path("a.go"), 2000)
    assert same_package.path == "logs/entry.go" and any("WithField" in line for line in same_package.lines)
    assert context_for(index, workspace / "pkg/main.py", text, cursor, language_for_path("m.py"), 0) == ()


def test_a_changed_or_deleted_file_is_read_again(workspace):
    index = WorkspaceIndex(workspace)
    index.build()
    (workspace / "pkg/base.py").write_text("def get_counts(ids):\n    return {}\n")
    index.update(workspace / "pkg/base.py")
    assert "get_counts" in index.by_name and "get_stats" not in index.by_name
    (workspace / "pkg/base.py").unlink()
    index.update(workspace / "pkg/base.py")
    assert "pkg/base.py" not in index.files and "get_counts" not in index.by_name
    index.update(workspace / ".env")  # a secret saved in the editor is still never read
    assert ".env" not in index.files


def test_symlink_loops_unreadable_folders_and_a_file_limit_are_survived(tmp_path):
    for i in range(60):
        (tmp_path / f"m{i}.py").write_text(f"def f{i}():\n    pass\n")
    os.symlink(tmp_path, tmp_path / "loop")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "x.py").write_text("def hidden():\n    pass\n")
    locked.chmod(0)
    try:
        index = WorkspaceIndex(tmp_path, IndexLimits(max_files=50))
        stats = index.build()
    finally:
        locked.chmod(0o755)
    assert stats.files == 50 and stats.truncated and stats.skipped["symlink"] == 1
    assert Path(index.root) == tmp_path.resolve()


def test_a_child_process_builds_the_same_index_as_the_server_does(workspace):
    """The server parses in a child process at the lowest priority (typing never waits on the GIL for it)."""
    here, there = WorkspaceIndex(workspace), WorkspaceIndex(workspace)
    ours, theirs = here.build(), there.build(in_child=True)
    assert set(there.files) == set(here.files) == set(FILES)
    assert {k: len(v) for k, v in there.by_name.items()} == {k: len(v) for k, v in here.by_name.items()}
    assert theirs.skipped == ours.skipped and not theirs.truncated
