"""Drafts copied from the document (prompt lookup) for ghost text: found where the last tokens typed occur elsewhere,
scored token by token by the model, shown whole only when it is sure enough, and the model's own decoding skipped
then."""

import pytest
import torch

from infill import Document, InfillOptions, language_for_id, run_infill, select_cursor
from infill.decode.lookup import MAX_SEARCH_CHARS, document_draft
from infill.decode.verify import draft_probabilities, geometric_mean
from infill.task import Span
from model.sampler import SamplerOptions

PY = language_for_id("python")
SOURCE = ("def send(server, message):\n    server.notify(\"window/logMessage\", message)\n\n\n"
          "def warn(server, message):\n    server.\n    return message\n")


def draft_at(source: str, after: str) -> str | None:
    doc = Document(source, PY)
    return document_draft(doc, select_cursor(doc, source.index(after) + len(after)))


def test_the_continuation_of_the_longest_match_elsewhere_is_the_draft():
    at = SOURCE.rindex("server.") + len("server.")
    doc = Document(SOURCE, PY)
    assert document_draft(doc, select_cursor(doc, at)) == 'notify("window/logMessage", message)'


def test_no_draft_without_two_tokens_typed_or_a_match():
    assert draft_at("x = 1\ny = \n", "y = ") is None, "nothing after `y =` elsewhere"
    assert draft_at("value = compute()\nv\n", "\nv") is None, "one token predicts nothing"


def test_the_most_frequent_continuation_wins():
    source = "a.run(1)\na.run(1)\na.run(2)\na.run(\n"
    doc = Document(source, PY)
    assert document_draft(doc, select_cursor(doc, len(source) - 1)) == "1)"


def test_text_after_the_cursor_must_close_the_draft():
    source = "print(len(items))\nprint(len()\n"
    doc = Document(source, PY)
    at = source.rindex("len(") + len("len(")
    assert document_draft(doc, Span(at, at, kind="line", single_line=True, open_ended=True)) == "items)"


