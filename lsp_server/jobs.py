"""Async glue between LSP requests and the model worker: results, cancellation, staleness, $/progress."""

from __future__ import annotations

import asyncio
import uuid

from lsprotocol import types
from pygls.exceptions import JsonRpcContentModified, JsonRpcRequestCancelled

from infill import InfillOptions, InfillResult, Span, run_infill
from infill.local_edits import propose_edits
from infill.next_edit import MAX_EDIT_TOKENS, EditRequest, edits_from_rewrite, mercury_edit_prompt
from infill.task import Fill
from model.denoiser import is_token_level

from .documents import OpenDocument
from .worker import Job, JobCancelled


def fill_work(entry: OpenDocument, spans: list[Span], options: InfillOptions):
    """The job body: one fill of a snapshot of the document (its ranked candidates ride along in the result)."""
    doc = entry.document.snapshot()  # later edits on the event loop must not reach the worker's copy

    def work(denoiser, job: Job) -> InfillResult:
        return run_infill(denoiser, doc, spans, options)

    return work


def edit_work(entry: OpenDocument, cursor: int, request: EditRequest):
    """The job body of a next-edit request: the backend's edits ([] when it predicts none): an edit model's around
    the cursor, a local model's where the latest edit belongs too (infill/local_edits.py)."""
    doc = entry.document.snapshot()

    def work(backend, job: Job) -> list[Fill]:
        if is_token_level(backend):
            if request.previous is None:
                return []
            return sorted((p.fill for p in propose_edits(backend, doc, request.previous)), key=lambda f: f.start)
        if not getattr(backend, "predicts_edits", False):
            return []
        content, region = mercury_edit_prompt(doc, cursor, request)
        return edits_from_rewrite(doc, region, backend.edit(content, MAX_EDIT_TOKENS))

    return work


async def run_job(server, entry: OpenDocument, work, title: str, expected_calls: int):
    """Run `work` on the model thread; cancelled requests stop it; stale results become ContentModified."""
    job, future = server.worker.submit(entry.uri, entry.version, work)
    wrapped = asyncio.wrap_future(future)
    progress = asyncio.ensure_future(report_progress(server, job, wrapped, title, expected_calls))
    try:
        result = await wrapped
    except asyncio.CancelledError:  # $/cancelRequest
        job.cancel()
        raise
    except JobCancelled:
        if _is_stale(server, job):
            raise JsonRpcContentModified("the document changed while the model was working") from None
        raise JsonRpcRequestCancelled("superseded by a newer request") from None
    finally:
        await progress
    if _is_stale(server, job):
        raise JsonRpcContentModified("the document changed while the model was working")
    return result


def _is_stale(server, job: Job) -> bool:
    current = server.store.get(job.key)
    return current is None or current.version != job.version


async def report_progress(server, job: Job, done: asyncio.Future, title: str, expected_calls: int) -> None:
    """Work-done progress for jobs that run longer than the progress delay, when the client supports it."""
    try:
        await asyncio.wait_for(asyncio.shield(done), server.settings.progress_delay_ms / 1000)
        return
    except (asyncio.TimeoutError, asyncio.CancelledError, Exception):
        if done.done():
            return
    window = getattr(server.client_capabilities, "window", None)
    if not (window and window.work_done_progress):
        return
    token = str(uuid.uuid4())
    try:
        await server.work_done_progress.create_async(token)
    except Exception:
        return
    server.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, percentage=0, cancellable=False))
    while not done.done():
        percent = min(99, int(100 * job.model_calls / max(1, expected_calls)))
        server.work_done_progress.report(token, types.WorkDoneProgressReport(message=f"{job.model_calls} model calls",
                                                                              percentage=percent))
        await asyncio.wait([done], timeout=0.2)
    server.work_done_progress.end(token, types.WorkDoneProgressEnd(message="done"))
