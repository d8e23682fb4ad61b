"""HTTP for remote backends: JSON posts with retries (429 honours Retry-After), server-sent events, cancellation.

The API key is sent as a bearer token and never logged nor put in an error message.
"""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.request
from typing import Callable, Iterator

from .errors import ModelError

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_S = 30.0


class RemoteCancelled(Exception):
    """The caller stopped a streamed answer mid-way (a newer keystroke, $/cancelRequest)."""


def _error_detail(exc: urllib.error.HTTPError) -> str:
    """The server's own message from an OpenAI-style or llama.cpp error body, if it sent one."""
    try:
        body = json.loads(exc.read() or b"null")
    except (ValueError, OSError):
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else error if isinstance(error, str) else None
    return f": {str(message)[:200]}" if message else ""


def _retry_after(exc: urllib.error.HTTPError, default: float) -> float:
    value = exc.headers.get("Retry-After") if exc.headers else None
    try:
        return min(MAX_RETRY_AFTER_S, max(0.0, float(value))) if value is not None else default
    except ValueError:
        return default


class JsonClient:
    """POSTs JSON to one endpoint; streams server-sent events when the server answers with them."""

    def __init__(self, where: str, api_key: str | None, timeout: float, retries: int, backoff: float):
        self.where, self.api_key = where, api_key
        self.timeout, self.retries, self.backoff = timeout, retries, backoff

    def _open(self, url: str, payload: dict | None):
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = json.dumps(payload).encode() if payload is not None else None
        request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
        for attempt in range(self.retries + 1):
            wait = self.backoff * 2 ** attempt
            try:
                return urllib.request.urlopen(request, timeout=self.timeout)
            except urllib.error.HTTPError as exc:
                if exc.code not in RETRY_STATUSES or attempt == self.retries:
                    tries = f" after {attempt + 1} tries" if attempt else ""
                    raise ModelError(f"remote model at {self.where} answered HTTP {exc.code} {exc.reason}"
                                     f"{_error_detail(exc)}{tries}") from None
                wait = _retry_after(exc, wait)
            except (TimeoutError, socket.timeout):
                if attempt == self.retries:
                    raise ModelError(f"remote model at {self.where} timed out after {self.timeout:g} s "
                                     f"({attempt + 1} tries)") from None
            except urllib.error.URLError as exc:
                if attempt == self.retries:
                    raise ModelError(f"cannot reach remote model at {self.where}: {exc.reason}") from None
            time.sleep(wait)
        raise AssertionError("unreachable")

    def get_json(self, url: str) -> dict | None:
        """One GET without retries (a probe); None on any failure."""
        client = JsonClient(self.where, self.api_key, min(self.timeout, 5.0), 0, 0.0)
        try:
            with client._open(url, None) as response:
                body = json.loads(response.read())
        except (ModelError, ValueError, OSError):
            return None
        return body if isinstance(body, dict) else None

    def post(self, url: str, payload: dict, keep_going: Callable[[], bool] | None = None) -> Iterator[dict]:
        """The JSON answer, or each event of a streamed one; stops with RemoteCancelled when `keep_going` says no."""
        with self._open(url, payload) as response:
            if "text/event-stream" not in (response.headers.get("Content-Type") or ""):
                try:
                    body = json.loads(response.read())
                except ValueError:
                    raise ModelError(f"remote model at {self.where} sent a response that is not JSON") from None
                if not isinstance(body, dict):
                    raise ModelError(f"remote model at {self.where} sent a malformed response (not an object)")
                yield body
                return
            for raw in response:
                if keep_going is not None and not keep_going():
                    raise RemoteCancelled()
                line = raw.decode("utf-8", errors="replace").strip()
                if not line.startswith("data:"):
                    continue
                data = line[len("data:"):].strip()
                if data == "[DONE]":
                    return
                try:
                    event = json.loads(data)
                except ValueError:
                    raise ModelError(f"remote model at {self.where} streamed an event that is not JSON") from None
                if isinstance(event, dict):
                    yield event
