"""Span selection: which parts of a document the model fills for each kind of request."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node

from ..errors import InfillError
from ..task import Span
from .document import Document

DEFAULT_HOLE_MARKER = "<|fill|>"


@dataclass(frozen=True)
class FunctionInfo:
    name: str           # qualified with enclosing classes, e.g. `Stack.push`
    node: Node
    body: Node
    is_stub: bool


def indent_unit(doc: Document) -> str:
    """The document's indentation step (a tab, or the smallest space run that indents a line)."""
    widths = []
    for line in doc.text.split("\n")[:2000]:
        stripped = line.lstrip(" \t")
        if stripped and line != stripped:
            if line.startswith("\t"):
                return "\t"
            widths.append(len(line) - len(stripped))
    return " " * min(widths) if widths else "    "


def _line_start(doc: Document, offset: int) -> int:
    return doc.text.rfind("\n", 0, offset) + 1


def line_end(doc: Document, offset: int) -> int:
    end = doc.text.find("\n", offset)
    return len(doc.text) if end < 0 else end


def select_lines(doc: Document, first: int, last: int) -> Span:
    """Whole lines first..last (1-based, inclusive); the newline after the last line stays fixed."""
    n = doc.index.line_count
    if not 1 <= first <= last:
        raise InfillError(f"bad line range {first}-{last} (lines are 1-based, first <= last)")
    if last > n:
        raise InfillError(f"line {last} is past the end of the file ({n} lines)")
    start = doc.index.starts[first - 1]
    end = start + sum(len(doc.index.line_text(i)) + 1 for i in range(first - 1, last)) - 1
    return Span(start, end, kind="lines", indent=_expected_indent(doc, first - 1, last - 1))


def _expected_indent(doc: Document, first: int, last: int) -> str:
    """Indent of the first non-blank selected line, else what the line above implies."""
    for i in range(first, last + 1):
        line = doc.index.line_text(i)
        if line.strip():
            return line[: len(line) - len(line.lstrip(" \t"))]
    for i in range(first - 1, -1, -1):
        line = doc.index.line_text(i)
        if line.strip():
            indent = line[: len(line) - len(line.lstrip(" \t"))]
            return indent + indent_unit(doc) if line.rstrip().endswith((":", "{", "(", "[")) else indent
    return ""


def select_range(doc: Document, start: int, end: int) -> Span:
    """An arbitrary selection, by str offsets; the fill replaces exactly it."""
    if not 0 <= start <= end <= len(doc.text):
        raise InfillError(f"selection {start}-{end} is outside the document")
    return Span(start, end, kind="selection")


def _function_name(doc: Document, node: Node) -> str | None:
    name = node.child_by_field_name("name")
    if name is None:
        declarator = node.child_by_field_name("declarator")  # C and C++: walk the declarator chain
        while declarator is not None and declarator.type not in ("identifier", "field_identifier", "qualified_identifier",
                                                                 "destructor_name", "operator_name"):
            declarator = declarator.child_by_field_name("declarator")
        name = declarator
    if name is None and node.parent is not None and node.parent.type in ("variable_declarator", "pair", "assignment_expression"):
        name = node.parent.child_by_field_name("name") or node.parent.child_by_field_name("key") or node.parent.child_by_field_name("left")
    return doc.node_text(name) if name is not None else None


def _body_statements(doc: Document, body: Node) -> list[Node]:
    """Body statements other than comments and a leading docstring."""
    statements = [c for c in body.named_children if c.type not in doc.language.comment_types]
    if statements and statements[0].type == "expression_statement" and statements[0].named_child_count == 1 \
            and statements[0].named_children[0].type in doc.language.string_types and not doc.language.braces:
        statements = statements[1:]
    return statements


def is_stub_body(doc: Document, body: Node) -> bool:
    """True for bodies that mean "not written yet": pass, ..., raise NotImplementedError, todo!(), {} and kin."""
    code = " ".join(doc.node_text(s) for s in _body_statements(doc, body)).strip()
    return re.sub(r"\s+", " ", code) in doc.language.stubs


def find_functions(doc: Document) -> list[FunctionInfo]:
    """Every function with a body, in document order."""
    found, spec = [], doc.language
    stack = [(doc.tree.root_node, ())]
    while stack:
        node, scope = stack.pop()
        name = None
        if node.type in spec.function_types:
            body = node.child_by_field_name("body")
            name = _function_name(doc, node)
            if body is not None and body.type in spec.body_types and name:
                found.append(FunctionInfo(".".join(scope + (name,)), node, body, is_stub_body(doc, body)))
        elif node.type in spec.class_types:
            name = _function_name(doc, node) or (doc.node_text(node.child_by_field_name("type")) if node.child_by_field_name("type") else None)
        inner = scope + (name,) if name else scope
        stack.extend((child, inner) for child in reversed(node.named_children))
    return sorted(found, key=lambda f: f.node.start_byte)


