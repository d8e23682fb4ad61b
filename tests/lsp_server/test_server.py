"""End-to-end: a plain LSP client against the real server process."""

import asyncio
import random

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp_server.conftest import open_doc

# The stand-in model writes numbers (`111`), which return nothing: the docstring promises nothing (python_promises.py).
PY = 'def add(a, b):\n    """Add a and b."""\n    pass\n\n\ndef main():\n    total = add(1, 2)\n    print(total)\n'
URI = "file:///tmp/example.py"


def inline_params(uri, position, trigger=types.InlineCompletionTriggerKind.Invoked):
    return types.InlineCompletionParams(context=types.InlineCompletionContext(trigger_kind=trigger),
                                        text_document=types.TextDocumentIdentifier(uri), position=position)


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        a = offsets[edit.range.start.line] + edit.range.start.character
        b = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:a] + edit.new_text + text[b:]
    return text


@pytest.mark.asyncio
async def test_capabilities(client: LanguageClient):
    caps = client.init_result.capabilities
    assert caps.inline_completion_provider
    assert caps.code_action_provider.resolve_provider
    assert types.CodeActionKind.RefactorRewrite in caps.code_action_provider.code_action_kinds
    assert "diffusion.refactor" in caps.execute_command_provider.commands
    assert caps.position_encoding == types.PositionEncodingKind.Utf16


@pytest.mark.asyncio
async def test_utf8_is_preferred_when_offered(utf8_client: LanguageClient):
    assert utf8_client.init_result.capabilities.position_encoding == types.PositionEncodingKind.Utf8


@pytest.mark.asyncio
async def test_inline_completion_gives_ghost_text(client: LanguageClient):
    open_doc(client, URI, PY)
    pos = types.Position(6, len("    total = add("))
    result = await client.text_document_inline_completion_async(inline_params(URI, pos, types.InlineCompletionTriggerKind.Invoked))
    items = result.items if isinstance(result, types.InlineCompletionList) else result
    assert items, "ghost text at an ordinary position"
    for item in items:
        assert item.range.start == pos and item.range.end == pos, "a rest-of-line fill inserts at the cursor"
        assert "\n" not in item.insert_text
    assert any(m.message.startswith("model ") and "loaded" in m.message for m in client.log_messages)


@pytest.mark.asyncio
async def test_block_completion_after_a_line_that_opens_one(client: LanguageClient):
    text = "def square(x):\n"
    open_doc(client, URI, text)
    result = await client.text_document_inline_completion_async(inline_params(URI, types.Position(0, 14), types.InlineCompletionTriggerKind.Automatic))
    for item in result.items:
        assert item.insert_text.startswith("\n    ") or item.insert_text.startswith("\n")


@pytest.mark.asyncio
async def test_code_actions_offered_and_resolved_inside_their_range(client: LanguageClient):
    open_doc(client, URI, PY)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), types.Range(types.Position(2, 4), types.Position(2, 8)), types.CodeActionContext([])))
    titles = {a.title: a for a in actions}
    assert {"Fill selection (diffusion)", "Polish selection (diffusion)", "Implement function body (diffusion)"} <= set(titles)
    resolved = await client.code_action_resolve_async(titles["Implement function body (diffusion)"])
    [change] = resolved.edit.document_changes
    for edit in change.edits:
        assert edit.range.start.line == 2 and edit.range.end.line == 2, "only the stub body line is rewritten"
    new = _apply(PY, change.edits)
    assert new.startswith('def add(a, b):\n    """Add a and b."""\n') and new.endswith("\n\n\ndef main():\n    total = add(1, 2)\n    print(total)\n")


@pytest.mark.asyncio
async def test_a_body_that_breaks_its_docstring_s_promise_is_refused_with_the_reason(client: LanguageClient):
    promising = PY.replace('"""Add a and b."""', '"""Return the sum."""')  # and the stand-in model writes `111`
    open_doc(client, URI, promising)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), types.Range(types.Position(2, 4), types.Position(2, 8)), types.CodeActionContext([])))
    implement = next(a for a in actions if a.title == "Implement function body (diffusion)")
    resolved = await client.code_action_resolve_async(implement)
    assert resolved.edit is None
    assert any("says it returns a value; the body never returns one" in m.message for m in client.messages)


@pytest.mark.asyncio
async def test_random_selections_edit_only_inside(client: LanguageClient):
    open_doc(client, URI, PY)
    lines = PY.split("\n")
    rng = random.Random(7)
    for _ in range(12):
        l1 = rng.randrange(len(lines))
        l2 = rng.randrange(l1, len(lines))
        c1, c2 = rng.randint(0, len(lines[l1])), rng.randint(0, len(lines[l2]))
        if (l1, c1) >= (l2, c2):
            continue
        r = types.Range(types.Position(l1, c1), types.Position(l2, c2))
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            types.TextDocumentIdentifier(URI), r, types.CodeActionContext([])))
        for action in [a for a in actions if "selection" in a.title]:
            resolved = await client.code_action_resolve_async(action)
            if resolved.edit is None:
                continue
            for edit in resolved.edit.document_changes[0].edits:
                start, end = edit.range.start, edit.range.end
                assert (r.start.line, r.start.character) <= (start.line, start.character)
                assert (end.line, end.character) <= (r.end.line, r.end.character)


