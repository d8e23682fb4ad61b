"""The model thread behind serve-http: a bounded queue, and requests arriving close together denoised as one batch."""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import Future

from infill import run_infill, run_infill_batch
from model.denoiser import is_token_level


class QueueFull(Exception):
    """More requests are waiting than the server takes; the client should retry later."""


class Batcher:
    def __init__(self, denoiser, batch_window_s: float = 0.02, max_batch: int = 8, max_queue: int = 64):
        self.denoiser, self.batch_window_s, self.max_batch = denoiser, batch_window_s, max_batch
        self.pending: queue.Queue = queue.Queue(maxsize=max_queue)
        self.busy_until = 0.0  # rough end of the current work, for Retry-After
        threading.Thread(target=self._model_loop, name="diffusion-model", daemon=True).start()

    def submit(self, request) -> Future:
        """Queue (document, spans, options); the future gets (InfillResult, batch size) or the exception."""
        future: Future = Future()
        try:
            self.pending.put_nowait((request, future))
        except queue.Full:
            raise QueueFull() from None
        return future

    def retry_after_s(self) -> int:
        return max(1, int(self.busy_until - time.monotonic() + 0.999))

    def _model_loop(self) -> None:
        while True:
            batch = [self.pending.get()]
            deadline = time.monotonic() + self.batch_window_s
            while len(batch) < self.max_batch and (left := deadline - time.monotonic()) > 0:
                try:
                    batch.append(self.pending.get(timeout=left))
                except queue.Empty:
                    break
            groups: dict[str, list] = {}
            for item in batch:  # one sampler configuration per model batch
                groups.setdefault(repr(item[0][2].sampler), []).append(item)
            for items in groups.values():
                started = time.monotonic()
                self.busy_until = started + 1.0
                self._run(items)
                self.busy_until = time.monotonic() + (time.monotonic() - started) * self.pending.qsize() / self.max_batch

    def _run(self, items) -> None:
        live = [(request, future) for request, future in items if future.set_running_or_notify_cancel()]
        if not live:
            return
        try:
            if is_token_level(self.denoiser):
                outcomes = run_infill_batch(self.denoiser, [request for request, _ in live])
            else:  # a text-level backend cannot batch
                outcomes = [run_infill(self.denoiser, *request) for request, _ in live]
        except Exception as exc:  # the whole batch failed: every waiting request hears why
            outcomes = [exc] * len(live)
        for (_, future), outcome in zip(live, outcomes):
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result((outcome, len(live)))
