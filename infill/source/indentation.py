"""The indentation an empty Python line must have right under a block opener, typed in before the model writes.

Under `if x:` the next statement is one level deeper, whatever it is; an editor's auto-indent puts the cursor there.
Left to the model, a small one often writes the right line at the opener's own level (`return False` under
`if ...:`), which does not compile and is refused: v12 put 39 of the 45 such HumanEval lines of its 200 at the
wrong level. So an empty line under an opener gets its indentation as fixed text (the user's own whitespace when it
is deeper already, else the opener's plus one step), the model fills the rest of the line seeing it, and the fill
handed back starts with that indentation. docs/eval/indentation.md has the measurements.
"""

from __future__ import annotations

from dataclasses import replace

from ..task import Fill, InfillResult, Span
from .document import Document
from .positions import byte_offset
from .spans import indent_unit, line_end

# Spans that may be an empty line waiting for a statement.
PINNABLE = frozenset({"lines", "line", "hole", "selection"})
# Nodes around a `:` at the end of a line that make it text or part of an expression (a dict entry, a slice, a
# lambda in a call), not a block opener.
NOT_OPENER = frozenset({"string", "string_content", "comment", "pair", "slice", "lambda", "subscript", "dictionary",
                        "set", "list", "tuple", "argument_list", "parenthesized_expression", "generator_expression"})


def _indent(line: str) -> str:
    return line[:len(line) - len(line.lstrip(" \t"))]


def _holds_code(line: str) -> bool:
    return bool(line.strip()) and not line.lstrip().startswith("#")


def _code_line_above(text: str, line_start: int) -> tuple[str, int] | None:
    """The nearest line above the one starting at `line_start` that holds code, not only a comment, and its end."""
    end = line_start - 1
    while end >= 0:
        start = text.rfind("\n", 0, end) + 1
        if _holds_code(text[start:end]):
            return text[start:end], end
        end = start - 1
    return None


def _code_line_below(text: str, line_end_at: int) -> str | None:
    return next((line for line in text[line_end_at + 1:].split("\n") if _holds_code(line)), None)


def required_indent(doc: Document, span: Span) -> str | None:
    """The indentation the span's line must start with, when the span is an empty Python line (or only white space)
    right under a line that opens a block; else None."""
    text = doc.text
    if doc.language.name != "python" or span.kind not in PINNABLE:
        return None
    line_start = text.rfind("\n", 0, span.start) + 1
    if span.start != line_start or text[span.start:line_end(doc, span.end)].strip() or "\n" in text[span.start:span.end]:
        return None  # code on the line, several lines, or indentation kept outside the span (a hole marker's)
    found = _code_line_above(text, line_start)
    if found is None or not found[0].rstrip().endswith(":"):
        return None
    above, above_end = found
    colon = byte_offset(text, above_end - (len(above) - len(above.rstrip())) - 1)
    node = doc.tree.root_node.descendant_for_byte_range(colon, colon + 1)
    while node is not None:
        if node.type in NOT_OPENER:
            return None  # `Example:` in a docstring, a dict entry's key
        node = node.parent
    opener, own = _indent(above), text[line_start:span.end]
    if len(own) > len(opener) and own.startswith(opener):
        return own  # the user's (or editor's) indentation is already deeper: keep it
    below = _code_line_below(text, line_end(doc, span.end))
    step = opener + indent_unit(doc)
    if below is not None and opener < _indent(below) < step and _indent(below).startswith(opener):
        return _indent(below)  # the block's body is already there, less deep than the file's usual step
    return step


def pin_indentation(doc: Document, spans: list[Span]) -> tuple[Document, list[Span], list[str]]:
    """The document with each pinnable span's indentation typed in and the spans moved past it; `leads` holds the
    indentation each fill must start with ("" where none was pinned). Spans are sorted and do not overlap."""
    leads = [required_indent(doc, span) or "" for span in spans]
    if not any(leads):
        return doc, spans, leads
    pieces, moved, pos, shift = [], [], 0, 0
    for span, lead in zip(spans, leads):
        if not lead:
            moved.append(replace(span, start=span.start + shift, end=span.end + shift))
            continue
        pieces += [doc.text[pos:span.start], lead]
        at = span.start + shift + len(lead)
        moved.append(replace(span, start=at, end=at, indent=lead))
        shift += len(lead) - (span.end - span.start)
        pos = span.end
    pieces.append(doc.text[pos:])
    return Document("".join(pieces), doc.language), moved, leads


def unpin_fills(fills: list[Fill], spans: list[Span], leads: list[str]) -> list[Fill]:
    """Fills of the pinned document as fills of the original spans: each starts with its pinned indentation."""
    return [Fill(span.start, span.end, lead + fill.text if fill.text.strip() else fill.text)
            for fill, span, lead in zip(fills, spans, leads)]


def unpin_result(result: InfillResult, spans: list[Span], leads: list[str]) -> InfillResult:
    """The result in the original document's offsets (its whole text is the same either way)."""
    if not any(leads):
        return result
    candidates = [replace(c, fills=unpin_fills(c.fills, spans, leads)) for c in result.candidates]
    return replace(result, fills=unpin_fills(result.fills, spans, leads), candidates=candidates)
