"""Typed requests and results of the editing layer."""

from __future__ import annotations

from dataclasses import dataclass, field

from model.sampler import SamplerOptions, Trace

MODES = ("fill", "refine", "instruct")


@dataclass(frozen=True)
class Span:
    """A region of the document the model rewrites; everything outside it is fixed. Offsets are str offsets."""

    start: int
    end: int
    kind: str = "selection"        # selection | lines | line | block | body | braces | hole
    budget: int | None = None      # tokens the model may use; None lets the engine size it
    indent: str | None = None      # indentation the fill's lines start at (re-indentation)
    single_line: bool = False      # the fill must not contain a newline
    closing: str = ""              # braces: what follows the fill's last line, before the `}`


@dataclass
class InfillOptions:
    sampler: SamplerOptions = field(default_factory=SamplerOptions)
    syntax_rounds: int = 2          # syntax-guided remasking rounds after the first fill
    revise_rounds: int = 0          # self-correction: re-mask the fill's own low-confidence tokens
    max_fill_tokens: int = 256      # cap on one span's budget
    context_tokens: int | None = None  # None: the model's whole window
    mode: str = "fill"              # one of MODES
    instruction: str | None = None


@dataclass
class InfillTask:
    """What the denoiser is asked: the document's text, its language and the spans to fill."""

    text: str
    language: str
    spans: list[Span]
    options: InfillOptions


@dataclass(frozen=True)
class Fill:
    start: int   # str offsets in the original document
    end: int
    text: str


@dataclass
class InfillResult:
    text: str                 # the whole new document
    fills: list[Fill]
    trace: Trace
    tokens: int               # tokens the model generated (pads excluded)
    syntax_errors: int        # ERROR/MISSING nodes left inside the fills
    syntax_rounds: int        # remasking rounds that ran
    model: str
    seconds: float = 0.0
