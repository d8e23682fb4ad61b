"""Loopback stand-ins for the remote APIs the server talks to, each with its documented request and answer shape:
OpenAI-style /v1/completions (vLLM, our serve-http), Mercury's /v1/fim/completions, llama.cpp's /infill (and /props),
and /v1/chat/completions. Each checks the fields it needs, answers streamed (server-sent events) when asked, and can
answer 429 with Retry-After first."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable


def _fields_missing(body: dict, *names: str) -> list[str]:
    return [n for n in names if n not in body]


class StandIn:
    """`answer(path, body) -> str` writes the text; `busy_first` answers the first request with 429."""

    def __init__(self, answer: Callable[[str, dict], str], busy_first: float | None = None, chunk_delay: float = 0.0,
                 llama: bool = False):
        self.answer, self.busy_first, self.chunk_delay, self.llama = answer, busy_first, chunk_delay, llama
        self.requests: list[tuple[str, dict, dict]] = []  # (path, headers, body)
        self.times: list[float] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _json(self, status: int, payload: dict, headers: dict | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})}.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/props" and stand_in.llama:
                    return self._json(200, {"default_generation_settings": {"n_ctx": 4096}, "total_slots": 1})
                self._json(404, {"error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                stand_in.requests.append((self.path, dict(self.headers), body))
                stand_in.times.append(time.monotonic())
                if stand_in.busy_first is not None and len(stand_in.requests) == 1:
                    return self._json(429, {"error": {"message": "rate limited", "type": "rate_limit_error"}},
                                      {"Retry-After": str(stand_in.busy_first)})
                route = stand_in.route(self.path, body)
                if route is None:
                    return self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                missing, shape = route
                if missing:
                    return self._json(400, {"error": {"message": f"missing field(s): {', '.join(missing)}",
                                                      "type": "invalid_request_error"}})
                text = stand_in.answer(self.path, body)
                if body.get("stream"):
                    return self._stream(shape, text)
                self._json(200, shape(text, True))

            def _stream(self, shape, text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                pieces = [text[i:i + 3] for i in range(0, len(text), 3)] or [""]
                try:
                    for piece in pieces:
                        self._chunk(f"data: {json.dumps(shape(piece, False))}\n\n")
                        time.sleep(stand_in.chunk_delay)
                    if not stand_in.llama:
                        self._chunk("data: [DONE]\n\n")
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _chunk(self, text: str) -> None:
                data = text.encode()
                self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
                self.wfile.flush()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, path: str, body: dict):
        """(missing fields, answer shape) for a known path, else None."""
        if path == "/v1/completions":
            return _fields_missing(body, "prompt", "suffix", "max_tokens"), _completion
        if path == "/v1/fim/completions":  # Mercury: the model is required
            return _fields_missing(body, "model", "prompt", "suffix", "max_tokens"), _completion
        if path == "/infill" and self.llama:
            return _fields_missing(body, "input_prefix", "input_suffix", "n_predict"), _llama
        if path == "/v1/chat/completions":
            return _fields_missing(body, "messages"), _chat
        return None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _completion(text: str, whole: bool) -> dict:
    return {"id": "cmpl-1", "object": "text_completion", "choices": [{"index": 0, "text": text,
                                                                      "finish_reason": "stop" if whole else None}]}


def _chat(text: str, whole: bool) -> dict:
    key = "message" if whole else "delta"
    return {"id": "chat-1", "object": "chat.completion" if whole else "chat.completion.chunk",
            "choices": [{"index": 0, key: {"role": "assistant", "content": text}, "finish_reason": "stop" if whole else None}]}


def _llama(text: str, whole: bool) -> dict:
    return {"content": text, "stop": whole}
