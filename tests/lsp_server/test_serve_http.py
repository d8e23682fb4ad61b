"""serve-http on Starlette/uvicorn, as a real process on 127.0.0.1: keys, health, models, streaming, limits, queue."""

import json
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from model.remote import RemoteFiller
from tests.lsp_server.test_cli import cli
from tests.lsp_server.test_remote import _free_port

KEY = "team-key-1"


@pytest.fixture(scope="module")
def guarded(tiny_checkpoint):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "lsp_server", "serve-http", "--port", str(port), "--model", str(tiny_checkpoint),
                             "--device", "cpu", "--steps", "200", "--api-key", KEY, "--max-queue", "1", "--batch-window-ms", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert "serving" in proc.stdout.readline()
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def _call(url, body=None, key=KEY, timeout=60):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=timeout) as r:
            return r.status, dict(r.headers), r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_health_is_open_and_everything_else_needs_the_key(guarded):
    status, _, body = _call(f"{guarded}/health", key=None)
    assert status == 200 and json.loads(body)["status"] == "ok"
    for key in (None, "wrong"):
        status, _, body = _call(f"{guarded}/v1/models", key=key)
        assert status == 401 and "API key" in json.loads(body)["error"]["message"]
        assert _call(f"{guarded}/v1/completions", {"prompt": "x = ", "max_tokens": 4}, key=key)[0] == 401
    status, _, body = _call(f"{guarded}/v1/models")
    assert status == 200 and json.loads(body)["data"][0]["object"] == "model"


def test_streaming_follows_openais_format(guarded, monkeypatch):
    status, headers, body = _call(f"{guarded}/v1/completions", {"prompt": "# note: ", "suffix": "\n", "max_tokens": 4, "stream": True})
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    events = [line[len("data: "):] for line in body.decode().split("\n") if line.startswith("data: ")]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert all(c["object"] == "text_completion" and "text" in c["choices"][0] for c in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    streamed = "".join(c["choices"][0]["text"] for c in chunks)
    whole = json.loads(_call(f"{guarded}/v1/completions", {"prompt": "# note: ", "suffix": "\n", "max_tokens": 4})[2])
    assert streamed == whole["choices"][0]["text"], "greedy decoding: the same text either way"
    monkeypatch.setenv("TEAM_KEY", KEY)  # our own remote client reads the stream too
    filler = RemoteFiller(f"{guarded}/v1", api="openai-completions", api_key_env="TEAM_KEY", stream=True)
    assert filler.complete("# note: ", "\n", 4) == streamed


def test_limits_answer_413_and_400(guarded):
    assert _call(f"{guarded}/v1/completions", {"prompt": "x" * 2_100_000})[0] == 413
    status, _, body = _call(f"{guarded}/v1/completions", {"prompt": "x = ", "max_tokens": 5000})
    assert status == 400 and "max_tokens" in json.loads(body)["error"]["message"]
    assert _call(f"{guarded}/v1/nothing", {"prompt": "x"})[0] == 404


def test_a_full_queue_answers_429_with_retry_after(guarded):
    body = {"prompt": "def f(x):\n    return ", "suffix": "\n", "max_tokens": 200}
    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(lambda _: _call(f"{guarded}/v1/completions", body, timeout=120), range(6)))
    statuses = sorted(status for status, _, _ in answers)
    assert 200 in statuses and 429 in statuses, statuses
    for status, headers, _ in answers:
        if status == 429:
            assert int(headers["retry-after"]) >= 1


def test_binding_beyond_loopback_without_a_key_is_refused(tiny_checkpoint):
    run = cli("serve-http", "--host", "0.0.0.0", "--port", str(_free_port()), "--model", tiny_checkpoint)
    assert run.returncode == 2 and "without an API key" in run.stderr and len(run.stderr.splitlines()) == 1


def test_a_completion_is_open_ended_as_ghost_text_is():
    """FIM clients complete at the cursor: the `return` may be the next line typed, so the promise is not held yet."""
    from infill.checks.fill_checks import check_fills
    from infill.task import Fill
    from lsp_server.http_api import completion_request
    from lsp_server.settings import Settings
    prompt = 'def area(w, h):\n    """Return the area."""\n    '
    doc, spans, _ = completion_request({"prompt": prompt, "suffix": "\n"}, Settings())
    assert spans[0].open_ended
    assert not check_fills(doc, [Fill(len(prompt), len(prompt), "size = w * h")], spans).defects
