"""Turn a hole's raw decoded text into the fill that lands in the file."""

from __future__ import annotations

import re

from ..source.document import Document
from ..source.syntax import syntax_error_ranges
from ..task import Span


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


def reindent(text: str, indent: str, first_line_at_line_start: bool) -> str:
    """Shift the fill's lines so its first code line starts at `indent`, keeping relative indentation."""
    lines = text.split("\n")
    first = 0 if first_line_at_line_start else 1
    reference = next((line for line in lines[first:] if line.strip()), None)
    if reference is None:
        return text
    current = _indent_of(reference)
    out = lines[:first]
    for line in lines[first:]:
        if not line.strip():
            out.append("")
        elif line.startswith(current):
            out.append(indent + line[len(current):])
        else:  # dedented past the reference: leave its own indentation
            out.append(line)
    return "\n".join(out)


def drop_suffix_repeat(fill: str, suffix: str) -> str:
    """Remove trailing whole lines of the fill that only repeat the lines right after the span."""
    fill_lines = fill.rstrip("\n").split("\n")
    suffix_lines = [line for line in suffix.lstrip("\n").split("\n")]
    for k in range(min(len(fill_lines), len(suffix_lines)), 0, -1):
        tail = [line.strip() for line in fill_lines[-k:]]
        head = [line.strip() for line in suffix_lines[:k]]
        if tail == head and any(tail):
            return "\n".join(fill_lines[:-k])
    return fill


CLAUSES = re.compile(r"(else|elif|except|finally)\b")


def cut_at_dedent(text: str, indent: str, clauses: bool = False) -> str:
    """A body (or a hole in a block) ends at its first line that dedents out of it, outside a triple-quoted string:
    what the model wrote there (`def get_url(url):` after the body) is not what was asked for. With `clauses`, a
    dedented `else:`/`elif`/`except`/`finally` goes on with the block the hole is in."""
    lines, quotes = text.split("\n"), 0
    for i, line in enumerate(lines):
        if i and line.strip() and not line.startswith(indent) and quotes % 2 == 0 \
                and not (clauses and CLAUSES.match(line.strip())):
            return "\n".join(lines[:i]).rstrip()
        quotes += line.count('"""') + line.count("'''")
    return text


def clean_fill(raw: str, span: Span, prefix_line: str, suffix: str) -> str:
    """Pads are already gone; cut to one line, drop suffix repeats, re-indent, shape to the span kind."""
    text = raw
    if span.single_line:
        return text.lstrip("\n").split("\n")[0].rstrip()
    text = drop_suffix_repeat(text, suffix)
    if span.kind == "braces":
        body = text.strip("\n")
        body = reindent(body, span.indent or "", True) if span.indent is not None else body
        return "\n" + body.rstrip() + span.closing if body.strip() else span.closing
    if span.kind == "block":  # insertion after a line that opens a block: new lines below the cursor
        body = text.lstrip(" \t").lstrip("\n")
        body = reindent(body, span.indent or "", True).rstrip()
        return "\n" + body if body.strip() else ""
    at_line_start = prefix_line == ""
    after_indent = bool(prefix_line) and not prefix_line.strip() and span.indent is not None
    if after_indent:  # the span starts after kept indentation, which the first line continues
        text = text.lstrip("\n")
        if text[:1] in (" ", "\t"):  # the model indented its first line as if from column 0: lay it out from
            text = reindent(text, span.indent, True)  # the kept indentation, then drop that once
            text = text[len(span.indent):] if text.startswith(span.indent) else text.lstrip(" \t")
        # else, as in the file itself: the first line goes on after the indentation, later lines keep their columns
    elif span.indent is not None:
        text = reindent(text, span.indent, at_line_start)
    if span.kind == "body":  # blank lines before a body's first statement are noise
        text = text.lstrip("\n") if text.strip() else text
        text = cut_at_dedent(text, span.indent) if span.indent else text
    if span.kind == "hole" and span.indent:  # a marker alone on its line, inside a block
        text = cut_at_dedent(text, span.indent, clauses=True)
    if span.kind in ("lines", "body", "hole", "selection"):
        text = text.rstrip("\n")  # the newline after the span stays fixed
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text


def drop_repeated_rest_of_line(doc: Document, span: Span, text: str) -> str:
    """A one-line fill that ends with text already after the cursor (`)`, `]`, ...) repeats it, unless the
    repeat is what makes the line parse: tree-sitter decides, and on a tie the existing text wins."""
    line_end = doc.text.find("\n", span.end)
    after = doc.text[span.end: len(doc.text) if line_end < 0 else line_end]
    overlap = next((k for k in range(min(len(text), len(after.rstrip())), 0, -1) if text.endswith(after[:k])), 0)
    if not span.single_line or not after.strip() or not overlap:
        return text

    def errors(fill: str) -> int:
        return len(syntax_error_ranges(doc.text[:span.start] + fill + doc.text[span.end:], doc.language))

    trimmed = text[:-overlap]
    return trimmed if errors(trimmed) <= errors(text) else text
