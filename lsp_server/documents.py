"""Open documents: an infill Document per URI with its version, or the reason it cannot be served."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from lsprotocol import types

from infill import Document, InfillError, LanguageSpec, language_for_id, language_for_path

from .edit_history import EditHistory


@dataclass
class OpenDocument:
    uri: str
    version: int
    document: Document | None
    unsupported: str | None = None   # why requests on it get empty results
    language_id: str = ""            # as the client opened it: a whole-document change may make it servable again
    changed_at: float = 0.0          # time.monotonic() of the last change
    change_gap: float = math.inf     # seconds between the last two changes: how fast the user is typing
    history: EditHistory | None = None  # its recent edits as unified diffs (next edits follow from them)
    next_edits: tuple[int, list] | None = None  # (version, fills) of the last next edits proposed for it

    def quiet_for(self) -> float:
        return time.monotonic() - self.changed_at


def _language(uri: str, language_id: str) -> LanguageSpec:
    try:
        return language_for_id(language_id)
    except InfillError:
        return language_for_path(uri.rsplit("/", 1)[-1])


class DocumentStore:
    def __init__(self):
        self._docs: dict[str, OpenDocument] = {}

    def open(self, uri: str, language_id: str, version: int, text: str, enabled: list[str], max_bytes: int) -> OpenDocument:
        try:
            spec = _language(uri, language_id)
            if spec.name not in enabled:
                raise InfillError(f"{spec.name} is not in the enabled languages")
            size = len(text.encode("utf-8"))  # lone surrogates (not valid UTF-8) raise here
            if size > max_bytes:
                raise InfillError(f"document is too large ({size} bytes; the limit is {max_bytes})")
            if "\x00" in text:
                raise InfillError("document looks binary (it contains NUL characters)")
            entry = OpenDocument(uri, version, Document(text, spec), language_id=language_id,
                                 history=EditHistory(uri.rsplit("/", 1)[-1]))
        except (InfillError, UnicodeEncodeError) as exc:
            reason = str(exc) if isinstance(exc, InfillError) else "document is not valid UTF-8"
            entry = OpenDocument(uri, version, None, reason, language_id=language_id)
        self._docs[uri] = entry
        return entry

    def change(self, uri: str, version: int, changes, encoding: str, enabled: list[str], max_bytes: int) -> OpenDocument | None:
        entry = self._docs.get(uri)
        if entry is None:
            return None
        if entry.document is not None and entry.history is not None:
            entry.history.changing(entry.document.text)
        entry = self._apply(entry, version, changes, encoding, enabled, max_bytes)
        now = time.monotonic()
        entry.change_gap, entry.changed_at = now - entry.changed_at, now
        return entry

    def _apply(self, entry: OpenDocument, version: int, changes, encoding: str, enabled: list[str], max_bytes: int) -> OpenDocument:
        entry.version = version
        for change in changes:
            if entry.document is None and isinstance(change, types.TextDocumentContentChangePartial):
                continue  # an unsupported document's text is not tracked; a whole-document change brings it back
            if isinstance(change, types.TextDocumentContentChangePartial):
                doc = entry.document
                r = change.range
                start = doc.index.offset(r.start.line, r.start.character, encoding, clamp=True)
                end = doc.index.offset(r.end.line, r.end.character, encoding, clamp=True)
                try:
                    doc.apply_change(start, max(start, end), change.text)
                except (InfillError, UnicodeEncodeError):
                    entry = self._reopen(entry, entry.language_id, doc.text, enabled, max_bytes)
                    continue
                if "\x00" in change.text or len(doc.data) > max_bytes:  # open() says why it is no longer served
                    entry = self._reopen(entry, entry.language_id, doc.text, enabled, max_bytes)
            else:
                entry = self._reopen(entry, entry.language_id, change.text, enabled, max_bytes)
        return entry

    def _reopen(self, entry: OpenDocument, language: str, text: str, enabled: list[str], max_bytes: int) -> OpenDocument:
        fresh = self.open(entry.uri, language, entry.version, text, enabled, max_bytes)
        fresh.changed_at, fresh.change_gap = entry.changed_at, entry.change_gap
        fresh.history = entry.history or fresh.history
        return fresh

    def close(self, uri: str) -> None:
        self._docs.pop(uri, None)

    def get(self, uri: str) -> OpenDocument | None:
        return self._docs.get(uri)

    def uris(self) -> list[str]:
        return list(self._docs)

    def neighbours(self, uri: str, most: int = 3, chars: int = 4000) -> tuple[tuple[str, str], ...]:
        """(file name, start of text) of other open documents in the same language: context for remote APIs that
        take other files (llama.cpp's input_extra)."""
        entry = self._docs.get(uri)
        if entry is None or entry.document is None:
            return ()
        same = [e for u, e in self._docs.items() if u != uri and e.document is not None
                and e.document.language.name == entry.document.language.name]
        return tuple((e.uri.rsplit("/", 1)[-1], e.document.text[:chars]) for e in same[:most])
