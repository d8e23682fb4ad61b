"""Everything a filled file is checked for, in one pass: tree-sitter's ERROR/MISSING nodes, CPython's verdict
(Python), and the defects of fills that parse but would not be kept (infill/checks/soundness.py, python/soundness.py,
python/unbound.py, foreign_locals.py, stutters.py)."""

from __future__ import annotations

import ast
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from ..source.document import Document
from ..source.positions import LineIndex
from ..source.syntax import BIG_FILE_CHARS, errors_within, python_module, spliced_tree, tree_error_ranges
from ..task import Fill, Span
from .foreign_locals import locals_of_other_functions
from .python.soundness import python_defects
from .python.unbound import unbound_names
from .soundness import Defect, unreachable_statements
from .stutters import stuttered_names


@dataclass(frozen=True)
class FillCheck:
    """The filled text and what is wrong with it; `problems` counts like parse errors everywhere."""

    text: str
    new_ranges: list[tuple[int, int]]  # each fill's range in `text`
    parse_errors: list[tuple[int, int]]  # ERROR/MISSING nodes (str offsets in `text`)
    rejected: bool                     # the language's own parser rejects the text (Python)
    defects: list[Defect]              # unreachable code, undefined names and kin: only where they touch a fill
    # Of those, names ghost text reads that nothing in scope binds. No baseline excuses them: a suggestion that
    # finishes a broken line with `self` in a plain function is wrong, however many parse errors it mends.
    unbound: int = 0

    @property
    def problem_ranges(self) -> list[tuple[int, int]]:
        return sorted(self.parse_errors + [(a, b) for a, b, _ in self.defects])

    @property
    def problems(self) -> int:
        return len(self.parse_errors) + len(self.defects) + self.rejected

    def acceptable(self, allowed: int) -> bool:
        """No more problems than `allowed` (the baseline's), and no name read that nothing binds."""
        return self.problems <= allowed and not self.unbound

    def within(self, k: int) -> list[tuple[int, int]]:
        """The problems touching fill k."""
        return errors_within(self.problem_ranges, *self.new_ranges[k])

    @property
    def inside(self) -> int:
        """Problems touching any fill (what a result reports as left in its fills)."""
        return sum(len(self.within(k)) for k in range(len(self.new_ranges)))

    def describe(self, limit: int = 3) -> list[str]:
        """One line per problem, with its 1-based line in the new text, for messages to the user."""
        index = LineIndex.of(self.text)
        lines = [f"line {index.position(a)[0] + 1}: {_syntax_error(self.text[a:b])}" for a, b in self.parse_errors]
        if self.rejected and not self.parse_errors:
            lines.append(_compiler_message(self.text))
        lines += [f"line {index.position(a)[0] + 1}: {why}" for a, _, why in sorted(self.defects)]
        return lines[:limit]


def _syntax_error(source: str) -> str:
    """What tree-sitter could not place: the start of its text, or that something is missing there."""
    snippet = source.strip().split("\n")[0][:24]
    return f"syntax error at `{snippet}`" if snippet else "syntax error: something is missing here"


def _compiler_message(text: str) -> str:
    """CPython's own message and line for a text only it rejects (a big file's is not parsed again whole)."""
    if len(text) > BIG_FILE_CHARS:
        return "Python's own parser rejects the file"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except SyntaxError as exc:
        return f"line {exc.lineno}: {exc.msg}"
    except (ValueError, MemoryError, RecursionError) as exc:
        return f"Python's own parser rejects the file ({type(exc).__name__})"
    return "Python's own parser rejects the file"


def new_ranges_of(fills: list[Fill]) -> list[tuple[int, int]]:
    """Where each fill lies in the spliced text."""
    ranges, shift = [], 0
    for fill in fills:
        start = fill.start + shift
        ranges.append((start, start + len(fill.text)))
        shift += len(fill.text) - (fill.end - fill.start)
    return ranges


def check_fills(doc: Document, fills: list[Fill], spans: Sequence[Span] = ()) -> FillCheck:
    """Splice `fills` into the document and check the result. `spans`, the requested spans in the fills' order,
    say which fills finish the code they sit in (not `open_ended` ghost text); without them none is held to that."""
    text, data, tree = spliced_tree(doc, fills)
    ranges = new_ranges_of(fills)
    focus = (ranges[0][0], ranges[-1][1]) if ranges else None
    module, window = python_module(text, doc.language, focus, tree)
    rejected = doc.language.name == "python" and module is None
    replaced = tuple((f.start, f.end) for f in fills)
    defects = unreachable_statements(tree, text, data, ranges) + \
        python_defects(text, doc.text, replaced, module, window, ranges,
                       [r for r, span in zip(ranges, spans) if not span.open_ended]) + \
        locals_of_other_functions(tree, text, data, ranges, doc.language) + \
        stuttered_names(tree, text, data, doc.text, ranges)
    unbound = []
    if doc.language.name == "python":  # ghost text: the line being typed rarely compiles, so tree-sitter is asked
        unbound = unbound_names(tree, text, data, [r for r, span in zip(ranges, spans) if span.open_ended])
    return FillCheck(text, ranges, tree_error_ranges(tree, data), rejected, defects + unbound, len(unbound))
