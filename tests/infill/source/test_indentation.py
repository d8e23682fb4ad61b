"""An empty Python line right under a block opener gets its indentation before the model writes; the fill handed
back starts with it and replaces exactly the span asked for."""

import pytest

from infill.checks.acceptance import splice
from infill.engine import run_infill
from infill.source.document import Document
from infill.source.indentation import pin_indentation, required_indent
from infill.source.languages import language_for_id
from infill.task import InfillOptions, Span
from model.sampler import SamplerOptions
from tests.helpers import OracleDenoiser

PY = language_for_id("python")


def _required(source: str, kind: str = "lines", language: str = "python") -> str | None:
    at = source.index("@")
    doc = Document(source.replace("@", "", 1), language_for_id(language))
    return required_indent(doc, Span(at, at, kind=kind))


@pytest.mark.parametrize("source, indent", [
    ("def f(x):\n    if x:\n@\n    return 0\n", "        "),                        # the block has no body yet
    ("def f(x):\n    for i in x:\n@\n        print(i)\n", "        "),              # the body's first line
    ("def f(x):\n    if x:  \n        # why\n@\n    return 0\n", "        "),      # comments in between
    ("def f(x):\n  if x:\n@\n   y = 1\n", "   "),                                   # the file's own odd step
    ("class A:\n\tdef f(self):\n@\n", "\t\t"),                                      # tabs
])
def test_an_empty_line_under_an_opener_has_one_indentation(source, indent):
    assert _required(source) == indent


@pytest.mark.parametrize("source", [
    "def f(x):\n    y = 1\n@\n    return y\n",                      # no opener above: a dedent is as likely
    'def f(x):\n    """Example:\n@\n    """\n',                     # a docstring's colon
    "d = {\n    'a':\n@\n}\n",                                       # a dict entry's colon
    "def f(x):\n    if x:\n        y = 1@\n",                        # code on the line
    "@def f(x):\n    if x:\n",                                       # nothing above
])
def test_other_lines_are_left_to_the_model(source):
    assert _required(source) is None


def test_the_users_own_deeper_indentation_is_kept_and_a_markers_is_left_alone():
    text = "def f(x):\n    if x:\n            \n    return 0\n"
    start = text.index("            \n")
    doc = Document(text, PY)
    assert required_indent(doc, Span(start, start + 12, kind="lines")) == "            "  # the line's own spaces
    assert required_indent(doc, Span(start + 12, start + 12, kind="hole")) is None  # kept outside the span


def test_only_python_is_pinned():
    assert _required("int f(int x) {\n  if (x) {\n@\n  }\n}\n", language="c") is None


def test_pinning_moves_later_spans_and_keeps_the_others():
    text = "def f(x):\n    if x:\n\n    y = \n    return y\n"
    doc = Document(text, PY)
    empty, rest = text.index("\n\n") + 1, text.index("y = ") + 4
    spans = [Span(empty, empty, kind="lines"), Span(rest, rest, kind="selection")]
    pinned, moved, leads = pin_indentation(doc, spans)
    assert leads == ["        ", ""]
    assert pinned.text == text[:empty] + "        " + text[empty:]
    assert [pinned.text[s.start:s.end] for s in moved] == ["", ""]
    assert moved[0].start == empty + 8 and moved[1].start == rest + 8


def test_the_engine_writes_under_the_opener_and_only_in_the_span(tiny_denoiser):
    text = "def f(x):\n    if x < 0:\n\n    return x\n"
    doc = Document(text, PY)
    at = text.index("\n\n") + 1
    options = InfillOptions(sampler=SamplerOptions(steps=8, strategy="confidence"), lengths="budget",
                            syntax_rounds=1, max_fill_tokens=24)
    result = run_infill(OracleDenoiser(tiny_denoiser, ["return 0"], budget=24), doc, [Span(at, at, kind="lines")],
                        options)
    assert result.accepted
    assert [(f.start, f.end, f.text) for f in result.fills] == [(at, at, "        return 0")]
    assert result.text == splice(text, result.fills) == "def f(x):\n    if x < 0:\n        return 0\n    return x\n"
    assert all(c.fills[0].start == at and c.fills[0].text.startswith("        ") for c in result.candidates
               if c.fills[0].text.strip())


class EchoFiller:
    """A text-level backend (as a FIM endpoint is): records the prompt it saw, answers with a fixed completion."""

    name = "echo-fim"
    follows_instructions = False  # a FIM endpoint: asked with a prefix and a suffix, not in chat messages

    def __init__(self, answer: str):
        self.answer, self.prompts = answer, []

    def complete(self, prompt, suffix, max_tokens, temperature=0.0, extra=()):
        self.prompts.append(prompt)
        return self.answer


def test_a_remote_fill_model_sees_the_indentation_too():
    text = "def f(x):\n    if x < 0:\n\n    return x\n"
    at = text.index("\n\n") + 1
    filler = EchoFiller("return 0")
    result = run_infill(filler, Document(text, PY), [Span(at, at, kind="lines")], InfillOptions(syntax_rounds=0))
    assert filler.prompts[0].endswith("if x < 0:\n        ")
    assert result.accepted and [(f.start, f.end, f.text) for f in result.fills] == [(at, at, "        return 0")]


def test_the_placeholder_reference_goes_after_kept_indentation():
    """With the indentation kept (pinned, or a marker's), `try:` stands at that indentation, so a fill that breaks
    the file is still measured against a placeholder that parses: nothing worse than it is shown."""
    from infill.checks.acceptance import ParseBaseline
    text = "def f(xs):\n    for x in xs:\n\n            g(x)\n        except Exception:\n            pass\n"
    at = text.index("\n\n") + 1
    doc = Document(text, PY)
    pinned, moved, leads = pin_indentation(doc, [Span(at, at, kind="lines")])
    assert leads == ["        "]
    assert ParseBaseline.of(pinned, moved).allowed == ParseBaseline.of(doc, [Span(at, at, kind="lines")]).allowed == 0
