"""Typed requests and results of the editing layer."""

from __future__ import annotations

from dataclasses import dataclass, field

from model.polish import PolishOptions
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
    # Ghost text: the user goes on typing after the fill, so the code around it may be unfinished (a body without
    # its `return` yet); other fills finish the code they sit in and are held to it (infill/checks/python/promises.py).
    open_ended: bool = False


@dataclass(frozen=True)
class WorkspaceContext:
    """Definitions and related code from other files of the workspace for one request (infill/workspace)."""

    snippets: tuple = ()      # infill.workspace.Snippet, best first
    repo: str = ""            # the workspace folder's name
    path: str = ""            # this file, relative to the workspace
    max_tokens: int = 256     # the most of a local model's canvas it may take
    texts: tuple[str, ...] = ()  # the related files' texts: ghost text may copy a line's ending from them
    draft_confidence: float = 0.05  # ... when the model's geometric-mean probability of the copy reaches this


@dataclass
class InfillOptions:
    sampler: SamplerOptions = field(default_factory=SamplerOptions)
    syntax_rounds: int = 2          # syntax-guided remasking rounds after the first fill
    revise_rounds: int = 0          # self-correction: re-mask the fill's own low-confidence tokens
    max_fill_tokens: int = 256      # cap on one span's budget
    context_tokens: int | None = None  # None: the model's whole window
    # Keep the canvas near the window the model was trained on (its train_window; docs/eval/context.md). Ghost
    # text turns it off (more suggestions shown with the whole context) and so do the speed benchmarks.
    keep_to_train_window: bool = True
    mode: str = "fill"              # one of MODES
    instruction: str | None = None
    lengths: str = "search"         # fill mode: "search" several lengths per hole, one "budget" canvas with pads,
                                    # or "exact": each hole is exactly its span's budget, no pads (a ceiling in evals)
    candidates: int = 1             # ranked candidates to return (distinct fills, best first)
    cut_back: bool = False          # ghost text: a fill that parses worse is cut to its longest prefix that does not
    neighbours: tuple[tuple[str, str], ...] = ()  # (file name, text) of other open files, for remote APIs that take them
    workspace: WorkspaceContext | None = None  # read before the file, in each backend's own format
    polish: PolishOptions = field(default_factory=PolishOptions)  # mode "refine": when a token may be replaced
    context_key: str = ""           # the document's identity (its URI): cache mode "reuse" keeps its states between requests
    max_lengths: int = 6            # length search: candidate lengths per hole (fewer is faster; ghost text uses few)
    # Ghost text: cut each fill at its first token the model committed with less than this probability (0: keep all;
    # infill/decode/confidence.py). Backends that return text without probabilities are not cut.
    min_confidence: float = 0.0
    # Ghost text: a draft copied from the document (infill/decode/lookup.py) is shown when the geometric mean of its
    # tokens' probabilities, each scored with the ones before it in place, reaches this (1: no drafts).
    lookup_confidence: float = 1.0


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


def shared_ends(old: str, new: str) -> tuple[int, int]:
    """How many characters `old` and `new` share at their start, and then at their end: what changed lies between."""
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    return head, tail


@dataclass
class Candidate:
    """One complete way to fill the spans, with the model's score for it and whether it may be shown."""

    fills: list[Fill]
    score: float              # mean log-probability of the fill tokens when the model committed them
    errors: int               # problems of the whole file with these fills (parse errors, defects: infill/checks/fill_checks.py)
    accepted: bool            # the file has no more problems than without the fill
    lengths: list[int] = field(default_factory=list)  # the hole lengths it was decoded at (token positions)
    pieces: list[list[tuple[str, float]]] = field(default_factory=list)  # per fill: decoded tokens, commit probability
    confidence: float = 1.0   # the lowest commit probability among the tokens the fills show


@dataclass
class InfillResult:
    text: str                 # the whole new document (the best attempt, also when it is not accepted)
    fills: list[Fill]
    trace: Trace
    tokens: int               # tokens the model generated (pads excluded)
    syntax_errors: int        # problems left inside the fills (ERROR/MISSING nodes, defects)
    syntax_rounds: int        # remasking rounds that ran
    model: str
    seconds: float = 0.0
    accepted: bool = True     # False: no candidate parses as well as the file did without the fill; show nothing
    candidates: list[Candidate] = field(default_factory=list)  # accepted ones first, then by score
    baseline_errors: int = 0  # problems the file may have with the fill (the best of as-is, emptied, stubbed)
    problems: list[str] = field(default_factory=list)  # what is wrong with the returned fill, one line each

    @classmethod
    def nothing_sure(cls, text: str, spans: list[Span], trace: Trace, model: str, baseline_errors: int,
                     seconds: float) -> "InfillResult":
        """Ghost text where neither the model (below its threshold) nor the document had anything sure enough."""
        fills = [Fill(s.start, s.end, text[s.start:s.end]) for s in spans]
        return cls(text, fills, trace, 0, 0, 0, model, seconds, False, [], baseline_errors,
                   ["nothing the model was sure enough of"])

    def refusal(self) -> str:
        """Why nothing is shown, in one line: how many problems the best attempt has and the first of them, or that
        it held no code."""
        if not self.candidates and self.problems:
            return f"nothing shown: {self.problems[0]}"
        errors = self.candidates[0].errors if self.candidates else self.syntax_errors
        if self.candidates and errors <= self.baseline_errors:  # it parsed: what it lacked was code
            return "no fill with code was found: the best attempt held only whitespace or comments"
        where = f" ({'; '.join(self.problems)})" if self.problems else ""
        return (f"no fill that parses was found without code nobody would keep: the best attempt has {errors} "
                f"problem(s) where the code had {self.baseline_errors}{where}")
