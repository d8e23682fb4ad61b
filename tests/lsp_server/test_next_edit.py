"""Next edits (issue 40 items 1 and 3): the server keeps each document's recent edits as unified diffs, and
`textDocument/copilotInlineEdit` asks an edit model (Mercury Edit, `/v1/edit/completions`) in the tags it requires,
never streamed; its rewrite of the region becomes edits that touch nothing outside the region."""

import time

from infill import Document, language_for_id
from infill.next_edit import EditRequest, edits_from_rewrite, mercury_edit_prompt
from infill.task import Fill
from lsp_server.edit_history import EditHistory
from lsp_server.reliability.raw_client import RawServer
from tests.lsp_server.api_standins import StandIn

BEFORE = "def area(width, height):\n    return width * height\n\n\ndef report(w, h):\n    print(area(w, h))\n"
RENAMED = BEFORE.replace("def area(width, height):", "def area(w, height):")


def test_recent_edits_are_unified_diffs_between_pauses(monkeypatch):
    clock = [100.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    history = EditHistory("shapes.py")
    history.changing(BEFORE)
    clock[0] += 0.2
    history.changing(BEFORE.replace("width, height", "wi, height"))  # the same burst of typing
    [diff] = history.diffs(RENAMED)
    assert "-def area(width, height):" in diff and "+def area(w, height):" in diff and diff.startswith("--- a/shapes.py")
    clock[0] += 5  # a pause: the next change starts a new edit
    history.changing(RENAMED)
    assert history.diffs(RENAMED) == (diff,)


def test_the_prompt_has_mercury_edits_tags_and_the_rewrite_only_touches_the_region():
    doc = Document(RENAMED, language_for_id("python"))
    cursor = RENAMED.index("    return") + len("    return")
    content, (start, end) = mercury_edit_prompt(doc, cursor, EditRequest("shapes.py", ("--- a\n+++ b\n",),
                                                                           (("util.py", "x = 1"),)))
    for tag in ("<|recently_viewed_code_snippets|>", "code_snippet_file_path: util.py", "<|current_file_content|>",
                "current_file_path: shapes.py", "<|code_to_edit|>", "<|cursor|>", "<|/code_to_edit|>",
                "<|edit_diff_history|>\n--- a\n+++ b\n<|/edit_diff_history|>"):
        assert tag in content, tag
    region = RENAMED[start:end]
    rewrite = "```python\n" + region.replace("return width * height", "return w * height") + "\n```"
    fills = edits_from_rewrite(doc, (start, end), rewrite)
    assert fills == [Fill(RENAMED.index("    return width"), RENAMED.index("    return width") + len(
        "    return width * height"), "    return w * height")]
    assert all(start <= f.start <= f.end <= end for f in fills)
    assert edits_from_rewrite(doc, (start, end), None) == [] and edits_from_rewrite(doc, (start, end), region) == []


def test_copilot_inline_edit_asks_mercury_edit_and_answers_edits(tmp_path):
    seen = []

    def answer(path, body):
        seen.append(body)
        region = body["messages"][0]["content"].split("<|code_to_edit|>\n")[1].split("\n<|/code_to_edit|>")[0]
        return "```python\n" + region.replace("<|cursor|>", "").replace("width * height", "w * height") + "\n```"
    mercury = StandIn(answer)
    path = tmp_path / "shapes.py"
    path.write_text(BEFORE)
    uri = path.as_uri()
    server = RawServer(f"{mercury.origin}/v1", {"remoteApi": "edit", "remoteModel": "mercury-edit-2",
                                                "workspaceContext": False})
    try:
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": BEFORE}})
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                                 "contentChanges": [{"text": RENAMED}]})
        answer_ = server.request("textDocument/copilotInlineEdit", {"textDocument": {"uri": uri, "version": 2},
                                                                    "position": {"line": 0, "character": 10}}, timeout=60)
        [edit] = answer_["result"]["edits"]
        assert edit["text"] == "    return w * height" and edit["range"]["start"] == {"line": 1, "character": 0}
        assert edit["textDocument"] == {"uri": uri, "version": 2}
        body = seen[-1]
        assert body["model"] == "mercury-edit-2" and "stream" not in body and len(body["messages"]) == 1
        assert "+def area(w, height):" in body["messages"][0]["content"], "the recent edit goes in the diff history"
        bad = server.request("textDocument/copilotInlineEdit", {"textDocument": {}}, timeout=30)
        assert "error" in bad and server.alive
    finally:
        server.close()
        mercury.close()


