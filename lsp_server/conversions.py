"""LSP <-> infill: positions to offsets, fills to edits and inline completion items."""

from __future__ import annotations

from lsprotocol import types

from infill import Document, Fill, InfillResult
from infill.task import shared_ends


def encoding_name(kind) -> str:
    """`utf-16` / `utf-8` / `utf-32` from the negotiated PositionEncodingKind."""
    return str(getattr(kind, "value", kind) or "utf-16")


def offset_of(doc: Document, position: types.Position, encoding: str) -> int:
    """str offset of an LSP position; raises InfillError when it is outside the document."""
    return doc.index.offset(position.line, position.character, encoding)


def offsets_of(doc: Document, r: types.Range, encoding: str) -> tuple[int, int]:
    start, end = offset_of(doc, r.start, encoding), offset_of(doc, r.end, encoding)
    return (start, end) if start <= end else (end, start)


def lsp_range(doc: Document, start: int, end: int, encoding: str) -> types.Range:
    (l1, c1), (l2, c2) = doc.index.position(start, encoding), doc.index.position(end, encoding)
    return types.Range(types.Position(l1, c1), types.Position(l2, c2))


def text_edits(doc: Document, fills: list[Fill], encoding: str) -> list[types.TextEdit]:
    """One edit per fill that changes something; each covers exactly its span."""
    return [types.TextEdit(lsp_range(doc, f.start, f.end, encoding), f.text)
            for f in fills if doc.text[f.start:f.end] != f.text]


def minimal_fills(doc: Document, fills: list[Fill]) -> list[Fill]:
    """Each fill cut to what it changes (the text shared at both ends of its span dropped): a polish is shown and
    applied as the tokens it replaced, not as a rewritten line."""
    cut = []
    for f in fills:
        old, new = doc.text[f.start:f.end], f.text
        head, tail = shared_ends(old, new)
        cut.append(Fill(f.start + head, f.end - tail, new[head:len(new) - tail]))
    return cut


def workspace_edit(uri: str, version: int, doc: Document, fills: list[Fill], encoding: str,
                   confirm: str = "") -> types.WorkspaceEdit:
    """The fills as one versioned document edit; with `confirm` (a label), each edit asks the editor to show it as a
    diff for the user to confirm before it applies (LSP change annotations; VS Code opens its refactor preview)."""
    edits = text_edits(doc, fills, encoding)
    if not confirm:
        return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(
            types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits)])
    annotated = [types.AnnotatedTextEdit(range=e.range, new_text=e.new_text, annotation_id="diffusion") for e in edits]
    return types.WorkspaceEdit(
        document_changes=[types.TextDocumentEdit(types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version),
                                                 annotated)],
        change_annotations={"diffusion": types.ChangeAnnotation(label=confirm, needs_confirmation=True,
                                                               description="tokens the model replaced")})


def inline_item(doc: Document, fill: Fill, encoding: str) -> types.InlineCompletionItem | None:
    """Ghost text replacing only the span; None when the fill adds nothing."""
    if not fill.text.strip() or fill.text == doc.text[fill.start:fill.end]:
        return None
    return types.InlineCompletionItem(insert_text=fill.text, range=lsp_range(doc, fill.start, fill.end, encoding))


def next_edit_item(doc: Document, fills: list[Fill], cursor: int, encoding: str) -> types.InlineCompletionItem | None:
    """A proposed next edit on the cursor's line as an inline completion item whose range covers the cursor and the
    text it replaces (editors show it as a replacement); None when no proposal is on that line."""
    line_start = doc.text.rfind("\n", 0, cursor) + 1
    line_end = doc.text.find("\n", cursor)
    line_end = len(doc.text) if line_end < 0 else line_end
    for fill in fills:
        if line_start <= fill.start and fill.end <= line_end:
            a, b = min(cursor, fill.start), max(cursor, fill.end)
            text = doc.text[a:fill.start] + fill.text + doc.text[fill.end:b]
            return types.InlineCompletionItem(insert_text=text, range=lsp_range(doc, a, b, encoding))
    return None


def inline_items(doc: Document, result: InfillResult | None, limit: int, encoding: str) -> list[types.InlineCompletionItem]:
    """Up to `limit` distinct ghost texts, best first; only candidates that parse no worse than the code did."""
    items, seen = [], set()
    for candidate in (result.candidates if result else []):
        item = inline_item(doc, candidate.fills[0], encoding) if candidate.accepted else None
        if item is not None and item.insert_text not in seen:
            seen.add(item.insert_text)
            items.append(item)
    return items[:limit]


def inline_edit_params(params) -> tuple[str, types.Position]:
    """(uri, position) of a `textDocument/copilotInlineEdit` request, whatever object the JSON was read into."""
    def get(obj, key):
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)
    try:
        document, position = get(params, "textDocument"), get(params, "position")
        return str(get(document, "uri")), types.Position(int(get(position, "line")), int(get(position, "character")))
    except (TypeError, ValueError, AttributeError):
        from pygls.exceptions import JsonRpcInvalidParams
        raise JsonRpcInvalidParams("textDocument/copilotInlineEdit takes {textDocument: {uri, version}, position}") from None
