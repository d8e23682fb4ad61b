"""The pygls language server: thin handlers that parse params, call infill through the worker, convert results."""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import time
from dataclasses import replace
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcException, JsonRpcInvalidParams, JsonRpcRequestCancelled
from pygls.lsp.server import LanguageServer
from pygls.protocol import JsonRPCNotification, LanguageServerProtocol, lsp_method

from infill import InfillError, InfillOptions, select_cursor, select_range
from infill.local_edits import edit_to_follow
from infill.next_edit import EditRequest
from model.denoiser import is_token_level
from model.errors import ModelError

from . import __version__
from .actions import TITLES, action_spans, available_actions
from .conversions import (
    encoding_name,
    inline_edit_params,
    inline_items,
    lsp_range,
    minimal_fills,
    next_edit_item,
    offset_of,
    offsets_of,
    workspace_edit,
)
from .documents import DocumentStore, OpenDocument
from .jobs import edit_work, fill_work, run_job
from .settings import Settings, apply_settings, backend_settings, ghost_options, ghost_silent
from .worker import ModelWorker
from .workspace import WorkspaceService, workspace_root

REFACTOR_COMMAND = "diffusion.refactor"
STATS_COMMAND = "diffusion.stats"


class DiffusionProtocol(LanguageServerProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        # Prefer utf-8 when the client offers it: tree-sitter counts bytes, so no conversion is needed.
        general = params.capabilities.general
        if general and general.position_encodings and types.PositionEncodingKind.Utf8 in general.position_encodings:
            general.position_encodings = [types.PositionEncodingKind.Utf8]
        return (yield from super().lsp_initialize(params))

    def structure_message(self, data: dict):
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if not (isinstance(data.get("id"), (int, str)) and isinstance(data.get("method"), str)):
                raise
            # A request whose params do not fit its method: answer it, as JSON-RPC asks, rather than leave the
            # client waiting forever (pygls only logs it); what reaches the handlers is a no-op.
            self._send_response(data["id"], error=exc.to_response_error())
            return JsonRPCNotification(method="$/diffusion/invalid", jsonrpc="2.0", params=None)


class DiffusionServer(LanguageServer):
    def __init__(self, settings: Settings | None = None):
        super().__init__("diffusion-lsp", __version__, protocol_cls=DiffusionProtocol)
        self.settings = settings or Settings()
        self.store = DocumentStore()
        self.worker = ModelWorker(self._loader())
        self.workspace_index = WorkspaceService()
        self.root = None  # the workspace folder the client opened, if any
        # Written on the model thread when a model loads, logged on the event loop when the job that loaded it ends
        # (the LSP connection is the event loop's alone).
        self.load_reports: collections.deque[str] = collections.deque()

    @property
    def encoding(self) -> str:
        return encoding_name(self.workspace.position_encoding)

    def log(self, message: str, kind=types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(kind, message))

    def tell(self, message: str, kind=types.MessageType.Warning) -> None:
        self.window_show_message(types.ShowMessageParams(kind, message))
        self.log(message, kind)

    def _loader(self):
        settings = self.settings

        def load():
            from model.denoiser import load_denoiser
            started = time.perf_counter()
            if settings.threads:
                import torch
                torch.set_num_threads(settings.threads)
            denoiser = load_denoiser(settings.model, settings.device, settings.remote_model, settings.remote_api,
                                     settings.remote_api_key_env)
            where = denoiser.device if is_token_level(denoiser) else "a remote server"
            self.load_reports.append(f"model {denoiser.name} loaded on {where} in {time.perf_counter() - started:.1f} s")
            return denoiser
        return load

    def update_settings(self, raw: Any) -> None:
        old = self.settings
        self.settings, warnings = apply_settings(old, raw)
        for warning in warnings:
            self.tell(f"diffusion-lsp: {warning}")
        if backend_settings(old) != backend_settings(self.settings):
            self.worker.reset_model(self._loader())

    def entry(self, uri: str) -> OpenDocument:
        entry = self.store.get(uri)
        if entry is None:
            raise JsonRpcInvalidParams(f"unknown document {uri} (not opened with didOpen)")
        return entry

    def offset(self, entry: OpenDocument, position: types.Position) -> int:
        try:
            return offset_of(entry.document, position, self.encoding)
        except InfillError as exc:
            raise JsonRpcInvalidParams(str(exc)) from None

    def range_offsets(self, entry: OpenDocument, r: types.Range) -> tuple[int, int]:
        try:
            return offsets_of(entry.document, r, self.encoding)
        except InfillError as exc:
            raise JsonRpcInvalidParams(str(exc)) from None

    async def fill(self, entry: OpenDocument, spans, title: str, options: InfillOptions):
        """The fill's result, or None (with the reason logged or shown) when the model cannot give one."""
        infill_options = replace(options, neighbours=self.store.neighbours(entry.uri), context_key=entry.uri)
        remote = self.settings.model.startswith(("http://", "https://"))
        infill_options = self.workspace_index.options_for(self, entry, spans, infill_options, remote)
        expected = infill_options.sampler.steps * (1 + infill_options.syntax_rounds)
        try:
            return await run_job(self, entry, fill_work(entry, spans, infill_options), title, expected)
        except (InfillError, ModelError) as exc:
            self.tell(f"diffusion-lsp: {exc}", types.MessageType.Error if isinstance(exc, ModelError) else types.MessageType.Warning)
            return None
        finally:
            while self.load_reports:
                self.log(self.load_reports.popleft())

    async def typing_pause(self, entry: OpenDocument) -> None:
        """While keystrokes come closer together than ghostDebounceMs, wait for a pause: a fill of a version that is
        about to be replaced is wasted model time. Normal typing (slower than that) never waits."""
        version, window = entry.version, self.settings.ghost_debounce_ms / 1000
        while entry.change_gap < window and (left := window - entry.quiet_for()) > 0:
            await asyncio.sleep(left)
            current = self.store.get(entry.uri)
            if current is not entry or current.version != version:
                raise JsonRpcContentModified("the document changed before the suggestion was made")

    def predicts_edits(self) -> bool:
        """Whether the backend is an edit model (next edits come from it around the cursor)."""
        settings = self.settings
        remote = settings.model.startswith(("http://", "https://"))
        return remote and (settings.remote_api == "edit" or settings.remote_model.startswith("mercury-edit"))

    def may_follow_edit(self, entry: OpenDocument) -> bool:
        """Whether a next edit may be proposed: an edit model always may; a local one where the latest edit changed
        something that still reads as it was nearby (the model then decides, infill/local_edits.py)."""
        if self.predicts_edits():
            return True
        if self.settings.model.startswith(("http://", "https://")) or entry.history is None:
            return False
        previous = entry.history.previous(entry.document.text)
        return previous is not None and edit_to_follow(entry.document, previous)

    async def next_edits(self, entry: OpenDocument, cursor: int):
        """The backend's next edits ([] when it predicts none, or cannot be asked)."""
        history = entry.history.diffs(entry.document.text) if entry.history is not None else ()
        previous = entry.history.previous(entry.document.text) if entry.history is not None else None
        request = EditRequest(entry.uri.rsplit("/", 1)[-1], history, self.store.neighbours(entry.uri, most=3, chars=2000),
                              previous)
        try:
            fills = await run_job(self, entry, edit_work(entry, cursor, request), "Next edit", 1)
            entry.next_edits = (entry.version, fills)
            return fills
        except (InfillError, ModelError) as exc:
            self.tell(f"diffusion-lsp: next edit: {exc}", types.MessageType.Warning)
            return []

    async def edit_fill(self, entry: OpenDocument, spans, mode: str, title: str, instruction=None):
        """A fill to apply as an edit; None, with the user told why, when nothing parses as well as the code did."""
        result = await self.fill(entry, spans, title, self.settings.infill_options(mode, instruction))
        if result is not None and not result.accepted:
            self.tell(f"diffusion-lsp: {title}: {result.refusal()}; nothing was changed")
            return None
        return result


server = DiffusionServer()


def serve(settings: Settings, tcp: tuple[str, int] | None = None) -> None:
    """Run the server on stdio (default) or TCP until the client exits."""
    server.settings = settings
    server.worker.reset_model(server._loader())
    try:
        if tcp:
            server.start_tcp(*tcp)
        else:
            server.start_io()
    finally:
        server.worker.shutdown()
        server.workspace_index.shutdown()


@server.feature(types.INITIALIZE)
def initialize(ls: DiffusionServer, params: types.InitializeParams):
    ls.update_settings(params.initialization_options)
    ls.root = workspace_root(params)


@server.feature(types.INITIALIZED)
async def initialized(ls: DiffusionServer, params: types.InitializedParams):
    ls.workspace_index.start(ls, ls.root)
    watched = ls.client_capabilities.workspace.did_change_watched_files if ls.client_capabilities.workspace else None
    if ls.workspace_index.index is not None and watched and watched.dynamic_registration:
        await ls.client_register_capability_async(types.RegistrationParams([types.Registration(
            "diffusion-watched-files", types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            types.DidChangeWatchedFilesRegistrationOptions([types.FileSystemWatcher("**/*")]))]))


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: DiffusionServer, params: types.DidSaveTextDocumentParams):
    ls.workspace_index.file_changed(params.text_document.uri)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: DiffusionServer, params: types.DidChangeWatchedFilesParams):
    for change in params.changes:
        ls.workspace_index.file_changed(change.uri, deleted=change.type == types.FileChangeType.Deleted)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: DiffusionServer, params: types.DidChangeConfigurationParams):
    ls.update_settings(params.settings)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: DiffusionServer, params: types.DidOpenTextDocumentParams):
    d = params.text_document
    entry = ls.store.open(d.uri, d.language_id, d.version, d.text, ls.settings.enabled_languages, ls.settings.max_document_bytes)
    if entry.unsupported:
        ls.log(f"{d.uri}: not served: {entry.unsupported}")


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: DiffusionServer, params: types.DidChangeTextDocumentParams):
    ls.worker.document_changed(params.text_document.uri, params.text_document.version)  # work on the old one stops
    ls.store.change(params.text_document.uri, params.text_document.version, params.content_changes, ls.encoding,
                    ls.settings.enabled_languages, ls.settings.max_document_bytes)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: DiffusionServer, params: types.DidCloseTextDocumentParams):
    ls.worker.cancel_key(params.text_document.uri)
    ls.worker.forget(params.text_document.uri)
    ls.store.close(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_INLINE_COMPLETION, types.InlineCompletionOptions())