def test_the_next_edit_is_a_code_action_resolved_into_its_edit(tmp_path):
    mercury = StandIn(lambda path, body: body["messages"][0]["content"].split("<|code_to_edit|>\n")[1]
                      .split("\n<|/code_to_edit|>")[0].replace("<|cursor|>", "").replace("width * height", "w * height"))
    path = tmp_path / "shapes.py"
    uri = path.as_uri()
    server = RawServer(f"{mercury.origin}/v1", {"remoteApi": "edit", "remoteModel": "mercury-edit-2",
                                                "workspaceContext": False})
    try:
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": RENAMED}})
        here = {"start": {"line": 0, "character": 10}, "end": {"line": 0, "character": 10}}
        offered = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": here,
                                                             "context": {"diagnostics": []}}, timeout=60)["result"]
        [action] = [a for a in offered if a["title"] == "Apply next edit (diffusion)"]
        resolved = server.request("codeAction/resolve", action, timeout=60)["result"]
        [change] = resolved["edit"]["documentChanges"]
        [edit] = change["edits"]
        assert edit["newText"] == "    return w * height" and edit["range"]["start"]["line"] == 1
    finally:
        server.close()
        mercury.close()


def test_the_built_in_model_follows_a_renamed_parameter_through_the_real_server(tmp_path):
    """A local model: after `width` is renamed `w` in the signature, copilotInlineEdit and the code action both
    propose renaming its use in the body, and nothing else."""
    path = tmp_path / "shapes.py"
    uri = path.as_uri()
    server = RawServer("builtin", {"workspaceContext": False})
    try:
        server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                "text": BEFORE}})
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                                 "contentChanges": [{"text": RENAMED}]})
        answer = server.request("textDocument/copilotInlineEdit", {"textDocument": {"uri": uri, "version": 2},
                                                                   "position": {"line": 0, "character": 10}}, timeout=120)
        use = {"start": {"line": 1, "character": 11}, "end": {"line": 1, "character": 16}}
        assert answer["result"]["edits"] == [{"range": use, "text": "w", "textDocument": {"uri": uri, "version": 2}}]
        # On the proposal's line, ghost text is the proposal: an item whose range covers the cursor and `width`.
        ghost = server.request("textDocument/inlineCompletion", {
            "textDocument": {"uri": uri}, "position": {"line": 1, "character": 4},
            "context": {"triggerKind": 1}}, timeout=60)["result"]
        assert ghost["items"][0] == {"insertText": "return w", "range": {"start": {"line": 1, "character": 4},
                                                                         "end": {"line": 1, "character": 16}}}
        here = {"start": {"line": 0, "character": 10}, "end": {"line": 0, "character": 10}}
        offered = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": here,
                                                             "context": {"diagnostics": []}}, timeout=60)["result"]
        [action] = [a for a in offered if a["title"] == "Apply next edit (diffusion)"]
        resolved = server.request("codeAction/resolve", action, timeout=120)["result"]
        [change] = resolved["edit"]["documentChanges"]
        assert change["edits"] == [{"range": use, "newText": "w"}]
        server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                                 "contentChanges": [{"text": RENAMED.replace("width *", "w *")}]})
        offered = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": here,
                                                             "context": {"diagnostics": []}}, timeout=60)["result"]
        assert not [a for a in offered if a["title"] == "Apply next edit (diffusion)"], "nothing left to follow"
    finally:
        server.close()
