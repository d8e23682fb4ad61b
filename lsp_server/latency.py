"""Inline-completion latency of the real server over stdio: p50/p95 over many requests, as JSON."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient
from tqdm import tqdm

from infill import BENCH_FILE


def _cursor_positions(text: str, n: int) -> list[types.Position]:
    """Ends of non-blank code lines in the second half of the file (about 1k tokens precede them), cycled."""
    lines = text.split("\n")
    ends = [types.Position(i, len(line)) for i, line in enumerate(lines) if line.strip() and i >= len(lines) // 3]
    return [ends[i % len(ends)] for i in range(n)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def measure(model: str, device: str, requests: int, file: Path, settings: dict) -> dict:
    client = LanguageClient("diffusion-lsp-latency", "0.1")
    client.feature(types.WINDOW_LOG_MESSAGE)(lambda params: None)
    client.feature(types.WINDOW_SHOW_MESSAGE)(lambda params: None)
    await client.start_io(sys.executable, "-m", "lsp_server", "serve", "--model", model, "--device", device)
    try:
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(), initialization_options=settings))
        client.initialized(types.InitializedParams())
        text = file.read_text()
        uri = file.resolve().as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, text)))

        async def complete(position) -> tuple[float, int]:
            started = time.perf_counter()
            result = await client.text_document_inline_completion_async(types.InlineCompletionParams(
                context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
                text_document=types.TextDocumentIdentifier(uri), position=position))
            items = result.items if isinstance(result, types.InlineCompletionList) else (result or [])
            return time.perf_counter() - started, len(items)

        positions = _cursor_positions(text, requests)
        load_seconds, _ = await complete(positions[0])  # the first request also loads the model
        timings, non_empty = [], 0
        for position in tqdm(positions, desc="inline completions", unit="req", file=sys.stderr):
            seconds, n = await complete(position)
            timings.append(seconds)
            non_empty += n > 0
        typing = await _retype_lines(client, uri, text, complete, requests)
        rss = _rss_mb(client._server.pid)
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
    return {
        "model": model, "device": device, "requests": requests, "file": str(file), "settings": settings,
        "first_request_seconds": round(load_seconds, 4),
        "p50_ms": round(1000 * statistics.median(timings), 1),
        "p95_ms": round(1000 * percentile(timings, 0.95), 1),
        "mean_ms": round(1000 * statistics.fmean(timings), 1),
        "non_empty_rate": round(non_empty / requests, 3),
        "typing_requests": len(typing),
        "typing_p50_ms": round(1000 * statistics.median(typing), 1) if typing else None,
        "typing_p95_ms": round(1000 * percentile(typing, 0.95), 1) if typing else None,
        **rss,
    }


async def _retype_lines(client, uri: str, text: str, complete, requests: int) -> list[float]:
    """Lines of the second half typed again, a keystroke at a time (didChange), ghost text asked after each one."""
    lines = text.split("\n")
    chosen = [i for i, line in enumerate(lines) if len(line.strip()) >= 8 and i >= len(lines) // 2]
    timings, version = [], 1
    for i in chosen:
        line = lines[i]
        indent = len(line) - len(line.lstrip())
        version += 1
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangePartial(types.Range(types.Position(i, indent), types.Position(i, len(line))), "")]))
        for col in range(indent, len(line)):
            if len(timings) >= requests:
                return timings
            version += 1
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [types.TextDocumentContentChangePartial(types.Range(types.Position(i, col), types.Position(i, col)), line[col])]))
            seconds, _ = await complete(types.Position(i, col + 1))
            timings.append(seconds)
    return timings


def _rss_mb(pid: int) -> dict:
    """The server's resident memory now and at its peak (Linux /proc), in MiB."""
    from .reliability.raw_client import rss_mb
    return {"rss_mb": rss_mb(pid), "peak_rss_mb": rss_mb(pid, "VmHWM")}


def measure_latency(model: str, device: str, requests: int = 50, file: Path | None = None, settings: dict | None = None) -> dict:
    settings = {"ghostContextTokens": 1024, **(settings or {})}
    return asyncio.run(measure(model, device, requests, file or BENCH_FILE, settings))