@pytest.mark.asyncio
async def test_fill_holes_action(client: LanguageClient):
    text = "def f(x):\n    <|fill|>\n    return <|fill|>\n"
    open_doc(client, URI, text)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), types.Range(types.Position(0, 0), types.Position(0, 0)), types.CodeActionContext([])))
    holes = [a for a in actions if a.title.startswith("Fill holes")]
    resolved = await client.code_action_resolve_async(holes[0])
    assert "<|fill|>" not in _apply(text, resolved.edit.document_changes[0].edits)


@pytest.mark.asyncio
async def test_bad_params_get_errors_and_the_server_keeps_serving(client: LanguageClient):
    open_doc(client, URI, PY)
    with pytest.raises(Exception, match="outside the document|past the end"):
        await client.text_document_inline_completion_async(inline_params(URI, types.Position(99, 0), types.InlineCompletionTriggerKind.Invoked))
    with pytest.raises(Exception, match="unknown document"):
        await client.text_document_inline_completion_async(inline_params("file:///nope.py", types.Position(0, 0), types.InlineCompletionTriggerKind.Invoked))
    open_doc(client, "file:///tmp/notes.txt", "hello", language="plaintext")
    result = await client.text_document_inline_completion_async(inline_params("file:///tmp/notes.txt", types.Position(0, 0), types.InlineCompletionTriggerKind.Invoked))
    assert result == [] or not result.items
    open_doc(client, "file:///tmp/huge.py", "x = 1\n" * 400_000)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier("file:///tmp/huge.py"), types.Range(types.Position(0, 0), types.Position(0, 1)), types.CodeActionContext([])))
    assert not actions
    result = await client.text_document_inline_completion_async(inline_params(URI, types.Position(6, 4), types.InlineCompletionTriggerKind.Invoked))
    assert result is not None, "still serving"


@pytest.mark.asyncio
async def test_instruction_refactor_is_refused_clearly_by_the_builtin_kind(client: LanguageClient):
    open_doc(client, URI, PY)
    await client.workspace_execute_command_async(types.ExecuteCommandParams(
        "diffusion.refactor", [URI, {"start": {"line": 6, "character": 0}, "end": {"line": 7, "character": 0}}, "use a loop"]))
    assert any("cannot follow instructions" in m.message for m in client.messages)


LONG = PY + "".join(f"\n\ndef helper_{i}(values):\n    return [v * {i} for v in values if v > {i}]\n" for i in range(30))


async def _long_fill_action(client: LanguageClient, **settings) -> types.CodeAction:
    """"Fill selection" of ~290 tokens (budget ~440, within the tiny model's 512-token window) with 256 steps:
    256 model calls, long enough to cancel or change the document while it runs."""
    open_doc(client, URI, LONG)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        {"diffusion": {"steps": 256, "maxTokens": 1024, "syntaxRounds": 0, **settings}}))
    end = types.Position(30, 0)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), types.Range(types.Position(0, 0), end), types.CodeActionContext([])))
    return next(a for a in actions if a.title.startswith("Fill selection"))


@pytest.mark.asyncio
async def test_stale_version_gives_content_modified(client: LanguageClient):
    task = asyncio.ensure_future(client.code_action_resolve_async(await _long_fill_action(client)))
    await asyncio.sleep(0.1)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(version=2, uri=URI),
        [types.TextDocumentContentChangePartial(types.Range(types.Position(0, 0), types.Position(0, 0)), "# edited\n")]))
    with pytest.raises(Exception, match="document changed"):
        await task


@pytest.mark.asyncio
async def test_cancel_request(client: LanguageClient):
    action = await _long_fill_action(client)
    future = client.protocol.send_request(types.CODE_ACTION_RESOLVE, action, msg_id="cancel-me")
    await asyncio.sleep(0.1)
    client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id="cancel-me"))
    with pytest.raises(Exception, match="cancel"):
        await asyncio.wrap_future(future)
    result = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier(URI), types.Range(types.Position(2, 4), types.Position(2, 8)), types.CodeActionContext([])))
    assert result, "still serving after a cancel"


@pytest.mark.asyncio
async def test_long_work_reports_progress(client: LanguageClient):
    resolved = await client.code_action_resolve_async(await _long_fill_action(client, progressDelayMs=0))
    # The random model's 30-line fill rarely parses: then the user is told, and nothing is edited.
    assert resolved.edit is not None or any("no fill that parses" in m.message for m in client.messages)
    reports = [r for token_reports in client.progress_reports.values() for r in token_reports]
    assert any(isinstance(r, types.WorkDoneProgressBegin) for r in reports)
    assert any(isinstance(r, types.WorkDoneProgressEnd) for r in reports)


