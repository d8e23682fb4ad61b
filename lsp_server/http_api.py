"""`diffusion-lsp serve-http`: the OpenAI-style FIM endpoint, served from the machine that holds the model.

POST /v1/completions {"prompt", "suffix", "max_tokens", "temperature", "language"} ->
{"choices": [{"text": ...}]}; GET /v1/models lists the model. One model thread serves every request:
requests that arrive within `batch_window_s` of each other are denoised together, as one padded batch.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from infill.document import Document
from infill.engine import run_infill, run_infill_batch
from infill.errors import InfillError
from infill.languages import language_for_id
from infill.task import Span
from model.errors import ModelError

from .settings import Settings

MAX_BODY_BYTES = 2_000_000


class CompletionServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address, denoiser, settings: Settings, batch_window_s: float = 0.02, max_batch: int = 8):
        super().__init__(address, CompletionHandler)
        self.denoiser, self.settings = denoiser, settings
        self.batch_window_s, self.max_batch = batch_window_s, max_batch
        self.pending: queue.Queue = queue.Queue()
        threading.Thread(target=self._model_loop, name="diffusion-model", daemon=True).start()

    def request(self, body: dict):
        """(document, spans, options) of a completion request; InfillError on a bad field."""
        prompt, suffix = body.get("prompt"), body.get("suffix", "")
        max_tokens, temperature = body.get("max_tokens", self.settings.max_tokens), body.get("temperature", 0.0)
        if not isinstance(prompt, str) or not isinstance(suffix, str):
            raise InfillError("prompt and suffix must be strings")
        if not isinstance(max_tokens, int) or not 1 <= max_tokens <= 1024:
            raise InfillError("max_tokens must be an integer from 1 to 1024")
        if not isinstance(temperature, (int, float)) or not 0 <= temperature <= 2:
            raise InfillError("temperature must be a number from 0 to 2")
        doc = Document(prompt + suffix, language_for_id(str(body.get("language", "python"))))
        options = self.settings.infill_options()
        options.sampler.temperature = float(temperature)
        options.max_fill_tokens = max_tokens
        return doc, [Span(len(prompt), len(prompt), kind="selection", budget=max_tokens)], options

    def complete(self, body: dict) -> dict:
        future: Future = Future()
        self.pending.put((self.request(body), future))
        result, batch_size = future.result()
        return {"id": f"cmpl-{uuid.uuid4().hex[:24]}", "object": "text_completion", "created": int(time.time()),
                "model": self.denoiser.name, "choices": [{"index": 0, "text": result.fills[0].text, "finish_reason": "stop"}],
                "usage": {"completion_tokens": result.tokens, "model_calls": result.trace.nfe, "batch_size": batch_size}}

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
                self._run(items)

    def _run(self, items) -> None:
        try:
            if hasattr(self.denoiser, "logits"):
                outcomes = run_infill_batch(self.denoiser, [request for request, _ in items])
            else:  # a text-level backend cannot batch
                outcomes = [run_infill(self.denoiser, *request) for request, _ in items]
        except Exception as exc:  # the whole batch failed: every waiting request hears why
            outcomes = [exc] * len(items)
        for (_, future), outcome in zip(items, outcomes):
            if isinstance(outcome, Exception):
                future.set_exception(outcome)
            else:
                future.set_result((outcome, len(items)))


class CompletionHandler(BaseHTTPRequestHandler):
    server: CompletionServer

    def _send(self, status: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str) -> None:
        self._send(status, {"error": {"message": message, "type": "invalid_request_error" if status < 500 else "server_error"}})

    def do_GET(self):
        if self.path.rstrip("/") == "/v1/models":
            return self._send(200, {"object": "list", "data": [{"id": self.server.denoiser.name, "object": "model"}]})
        self._error(404, f"no such endpoint: {self.path}")

    def do_POST(self):
        if self.path.rstrip("/") != "/v1/completions":
            return self._error(404, f"no such endpoint: {self.path}")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            return self._error(413, "request body too large")
        try:
            body = json.loads(self.rfile.read(length) or b"null")
            if not isinstance(body, dict):
                raise ValueError
        except ValueError:
            return self._error(400, "the body must be a JSON object")
        try:
            self._send(200, self.server.complete(body))
        except InfillError as exc:
            self._error(400, str(exc))
        except ModelError as exc:
            self._error(503, str(exc))

    def log_message(self, format, *args):  # quiet: no request lines on stderr
        pass


def serve_http(denoiser, settings: Settings, host: str, port: int, batch_window_s: float = 0.02, ready=None) -> None:
    server = CompletionServer((host, port), denoiser, settings, batch_window_s)
    print(f"diffusion-lsp: serving {denoiser.name} on http://{host}:{server.server_address[1]}/v1", flush=True)
    if ready:
        ready(server)
    try:
        server.serve_forever()
    finally:
        server.server_close()
