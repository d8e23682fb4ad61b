"""Property: a fill never changes a byte outside its spans, over >= 1000 generated documents and spans."""

import random

import pytest

from infill.engine import run_infill
from infill.errors import InfillError
from infill.source.document import Document
from infill.source.languages import language_for_path
from infill.source.spans import select_cursor, select_holes, select_lines, select_range
from infill.task import InfillOptions, Span
from model.sampler import STRATEGIES, SamplerOptions
from tests.infill.samples import SOURCES

NOISE = ["é", "日本", "😀", "\t", "  ", "x = 1", "# ü", "\n", "{", "}", "(", "'", '"', ":"]
CASES = 1000


def _random_document(rng: random.Random) -> Document:
    name, text = SOURCES[rng.choice(sorted(SOURCES))]
    chars = list(text)
    for _ in range(rng.randint(0, 6)):  # non-ASCII and broken syntax in random places
        chars.insert(rng.randint(0, len(chars)), rng.choice(NOISE))
    return Document("".join(chars), language_for_path(name))


def _random_spans(doc: Document, rng: random.Random) -> tuple[Document, list[Span]]:
    n = len(doc.text)
    kind = rng.choice(["range", "lines", "cursor", "multi", "holes"])
    if kind == "range":
        a = rng.randint(0, n)
        return doc, [select_range(doc, a, rng.randint(a, min(n, a + 40)))]
    if kind == "lines":
        first = rng.randint(1, doc.index.line_count)
        return doc, [select_lines(doc, first, min(doc.index.line_count, first + rng.randint(0, 3)))]
    if kind == "cursor":
        return doc, [select_cursor(doc, rng.randint(0, n))]
    if kind == "holes":
        marked = Document(doc.text[: n // 3] + "<|fill|>" + doc.text[n // 3: 2 * n // 3] + "<|fill|>" + doc.text[2 * n // 3:], doc.language)
        return marked, select_holes(marked)
    cuts = sorted(rng.sample(range(n + 1), 4))
    return doc, [Span(cuts[0], cuts[1], budget=rng.randint(1, 6)), Span(cuts[2], cuts[3], budget=rng.randint(1, 6))]


def _assert_outside_unchanged(old: str, new: str, spans: list[Span], fills) -> None:
    assert [(f.start, f.end) for f in fills] == [(s.start, s.end) for s in sorted(spans, key=lambda s: s.start)]
    rebuilt, pos = [], 0
    for fill in fills:
        rebuilt += [old[pos:fill.start], fill.text]
        pos = fill.end
    rebuilt.append(old[pos:])
    assert "".join(rebuilt) == new
    assert new.startswith(old[: fills[0].start]) and new.endswith(old[fills[-1].end:])


def test_text_outside_spans_never_changes(tiny_denoiser):
    rng = random.Random(1234)
    checked = 0
    for case in range(CASES):
        doc, spans = _random_spans(_random_document(rng), rng)
        old = doc.text
        sampler = SamplerOptions(steps=rng.randint(1, 3), strategy=rng.choice(STRATEGIES), seed=case,
                                 block_length=rng.choice([0, 3]))
        options = InfillOptions(sampler=sampler, syntax_rounds=rng.randint(0, 1), max_fill_tokens=rng.randint(1, 8),
                                mode=rng.choice(["fill", "fill", "refine"]), revise_rounds=rng.randint(0, 1))
        result = run_infill(tiny_denoiser, doc, spans, options)
        assert doc.text == old, "the document object itself is never edited"
        _assert_outside_unchanged(old, result.text, spans, result.fills)
        checked += 1
    assert checked == CASES


def test_overlapping_or_outside_spans_are_refused(tiny_denoiser):
    doc = Document("x = 1\n", language_for_path("a.py"))
    with pytest.raises(InfillError, match="overlap"):
        run_infill(tiny_denoiser, doc, [Span(0, 3), Span(2, 4)])
    with pytest.raises(InfillError, match="outside"):
        run_infill(tiny_denoiser, doc, [Span(0, 99)])
