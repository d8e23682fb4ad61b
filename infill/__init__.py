"""The editing layer: text, positions and spans in; checked fills out. The server uses only what is named here.

Rooms: source/ (what a file is), decode/ (canvas in, drafts out), checks/ (whether a fill may be shown),
evaluation/ (harnesses and benchmarks, on top: nothing in the engine imports it); engine.py runs the pipeline.
"""

from pathlib import Path

from .engine import run_infill, run_infill_batch
from .errors import InfillError
from .source.document import Document
from .source.languages import LANGUAGES, LanguageSpec, grammar, language_for_id, language_for_path
from .source.spans import (
                           function_at,
                           function_by_name,
                           select_cursor,
                           select_function_body,
                           select_holes,
                           select_lines,
                           select_range,
)
from .task import Fill, InfillOptions, InfillResult, InfillTask, Span

BENCH_FILE = Path(__file__).parent / "samples" / "bench_context.py"  # a real-sized file the benchmarks fill in

__all__ = ["BENCH_FILE", "Document", "Fill", "InfillError", "InfillOptions", "InfillResult", "InfillTask", "LANGUAGES",
           "LanguageSpec", "Span", "function_at", "function_by_name", "grammar", "language_for_id",
           "language_for_path", "run_infill", "run_infill_batch", "select_cursor", "select_function_body",
           "select_holes", "select_lines", "select_range"]