@pytest.mark.asyncio
async def test_settings_change_takes_effect_and_bad_values_warn(client: LanguageClient):
    open_doc(client, URI, PY)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({"diffusion": {"holeMarker": "@@HOLE@@", "steps": -3}}))
    await asyncio.sleep(0.2)
    assert any("invalid setting steps" in m.message for m in client.messages)
    open_doc(client, "file:///tmp/h.py", "x = @@HOLE@@\n", version=1)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        types.TextDocumentIdentifier("file:///tmp/h.py"), types.Range(types.Position(0, 0), types.Position(0, 0)), types.CodeActionContext([])))
    assert any(a.title.startswith("Fill holes") for a in actions), "the new hole marker is used"


@pytest.mark.asyncio
async def test_a_dead_remote_backend_is_reported_and_the_server_keeps_serving(client: LanguageClient):
    from tests.lsp_server.conftest import CHECKPOINT
    from tests.lsp_server.test_remote import _free_port
    open_doc(client, URI, PY)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        {"diffusion": {"model": f"http://127.0.0.1:{_free_port()}/v1"}}))
    result = await client.text_document_inline_completion_async(inline_params(URI, types.Position(6, 4)))
    assert not result or not result.items
    assert any("cannot reach remote model" in m.message for m in client.messages)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({"diffusion": {"model": str(CHECKPOINT)}}))
    result = await client.text_document_inline_completion_async(inline_params(URI, types.Position(6, len("    total = add("))))
    assert result.items, "back to the local model"


@pytest.mark.asyncio
async def test_a_dream_checkpoint_serves_ghost_text(client: LanguageClient, tmp_path):
    from tests.model.test_hf_dream import write_tiny_dream
    dream = write_tiny_dream(tmp_path)
    open_doc(client, URI, PY + "# note: \n")  # in a comment whatever one line the random model writes is kept
    # Random weights are sure of nothing: the confidence cut is off, the plumbing is what is tested.
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({"diffusion": {
        "model": str(dream), "ghostMinConfidence": 0}}))
    result = await client.text_document_inline_completion_async(inline_params(URI, types.Position(8, len("# note: "))))
    assert result.items
    assert any(str(dream) in m.message and "loaded" in m.message for m in client.log_messages)


@pytest.mark.asyncio
async def test_a_llada_checkpoint_serves_ghost_text(client: LanguageClient, tmp_path):
    from tests.model.test_hf_llada import write_tiny_llada
    llada, _ = write_tiny_llada(tmp_path)
    open_doc(client, URI, PY + "# note: \n")  # in a comment whatever one line the random model writes parses
    # Random weights are sure of nothing: the confidence cut is off, the plumbing is what is tested.
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams({"diffusion": {
        "model": str(llada), "ghostMinConfidence": 0}}))
    result = await client.text_document_inline_completion_async(inline_params(URI, types.Position(8, len("# note: "))))
    assert result.items


@pytest.mark.asyncio
@pytest.mark.parametrize("sglang", [False, True])
async def test_refactor_with_an_instruction_through_a_chat_api(client: LanguageClient, sglang: bool):
    """A chat endpoint, and SGLang's streamed shape (role chunk, empty closing delta, usage chunk without choices)."""
    from tests.lsp_server.api_standins import StandIn

    def answer(path, body):
        selection = body["messages"][-1]["content"].split("<selection>")[1].split("</selection>")[0]
        return "```python\n" + selection.replace("total = add(1, 2)", "total = add(2, 1)") + "\n```"
    chat = StandIn(answer, sglang=sglang)
    edits = []

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams):
        edits.append(params.edit)
        return types.ApplyWorkspaceEditResult(applied=True)
    try:
        open_doc(client, URI, PY)
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            {"diffusion": {"model": f"{chat.origin}/v1", "remoteApi": "chat", "remoteModel": "mercury"}}))
        selection = {"start": {"line": 6, "character": 4}, "end": {"line": 6, "character": len("    total = add(1, 2)")}}
        await client.workspace_execute_command_async(types.ExecuteCommandParams("diffusion.refactor", [URI, selection, "swap the arguments"]))
        [edit] = edits
        [change] = edit.document_changes
        assert _apply(PY, change.edits) == PY.replace("total = add(1, 2)", "total = add(2, 1)")
        assert all(e.range.start.line == 6 and e.range.end.line == 6 for e in change.edits), "only the selection"
        path, _, body = chat.requests[0]
        assert path == "/v1/chat/completions" and body["model"] == "mercury" and "swap the arguments" in body["messages"][-1]["content"]
    finally:
        chat.close()
