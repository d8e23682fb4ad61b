"""Drafts from the document itself (prompt lookup): where the last tokens typed on the cursor's line occur elsewhere
in the file (else in the workspace files it imports or shares a package with), what followed them there to the end
of that line. Code repeats itself (`self.assertEqual(`,
`server.send(`), and a draft copied from the file is often exactly right where a small model guesses; the model
then scores it token by token (infill/engine.py) before it may be shown."""

from __future__ import annotations

import re
from collections import Counter

from ..source.document import Document
from ..task import Span
from .context import Canvas

MIN_MATCH_TOKENS = 2   # one token (`self`, `(`) occurs everywhere and predicts nothing
MAX_MATCH_TOKENS = 8   # a longer match says little more and costs searches
MAX_SEARCH_CHARS = 500_000  # beyond this the document is not searched (the typing path stays fast)
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _continuations(text: str, needle: str, cursor: int, after: str) -> Counter:
    """Rest-of-line texts that follow `needle` elsewhere in `text`, with how often each does."""
    found: Counter = Counter()
    for match in re.finditer(re.escape(needle), text):
        if match.end() == cursor:
            continue  # the cursor's own line
        end = text.find("\n", match.end())
        rest = text[match.end():len(text) if end < 0 else end].rstrip()
        if after:  # text after the cursor (a closing bracket the editor typed) must close the draft too
            if not rest.endswith(after) or len(rest) == len(after):
                continue
            rest = rest[:-len(after)]
        if rest.strip():
            found[rest] += 1
    return found


def document_draft(doc: Document, span: Span) -> str | None:
    """The rest of the cursor's line as the document itself suggests it (line_draft), or None."""
    found = line_draft(doc, span)
    return found[0] if found is not None else None


def line_draft(doc: Document, span: Span, elsewhere: tuple[str, ...] = (), own: bool = True) -> tuple[str, bool] | None:
    """The rest of the cursor's line as the document itself suggests it, else as related files of the workspace
    (`elsewhere`: their texts) do, and whether it came from them; None without one. `own`: search the document. The continuation of the longest
    run of tokens before the cursor (at least MIN_MATCH_TOKENS of this line) found elsewhere, the most frequent one
    where several differ."""
    if span.kind != "line" or span.start != span.end or len(doc.text) > MAX_SEARCH_CHARS:
        return None
    text, cursor = doc.text, span.start
    line_start = text.rfind("\n", 0, cursor) + 1
    line_end = text.find("\n", cursor)
    after = text[cursor:len(text) if line_end < 0 else line_end].strip()
    tokens = list(_TOKEN.finditer(text, line_start, cursor))
    sources = ([(text, False)] if own else []) + ([("\n".join(elsewhere)[:MAX_SEARCH_CHARS], True)] if elsewhere else [])
    for source, where in sources:
        for n in range(min(len(tokens), MAX_MATCH_TOKENS), MIN_MATCH_TOKENS - 1, -1):
            found = _continuations(source, text[tokens[-n].start():cursor], cursor if not where else -1, after)
            if found:
                return max(found.items(), key=lambda item: (item[1], -len(item[0])))[0], where
    return None


def draft_canvas(doc: Document, span: Span, like: Canvas, tok, mask_id: int, max_tokens: int,
                 window: int, elsewhere: tuple[str, ...] = (), own: bool = True) -> tuple[Canvas, list[int], bool] | None:
    """`like` (a canvas of the same span) with its hole as long as the draft, the draft's tokens, and whether it came
    from other workspace files; None without a draft or room for it."""
    found = line_draft(doc, span, elsewhere, own)
    text, from_workspace = found if found is not None else ("", False)
    draft = tok.encode(text)[:max_tokens] if text else []
    (lo, hi), old = like.holes[0], like.ids
    ids = old[:lo] + [mask_id] * len(draft) + old[hi:]
    if not draft or len(ids) > window:
        return None
    return Canvas(ids, [(lo, lo + len(draft))], like.prefix_start, like.suffix_end), draft, from_workspace
