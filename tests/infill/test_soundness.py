"""Fills that parse but would not be kept (unreachable code, undefined names) count as problems: refused, repaired,
explained; and the real code of real files is never taken for one."""

import pytest

from infill.acceptance import ParseBaseline, error_count
from infill.checks import check_fills
from infill.document import Document
from infill.engine import run_infill
from infill.evaluation import default_data_dir, default_heldout_source, heldout_texts, line_cases, load_problems, problem_document
from infill.languages import language_for_id
from infill.spans import function_by_name, select_function_body
from infill.task import Fill, InfillOptions, Span
from model.sampler import SamplerOptions
from tests.helpers import OracleDenoiser


def _check(language: str, source: str, fill: str):
    at = source.index("@")
    doc = Document(source.replace("@", "", 1), language_for_id(language))
    return check_fills(doc, [Fill(at, at, fill)])


@pytest.mark.parametrize("language, source, fill", [
    ("python", "def f(x):\n    @\n", "return x\n    x = 1"),
    ("c", "int f(int x) {\n  @\n}\n", "return x;\n  x++;"),
    ("cpp", "int f(int x) {\n  @\n}\n", "throw 1;\n  x++;"),
    ("go", "package m\n\nfunc f(x int) int {\n\t@\n}\n", "return x\n\tx++"),
    ("rust", "fn f(x: i32) -> i32 {\n    @\n}\n", "return x;\n    let y = 2;"),
    ("java", "class A {\n  int f(int x) {\n    @\n  }\n}\n", "return x;\n    x++;"),
    ("javascript", "function f(x) {\n  @\n}\n", "throw x;\n  x++;"),
    ("typescript", "function f(x: number) {\n  @\n}\n", "return x;\n  x++;"),
])
def test_statements_after_a_return_in_the_same_block_are_defects(language, source, fill):
    check = _check(language, source, fill)
    assert not check.parse_errors and check.defects, language
    assert "unreachable" in check.describe()[0]


@pytest.mark.parametrize("language, source, fill", [
    ("c", "int f(int x) {\n  @\n}\n", "if (x) return 1; else return 2;"),
    ("c", "int f(int x) {\n  @\n}\n", "return x; // why\n"),
    ("java", "class A {\n  int f(int x) {\n    @\n  }\n}\n", "switch (x) { case 1: return 1; default: break; }\n    return x;"),
    ("javascript", "function f(x) {\n  @\n}\n", "return g(x);\n  function g(y) { return y; }"),  # hoisted
    ("python", "def f(x):\n    @\n", "if x:\n        return 1\n    return 2"),
    ("python", "def f(x):\n    for i in x:\n        @\n", "return i\n        break"),  # HumanEval/150's own code
    ("python", "def gen():\n    @\n", "return\n    yield"),  # the idiom that makes a generator
])
def test_code_that_runs_is_not_called_unreachable(language, source, fill):
    assert not _check(language, source, fill).defects


def test_a_fill_that_cuts_off_the_code_after_it_is_a_defect():
    check = _check("python", "def f(x):\n    @\n    y = x + 1\n    return y\n", "return 0")
    assert check.describe() == ["line 2: `return` makes the code after it unreachable"]


def test_names_the_file_defines_nowhere_are_defects():
    source = "import os\n\n\ndef f(x):\n    y = x + 1\n    @\n    return y\n"
    check = _check("python", source, "y = y + helper(y) + total")
    assert [why for _, _, why in check.defects] == ["`helper` is defined nowhere in the file",
                                                   "`total` is defined nowhere in the file"]
    for fine in ("y += len(os.sep)", "for i in range(3):\n        y += i", "y = (lambda q: q * x)(y)",
                 "y = sorted(k for k in [y] if k)", "y = later(y)", "print(__file__, __name__)"):
        assert not _check("python", source + "\n\ndef later(v):\n    return v\n", fine).defects, fine


