"""Loopback stand-ins for the remote APIs the server talks to, each with its documented request and answer shape:
OpenAI-style /v1/completions (vLLM, our serve-http), Mercury's /v1/fim/completions, llama.cpp's /infill (and /props),
and /v1/chat/completions (also as SGLang answers it: `sglang=True`). Each checks the fields it needs, answers streamed
(server-sent events) when asked, and can answer 429 with Retry-After first."""

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
                 llama: bool = False, sglang: bool = False):
        self.answer, self.busy_first, self.chunk_delay, self.llama = answer, busy_first, chunk_delay, llama
        self.sglang = sglang
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
                    pieces = [text[i:i + 3] for i in range(0, len(text), 3)] or [""]
                    if shape is _sglang_chat:
                        return self._stream(sglang_stream(pieces))
                    return self._stream([shape(piece, False) for piece in pieces])
                self._json(200, shape(text, True))

            def _stream(self, events: list[dict]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                try:
                    for event in events:
                        self._chunk(f"data: {json.dumps(event, separators=(',', ':'))}\n\n")
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
            return _fields_missing(body, "messages"), _sglang_chat if self.sglang else _chat
        if path == "/v1/edit/completions":  # Mercury Edit: one user message, never streamed
            missing = _fields_missing(body, "model", "messages")
            if body.get("stream") or len(body.get("messages") or []) != 1:
                missing.append("stream is not supported; exactly one message")
            return missing, _chat
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


# SGLang's /v1/chat/completions as its OpenAI entrypoint writes it (serving_chat.py, sse_utils.py): a whole answer
# carries reasoning_content/tool_calls nulls, matched_stop, usage and metadata; a stream opens with the role, sends
# the text in pieces (a diffusion model's whole blocks at a time), closes with an empty delta and finish_reason, and
# (with --stream-response-default-include-usage or stream_options.include_usage) a usage chunk whose choices are empty.
SGLANG_EOS = 156892  # LLaDA2's <|endoftext|>: SGLang reports the id it stopped on as matched_stop
SGLANG_USAGE = {"prompt_tokens": 58, "total_tokens": 70, "completion_tokens": 12, "prompt_tokens_details": None,
                "reasoning_tokens": 0}


SGLANG_HEAD = {"id": "0f3c1d2e8b7a4c5d9e6f", "created": 1764806400, "model": "inclusionAI/LLaDA2.1-mini"}


def _sglang_chat(text: str, whole: bool) -> dict:
    return {**SGLANG_HEAD, "object": "chat.completion",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "reasoning_content": None,
                                                 "tool_calls": None},
                         "logprobs": None, "finish_reason": "stop", "matched_stop": SGLANG_EOS}],
            "usage": SGLANG_USAGE, "metadata": {"weight_version": "default"}}


def sglang_stream(pieces: list[str]) -> list[dict]:
    def chunk(delta: dict, finish: str | None = None, matched=None) -> dict:
        return {**SGLANG_HEAD, "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish,
                             "matched_stop": matched}]}
    usage = {**SGLANG_HEAD, "object": "chat.completion.chunk", "choices": [], "usage": SGLANG_USAGE}
    return ([chunk({"role": "assistant", "content": ""})] + [chunk({"content": piece}) for piece in pieces]
            + [chunk({}, "stop", SGLANG_EOS), usage])