async def inline_completion(ls: DiffusionServer, params: types.InlineCompletionParams):
    entry = ls.entry(params.text_document.uri)
    if entry.document is None:
        ls.log(f"no completion for {entry.uri}: {entry.unsupported}")
        return []
    cursor = ls.offset(entry, params.position)
    if entry.next_edits is not None and entry.next_edits[0] == entry.version:  # a proposed next edit on this line
        item = next_edit_item(entry.document, entry.next_edits[1], cursor, ls.encoding)
        if item is not None:
            return types.InlineCompletionList(items=[item])
    span = select_cursor(entry.document, cursor)
    if ghost_silent(ls.settings, entry.document.language.name):
        return []  # calibrated: this model's ghost text in this language is wrong more often than right
    await ls.typing_pause(entry)
    result = await ls.fill(entry, [span], "Completing", ghost_options(ls.settings, entry.document.language.name))
    return types.InlineCompletionList(items=inline_items(entry.document, result, ls.settings.candidates, ls.encoding))


COPILOT_INLINE_EDIT = "textDocument/copilotInlineEdit"
NEXT_EDIT, NEXT_EDIT_TITLE = "next-edit", "Apply next edit (diffusion)"


@server.feature(COPILOT_INLINE_EDIT)
async def copilot_inline_edit(ls: DiffusionServer, params):
    """Next edits in the shape Copilot's language server answers (`{edits: [{range, text, textDocument}]}`), which
    Neovim plugins consume: from an edit model (Mercury Edit) around the cursor, or from a local model where the
    latest edit belongs too; other remote backends answer no edits."""
    uri, position = inline_edit_params(params)
    entry = ls.entry(uri)
    if entry.document is None:
        return {"edits": []}
    fills = await ls.next_edits(entry, ls.offset(entry, position))
    return {"edits": [{"range": lsp_range(entry.document, f.start, f.end, ls.encoding), "text": f.text,
                       "textDocument": {"uri": uri, "version": entry.version}} for f in fills]}


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.RefactorRewrite, types.CodeActionKind.QuickFix], resolve_provider=True))
def code_action(ls: DiffusionServer, params: types.CodeActionParams):
    entry = ls.entry(params.text_document.uri)
    if entry.document is None:
        return []
    start, end = ls.range_offsets(entry, params.range)
    data = {"uri": entry.uri, "version": entry.version, "start": start, "end": end}
    actions = [types.CodeAction(title=TITLES[a], kind=types.CodeActionKind.RefactorRewrite, data={**data, "action": a})
               for a in available_actions(entry.document, start, end, ls.settings.hole_marker)]
    if ls.may_follow_edit(entry):  # the model's proposal, computed when the user picks it
        actions.append(types.CodeAction(title=NEXT_EDIT_TITLE, kind=types.CodeActionKind.QuickFix,
                                        data={**data, "action": NEXT_EDIT}))
    return actions