def test_a_star_import_may_define_anything():
    assert not _check("python", "from os.path import *\n\nx = @\n", "join('a', 'b')").defects


def test_defects_are_placed_in_characters_not_bytes():
    check = _check("python", "é = 'ünï'\n\n\ndef f(s):\n    return s + é + @\n", "zz")
    (start, end, why), = check.defects
    assert check.text[start:end] == "zz" and "`zz`" in why


def test_code_that_merely_contains_a_fill_is_not_blamed_on_it():
    """A fill inside a statement that was dead already is judged on what it adds; a hole where a placeholder
    statement fits is judged against the placeholder."""
    text = "def f(x):\n    return x; x = 1\n"
    doc = Document(text, language_for_id("python"))
    one = Span(text.index("1"), text.index("1") + 1)
    assert error_count(doc, [Fill(one.start, one.end, "2")]) <= ParseBaseline.of(doc, [one]).allowed
    text = "def f(x):\n    y = x\n\n    return y\n"
    doc, at = Document(text, language_for_id("python")), text.index("\n\n") + 1
    baseline = ParseBaseline.of(doc, [Span(at, at)])
    assert error_count(doc, [Fill(at, at, "    y = nowhere")]) > baseline.allowed
    assert error_count(doc, [Fill(at, at, "    y = x * 2")]) <= baseline.allowed


def test_no_humaneval_solution_line_is_a_defect():
    for problem in load_problems("single-line", default_data_dir()):
        doc, at = problem_document(problem, "single-line")
        assert not check_fills(doc, [Fill(at, at, problem.canonical_solution.removesuffix("\n"))]).defects, problem.task_id


def test_no_line_of_real_held_out_code_is_a_defect():
    py = language_for_id("python")
    for text, start, end in line_cases(heldout_texts(default_heldout_source()), 300, seed=5):
        check = check_fills(Document(text, py), [Fill(start, end, text[start:end])])
        assert not check.defects, (text[start:end], check.describe())


def test_repair_rounds_redenoise_a_line_that_reads_an_undefined_name(tiny_denoiser):
    doc = Document("def area(w, h):\n    raise NotImplementedError\n", language_for_id("python"))
    span = select_function_body(doc, function_by_name(doc, "area"))
    tok = tiny_denoiser.tokenizer
    truth = "    return w * h"
    ids = tok.encode(truth)
    wrong = next(t for t in range(tiny_denoiser.vocab_size)
                 if tok.decode([t]).strip().isidentifier() and tok.decode([t]).startswith(" ")
                 and tok.decode([t]).strip() not in ("w", "h", "area", "return", "raise", "def")
                 and not __import__("keyword").iskeyword(tok.decode([t]).strip())
                 and tok.decode([t]).strip() not in dir(__builtins__))
    at = next(i for i, t in enumerate(ids) if tok.decode([t]) == " w")
    options = lambda rounds: InfillOptions(sampler=SamplerOptions(steps=8, strategy="confidence"), lengths="budget",
                                           syntax_rounds=rounds, max_fill_tokens=16)
    lying = lambda: OracleDenoiser(tiny_denoiser, [truth], budget=16, lies={at: wrong}, lie_calls=8)
    without = run_infill(lying(), doc, [span], options(0))
    assert not without.accepted and "is defined nowhere in the file" in without.refusal()
    repaired = run_infill(lying(), doc, [span], options(2))
    assert repaired.accepted and repaired.text == "def area(w, h):\n    return w * h\n" and repaired.trace.remasked > 0


def test_problems_are_described_for_the_user():
    source = "def f(x):\n    @\n    return x\n"
    assert _check("python", source, "if x:").describe() == ["line 3: expected an indented block after 'if' statement on line 2"]
    assert _check("python", source, "x = = 1").describe()[0] == "line 2: syntax error at `=`"
    assert _check("python", source, "y = nowhere").describe() == ["line 2: `nowhere` is defined nowhere in the file"]
