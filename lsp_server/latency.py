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

KEYSTROKE_GAP = 0.15  # seconds from one keystroke to the next: a person's pace (a fast typist's is about 0.12)


def _cursor_positions(text: str, n: int) -> list[types.Position]:
    """Ends of non-blank code lines in the second half of the file (about 1k tokens precede them), cycled."""
    lines = text.split("\n")
    ends = [types.Position(i, len(line)) for i, line in enumerate(lines) if line.strip() and i >= len(lines) // 3]
    return [ends[i % len(ends)] for i in range(n)]


def _typed_lines(lines: list[str]) -> list[int]:
    """Lines of the second half with some code on them (about 1k tokens precede them): the ones typed again."""
    return [i for i, line in enumerate(lines) if len(line.strip()) >= 8 and i >= len(lines) // 2]


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

        async def complete(position, at: str = uri) -> tuple[float, int]:
            started = time.perf_counter()
            result = await client.text_document_inline_completion_async(types.InlineCompletionParams(
                context=types.InlineCompletionContext(trigger_kind=types.InlineCompletionTriggerKind.Automatic),
                text_document=types.TextDocumentIdentifier(at), position=position))
            items = result.items if isinstance(result, types.InlineCompletionList) else (result or [])
            return time.perf_counter() - started, len(items)

        positions = _cursor_positions(text, requests)
        load_seconds, _ = await complete(positions[0])  # the first request also loads the model
        timings, non_empty = [], 0
        for position in tqdm(positions, desc="inline completions", unit="req", file=sys.stderr):
            seconds, n = await complete(position)
            timings.append(seconds)
            non_empty += n > 0
        typing, version = await _retype_lines(client, uri, text, complete, requests, KEYSTROKE_GAP, 1)
        burst, _ = await _retype_lines(client, uri, text, complete, requests, 0.0, version)
        opened = await _first_in_new_files(client, file, text, complete, min(requests, 10))
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
        "typing_keystroke_gap_ms": round(1000 * KEYSTROKE_GAP),
        # each keystroke as soon as the last answer came: closer than ghostDebounceMs, so the server waits for a pause
        "typing_burst_p50_ms": round(1000 * statistics.median(burst), 1) if burst else None,
        "typing_burst_p95_ms": round(1000 * percentile(burst, 0.95), 1) if burst else None,
        "first_in_new_file_requests": len(opened),
        "first_in_new_file_p50_ms": round(1000 * statistics.median(opened), 1) if opened else None,
        "first_in_new_file_p95_ms": round(1000 * percentile(opened, 0.95), 1) if opened else None,
        **rss,
    }


async def _retype_lines(client, uri: str, text: str, complete, requests: int, gap: float,
                        version: int) -> tuple[list[float], int]:
    """Lines of the second half typed again, a keystroke at a time (didChange) `gap` seconds apart (or as soon as
    the last answer came), ghost text asked right after each one; the document is as it was afterwards. Returns
    the timings and the document's version."""
    lines = text.split("\n")
    chosen = _typed_lines(lines)
    timings, last = [], 0.0

    async def change(i: int, start: int, end: int, new: str) -> None:
        nonlocal version, last
        await asyncio.sleep(max(0.0, gap - (time.perf_counter() - last)))
        version += 1
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [types.TextDocumentContentChangePartial(types.Range(types.Position(i, start), types.Position(i, end)), new)]))
        last = time.perf_counter()

    for i in chosen:
        line = lines[i]
        indent = len(line) - len(line.lstrip())
        await change(i, indent, len(line), "")
        for col in range(indent, len(line)):
            if len(timings) >= requests:
                await change(i, col, col, line[col:])  # the rest of the line back: the next run types it again
                return timings, version
            await change(i, col, col, line[col])
            seconds, _ = await complete(types.Position(i, col + 1))
            timings.append(seconds)
    return timings, version


async def _first_in_new_files(client, file: Path, text: str, complete, count: int) -> list[float]:
    """The first request in a newly opened document (the model loaded, nothing of this document cached): the file
    opened under another name each time with one line of the second half typed halfway, asked there."""
    lines = text.split("\n")
    chosen = _typed_lines(lines)
    timings = []
    for k, i in enumerate(chosen[::max(1, len(chosen) // count)][:count]):
        indent = len(lines[i]) - len(lines[i].lstrip())
        column = indent + (len(lines[i]) - indent) // 2
        typed = "\n".join(lines[:i] + [lines[i][:column]] + lines[i + 1:])
        uri = file.resolve().with_name(f"{file.stem}-opened-{k}{file.suffix}").as_uri()
        client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "python", 1, typed)))
        seconds, _ = await complete(types.Position(i, column), uri)
        timings.append(seconds)
        client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    return timings


def _rss_mb(pid: int) -> dict:
    """The server's resident memory now and at its peak (Linux /proc), in MiB."""
    from .reliability.raw_client import rss_mb
    return {"rss_mb": rss_mb(pid), "peak_rss_mb": rss_mb(pid, "VmHWM")}


def measure_latency(model: str, device: str, requests: int = 50, file: Path | None = None, settings: dict | None = None) -> dict:
    settings = {"ghostContextTokens": 1024, **(settings or {})}
    return asyncio.run(measure(model, device, requests, file or BENCH_FILE, settings))