@server.feature(types.CODE_ACTION_RESOLVE)
async def resolve_code_action(ls: DiffusionServer, action: types.CodeAction):
    data = action.data if isinstance(action.data, dict) else {}
    entry = ls.entry(str(data.get("uri")))
    if entry.document is None or entry.version != data.get("version"):
        raise JsonRpcRequestCancelled("the document changed since the action was offered; ask again")
    if data.get("action") == NEXT_EDIT:
        fills = await ls.next_edits(entry, int(data.get("start", 0)))
        if fills:
            action.edit = workspace_edit(entry.uri, entry.version, entry.document, fills, ls.encoding)
        else:
            ls.tell("diffusion-lsp: the model proposes no next edit here", types.MessageType.Info)
        return action
    try:
        spans, mode = action_spans(data["action"], entry.document, data["start"], data["end"], ls.settings.hole_marker)
    except (InfillError, KeyError, ValueError, TypeError) as exc:
        raise JsonRpcInvalidParams(f"cannot resolve this action: {exc}") from None
    result = await ls.edit_fill(entry, spans, mode, action.title)
    if result and mode == "refine":  # polish: the tokens it replaced, shown as a diff to confirm
        fills = minimal_fills(entry.document, result.fills)
        action.edit = workspace_edit(entry.uri, entry.version, entry.document, fills, ls.encoding, confirm=action.title)
    elif result:
        action.edit = workspace_edit(entry.uri, entry.version, entry.document, result.fills, ls.encoding)
    return action


