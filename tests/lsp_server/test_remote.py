"""The remote FIM backend against real HTTP servers on 127.0.0.1: our own serve-http, and misbehaving stubs."""

import json
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from model.errors import ModelError
from model.remote import API_KEY_ENV, RemoteFiller
from tests.lsp_server.test_cli import cli


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def http_model(tiny_checkpoint):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "lsp_server", "serve-http", "--port", str(port), "--model", str(tiny_checkpoint),
                             "--device", "cpu", "--steps", "4", "--batch-window-ms", "300"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert "serving" in proc.stdout.readline()
    yield f"http://127.0.0.1:{port}/v1"
    proc.terminate()
    proc.wait(10)


def test_round_trip_through_our_own_server(http_model):
    text = RemoteFiller(http_model).complete("def f(x):\n    return ", "\n", max_tokens=6)
    assert isinstance(text, str) and "\n" not in text.strip("\n")


def test_requests_arriving_together_share_a_batch(http_model):
    from concurrent.futures import ThreadPoolExecutor
    import urllib.request

    def post(i):
        body = json.dumps({"prompt": f"def f{i}(x):\n    return ", "suffix": "\n" * (i + 1), "max_tokens": 4 + i}).encode()
        with urllib.request.urlopen(urllib.request.Request(f"{http_model}/completions", data=body), timeout=60) as r:
            return json.loads(r.read())
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(post, range(4)))
    assert all(isinstance(a["choices"][0]["text"], str) for a in answers)
    assert max(a["usage"]["batch_size"] for a in answers) > 1


def test_cli_fills_through_the_remote_backend(http_model, tmp_path):
    # Holes in comments: any one line the random model sends there parses.
    (tmp_path / "h.py").write_text("a = 1  # <|fill|>\nb = 2  # <|fill|>\n")
    run = cli("infill", tmp_path / "h.py", "--holes", "--json", "--model", http_model, "--syntax-rounds", "0")
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert len(out["fills"]) == 2 and out["nfe"] == 2 and out["model"] == http_model
    assert out["text"].startswith("a = 1  # ") and "<|fill|>" not in out["text"]


def test_our_server_rejects_bad_requests(http_model):
    import urllib.error
    import urllib.request
    for body in (b"[1]", b"{not json", json.dumps({"prompt": 3}).encode(), json.dumps({"prompt": "x", "max_tokens": 0}).encode()):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(urllib.request.Request(f"{http_model}/completions", data=body), timeout=30)
        assert err.value.code == 400 and "message" in json.loads(err.value.read())["error"]


class Stub:
    """A loopback server that answers from a script: a list of (status, body, delay) per request."""

    def __init__(self, script):
        self.script, self.requests = list(script), []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                stub.requests.append((dict(self.headers), json.loads(self.rfile.read(int(self.headers["Content-Length"])))))
                status, body, delay = stub.script.pop(0) if len(stub.script) > 1 else stub.script[0]
                time.sleep(delay)
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


OK = {"choices": [{"text": "x + 1"}]}


def test_retries_with_backoff_on_429_and_5xx():
    stub = Stub([(503, "busy", 0), (429, "slow down", 0), (200, OK, 0)])
    try:
        assert RemoteFiller(stub.url, backoff=0.01).complete("a = ", "\n", 8) == "x + 1"
        assert len(stub.requests) == 3
    finally:
        stub.close()


@pytest.mark.parametrize("script,message", [
    ([(500, "boom", 0)], "HTTP 500"),
    ([(404, "nope", 0)], "HTTP 404"),
    ([(200, "{not json", 0)], "not JSON"),
    ([(200, {"choices": []}, 0)], "malformed"),
    ([(200, OK, 2.0)], "timed out"),
])
def test_bad_responses_give_clear_errors(script, message):
    stub = Stub(script)
    try:
        with pytest.raises(ModelError, match=message):
            RemoteFiller(stub.url, timeout=0.5, retries=1, backoff=0.01).complete("a = ", "\n", 8)
    finally:
        stub.close()


def test_unreachable_server_and_the_api_key_is_sent_but_never_shown(monkeypatch):
    monkeypatch.setenv(API_KEY_ENV, "sk-secret-123")
    stub = Stub([(500, "boom", 0)])
    try:
        with pytest.raises(ModelError) as err:
            RemoteFiller(stub.url, model="mercury-coder", retries=0).complete("a = ", "\n", 8)
        assert "sk-secret" not in str(err.value)
        headers, body = stub.requests[0]
        assert headers["Authorization"] == "Bearer sk-secret-123" and body["model"] == "mercury-coder"
    finally:
        stub.close()
    with pytest.raises(ModelError, match="cannot reach"):
        RemoteFiller(f"http://127.0.0.1:{_free_port()}/v1", retries=0).complete("a", "", 4)
