"""Open documents: edits that make a document unservable, and the typing cadence the debounce reads."""

import time

from lsprotocol import types

from lsp_server.documents import DocumentStore

ENABLED = ["python"]


def _insert(line: int, character: int, text: str):
    at = types.Position(line, character)
    return [types.TextDocumentContentChangePartial(types.Range(at, at), text)]


def test_edits_that_bring_in_nul_or_pass_the_size_limit_stop_serving_the_document():
    store = DocumentStore()
    store.open("file:///a.py", "python", 1, "x = 1\n", ENABLED, 100)
    entry = store.change("file:///a.py", 2, _insert(0, 5, "\x00"), "utf-16", ENABLED, 100)
    assert entry.document is None and "binary" in entry.unsupported
    store.open("file:///b.py", "python", 1, "x = 1\n", ENABLED, 100)
    entry = store.change("file:///b.py", 2, _insert(0, 5, "2" * 200), "utf-16", ENABLED, 100)
    assert entry.document is None and "too large" in entry.unsupported
    entry = store.change("file:///b.py", 3, [types.TextDocumentContentChangeWholeDocument("y = 2\n")], "utf-16", ENABLED, 100)
    assert entry.document is not None and entry.version == 3, "a whole-document change can make it servable again"


def test_changes_record_how_fast_the_user_types():
    store = DocumentStore()
    store.open("file:///a.py", "python", 1, "x = 1\n", ENABLED, 10_000)
    first = store.change("file:///a.py", 2, _insert(0, 5, "2"), "utf-16", ENABLED, 10_000)
    assert first.change_gap > 1.0, "the first change follows no other"
    time.sleep(0.02)
    second = store.change("file:///a.py", 3, _insert(0, 6, "3"), "utf-16", ENABLED, 10_000)
    assert 0.015 < second.change_gap < 1.0 and second.quiet_for() < 0.5
    assert second.document.text == "x = 123\n"
