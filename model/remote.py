"""Remote backends as their APIs really are: one request shape per API, chosen by `api` (or decided from the URL).

| api                | request                                                                          | answer                      |
|--------------------|----------------------------------------------------------------------------------|-----------------------------|
| openai-completions | POST {base}/completions {model, prompt, suffix, max_tokens, temperature, stream}  | choices[0].text             |
| fim                | POST {base}/fim/completions, the same fields (Mercury, Codestral)                 | choices[0].text or .message |
| llama-infill       | POST {server}/infill {input_prefix, input_suffix, input_extra, n_predict, ...}    | content                     |
| chat               | POST {base}/chat/completions {model, messages, max_tokens, temperature, stream}   | choices[0].message.content  |
| edit               | fills as fim; next edits POST {base}/edit/completions {model, messages: [one user  | choices[0].message.content  |
|                    | message in Mercury Edit's tags], max_tokens}, never streamed                      | (None: no prediction)       |

Such endpoints return text, not logits, so they are not Denoisers: the editing layer drives them at text level
and writes what a chat model is asked (infill/remote_fill.py, infill/decode/chat_prompts.py). Only `chat` follows instructions ("Refactor with instruction"). Streamed answers stop
as soon as the caller cancels. The API key comes from an environment variable and is never logged.
"""

from __future__ import annotations

import os
from typing import Callable
from urllib.parse import urlsplit, urlunsplit

from .errors import ModelError
from .remote_http import JsonClient

API_KEY_ENV = "DIFFUSION_LSP_API_KEY"
REMOTE_APIS = ("auto", "openai-completions", "fim", "llama-infill", "chat", "edit")
FIM_HOSTS = ("api.inceptionlabs.ai", "api.mistral.ai", "codestral.mistral.ai")


def _decide_api(base: str, probe: Callable[[str], dict | None]) -> tuple[str, str]:
    """(api, base) from the URL path, the host, or one probe for llama.cpp's /props."""
    parts = urlsplit(base)
    path = parts.path.rstrip("/")
    for suffix, api in (("/infill", "llama-infill"), ("/fim/completions", "fim"), ("/chat/completions", "chat"),
                        ("/completions", "openai-completions")):
        if path.endswith(suffix):
            return api, urlunsplit(parts._replace(path=path[: -len(suffix)]))
    if parts.hostname in FIM_HOSTS:
        return "fim", base
    server = urlunsplit(parts._replace(path=path.removesuffix("/v1")))
    props = probe(f"{server}/props")
    if props is not None and "default_generation_settings" in props:
        return "llama-infill", base
    return "openai-completions", base


