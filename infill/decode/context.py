"""The denoiser's canvas: kept prefix, holes, the code between them, kept suffix, within the token budget.

Far context is dropped by whole syntax units: the prefix starts at, and the suffix ends at, a
statement boundary, preferring top-level ones; the code nearest the holes is always kept.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..errors import InfillError
from ..source.document import Document
from ..source.positions import byte_offset
from ..task import Span

# Ordinary code has fewer characters per token than this, so `budget * CHARS_PER_TOKEN_MAX` characters hold at
# least `budget` tokens: searches look no further, which bounds tokenizer work in huge files.
CHARS_PER_TOKEN_MAX = 12


@dataclass
class Canvas:
    ids: list[int]
    holes: list[tuple[int, int]]  # canvas [lo, hi) of each span's tokens
    prefix_start: int             # str offset where the kept prefix begins
    suffix_end: int               # str offset where the kept suffix ends


def unit_boundaries(doc: Document, lo: int = 0, hi: int | None = None) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(start, end) str offsets of the top-level units and of every statement-level unit that overlap [lo, hi]."""
    lo_byte, hi_byte = byte_offset(doc.text, lo), len(doc.data) if hi is None else byte_offset(doc.text, min(hi, len(doc.text)))
    top, statements = [], []
    block_types = doc.language.block_types | {doc.tree.root_node.type, "class_body", "declaration_list", "field_declaration_list"}
    stack = [(doc.tree.root_node, 0)]
    while stack:
        node, depth = stack.pop()
        for child in node.named_children:
            if child.end_byte < lo_byte or child.start_byte > hi_byte:
                continue  # far from the spans: no cut can fall inside it
            if node.type in block_types and child.type != "ERROR":
                bounds = (doc.start_of(child), doc.end_of(child))
                statements.append(bounds)
                if depth == 0:
                    top.append(bounds)
            if child.named_child_count:
                stack.append((child, depth + (node.type in block_types)))
    return top, statements


def _token_counts(tok, text: str, cuts: list[int], from_cut: bool) -> list[int]:
    """Tokens of text[c:] (`from_cut`) or text[:c] for each cut c, from one encoding of `text`: a token counts
    where it starts. A tokenizer without offsets encodes each piece (exact, slower)."""
    if not hasattr(tok, "token_starts"):
        return [len(tok.encode(text[c:] if from_cut else text[:c])) for c in cuts]
    starts = tok.token_starts(text)
    if from_cut:
        return [len(starts) - bisect.bisect_left(starts, c) for c in cuts]
    return [bisect.bisect_left(starts, c) for c in cuts]


def _fit_prefix(doc, tok, cuts: list[int], end: int, budget: int) -> int:
    """Earliest cut whose text up to `end` fits `budget` tokens (counted from one encoding, the choice checked
    exactly: a token may straddle a cut)."""
    floor = max(0, end - budget * CHARS_PER_TOKEN_MAX)
    candidates = [c for c in cuts if floor <= c <= end] or [end]
    base = candidates[0]
    counts = _token_counts(tok, doc.text[base:end], [c - base for c in candidates], from_cut=True)
    for cut, count in zip(candidates, counts):  # the earliest cut keeps the most code
        if count <= budget and len(tok.encode(doc.text[cut:end])) <= budget:
            return cut
    return end


def _fit_suffix(doc, tok, cuts: list[int], start: int, budget: int) -> int:
    """Latest cut whose text from `start` fits `budget` tokens."""
    ceiling = min(len(doc.text), start + budget * CHARS_PER_TOKEN_MAX)
    candidates = [c for c in cuts if start <= c <= ceiling] or [start]
    last = candidates[-1]
    counts = _token_counts(tok, doc.text[start:last], [c - start for c in candidates], from_cut=False)
    for cut, count in zip(reversed(candidates), reversed(counts)):
        if count <= budget and len(tok.encode(doc.text[start:cut])) <= budget:
            return cut
    return start


def _choose_cut(fit, doc, tok, levels: list[list[int]], anchor: int, budget: int) -> int:
    """Prefer a top-level boundary unless it throws away more than half of what a statement boundary keeps."""
    top_cut, fine_cut = (fit(doc, tok, cuts, anchor, budget) for cuts in levels)
    return top_cut if abs(top_cut - anchor) * 2 >= abs(fine_cut - anchor) else fine_cut


def _line_ends(doc: Document) -> list[int]:
    return [s - 1 for s in doc.index.starts[1:]] + [len(doc.text)]


def _count_capped(tok, text: str, cap: int, from_end: bool) -> int:
    """Tokens of `text`, counted exactly up to `cap`; beyond it only "more than cap" matters."""
    window = (cap + 1) * CHARS_PER_TOKEN_MAX
    piece = text[-window:] if from_end else text[:window]
    n = len(tok.encode(piece)) if piece else 0
    return n if len(piece) == len(text) else max(n, cap + 1)


