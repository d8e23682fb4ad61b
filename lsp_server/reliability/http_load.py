"""`serve-http` under load: concurrent keep-alive clients on loopback against a real server process."""

from __future__ import annotations

import http.client
import json
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter

from ..latency import percentile
from .raw_client import rss_mb

PROMPTS = [("def add(a, b):\n    return ", "\n"), ("for i in range(10):\n    print(", ")\n"),
           ("class Point:\n    def __init__(self, x, y):\n        self.x = ", "\n        self.y = y\n")]


def start_server(model: str, extra: tuple[str, ...] = ()) -> tuple[subprocess.Popen, int]:
    """A `diffusion-lsp serve-http` process on a free loopback port, and that port, once it listens."""
    process = subprocess.Popen([sys.executable, "-m", "lsp_server", "serve-http", "--host", "127.0.0.1", "--port", "0",
                                "--model", model, *extra], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()  # "diffusion-lsp: serving NAME on http://127.0.0.1:PORT/v1"
    if "http://" not in line:
        process.kill()
        raise RuntimeError(f"serve-http did not start: {line!r}")
    return process, int(line.rsplit(":", 1)[1].split("/")[0])


def _client(port: int, requests: int, seed: int, latencies: list, statuses: Counter, lock: threading.Lock) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for k in range(requests):
        prompt, suffix = PROMPTS[(seed + k) % len(PROMPTS)]
        body = json.dumps({"prompt": prompt, "suffix": suffix, "max_tokens": 8})
        started = time.perf_counter()
        try:
            connection.request("POST", "/v1/completions", body, {"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status = type(exc).__name__
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        with lock:
            latencies.append(time.perf_counter() - started)
            statuses[status] += 1
    connection.close()


def http_load(model: str, clients: int = 32, requests: int = 1000, steps: int = 4) -> dict:
    """`clients` threads, each sending `requests` completions one after another: errors, p50/p95, memory."""
    process, port = start_server(model, ("--steps", str(steps)))
    latencies, statuses, lock = [], Counter(), threading.Lock()
    try:
        threads = [threading.Thread(target=_client, args=(port, requests, c, latencies, statuses, lock))
                   for c in range(clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        rss, peak = rss_mb(process.pid), rss_mb(process.pid, "VmHWM")
        alive = process.poll() is None
    finally:
        process.terminate()
        process.wait(timeout=30)
    total = clients * requests
    return {"clients": clients, "requests_per_client": requests, "requests": total,
            "ok": statuses.get(200, 0), "errors": total - statuses.get(200, 0),
            "statuses": {str(k): v for k, v in statuses.items()}, "seconds": round(seconds, 1),
            "requests_per_second": round(total / seconds, 1),
            "p50_ms": round(1000 * statistics.median(latencies), 1),
            "p95_ms": round(1000 * percentile(latencies, 0.95), 1),
            "server_alive": alive, "rss_mb": rss, "peak_rss_mb": peak}
