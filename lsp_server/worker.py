"""One model thread: jobs run one at a time, the newest job per document wins, cancellation between steps."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable


class JobCancelled(Exception):
    """The job was cancelled: by the client, a newer request, or a newer document version."""


@dataclass
class Job:
    key: str                      # the document URI: a newer job for it supersedes this one
    version: int | None
    cancelled: threading.Event = field(default_factory=threading.Event)
    outdated: threading.Event = field(default_factory=threading.Event)  # its document has a newer version
    model_calls: int = 0          # progress: denoiser calls so far

    def cancel(self) -> None:
        self.cancelled.set()


@dataclass
class WorkerStats:
    """What the model thread has done since start: the reliability figures read it (command diffusion.stats)."""
    jobs: int = 0
    jobs_skipped: int = 0         # cancelled before they reached the model
    model_calls: int = 0
    stale_model_calls: int = 0    # calls that finished after their document had changed: wasted work

    def as_dict(self) -> dict:
        return dict(vars(self))


class _Cancellable:
    def __init__(self, inner, job: Job, stats: WorkerStats):
        self._inner, self._job, self._stats = inner, job, stats

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def _model_call(self) -> None:
        if self._job.cancelled.is_set():
            raise JobCancelled()
        self._job.model_calls += 1

    def _call_done(self) -> None:
        self._stats.model_calls += 1
        self._stats.stale_model_calls += self._job.outdated.is_set()


class CancellableDenoiser(_Cancellable):
    """Wraps a denoiser so a cancelled job stops at its next model call, i.e. between denoising steps."""

    FORWARD_PASSES = ("full_states", "update_states")  # the context caches' passes are model calls too

    def __getattr__(self, name):
        inner = getattr(self._inner, name)
        if name not in self.FORWARD_PASSES:
            return inner

        def counted(*args, **kwargs):
            self._model_call()
            try:
                return inner(*args, **kwargs)
            finally:
                self._call_done()
        return counted

    def logits(self, ids, attention_mask=None, positions=None, **cache):
        self._model_call()
        try:
            return self._inner.logits(ids, attention_mask, positions=positions, **cache)
        finally:
            self._call_done()


class CancellableFiller(_Cancellable):
    """Wraps a text-level backend (a remote API) so a cancelled job stops before its next request, and a streamed
    answer stops mid-way."""

    def _call(self, method: str, *args, **kwargs):
        from model.remote_http import RemoteCancelled
        self._model_call()
        try:
            return getattr(self._inner, method)(*args, keep_going=lambda: not self._job.cancelled.is_set(), **kwargs)
        except RemoteCancelled:
            raise JobCancelled() from None
        finally:
            self._call_done()

    def complete(self, *args, **kwargs):
        return self._call("complete", *args, **kwargs)

    def chat(self, *args, **kwargs):
        return self._call("chat", *args, **kwargs)

    def edit(self, *args, **kwargs):
        self._model_call()  # one whole answer (the edit endpoint never streams): nothing to stop mid-way
        try:
            return self._inner.edit(*args, **kwargs)
        finally:
            self._call_done()


def cancellable(backend, job: Job, stats: WorkerStats):
    from model.denoiser import is_token_level
    wrapper = CancellableDenoiser if is_token_level(backend) else CancellableFiller
    return wrapper(backend, job, stats)


class ModelWorker:
    """Runs every model call on one thread, so typing (the event loop) never waits on the model."""

    def __init__(self, load_denoiser: Callable[[], object]):
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="diffusion-model")
        self._load = load_denoiser
        self._denoiser = None
        self._generation = self._loaded_generation = 0
        self._lock = threading.Lock()       # guards _latest; taken on the event loop, so never held for long
        self._load_lock = threading.Lock()  # guards the model; loading takes seconds
        self._latest: dict[str, Job] = {}
        self.stats = WorkerStats()

    def reset_model(self, load_denoiser: Callable[[], object]) -> None:
        """Use another model from the next job on (settings changed). Never waits: runs on the event loop."""
        self._load = load_denoiser
        self._generation += 1

    def denoiser(self):
        """The model of the newest settings, loaded on first use on the worker thread."""
        with self._load_lock:
            while self._denoiser is None or self._loaded_generation != self._generation:
                generation, load = self._generation, self._load
                self._denoiser, self._loaded_generation = load(), generation
            return self._denoiser

    def submit(self, key: str, version: int | None, work: Callable[[object, Job], object]) -> tuple[Job, Future]:
        """Queue `work(denoiser, job)`; the previous job for the same key is cancelled."""
        job = Job(key, version)
        with self._lock:
            previous = self._latest.get(key)
            self._latest[key] = job
        if previous is not None:
            previous.cancel()
        return job, self._executor.submit(self._run, job, work)

    def cancel_key(self, key: str) -> None:
        with self._lock:
            job = self._latest.get(key)
        if job is not None:
            job.cancel()

    def forget(self, key: str) -> None:
        """A closed document: drop the model's kept states for it (memory goes back; a reopened file starts fresh)."""
        contexts = getattr(self._denoiser, "contexts", None)
        if contexts is not None:
            contexts.forget(key)

    def document_changed(self, key: str, version: int | None) -> None:
        """A newer version of the document: its job is outdated and stops at its next model call."""
        with self._lock:
            job = self._latest.get(key)
        if job is not None and job.version != version:
            job.outdated.set()
            job.cancel()

    def _run(self, job: Job, work):
        if job.cancelled.is_set():
            self.stats.jobs_skipped += 1
            raise JobCancelled()
        self.stats.jobs += 1
        try:
            return work(cancellable(self.denoiser(), job, self.stats), job)
        finally:
            with self._lock:
                if self._latest.get(job.key) is job:
                    del self._latest[job.key]

    def shutdown(self) -> None:
        with self._lock:
            jobs = list(self._latest.values())
        for job in jobs:
            job.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)
