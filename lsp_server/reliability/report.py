"""`diffusion-lsp reliability`: every reliability figure in one JSON object (full sizes by default)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from tqdm import tqdm

from .hostile_checkpoints import hostile_checkpoints
from .hostile_documents import documents_through_server, reparse_per_keystroke
from .hostile_lsp import hostile_lsp
from .http_load import http_load
from .outside_spans import edits_outside_spans
from .storm import keystroke_storm

SECTIONS = ("hostile_lsp", "storm", "documents", "reparse", "outside_spans", "checkpoints", "http_load")


@dataclass(kw_only=True)
class ReliabilitySizes:
    messages: int = 10_000        # hostile LSP messages
    storm_pairs: int = 100        # didChange + inlineCompletion pairs within one second
    document_scale: float = 1.0   # 1.0: 10 MB and 50,000-line documents
    reparse_lines: int = 5000
    cases: int = 1000             # random selections checked for edits outside their span
    clients: int = 32
    client_requests: int = 1000   # requests per serve-http client


def reliability_report(model: str, sizes: ReliabilitySizes, sections: tuple[str, ...] = SECTIONS) -> dict:
    for name in sections:
        if name not in SECTIONS:
            raise ValueError(name)
    runs = {
        "hostile_lsp": lambda bar: hostile_lsp(model, sizes.messages, progress=bar.update),
        "storm": lambda bar: keystroke_storm(model, sizes.storm_pairs),
        "documents": lambda bar: documents_through_server(model, sizes.document_scale),
        "reparse": lambda bar: reparse_per_keystroke(sizes.reparse_lines),
        "outside_spans": lambda bar: edits_outside_spans(model, sizes.cases, progress=bar.update),
        "checkpoints": lambda bar: hostile_checkpoints(),
        "http_load": lambda bar: http_load(model, sizes.clients, sizes.client_requests),
    }
    report = {"model": model, "sizes": vars(sizes)}
    for name in sections:
        started = time.perf_counter()
        total = {"hostile_lsp": sizes.messages, "outside_spans": sizes.cases}.get(name)
        with tqdm(total=total, desc=name, unit="msg" if name == "hostile_lsp" else "case", file=sys.stderr) as bar:
            report[name] = runs[name](bar)
        report[name]["section_seconds"] = round(time.perf_counter() - started, 1)
    return report