def test_only_the_rest_of_a_line_is_drafted_and_huge_documents_are_not_searched():
    doc = Document("if ok:\n    pass\nif ok:\n", PY)
    assert document_draft(doc, select_cursor(doc, len(doc.text) - 1)) is None, "a block is not a line"
    big = "x = f(1)\n" * (MAX_SEARCH_CHARS // 9 + 1) + "x = f(\n"  # searched it would give `1)`
    doc = Document(big, PY)
    assert document_draft(doc, Span(len(big) - 1, len(big) - 1, kind="line", single_line=True)) is None


def test_one_call_scores_every_prefix_of_the_draft(tiny_denoiser):
    """Row k of the staircase sees the draft's first k tokens: the same as scoring each prefix on its own."""
    tok = tiny_denoiser.tokenizer
    context, after, draft = tok.encode("total = "), tok.encode("\nreturn total\n"), tok.encode("width * height")
    n, mask = len(draft), tiny_denoiser.mask_id
    ids = torch.tensor(context + [mask] * n + after)
    probs = draft_probabilities(tiny_denoiser, ids, None, (len(context), len(context) + n), draft)
    for k in range(n):
        row = torch.tensor([context + draft[:k] + [mask] * (n - k) + after])
        logits = tiny_denoiser.logits(row)[0, len(context) + k].float()
        logits[mask] = -float("inf")
        assert float(torch.softmax(logits, -1)[draft[k]]) == pytest.approx(float(probs[k]), abs=1e-5)
    assert 0 < geometric_mean(probs.tolist()) <= 1


def ghost(min_confidence: float, lookup: float, cache: str = "reuse") -> InfillOptions:
    return InfillOptions(sampler=SamplerOptions(steps=4, cache=cache), syntax_rounds=1, cut_back=True, max_lengths=2,
                         max_fill_tokens=32, keep_to_train_window=False, min_confidence=min_confidence,
                         lookup_confidence=lookup, context_key="doc")


@pytest.mark.parametrize("cache", ["reuse", "none"])
def test_a_sure_draft_is_shown_whole_and_nothing_is_decoded(tiny_denoiser, cache):
    doc = Document(SOURCE, PY)
    at = SOURCE.rindex("server.") + len("server.")
    result = run_infill(tiny_denoiser, doc, [select_cursor(doc, at)], ghost(0.0, 0.0, cache))
    best = result.candidates[0]
    assert best.accepted and best.fills[0].text == 'notify("window/logMessage", message)'
    assert result.trace.nfe == 0, "a draft sure enough settles the request: the sampler never ran"
    assert result.text == SOURCE[:at] + best.fills[0].text + SOURCE[at:], "nothing outside the span changes"


@pytest.mark.parametrize("cache", ["reuse", "none"])
def test_at_threshold_zero_the_model_is_not_asked_at_all(tiny_denoiser, cache, monkeypatch):
    """A draft that passes the rules is shown whatever its score: no scoring pass, no context states, no decoding."""
    passes = []
    features = tiny_denoiser.model.features
    monkeypatch.setattr(tiny_denoiser.model, "features", lambda *a, **k: passes.append(1) or features(*a, **k))
    doc = Document(SOURCE, PY)
    at = SOURCE.rindex("server.") + len("server.")
    result = run_infill(tiny_denoiser, doc, [select_cursor(doc, at)], ghost(0.0, 0.0, cache))
    assert result.candidates[0].fills[0].text == 'notify("window/logMessage", message)' and passes == []
    run_infill(tiny_denoiser, doc, [select_cursor(doc, at)], ghost(0.0, 1e-6, cache))
    assert passes, "any other threshold scores the draft"


def test_a_copied_line_that_does_not_finish_this_one_is_not_shown(tiny_denoiser):
    """`self.items = []` continues `self.` elsewhere; after `return self.` it parses no worse than the broken line
    (one problem either way) but leaves a problem on the copied text: it is not shown, nor a prefix of it."""
    source = ("class Stack:\n    def __init__(self):\n        self.items = []\n\n    def pop(self):\n"
              "        return self.\n")
    doc = Document(source, PY)
    span = select_cursor(doc, source.rindex("self.") + len("self."))
    assert document_draft(doc, span) == "items = []"
    result = run_infill(tiny_denoiser, doc, [span], ghost(1.0, 0.0))
    assert [c for c in result.candidates if c.accepted] == [], result.candidates


def test_an_unsure_draft_is_not_shown(tiny_denoiser):
    doc = Document(SOURCE, PY)
    at = SOURCE.rindex("server.") + len("server.")
    span = select_cursor(doc, at)
    unsure = run_infill(tiny_denoiser, doc, [span], ghost(0.0, 0.999))
    assert all(c.fills[0].text != 'notify("window/logMessage", message)' for c in unsure.candidates)
    assert unsure.trace.nfe > 0, "the model decodes its own suggestion instead"
    silent = run_infill(tiny_denoiser, doc, [span], ghost(1.0, 0.999))
    assert not silent.accepted and silent.candidates == [] and silent.text == SOURCE
    assert "sure enough" in silent.refusal() or silent.problems


def test_a_shown_draft_parses_no_worse_than_the_line_as_typed(tiny_denoiser):
    source = "def f(items):\n    print(items[0]]))\n    return items[\n"  # copied from a broken line
    doc = Document(source, PY)
    result = run_infill(tiny_denoiser, doc, [select_cursor(doc, len(source) - 1)], ghost(1.0, 0.0))
    for c in result.candidates:
        assert c.accepted and c.errors <= result.baseline_errors, c


def test_a_line_missing_from_the_document_is_copied_from_a_related_workspace_file_at_its_own_bar(tiny_denoiser):
    """`logger.` has no continuation in this file; the module it imports writes `logger.warning(message)`: that is the
    draft, held to the workspace draft bar (never shown at 1, shown at 0)."""
    from dataclasses import replace

    from infill.decode.lookup import line_draft
    from infill.task import WorkspaceContext
    source = "from .log import logger\n\n\ndef warn(message):\n    logger.\n"
    related = ("logging = None\n\n\ndef report(logger, message):\n    logger.warning(message)\n",)
    doc = Document(source, PY)
    span = select_cursor(doc, source.rindex("logger.") + len("logger."))
    assert document_draft(doc, span) is None
    assert line_draft(doc, span, related) == ("warning(message)", True)
    never = replace(ghost(1.0, 0.0), workspace=WorkspaceContext(texts=related, draft_confidence=1.0))
    assert all(c.fills[0].text != "warning(message)" for c in run_infill(tiny_denoiser, doc, [span], never).candidates
               if c.accepted)
    always = replace(ghost(1.0, 0.0), workspace=WorkspaceContext(texts=related, draft_confidence=0.0))
    shown = run_infill(tiny_denoiser, doc, [span], always)
    assert shown.accepted and shown.fills[0].text == "warning(message)"
    assert shown.text == source[:span.start] + "warning(message)" + source[span.start:]
