"""A raw JSON-RPC client over a real `diffusion-lsp serve` process: sends any bytes, reads framed answers."""

from __future__ import annotations

import itertools
import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def encode(message: dict) -> bytes:
    return json.dumps(message, ensure_ascii=False).encode("utf-8", "surrogatepass")


class ServerGone(Exception):
    """The server process exited or stopped answering."""


class RawServer:
    """`python -m lsp_server serve` on pipes; a reader thread sorts answers by id and counts notifications."""

    def __init__(self, model: str, settings: dict | None = None, extra_args: tuple[str, ...] = (),
                 cwd: Path | None = None, root: Path | None = None, capabilities: dict | None = None):
        # `cwd`: a checkout whose server to run instead of the installed one (`eval typing --before`); `root`: the
        # workspace folder the editor opened.
        self.process = subprocess.Popen([sys.executable, "-m", "lsp_server", "serve", "--model", model, *extra_args],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        cwd=cwd)
        self.answers: dict[int | str, dict] = {}
        self.notifications: queue.Queue = queue.Queue()
        self._arrived = threading.Condition()
        self._ids = itertools.count(1)
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": root.resolve().as_uri() if root else None,
                                    "capabilities": capabilities or {},
                                    "initializationOptions": settings or {}}, timeout=60)
        self.notify("initialized", {})

    def _read(self) -> None:
        out = self.process.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    with self._arrived:
                        self._arrived.notify_all()
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii", "replace").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            message = json.loads(out.read(length or 0))
            if "id" in message and "method" not in message:
                with self._arrived:
                    self.answers[message["id"]] = message
                    self._arrived.notify_all()
            elif "method" in message and "id" in message:  # a request from the server: accept it
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            else:
                self.notifications.put(message)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def send_bytes(self, data: bytes) -> None:
        try:
            self.process.stdin.write(data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise ServerGone(f"the server exited with {self.process.poll()}") from None

    def send(self, message: dict) -> None:
        self.send_bytes(frame(encode(message)))

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def start_request(self, method: str, params) -> int:
        ident = next(self._ids)
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        return ident

    def wait(self, ident, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while ident not in self.answers:
                left = deadline - time.monotonic()
                if left <= 0 or not self.alive:
                    raise ServerGone(f"no answer to request {ident} ({'exited' if not self.alive else 'timed out'})")
                self._arrived.wait(min(left, 0.5))
            return self.answers.pop(ident)

    def request(self, method: str, params, timeout: float = 30.0) -> dict:
        return self.wait(self.start_request(method, params), timeout)

    def rss_mb(self) -> float:
        return rss_mb(self.process.pid)

    def close(self) -> int | None:
        try:
            if self.alive:
                self.request("shutdown", None, timeout=10)
                self.notify("exit", None)
            self.process.wait(timeout=10)
        except (ServerGone, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()
        return self.process.returncode


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """Resident memory of a process in MiB (Linux /proc); 0 when it cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0
