"""Next edits from a local model (issue 40 item 2): after a change, the places near it that still read as before
are masked and the model says whether the change belongs there too; only those places ever change."""

import functools

from hypothesis import given, settings
from hypothesis import strategies as st

from infill import Document, language_for_id
from infill.checks.acceptance import splice
from infill.local_edits import defines_name, edit_to_follow, places_of, propose_edits, substitution
from infill.task import Fill
from model.denoiser import load_denoiser

SHAPES = '''import math


def area(radius, scale=1.0):
    """The area of a circle."""
    squared = radius * radius
    total = math.pi * squared * scale
    if radius < 0:
        raise ValueError(radius)
    return total


def circumference(radius):
    return 2 * math.pi * radius
'''


@functools.cache
def builtin():
    return load_denoiser("builtin")


def _renamed(text: str, old: str, new: str, after: str) -> str:
    at = text.index(old, text.index(after))
    return text[:at] + new + text[at + len(old):]


def _apply(text: str, fills: list[Fill]) -> str:
    return splice(text, sorted(fills, key=lambda f: f.start))


def test_the_change_is_widened_to_whole_words():
    before = "total = count + 1\n"
    change = substitution(before, before.replace("count", "count_items"))
    assert (change.old, change.new) == ("count", "count_items")
    assert substitution(before, before.replace("count", "cnt")).old == "count"
    assert substitution(before, before.replace("+", "-")).old == "+"
    assert substitution(before, before + "x = 2\n") is None  # an insertion: nothing was replaced
    assert substitution(before, "total = a\nb + 1\n") is None  # over several lines


def test_definitions_are_told_from_uses():
    doc = Document(SHAPES, language_for_id("python"))

    def kind(old, new, after):
        renamed = _renamed(SHAPES, old, new, after)
        return defines_name(doc, substitution(SHAPES, renamed))
    assert kind("radius", "r", "def area(") == "local"       # a parameter
    assert kind("squared", "sq", "    squared =") == "local"  # an assigned variable
    assert kind("area", "surface", "def ") == "named"         # a function's own name: its callers follow
    assert kind("radius", "r", "if ") is None                 # a use, not a definition
    assert kind("pi", "tau", "total") is None


def test_a_renamed_parameter_renames_its_uses_in_the_body_and_nowhere_else():
    renamed = _renamed(SHAPES, "radius", "r", "def area(")
    doc = Document(renamed, language_for_id("python"))
    assert edit_to_follow(doc, SHAPES)
    proposed = propose_edits(builtin(), doc, SHAPES)
    body = (renamed.index('    """The area'), renamed.index("def circumference"))
    uses = [i for i in range(*body) if renamed.startswith("radius", i)]
    assert sorted(p.fill.start for p in proposed) == uses, "every use in the body, and only there"
    assert all(p.fill.text == "r" and p.fill.end - p.fill.start == len("radius") for p in proposed)
    result = _apply(renamed, [p.fill for p in proposed])
    assert "radius" not in result[:result.index("def circumference")]
    assert result[result.index("def circumference"):] == SHAPES[SHAPES.index("def circumference"):]
    assert proposed == sorted(proposed, key=lambda p: -p.odds), "best first"


def test_nothing_is_proposed_without_a_change_or_a_place():
    doc = Document(SHAPES, language_for_id("python"))
    assert propose_edits(builtin(), doc, SHAPES) == []
    only_once = _renamed(SHAPES, "ValueError", "TypeError", "raise ")  # it occurs nowhere else
    assert propose_edits(builtin(), Document(only_once, language_for_id("python")), SHAPES) == []


NAMES = ("radius", "scale", "squared", "total", "math")


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(NAMES), st.sampled_from(["r", "size", "value_2", "x"]), st.integers(0, 3))
def test_proposals_replace_only_places_that_read_the_old_text(old, new, which):
    """Property: whatever was renamed, every proposed edit replaces exactly one place that read the old text, in
    the window of the change; every other character stays as it was."""
    starts = [i for i in range(len(SHAPES)) if SHAPES.startswith(old, i)]
    at = starts[which % len(starts)]
    renamed = SHAPES[:at] + new + SHAPES[at + len(old):]
    doc = Document(renamed, language_for_id("python"))
    change = substitution(SHAPES, renamed)
    if change is None:
        return
    allowed = {(s.start, s.end) for s in places_of(doc, change, in_function=False)}
    fills = [p.fill for p in propose_edits(builtin(), doc, SHAPES)]
    assert all((f.start, f.end) in allowed and renamed[f.start:f.end] == change.old and f.text == change.new
               for f in fills)
    result = _apply(renamed, fills)
    kept = 0
    for fill in sorted(fills, key=lambda f: f.start):  # outside the fills, the text is the user's, unchanged
        gap = renamed[kept:fill.start]
        assert gap in result
        kept = fill.end
    assert result.endswith(renamed[kept:])
