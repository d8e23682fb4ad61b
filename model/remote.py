"""A remote fill-in-the-middle backend: OpenAI-style POST {base}/completions with `prompt` and `suffix`.

Such an endpoint returns text, not logits, so it is not a Denoiser: the editing layer drives it at
text level (infill/remote_fill.py). The API key comes only from an environment variable and is never
logged or put in an error message.
"""

from __future__ import annotations

import json
import os
import socket
import time
import urllib.error
import urllib.request

from .errors import ModelError

API_KEY_ENV = "DIFFUSION_LSP_API_KEY"
RETRY_STATUSES = {429, 500, 502, 503, 504}


class RemoteFiller:
    follows_instructions = False

    def __init__(self, base_url: str, model: str = "", timeout: float = 30.0, retries: int = 3, backoff: float = 0.5):
        self.base_url = base_url.rstrip("/")
        self.model, self.timeout, self.retries, self.backoff = model, timeout, retries, backoff
        self.name = f"{self.base_url}#{model}" if model else self.base_url

    def _request(self, payload: dict) -> dict:
        headers = {"Content-Type": "application/json"}
        if os.environ.get(API_KEY_ENV):
            headers["Authorization"] = f"Bearer {os.environ[API_KEY_ENV]}"
        request = urllib.request.Request(f"{self.base_url}/completions", data=json.dumps(payload).encode(), headers=headers)
        for attempt in range(self.retries + 1):
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read()
                break
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUSES or attempt == self.retries:
                    raise ModelError(f"remote model at {self.base_url} answered HTTP {exc.code} {exc.reason}"
                                     f"{' after ' + str(attempt + 1) + ' tries' if attempt else ''}") from None
            except (TimeoutError, socket.timeout):
                if attempt == self.retries:
                    raise ModelError(f"remote model at {self.base_url} timed out after {self.timeout:g} s "
                                     f"({attempt + 1} tries)") from None
            except urllib.error.URLError as exc:
                if attempt == self.retries:
                    raise ModelError(f"cannot reach remote model at {self.base_url}: {exc.reason}") from None
            time.sleep(self.backoff * 2 ** attempt)
        try:
            return json.loads(body)
        except ValueError:
            raise ModelError(f"remote model at {self.base_url} sent a response that is not JSON") from None

    def complete(self, prompt: str, suffix: str, max_tokens: int, temperature: float = 0.0) -> str:
        """The text that goes between `prompt` and `suffix`."""
        payload = {"prompt": prompt, "suffix": suffix, "max_tokens": max_tokens, "temperature": temperature}
        if self.model:
            payload["model"] = self.model
        data = self._request(payload)
        try:
            text = data["choices"][0]["text"]
        except (KeyError, IndexError, TypeError):
            raise ModelError(f"remote model at {self.base_url} sent a malformed response (no choices[0].text)") from None
        if not isinstance(text, str):
            raise ModelError(f"remote model at {self.base_url} sent a malformed response (text is not a string)")
        return text
