"""Hostile documents, checkpoints and selections: clear errors or empty results, never a crash or a stray edit."""

import json
import subprocess
import sys

from infill.source.document import Document
from infill.source.languages import language_for_id
from lsp_server.reliability.hostile_checkpoints import hostile_checkpoints
from lsp_server.reliability.hostile_documents import documents_through_server, reparse_per_keystroke
from lsp_server.reliability.outside_spans import apply_edits, edits_outside_spans


def test_unservable_documents_get_empty_answers_and_the_server_lives(echo_model):
    figures = documents_through_server(echo_model, scale=0.3)
    assert figures["server_alive"]
    answers = {name: outcome["answer"] for name, outcome in figures["documents"].items()}
    for name in ("10 MB", "binary", "not UTF-8 (lone surrogates)", "unknown language"):  # refused, with a log line
        assert answers.pop(name) == "empty", name
    assert all(answer in ("empty", "suggestion") for answer in answers.values()), answers  # served, no error


def test_keystrokes_reparse_incrementally_to_the_same_tree():
    figures = reparse_per_keystroke(lines=600, places=3)
    assert figures["keystrokes"] > 60 and figures["reparse_p50_ms"] > 0
    doc = Document("def f(a):\n    return a\n" * 50, language_for_id("python"))
    for k, char in enumerate("    x = g(a, [1, 2])\n"):
        doc.apply_change(23 + k, 23 + k, char)
    fresh = Document(doc.text, doc.language)
    assert str(doc.tree.root_node) == str(fresh.tree.root_node)
    assert doc.index == fresh.index


def test_client_side_edit_application_counts_utf16_units():
    text = "a😀b\ncd\n"
    new, ranges = apply_edits(text, [{"range": {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 4}},
                                      "newText": "X"}])
    assert new == "a😀X\ncd\n" and ranges == [(2, 3)]


def test_no_edit_outside_the_selection_in_nine_languages(echo_model):
    figures = edits_outside_spans(echo_model, cases=90)
    assert figures["cases"] == 90 and len(figures["languages"]) == 9
    assert figures["edits"] > 20, "the echo model's fills parse, so most selections are edited"
    assert figures["edits_outside"] == figures["texts_changed_outside"] == figures["errors"] == 0


def test_hostile_checkpoints_end_in_one_clear_line_and_run_no_code():
    figures = hostile_checkpoints()
    assert not figures["code_executed"]
    assert figures["all_clear_one_line_errors"], figures
    assert len(figures["checkpoints"]) == 7
    assert figures["max_peak_rss_mb"] < 1500, "no memory blow-up"


def test_reliability_command_prints_json():
    done = subprocess.run([sys.executable, "-m", "lsp_server", "reliability", "--only", "reparse", "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["reparse"]["lines"] >= 4990
    bad = subprocess.run([sys.executable, "-m", "lsp_server", "reliability", "--only", "nope"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "unknown section" in bad.stderr
