"""Next edits from a remote edit model (Inception's Mercury Edit, `/v1/edit/completions`): the editable region around
the cursor sent in the model's tags with the file, recently viewed snippets and the recent edits as unified diffs;
its rewrite of the region turned into edits by diffing, never touching text outside the region."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from .source.document import Document
from .task import Fill

REGION_BEFORE, REGION_AFTER = 5, 10   # lines of the editable region above and below the cursor's line
MAX_EDIT_TOKENS = 512
_FENCE = re.compile(r"^```[^\n]*\n(.*?)\n?```\s*$", re.S)


@dataclass(frozen=True)
class EditRequest:
    path: str                              # the file's path as the model is told it
    history: tuple[str, ...] = ()          # unified diffs of the recent edits, oldest first
    snippets: tuple[tuple[str, str], ...] = ()  # (path, code) recently viewed
    previous: str | None = None            # the document before the latest edit (local models follow that edit)


def editable_region(doc: Document, cursor: int) -> tuple[int, int]:
    """str offsets of whole lines around the cursor: REGION_BEFORE above it to REGION_AFTER below."""
    line, _ = doc.index.position(cursor, "utf-32")
    first = max(0, line - REGION_BEFORE)
    last = min(doc.index.line_count - 1, line + REGION_AFTER)
    start = doc.index.offset(first, 0, "utf-32")
    end = doc.index.offset(last + 1, 0, "utf-32") - 1 if last + 1 < doc.index.line_count else len(doc.text)
    return start, max(start, end)


def mercury_edit_prompt(doc: Document, cursor: int, request: EditRequest) -> tuple[str, tuple[int, int]]:
    """The one user message Mercury Edit requires, and the region it may rewrite."""
    start, end = editable_region(doc, cursor)
    text = doc.text
    region = text[start:cursor] + "<|cursor|>" + text[cursor:end]
    snippets = "".join(f"code_snippet_file_path: {path}\n{code}\n" for path, code in request.snippets)
    content = (f"<|recently_viewed_code_snippets|>\n{snippets}<|/recently_viewed_code_snippets|>\n"
               f"<|current_file_content|>\ncurrent_file_path: {request.path}\n{text[:start]}<|code_to_edit|>\n{region}\n"
               f"<|/code_to_edit|>\n{text[end:]}\n<|/current_file_content|>\n"
               f"<|edit_diff_history|>\n{''.join(request.history)}<|/edit_diff_history|>")
    return content, (start, end)


def edits_from_rewrite(doc: Document, region: tuple[int, int], reply: str | None) -> list[Fill]:
    """The reply's rewrite of the region as the smallest line edits, each inside the region; none for no reply."""
    if reply is None:
        return []
    fenced = _FENCE.match(reply.strip("\n"))
    new = (fenced.group(1) if fenced else reply).replace("<|cursor|>", "")
    start, end = region
    old = doc.text[start:end]
    if new.strip("\n") == old.strip("\n"):
        return []
    # Trailing line breaks are the region's edge, not code: a rewrite that drops or adds them changes nothing.
    old_lines, new_lines = old.rstrip("\n").split("\n"), new.strip("\n").split("\n")
    offsets = [start]
    for line in old_lines:
        offsets.append(offsets[-1] + len(line) + 1)
    fills = []
    for tag, a, b, c, d in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        lo, hi = offsets[a], min(offsets[b], end + 1) - (1 if b > a else 0)
        replacement = "\n".join(new_lines[c:d])
        if b == a:  # an insertion before old line a
            lo = hi = offsets[a]
            replacement += "\n"
        elif d == c:  # whole lines deleted: their line breaks go too (the one before them at the region's end)
            if offsets[b] <= end:
                hi = offsets[b]
            elif a > 0:
                lo = offsets[a] - 1
        fill = Fill(lo, max(lo, min(hi, end)), replacement)
        if doc.text[fill.start:fill.end] != fill.text:
            fills.append(fill)
    return fills
