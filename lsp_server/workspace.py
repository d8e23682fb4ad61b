"""The server's workspace index: built on a thread of its own after `initialized` (with $/progress), kept current
from didSave and workspace/didChangeWatchedFiles, and read for each request on the event loop (a few ms)."""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from lsprotocol import types
from pygls.uris import to_fs_path

from infill import InfillOptions
from infill.task import WorkspaceContext
from infill.workspace import IndexLimits, WorkspaceIndex, context_for, related_texts

log = logging.getLogger(__name__)
CHARS_PER_TOKEN = 3.5  # the budget is cut in characters before tokenizing; the engine trims to the token budget


def workspace_root(params: types.InitializeParams) -> Path | None:
    """The first workspace folder, else rootUri, else rootPath; None for a client that opened no folder."""
    uri = params.workspace_folders[0].uri if params.workspace_folders else params.root_uri
    path = to_fs_path(uri) if uri else params.root_path
    return Path(path) if path and Path(path).is_dir() else None


class WorkspaceService:
    def __init__(self):
        self.index: WorkspaceIndex | None = None
        self.indexed = 0                                  # files read so far by the running build
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="workspace-index")
        self._stop = threading.Event()

    def start(self, server, root: Path | None) -> None:
        """Index `root` in the background (nothing when the setting is off or no folder is open)."""
        settings = server.settings
        if root is None or not settings.workspace_context or settings.workspace_max_files == 0:
            return
        self.index = WorkspaceIndex(root, IndexLimits(max_files=settings.workspace_max_files))
        build = self._executor.submit(self._build, self.index)
        asyncio.ensure_future(self._report(server, build))

    def _build(self, index: WorkspaceIndex) -> str:
        def progress(done: int, _path: str) -> None:
            self.indexed = done
        try:
            stats = index.build(progress, self._stop, in_child=True)
        except Exception as exc:  # a workspace the walk cannot finish is logged; the server goes on without it
            log.exception("workspace index failed")
            index.ready.set()
            return f"workspace index failed: {exc}"
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(stats.skipped.items())) or "none"
        return (f"workspace index: {stats.files} files, {stats.definitions} definitions in {stats.seconds:.1f} s "
                f"(skipped: {skipped}{'; stopped at the file limit' if stats.truncated else ''})")

    async def _report(self, server, build) -> None:
        """$/progress while the index builds (when the client takes it), then one log line."""
        token, window = None, server.client_capabilities.window if server.client_capabilities else None
        wrapped = asyncio.wrap_future(build)
        if window and window.work_done_progress:
            token = str(uuid.uuid4())
            try:
                await server.work_done_progress.create_async(token)
                server.work_done_progress.begin(token, types.WorkDoneProgressBegin(title="Indexing workspace",
                                                                                   cancellable=False))
            except Exception:  # a client that refuses the token gets no progress, only the log line
                token = None
        while not wrapped.done():
            await asyncio.wait([wrapped], timeout=0.5)
            if token is not None and not wrapped.done():
                server.work_done_progress.report(token, types.WorkDoneProgressReport(message=f"{self.indexed} files"))
        message = wrapped.result()
        if token is not None:
            server.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))
        server.log(message)

    def file_changed(self, uri: str, text: str | None = None, deleted: bool = False) -> None:
        """Re-read one file (or drop it) on the index's own thread."""
        index = self.index
        if index is None or not uri.startswith("file:"):
            return
        path = Path(to_fs_path(uri))
        self._executor.submit(index.remove if deleted else index.update, path, *([] if deleted else [text]))

    def options_for(self, server, entry, spans, options: InfillOptions, remote: bool) -> InfillOptions:
        """`options` with the workspace context of this request, when the settings allow it for this backend."""
        settings, index = server.settings, self.index
        if not settings.workspace_context or (remote and not settings.remote_workspace_context) or not spans:
            return options
        if options.mode == "instruct" and not remote:
            return options  # a local instruct canvas is a chat turn: the context is not part of it
        path = Path(to_fs_path(entry.uri)) if entry.uri.startswith("file:") else None
        open_files = {name: text for name, text in server.store.neighbours(entry.uri, most=3, chars=6000)}
        budget = int(settings.workspace_context_tokens * CHARS_PER_TOKEN)
        document = entry.document
        snippets = context_for(index, path, document.text, spans[0].start, document.language, budget, open_files)
        texts = related_texts(index, path, document.text, document.language) if not remote else ()
        if not snippets and not texts:
            return options
        relative = index.relative(path) if index is not None and path is not None else ""
        repo = index.root.name if index is not None else ""
        return replace(options, workspace=WorkspaceContext(snippets, repo, relative or "", settings.workspace_context_tokens,
                                                           texts, settings.workspace_draft_confidence))

    def shutdown(self) -> None:
        self._stop.set()
        self._executor.shutdown(wait=False, cancel_futures=True)
