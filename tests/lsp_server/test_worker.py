import threading

import pytest

from lsp_server.worker import JobCancelled, ModelWorker
from model.denoiser import DenoiserBase


class CountingModel(DenoiserBase):
    def __init__(self, name):
        self.name, self.calls = name, 0

    def logits(self, ids, attention_mask=None, positions=None):
        self.calls += 1
        return ids


def test_newest_job_per_document_wins_and_cancels_between_steps():
    started, release = threading.Event(), threading.Event()
    worker = ModelWorker(lambda: CountingModel("a"))

    def slow(denoiser, job):
        started.set()
        release.wait(5)
        for step in range(3):
            denoiser.logits(step)  # a cancelled job stops at its next model call
        return "done"

    first_job, first = worker.submit("doc", 1, slow)
    started.wait(5)
    second_job, second = worker.submit("doc", 2, lambda denoiser, job: denoiser.logits(7))
    assert first_job.cancelled.is_set() and not second_job.cancelled.is_set()
    release.set()
    with pytest.raises(JobCancelled):
        first.result(5)
    assert second.result(5) == 7
    other_job, other = worker.submit("other-doc", 1, lambda d, j: "kept")
    assert other.result(5) == "kept"
    worker.shutdown()


def test_reset_model_loads_the_new_model_for_the_next_job():
    worker = ModelWorker(lambda: CountingModel("a"))
    assert worker.submit("d", 1, lambda d, j: d.name)[1].result(5) == "a"
    worker.reset_model(lambda: CountingModel("b"))
    assert worker.submit("d", 2, lambda d, j: d.name)[1].result(5) == "b"
    worker.shutdown()


def test_a_closed_document_s_kept_states_are_dropped(tiny_denoiser):
    from model.kv_cache import states_for
    worker = ModelWorker(lambda: tiny_denoiser)
    assert worker.submit("file:///a.py", 1, lambda d, j: states_for(d, [5, 6, 7, 8], "file:///a.py", d.contexts))[1].result(5)
    assert tiny_denoiser.contexts.get("file:///a.py") is not None
    worker.forget("file:///a.py")
    assert tiny_denoiser.contexts.get("file:///a.py") is None
    worker.forget("file:///never-opened.py")  # nothing kept: nothing to do
    worker.shutdown()