def build_canvas(doc: Document, spans: list[Span], hole_ids: list[list[int]], tok, window: int,
                 trained: int | None = None, bounds: tuple[int, int] | None = None, lead: tuple[int, ...] = ()) -> Canvas:
    """Token ids for the model: trimmed prefix + hole ids + code between holes + trimmed suffix. A model trained
    on `trained`-token canvases gets about that many (and at least half of it as context beside long holes).
    `bounds`: the (prefix start, suffix end) of a canvas with longer holes, so that every candidate length of a
    request sees the same context (cache mode "reuse" shares its states between them column by column).
    `lead`: tokens the canvas starts with (a model's BOS)."""
    pieces = [tok.encode(doc.text[a.end:b.start]) for a, b in zip(spans, spans[1:])]
    if bounds is not None:
        return _assemble(doc, spans, hole_ids, tok, pieces, *bounds, lead)
    fixed = len(lead) + sum(len(h) for h in hole_ids) + sum(len(p) for p in pieces)
    room = window - fixed
    if room < 0:
        raise InfillError(f"the spans and the code between them need {fixed} tokens; the model's window is {window}")
    if trained:
        room = min(room, max(trained - fixed, trained // 2))
    head_need = _count_capped(tok, doc.text[:spans[0].start], room, from_end=True)
    tail_need = _count_capped(tok, doc.text[spans[-1].end:], room, from_end=False)
    if head_need + tail_need <= room:
        prefix_start, suffix_end = 0, len(doc.text)
    else:
        # Nearest code first: the suffix gets up to a third of the room, the prefix the rest.
        tail_budget = min(tail_need, room // 3)
        head_budget = min(head_need, room - tail_budget)
        tail_budget = room - head_budget
        top, statements = unit_boundaries(doc, max(0, spans[0].start - head_budget * CHARS_PER_TOKEN_MAX),
                                          spans[-1].end + tail_budget * CHARS_PER_TOKEN_MAX)
        starts = [sorted({0} | {a for a, _ in units}) for units in (top, statements)]
        ends = [sorted({len(doc.text)} | {b for _, b in units}) for units in (top, statements)]
        prefix_start = _choose_cut(_fit_prefix, doc, tok, starts, spans[0].start, head_budget)
        if prefix_start == spans[0].start and head_budget > 0:  # no unit fits: fall back to whole lines
            prefix_start = _fit_prefix(doc, tok, list(doc.index.starts), spans[0].start, head_budget)
        suffix_end = _choose_cut(_fit_suffix, doc, tok, ends, spans[-1].end, tail_budget)
        if suffix_end == spans[-1].end and tail_budget > 0:
            suffix_end = _fit_suffix(doc, tok, _line_ends(doc), spans[-1].end, tail_budget)
    return _assemble(doc, spans, hole_ids, tok, pieces, prefix_start, suffix_end, lead)


def _assemble(doc: Document, spans: list[Span], hole_ids: list[list[int]], tok, pieces: list[list[int]],
              prefix_start: int, suffix_end: int, lead: tuple[int, ...] = ()) -> Canvas:
    ids = list(lead) + tok.encode(doc.text[prefix_start:spans[0].start])
    holes = []
    for i, span in enumerate(spans):
        holes.append((len(ids), len(ids) + len(hole_ids[i])))
        ids += hole_ids[i]
        if i < len(pieces):
            ids += pieces[i]
    ids += tok.encode(doc.text[spans[-1].end:suffix_end])
    return Canvas(ids, holes, prefix_start, suffix_end)



INSTRUCTION_CONTEXT_CHARS = 3000


def instruction_canvas(denoiser, doc: Document, spans: list[Span], hole: list[int], instruction: str, window: int) -> Canvas:
    """Chat canvas of an instruct model: the instruction and the code in the user turn; in the assistant turn the
    same code with the selection as masks, so everything outside the selection stays fixed."""
    span = spans[0]
    before = doc.text[max(0, span.start - INSTRUCTION_CONTEXT_CHARS):span.start]
    after = doc.text[span.end:span.end + INSTRUCTION_CONTEXT_CHARS // 3]
    fence = "```" + doc.language.name
    user = (f"{instruction}\n\nRewrite only the code between <selection> and </selection>; keep the rest as it is.\n\n"
            f"{fence}\n{before}<selection>{doc.text[span.start:span.end]}</selection>{after}\n```")
    tok = denoiser.tokenizer
    ids = tok.encode(denoiser.chat.prompt(user)) + tok.encode(f"{fence}\n{before}")
    lo = len(ids)
    ids += hole + tok.encode(f"{after}\n```")
    if len(ids) > window:
        raise InfillError(f"the instruction, the code and the selection need {len(ids)} tokens; the model's window is {window}")
    return Canvas(ids, [(lo, lo + len(hole))], max(0, span.start - INSTRUCTION_CONTEXT_CHARS), span.end + len(after))