class RemoteFiller:
    def __init__(self, base_url: str, model: str = "", timeout: float = 30.0, retries: int = 3, backoff: float = 0.5,
                 api: str = "auto", api_key_env: str = "", stream: bool = True):
        if api not in REMOTE_APIS:
            raise ModelError(f"unknown remote API {api!r} (choose from {', '.join(REMOTE_APIS)})")
        self.base_url, self.model, self.stream = base_url.rstrip("/"), model, stream
        self.name = f"{self.base_url}#{model}" if model else self.base_url
        self.api_key_env = api_key_env or API_KEY_ENV
        self.client = JsonClient(self.base_url, os.environ.get(self.api_key_env), timeout, retries, backoff)
        self._api = None if api == "auto" else api
        self._base = self.base_url

    @property
    def api(self) -> str:
        """The API shape in use; `auto` decides once, from the URL or a probe."""
        if self._api is None:
            self._api, self._base = _decide_api(self.base_url, self.client.get_json)
        return self._api

    @property
    def follows_instructions(self) -> bool:
        return self.api == "chat"

    @property
    def predicts_edits(self) -> bool:
        """Whether next edits go to /edit/completions: the edit API, or an Inception mercury-edit model."""
        return self._api == "edit" or self.model.startswith("mercury-edit")

    def _url(self) -> str:
        api, base = self.api, self._base
        if api == "llama-infill":
            parts = urlsplit(base)
            return urlunsplit(parts._replace(path=parts.path.rstrip("/").removesuffix("/v1") + "/infill"))
        return base + {"openai-completions": "/completions", "fim": "/fim/completions", "edit": "/fim/completions",
                       "chat": "/chat/completions"}[api]

    def _payload(self, body: dict) -> dict:
        if self.model:
            body["model"] = self.model
        if self.stream:
            body["stream"] = True
        return body

    def _collect(self, payload: dict, pick: Callable[[dict], str | None], keep_going) -> str:
        pieces = []
        for event in self.client.post(self._url(), self._payload(payload), keep_going):
            piece = pick(event)
            if piece is None:
                raise ModelError(f"remote model at {self.base_url} sent a malformed response ({self.api} answer "
                                 "without its text)")
            pieces.append(piece)
        return "".join(pieces)

    def complete(self, prompt: str, suffix: str, max_tokens: int, temperature: float = 0.0,
                 extra: list[tuple[str, str]] | None = None, keep_going: Callable[[], bool] | None = None) -> str:
        """The text that goes between `prompt` and `suffix`; `extra` = (file name, text) of neighbouring files."""
        api = self.api
        if api == "llama-infill":
            body = {"input_prefix": prompt, "input_suffix": suffix, "n_predict": max_tokens, "temperature": temperature,
                    "input_extra": [{"filename": name, "text": text} for name, text in extra or []]}
            return self._collect(body, _llama_text, keep_going)
        if api == "chat":
            raise ModelError("a chat API is asked in messages (chat()), not with a prefix and a suffix")
        body = {"prompt": prompt, "suffix": suffix, "max_tokens": max_tokens, "temperature": temperature}
        return self._collect(body, _choice_text, keep_going)

    def chat(self, messages: list[dict], max_tokens: int, temperature: float = 0.0,
             keep_going: Callable[[], bool] | None = None) -> str:
        """A chat model's reply to `messages` (OpenAI's roles and contents), as it wrote it."""
        if self.api != "chat":
            raise ModelError(f"the remote {self.api} API takes no chat messages; use a chat endpoint")
        return self._collect({"messages": messages, "max_tokens": max_tokens, "temperature": temperature},
                             _choice_text, keep_going)


    def edit(self, content: str, max_tokens: int = 512) -> str | None:
        """Mercury Edit's rewrite of the region marked in `content` (one user message in its tags), or None when it
        predicts no edit. The endpoint rejects streaming, so the answer comes whole."""
        base = self._base if self._api is not None else self.base_url
        body = {"messages": [{"role": "user", "content": content}], "max_tokens": max_tokens}
        if self.model:
            body["model"] = self.model
        events = list(self.client.post(base + "/edit/completions", body, None))
        choices = events[-1].get("choices") if events and isinstance(events[-1], dict) else None
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise ModelError(f"remote model at {self.base_url} sent a malformed edit answer (no choices)")
        message = choices[0].get("message") or {}
        content = message.get("content") if isinstance(message, dict) else None
        return content if isinstance(content, str) else None


def _choice_text(event: dict) -> str | None:
    """The text of an OpenAI-shaped answer or streamed event: choices[0].text, .message.content or .delta.content."""
    choices = event.get("choices")
    if choices == [] and isinstance(event.get("usage"), dict):
        return ""  # a stream's closing usage chunk (include_usage; SGLang and vLLM can send it unasked)
    choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else None
    if choice is None:
        return None
    if isinstance(choice.get("text"), str):
        return choice["text"]
    for key in ("message", "delta"):  # chat answers, Codestral's FIM answers, and streamed deltas
        if isinstance(choice.get(key), dict):
            content = choice[key].get("content")
            return content if isinstance(content, str) else ""
    return "" if choice.get("finish_reason") else None


def _llama_text(event: dict) -> str | None:
    content = event.get("content")
    return content if isinstance(content, str) else None