@server.command(REFACTOR_COMMAND)
async def refactor(ls: DiffusionServer, *args):
    """Arguments: uri, range, instruction. Needs an instruct-capable backend."""
    try:
        uri, raw_range, instruction = args if len(args) == 3 else args[0]
        r = types.Range(types.Position(**raw_range["start"]), types.Position(**raw_range["end"]))
    except (TypeError, ValueError, KeyError):
        raise JsonRpcInvalidParams(f"{REFACTOR_COMMAND} takes [uri, range, instruction]") from None
    entry = ls.entry(uri)
    if entry.document is None:
        raise JsonRpcInvalidParams(f"{uri} is not served: {entry.unsupported}")
    start, end = ls.range_offsets(entry, r)
    result = await ls.edit_fill(entry, [select_range(entry.document, start, end)], "instruct", "Refactoring", str(instruction))
    if result:
        await ls.workspace_apply_edit_async(types.ApplyWorkspaceEditParams(
            workspace_edit(entry.uri, entry.version, entry.document, result.fills, ls.encoding), label="Refactor"))
    return None


@server.command(STATS_COMMAND)
def stats(ls: DiffusionServer, *args):
    """What the model thread has done (jobs, skipped jobs, model calls, calls wasted on outdated versions) and the
    settings in force, as the server understood them."""
    return {**ls.worker.stats.as_dict(), "settings": dataclasses.asdict(ls.settings)}
