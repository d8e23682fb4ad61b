"""Each open document's recent edits, as unified diffs between pauses in typing (newest last, bounded): what a next
edit follows from."""

from __future__ import annotations

import difflib
import time
from collections import deque
from dataclasses import dataclass, field

PAUSE_SECONDS = 1.0     # keystrokes closer than this are one edit
MAX_EDITS = 8
MAX_DIFF_CHARS = 4000
MAX_TEXT_CHARS = 300_000  # a larger document keeps no history (each edit would copy it)


def unified(path: str, before: str, after: str) -> str:
    diff = "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        f"a/{path}", f"b/{path}", n=1))
    return diff[:MAX_DIFF_CHARS]


@dataclass
class EditHistory:
    path: str
    edits: deque = field(default_factory=lambda: deque(maxlen=MAX_EDITS))  # finished edits' diffs
    base: str | None = None        # the text before the edit in progress
    last: float = 0.0
    finished: tuple[str, str] | None = None  # the last finished edit's text before and after it

    def changing(self, before: str, after_text_soon: str | None = None) -> None:
        """Called with the text as it was just before a change: a pause since the last change closes an edit."""
        now = time.monotonic()
        if len(before) > MAX_TEXT_CHARS:
            self.base = None
            return
        if self.base is None or now - self.last > PAUSE_SECONDS:
            if self.base is not None and self.base != before:
                self.edits.append(unified(self.path, self.base, before))
                self.finished = (self.base, before)
            self.base = before
        self.last = now

    def diffs(self, current: str) -> tuple[str, ...]:
        """The finished edits and the one in progress, oldest first."""
        in_progress = unified(self.path, self.base, current) if self.base is not None and self.base != current else ""
        return tuple(self.edits) + ((in_progress,) if in_progress else ())

    def previous(self, current: str) -> str | None:
        """The text before the latest edit (the one in progress, else the last finished one if nothing changed
        since), or None without one: a next edit follows from it."""
        if self.base is not None and self.base != current:
            return self.base
        if self.finished is not None and self.finished[1] == current:
            return self.finished[0]
        return None
