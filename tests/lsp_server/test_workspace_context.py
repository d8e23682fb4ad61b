"""Workspace context through the real server process: the index is built after `initialized` (with $/progress), a
remote API is sent definitions from other workspace files only when the setting allows it (in its own format: llama.cpp's
input_extra, a prompt section for completions and chat), secrets and .gitignored files never, and a file changed on
disk is read again."""

import json
import queue
import time
from pathlib import Path

import pytest

from lsp_server.reliability.raw_client import RawServer
from tests.lsp_server.api_standins import StandIn

BASE = 'def get_stats(ids, counts=None):\n    """Count consecutive pairs."""\n    return {}\n'
MAIN = "from .base import get_stats\n\n\ndef run(ids):\n    stats = \n"


@pytest.fixture()
def workspace(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/__init__.py").write_text("")
    (tmp_path / "pkg/base.py").write_text(BASE)
    (tmp_path / "pkg/main.py").write_text(MAIN)
    (tmp_path / ".env").write_text("API_KEY=hunter2\n")
    (tmp_path / "scratch").mkdir()
    (tmp_path / "scratch/gen.py").write_text("def leak_me():\n    pass\n")
    (tmp_path / ".gitignore").write_text("scratch/\n")
    return tmp_path


def _wait_for_log(server: RawServer, prefix: str, timeout: float = 60) -> tuple[str, list[dict]]:
    deadline, seen = time.monotonic() + timeout, []
    while time.monotonic() < deadline:
        try:
            message = server.notifications.get(timeout=0.5)
        except queue.Empty:
            continue
        seen.append(message)
        text = (message.get("params") or {}).get("message", "")
        if message.get("method") == "window/logMessage" and text.startswith(prefix):
            return text, seen
    raise AssertionError(f"no log line starting {prefix!r}: {seen}")


def _ghost_text(server: RawServer, path: Path, line: int, character: int) -> dict:
    uri = path.resolve().as_uri()
    server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                            "text": path.read_text()}})
    return server.request("textDocument/inlineCompletion", {"textDocument": {"uri": uri}, "position": {
        "line": line, "character": character}, "context": {"triggerKind": 1}}, timeout=120)


def _serve(stand_in: StandIn, workspace: Path, path: str = "", **settings) -> RawServer:
    return RawServer(stand_in.origin + path, settings, root=workspace,
                     capabilities={"window": {"workDoneProgress": True},
                                   "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}}})


def test_llama_cpp_gets_definitions_from_other_files_as_input_extra_only_when_allowed(workspace):
    llama = StandIn(lambda path, body: "get_stats(ids)", llama=True)
    try:
        server = _serve(llama, workspace, remoteApi="llama-infill", remoteWorkspaceContext=True)
        try:
            line, seen = _wait_for_log(server, "workspace index:")
            assert "3 files" in line and "gitignored" in line
            assert any(m.get("method") == "$/progress" for m in seen), "indexing reports $/progress"
            answer = _ghost_text(server, workspace / "pkg/main.py", 4, len("    stats = "))
            assert "result" in answer, answer
            _, _, body = llama.requests[-1]
            extra = {chunk["filename"]: chunk["text"] for chunk in body["input_extra"]}
            assert "def get_stats(ids, counts=None): ..." in extra["pkg/base.py"]
            sent = json.dumps(body)
            assert "hunter2" not in sent and "leak_me" not in sent, "secrets and ignored files are never sent"

            (workspace / "pkg/base.py").write_text(BASE + "\n\ndef get_counts(ids):\n    return {}\n")
            server.notify("workspace/didChangeWatchedFiles", {"changes": [
                {"uri": (workspace / "pkg/base.py").as_uri(), "type": 2}]})
            time.sleep(1.0)
            main = workspace / "pkg/main.py"
            main.write_text(MAIN.replace("get_stats\n", "get_stats, get_counts\n"))
            server.notify("textDocument/didClose", {"textDocument": {"uri": main.resolve().as_uri()}})
            _ghost_text(server, main, 4, len("    stats = "))
            _, _, body = llama.requests[-1]
            assert "def get_counts(ids): ..." in {c["filename"]: c["text"] for c in body["input_extra"]}["pkg/base.py"]
        finally:
            server.close()

        server = _serve(llama, workspace, remoteApi="llama-infill")  # the default: workspace code stays here
        try:
            _wait_for_log(server, "workspace index:")
            _ghost_text(server, workspace / "pkg/main.py", 4, len("    stats = "))
            _, _, body = llama.requests[-1]
            assert all(chunk["filename"] != "pkg/base.py" for chunk in body["input_extra"])
            assert "get_stats(ids, counts" not in json.dumps(body)
        finally:
            server.close()
    finally:
        llama.close()


@pytest.mark.parametrize("api", ["openai-completions", "chat"])
def test_completions_and_chat_apis_get_a_prompt_section(workspace, api):
    seen = []
    stand_in = StandIn(lambda path, body: (seen.append(body), "get_stats(ids)")[1])
    try:
        server = _serve(stand_in, workspace, "/v1", remoteApi=api, remoteWorkspaceContext=True)
        try:
            _wait_for_log(server, "workspace index:")
            _ghost_text(server, workspace / "pkg/main.py", 4, len("    stats = "))
        finally:
            server.close()
    finally:
        stand_in.close()
    text = seen[-1]["prompt"] if api == "openai-completions" else json.dumps(seen[-1]["messages"])
    assert "Code from other files of this workspace" in text and "get_stats(ids, counts=None)" in text
