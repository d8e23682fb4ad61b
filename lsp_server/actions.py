"""Which code actions a range offers, and the spans and mode each one fills."""

from __future__ import annotations

from infill import Document, InfillError, Span, function_at, select_function_body, select_holes, select_range

FILL_SELECTION, IMPLEMENT_BODY, FILL_HOLES, POLISH_SELECTION = "fill", "implement", "holes", "polish"
TITLES = {
    FILL_SELECTION: "Fill selection (diffusion)",
    IMPLEMENT_BODY: "Implement function body (diffusion)",
    FILL_HOLES: "Fill holes (diffusion)",
    POLISH_SELECTION: "Polish selection (diffusion)",
}


def _stub_function(doc: Document, start: int, end: int):
    try:
        function = function_at(doc, start)
    except InfillError:
        return None
    body = function.body
    empty = not [c for c in body.named_children if c.type not in doc.language.comment_types]
    return function if function.is_stub or empty else None


def available_actions(doc: Document, start: int, end: int, marker: str) -> list[str]:
    actions = []
    if end > start:
        actions += [FILL_SELECTION, POLISH_SELECTION]
    if _stub_function(doc, start, end) is not None:
        actions.append(IMPLEMENT_BODY)
    if marker in doc.text:
        actions.append(FILL_HOLES)
    return actions


def action_spans(action: str, doc: Document, start: int, end: int, marker: str) -> tuple[list[Span], str]:
    """(spans, mode) for an action; raises InfillError when it no longer applies."""
    if action in (FILL_SELECTION, POLISH_SELECTION):
        if end <= start:
            raise InfillError("the selection is empty")
        return [select_range(doc, start, end)], "refine" if action == POLISH_SELECTION else "fill"
    if action == IMPLEMENT_BODY:
        return [select_function_body(doc, function_at(doc, start))], "fill"
    if action == FILL_HOLES:
        return select_holes(doc, marker), "fill"
    raise ValueError(action)
