"""`diffusion-lsp serve-http`: the model as an OpenAI-style FIM endpoint, on Starlette and uvicorn.

POST /v1/completions {"prompt", "suffix", "max_tokens", "temperature", "language", "stream"} ->
{"choices": [{"text": ...}]} (with `stream: true`, server-sent events in OpenAI's format, ending in [DONE]);
GET /v1/models; GET /health. Bearer API keys (`--api-key` or $DIFFUSION_LSP_SERVE_KEYS, comma-separated) guard
every route but /health; a server reachable beyond loopback must have one. One model thread serves every request;
requests arriving within `batch_window_s` of each other are denoised together (http_batcher.py); a full queue
answers 429 with Retry-After. A fill that parses worse than the code around it is never handed out (empty text).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import os
import time
import uuid

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from infill import Document, InfillError, Span, language_for_id
from model.errors import ModelError

from .http_batcher import Batcher, QueueFull
from .settings import Settings

MAX_BODY_BYTES = 2_000_000
DRAIN_BYTES = 16_000_000  # an oversized body up to this is read and dropped, so its sender sees the 413
MAX_TOKENS_LIMIT = 1024
KEYS_ENV = "DIFFUSION_LSP_SERVE_KEYS"


def _error(status: int, message: str, headers: dict | None = None) -> JSONResponse:
    kind = {401: "authentication_error", 429: "rate_limit_error"}.get(status,
                                                                      "invalid_request_error" if status < 500 else "server_error")
    return JSONResponse({"error": {"message": message, "type": kind}}, status, headers=headers)


def completion_request(body, settings: Settings, max_tokens_limit: int = MAX_TOKENS_LIMIT):
    """(document, spans, options) of a completion request; InfillError on a bad field."""
    if not isinstance(body, dict):
        raise InfillError("the body must be a JSON object")
    prompt, suffix = body.get("prompt"), body.get("suffix", "")
    max_tokens, temperature = body.get("max_tokens", settings.max_tokens), body.get("temperature", 0.0)
    if not isinstance(prompt, str) or not isinstance(suffix, str):
        raise InfillError("prompt and suffix must be strings")
    if not isinstance(max_tokens, int) or isinstance(max_tokens, bool) or not 1 <= max_tokens <= max_tokens_limit:
        raise InfillError(f"max_tokens must be an integer from 1 to {max_tokens_limit}")
    if not isinstance(temperature, (int, float)) or not 0 <= temperature <= 2:
        raise InfillError("temperature must be a number from 0 to 2")
    doc = Document(prompt + suffix, language_for_id(str(body.get("language", "python"))))
    options = settings.infill_options()
    options.sampler.temperature = float(temperature)
    options.max_fill_tokens = max_tokens
    # Open-ended: FIM clients mostly complete at the cursor, where the code after the fill may still be coming (a
    # client that asks for a whole body checks it itself, as our server does with a remote model: remote_fill.py).
    return doc, [Span(len(prompt), len(prompt), kind="selection", budget=max_tokens, open_ended=True)], options


def _completion(model: str, text: str, result, batch_size: int) -> dict:
    return {"id": f"cmpl-{uuid.uuid4().hex[:24]}", "object": "text_completion", "created": int(time.time()), "model": model,
            "choices": [{"index": 0, "text": text, "finish_reason": "stop"}],
            "usage": {"completion_tokens": result.tokens, "model_calls": result.trace.nfe, "batch_size": batch_size}}


def _events(model: str, text: str, result, batch_size: int):
    """OpenAI-style streamed chunks: the text a line at a time, a finish chunk, then [DONE]."""
    ident, created = f"cmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    pieces = [line for line in text.splitlines(keepends=True)] or [""]
    for piece in pieces:
        yield f"data: {json.dumps({'id': ident, 'object': 'text_completion', 'created': created, 'model': model, 'choices': [{'index': 0, 'text': piece, 'finish_reason': None}]})}\n\n"
    final = _completion(model, "", result, batch_size)
    final["id"], final["created"], final["choices"][0]["finish_reason"] = ident, created, "stop"
    yield f"data: {json.dumps(final)}\n\n"
    yield "data: [DONE]\n\n"


def build_app(denoiser, settings: Settings, api_keys: list[str], batch_window_s: float = 0.02, max_queue: int = 64,
              max_tokens_limit: int = MAX_TOKENS_LIMIT) -> Starlette:
    batcher = Batcher(denoiser, batch_window_s, max_queue=max_queue)

    def authorised(request: Request) -> bool:
        if not api_keys:
            return True
        given = request.headers.get("authorization", "")
        token = given[7:] if given.lower().startswith("bearer ") else ""
        return any(hmac.compare_digest(token.encode(), key.encode()) for key in api_keys)

    async def health(request: Request):
        return JSONResponse({"status": "ok", "model": denoiser.name, "queued": batcher.pending.qsize()})

    async def models(request: Request):
        if not authorised(request):
            return _error(401, "a valid API key is required (Authorization: Bearer ...)")
        return JSONResponse({"object": "list", "data": [{"id": denoiser.name, "object": "model", "owned_by": "diffusion-lsp"}]})

    async def completions(request: Request):
        if not authorised(request):
            return _error(401, "a valid API key is required (Authorization: Bearer ...)")
        try:
            declared = int(request.headers.get("content-length") or 0)
        except ValueError:
            return _error(400, "bad Content-Length")
        if declared > MAX_BODY_BYTES:
            if declared <= DRAIN_BYTES:  # closing mid-upload would leave the client a broken pipe, not the answer
                async for _ in request.stream():
                    pass
            return _error(413, "request body too large")
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            return _error(413, "request body too large")
        try:
            body = json.loads(raw or b"null")
            fill_request = completion_request(body, settings, max_tokens_limit)
            future = batcher.submit(fill_request)
        except (ValueError, InfillError) as exc:
            return _error(400, str(exc) if isinstance(exc, InfillError) else "the body must be a JSON object")
        except QueueFull:
            return _error(429, "the server is busy; retry later", {"Retry-After": str(batcher.retry_after_s())})
        try:
            result, batch_size = await asyncio.wrap_future(future)
        except InfillError as exc:
            return _error(400, str(exc))
        except ModelError as exc:
            return _error(503, str(exc), {"Retry-After": "5"})
        text = result.fills[0].text if result.accepted else ""
        if body.get("stream"):
            return StreamingResponse(_events(denoiser.name, text, result, batch_size), media_type="text/event-stream")
        return JSONResponse(_completion(denoiser.name, text, result, batch_size))

    return Starlette(routes=[Route("/health", health), Route("/v1/models", models),
                             Route("/v1/completions", completions, methods=["POST"])])


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_exposure(host: str, keys: list[str]) -> None:
    if not keys and not is_loopback(host):
        raise InfillError(f"refusing to serve on {host} without an API key: anyone who reaches the port would use the "
                          f"model (pass --api-key or set ${KEYS_ENV}, or bind to 127.0.0.1)")


def server_keys(cli_key: str | None) -> list[str]:
    keys = [cli_key] if cli_key else []
    keys += [k.strip() for k in os.environ.get(KEYS_ENV, "").split(",") if k.strip()]
    return keys


def serve_http(denoiser, settings: Settings, host: str, port: int, batch_window_s: float = 0.02, api_key: str | None = None,
               max_queue: int = 64) -> None:
    import uvicorn

    keys = server_keys(api_key)
    check_exposure(host, keys)
    app = build_app(denoiser, settings, keys, batch_window_s, max_queue)

    class Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            if not self.should_exit:  # listening now: say where (the port may have been 0)
                bound = self.servers[0].sockets[0].getsockname()[1] if self.servers else port
                print(f"diffusion-lsp: serving {denoiser.name} on http://{host}:{bound}/v1", flush=True)

    Server(uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False)).run()