def function_by_name(doc: Document, name: str) -> FunctionInfo:
    matches = [f for f in find_functions(doc) if f.name == name or f.name.rsplit(".", 1)[-1] == name]
    if not matches:
        raise InfillError(f"no function named {name!r} in this file")
    exact = [f for f in matches if f.name == name]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0]
    lines = ", ".join(str(f.node.start_point[0] + 1) for f in matches)
    raise InfillError(f"{len(matches)} functions are named {name!r} (lines {lines}); qualify it, e.g. Class.{name}")


def function_at(doc: Document, offset: int) -> FunctionInfo:
    """The innermost function whose definition contains the offset."""
    containing = [f for f in find_functions(doc) if doc.start_of(f.node) <= offset <= doc.end_of(f.node)]
    if not containing:
        raise InfillError("the cursor is not inside a function")
    return max(containing, key=lambda f: f.node.start_byte)


def select_function_body(doc: Document, function: FunctionInfo) -> Span:
    """The body of a function, keeping its signature, braces and docstring fixed."""
    body, unit = function.body, indent_unit(doc)
    if doc.language.braces:
        open_indent = doc.line_indent(doc.start_of(function.node))
        close = doc.end_of(body) - 1
        closing = "\n" + (doc.line_indent(close) if doc.text[_line_start(doc, close):close].strip() == "" else open_indent)
        return Span(doc.start_of(body) + 1, close, kind="braces", indent=open_indent + unit, closing=closing)
    statements = _body_statements(doc, body)
    header_line = function.node.start_point[0]
    if statements and statements[0].start_point[0] > header_line:
        start = _line_start(doc, doc.start_of(statements[0]))
        return Span(start, doc.end_of(body), kind="body", indent=doc.line_indent(doc.start_of(statements[0])))
    if statements:  # `def f(): pass` on one line
        return Span(doc.start_of(statements[0]), doc.end_of(body), kind="body", single_line=True)
    # Only a docstring: insert new lines after it.
    end = line_end(doc, doc.end_of(body))
    return Span(end, end, kind="block", indent=doc.line_indent(doc.start_of(body)))


def select_holes(doc: Document, marker: str = DEFAULT_HOLE_MARKER) -> list[Span]:
    """One span per hole marker; a marker alone on its line owns the rest of its line (not its indentation)."""
    if not marker:
        raise InfillError("the hole marker is empty")
    spans, pos = [], doc.text.find(marker)
    while pos >= 0:
        end = pos + len(marker)
        line_start = _line_start(doc, pos)
        alone = doc.text[line_start:pos].strip() == "" and doc.text[end:line_end(doc, end)].strip() == ""
        if alone:  # the indentation before the marker stays as it is; the fill's later lines follow it
            spans.append(Span(pos, line_end(doc, end), kind="hole", indent=doc.text[line_start:pos]))
        else:
            spans.append(Span(pos, end, kind="hole", single_line="\n" not in doc.text[pos:end]))
        pos = doc.text.find(marker, end)
    if not spans:
        raise InfillError(f"no hole markers {marker!r} in this file")
    return spans


def _inside(doc: Document, offset: int, types: frozenset[str]) -> bool:
    for node in [doc.node_at(offset)] + ([doc.node_at(offset - 1)] if offset > 0 else []):  # the cursor may end a node
        while node is not None:
            start, end = doc.start_of(node), doc.end_of(node)
            # The end of a line comment is still inside it (typing goes on there); the end of `*/` is not.
            open_end = offset == end and node.type in doc.language.comment_types and not doc.node_text(node).endswith("*/")
            if node.type in types and start < offset and (offset < end or open_end):
                return True
            node = node.parent
    return False


def in_comment_or_string(doc: Document, offset: int) -> bool:
    """Whether typing at `offset` goes on inside a comment or a string literal."""
    return _inside(doc, offset, doc.language.comment_types | doc.language.string_types)


def select_cursor(doc: Document, offset: int) -> Span:
    """Ghost text at the cursor: the block a line opens, the statements of an empty line, or the rest of the line."""
    if not 0 <= offset <= len(doc.text):
        raise InfillError(f"cursor offset {offset} is outside the document")
    before = doc.text[_line_start(doc, offset):offset]
    after = doc.text[offset:line_end(doc, offset)]
    in_literal = in_comment_or_string(doc, offset)
    opener = ":" if not doc.language.braces else "{"
    if not in_literal and before.rstrip().endswith(opener) and after.strip() in ("", "}"):
        return Span(offset, offset, kind="block", indent=doc.line_indent(offset) + indent_unit(doc), open_ended=True)
    if not in_literal and before.strip() == "" and after.strip() == "":
        return Span(_line_start(doc, offset), line_end(doc, offset), kind="lines", indent=before, open_ended=True)
    return Span(offset, offset, kind="line", single_line=True, open_ended=True)
