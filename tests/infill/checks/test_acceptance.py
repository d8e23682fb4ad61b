"""Fills a user can trust: never parse worse than the code did, never touch text outside the spans, never
come back empty where code was asked, ghost text cut back instead of shown broken, candidates ranked."""

import random
from pathlib import Path

import pytest

from infill.checks.acceptance import ParseBaseline, error_count, longest_acceptable_prefix, splice
from infill.engine import run_infill
from infill.source.document import Document
from infill.source.languages import language_for_id, language_for_path
from infill.source.spans import (
    find_functions,
    select_cursor,
    select_function_body,
    select_holes,
    select_lines,
    select_range,
)
from infill.source.syntax import compiler_rejects, syntax_error_ranges
from infill.task import Fill, InfillOptions
from lsp_server.conversions import inline_items
from model.sampler import STRATEGIES, SamplerOptions
from tests.helpers import OracleDenoiser, ScriptedDenoiser

REAL = sorted((Path(__file__).parents[1] / "real").iterdir())
PY = language_for_id("python")
CASES = 240


def _errors(text: str, doc: Document) -> int:
    return len(syntax_error_ranges(text, doc.language)) + compiler_rejects(text, doc.language)


def _random_request(rng: random.Random):
    path = rng.choice(REAL)
    doc = Document.from_path(path, language_for_path(path))
    n, kind = len(doc.text), rng.choice(["range", "lines", "cursor", "cursor", "body", "holes"])
    if kind == "range":
        a = rng.randint(0, n)
        return doc, [select_range(doc, a, rng.randint(a, min(n, a + 60)))], False
    if kind == "lines":
        first = rng.randint(1, doc.index.line_count)
        return doc, [select_lines(doc, first, min(doc.index.line_count, first + rng.randint(0, 2)))], False
    if kind == "cursor":
        return doc, [select_cursor(doc, rng.randint(0, n))], True
    if kind == "body":
        return doc, [select_function_body(doc, rng.choice(find_functions(doc)))], False
    lines = doc.text.split("\n")
    i = rng.randrange(len(lines))
    indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
    lines[i] = indent + "<|fill|>"
    marked = Document("\n".join(lines), doc.language)
    return marked, select_holes(marked), False


def test_fills_never_parse_worse_nor_touch_text_outside_their_spans(tiny_denoiser):
    """Property over real files in all nine languages: whatever is accepted parses no worse than the file as it
    was and than the file with the spans emptied; no candidate changes a character outside the spans."""
    rng = random.Random(7)
    accepted = checked = languages = 0
    seen = set()
    for case in range(CASES):
        doc, spans, ghost = _random_request(rng)
        seen.add(doc.language.name)
        sampler = SamplerOptions(steps=rng.randint(1, 3), strategy=rng.choice(STRATEGIES), seed=case)
        options = InfillOptions(sampler=sampler, syntax_rounds=rng.randint(0, 1), max_fill_tokens=rng.randint(2, 10),
                                cut_back=ghost, candidates=3)
        result = run_infill(tiny_denoiser, doc, spans, options)
        allowed = min(_errors(doc.text, doc), _errors(splice(doc.text, [Fill(s.start, s.end, "") for s in spans]), doc))
        for candidate in result.candidates:
            text = splice(doc.text, candidate.fills)
            assert [(f.start, f.end) for f in candidate.fills] == [(s.start, s.end) for s in sorted(spans, key=lambda s: s.start)]
            assert text.startswith(doc.text[:spans[0].start]) and text.endswith(doc.text[spans[-1].end:])
            if candidate.accepted:
                checked += 1
                assert _errors(text, doc) <= allowed, (doc.language.name, candidate)
                assert all(f.text.strip() or s.kind == "line" for s, f in zip(spans, candidate.fills)), "code was asked"
        if result.accepted:
            accepted += 1
            assert _errors(result.text, doc) <= allowed
        else:
            assert not any(c.accepted for c in result.candidates), "the best accepted candidate always comes first"
    assert seen == {"python", "javascript", "typescript", "tsx", "rust", "go", "java", "c", "cpp"}
    # A random tiny model: few of its fills parse, but enough accepted candidates must have been checked.
    assert checked >= CASES // 10 and accepted >= CASES // 20, f"only {checked} accepted candidates ({accepted} results)"


def test_an_indented_hole_keeps_its_indentation(tiny_denoiser):
    doc = Document("def f(xs):\n    total = 0\n    <|fill|>\n    return total\n", PY)
    [span] = select_holes(doc)
    assert doc.text[span.start:span.end] == "<|fill|>" and span.indent == "    "
    oracle = OracleDenoiser(tiny_denoiser, ["for x in xs:\n        total += x"], budget=20)
    result = run_infill(oracle, doc, [span], InfillOptions(sampler=SamplerOptions(steps=4), lengths="budget", syntax_rounds=0,
                                                               max_fill_tokens=20))
    assert result.accepted
    assert result.text == "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n"
    # The model's own indentation of the first line is replaced by the kept one, later lines follow it.
    oracle = OracleDenoiser(tiny_denoiser, ["        for x in xs:\n            total += x"], budget=20)
    again = run_infill(oracle, doc, [span], InfillOptions(sampler=SamplerOptions(steps=4), lengths="budget", syntax_rounds=0,
                                                               max_fill_tokens=20))
    assert again.text == result.text


@pytest.mark.parametrize("script", ["self):", "1, 2))", "a, b):\n", "x)"])
def test_ghost_text_in_brackets_never_leaves_them_unbalanced(tiny_denoiser, script):
    text = "def add(a, b):\n    return a + b\n\n\ndef main():\n    total = add()\n    print(total)\n"
    doc = Document(text, PY)
    cursor = text.index("add()") + len("add(")
    model = ScriptedDenoiser(tiny_denoiser, script)
    result = run_infill(model, doc, [select_cursor(doc, cursor)],
                        InfillOptions(sampler=SamplerOptions(steps=4, strategy="threshold"), cut_back=True, candidates=3))
    items = inline_items(doc, result, 3, "utf-16")
    for item in items:
        line = "    total = add(" + item.insert_text + ")"
        assert line.count("(") == line.count(")"), line
        assert not item.insert_text.endswith(")"), "the `)` after the cursor is never repeated"
        assert not syntax_error_ranges(text[:cursor] + item.insert_text + text[cursor:], PY)


def test_broken_ghost_text_is_cut_back_to_what_parses():
    doc = Document("items = []\nvalue = 1\n", PY)
    cursor = len("items = []\nvalue = 1")
    baseline = ParseBaseline.of(doc, [select_cursor(doc, cursor)])
    fills = [Fill(cursor, cursor, " + len(items) + (")]
    assert longest_acceptable_prefix(doc, fills, 0, baseline) == " + len(items)"
    unfinished = Document("items = []\nvalue = len(\n", PY)  # already broken: no worse may still be unfinished
    cursor = len("items = []\nvalue = len(")
    cut = longest_acceptable_prefix(unfinished, [Fill(cursor, cursor, "items) + (")], 0, ParseBaseline.of(unfinished, []))
    assert cut == "items) +"
    never = Document("x = 1\n", PY)
    assert longest_acceptable_prefix(never, [Fill(5, 5, " ((((")], 0, ParseBaseline.of(never, [])) is None


def test_holes_asking_for_code_never_come_back_empty(tiny_denoiser):
    model = ScriptedDenoiser(tiny_denoiser, "\n" * 300)  # a model that only writes blank lines
    doc = Document("def f(a):\n    pass\n", PY)
    [span] = [select_function_body(doc, find_functions(doc)[0])]
    result = run_infill(model, doc, [span], InfillOptions(sampler=SamplerOptions(steps=2, strategy="threshold")))
    assert not result.accepted, "an empty body is not offered as an implementation"
    assert all(not c.accepted for c in result.candidates)


def test_a_fill_of_nothing_but_comments_is_no_answer_where_code_was_asked(tiny_denoiser):
    model = ScriptedDenoiser(tiny_denoiser, "# %%\n" * 200)  # a model that only writes comments
    doc = Document("def f(a):\n    b = a\n    b += 1\n    return b\n", PY)
    result = run_infill(model, doc, [select_lines(doc, 3, 3)], InfillOptions(sampler=SamplerOptions(steps=2)))
    assert not result.accepted and all(not c.accepted for c in result.candidates)
    assert result.refusal() == "no fill with code was found: the best attempt held only whitespace or comments"
    rewrite = Document("def f(a):\n    # old note\n    return a\n", PY)  # a comment may become a comment
    result = run_infill(ScriptedDenoiser(tiny_denoiser, "# %% note"), rewrite, [select_lines(rewrite, 2, 2)],
                        InfillOptions(sampler=SamplerOptions(steps=2)))
    assert result.accepted and result.fills[0].text.strip().startswith("#")
    from infill.decode.candidates import usable
    from infill.task import Span
    line = Document("import os\nx = 1\n", PY)  # the rest of a line may be a comment, unless it was code
    assert usable(line, Span(9, 9, kind="line"), Fill(9, 9, "  # why")) and usable(line, Span(9, 9, kind="line"), Fill(9, 9, ""))
    assert not usable(line, Span(0, 9, kind="line"), Fill(0, 9, "#")) and not usable(line, Span(0, 9, kind="line"), Fill(0, 9, ""))


@pytest.mark.parametrize("language, text, code", [
    ("python", "    # %%\n\n    #----", False), ("python", "x = 1  # why", True), ("c", "/* a\n b */\n// c", False),
    ("c", "#endif", True), ("rust", "/// doc\nlet x = 1;", True), ("python", '"""doc"""', True),
])
def test_comments_on_lines_of_their_own_are_not_code(language, text, code):
    from infill.source.languages import has_code
    assert has_code(text, language_for_id(language)) is code


def test_candidates_are_ranked_by_the_models_score(tiny_denoiser):
    doc = Document("def main():\n    # say hello: \n    pass\n", PY)
    cursor = doc.text.index(": \n") + 2
    result = run_infill(tiny_denoiser, doc, [select_cursor(doc, cursor)],
                        InfillOptions(sampler=SamplerOptions(steps=3), candidates=3, cut_back=True))
    accepted = [c for c in result.candidates if c.accepted]
    assert accepted, "in a comment every one-line fill parses"
    assert [c.score for c in accepted] == sorted((c.score for c in accepted), reverse=True)
    assert len({tuple(f.text for f in c.fills) for c in result.candidates}) == len(result.candidates), "distinct"
    assert len({c.lengths[0] for c in accepted}) > 1, "candidates come from several lengths"


def test_big_files_are_checked_incrementally_and_near_the_fill():
    from infill.source.syntax import BIG_FILE_CHARS, spliced_tree, top_level_slice, tree_error_ranges
    from infill.task import Fill
    unit = "def f_{i}(a, b):\n    total = a + b\n    return total\n\n\n"
    text = "".join(unit.format(i=i) for i in range(BIG_FILE_CHARS // 40))
    doc = Document(text, language_for_path("big.py"))
    at = text.index("    return total", len(text) // 2)
    for fill_text in ["", "    return (a\n", "    x = [1, 2]\n", "    if a:\n"]:
        fills = [Fill(at, at + len("    return total\n"), fill_text)]
        new, data, tree = spliced_tree(doc, fills)
        assert tree_error_ranges(tree, data) == syntax_error_ranges(new, doc.language)
        assert error_count(doc, fills) == _errors(new, doc), fill_text
    near = top_level_slice(text, doc.language, at, at + 5)
    assert near.startswith("def f_") and near.count("def ") == 3, "the function around the offset and one on each side"



# A whole-line hole (the HumanEval layout: the hole starts at column 0, the fill brings its own indentation).
_IF_BODY = "def f(x):\n    if x:\n{hole}\n    else:\n        return 2\n"
_BEFORE_BLOCK = "def f(x):\n    y = x\n{hole}\n        return 1\n    else:\n        return 2\n"
# HumanEval/105's layout: the hole is the `try:` above a block, or the `except:` between two (a clause).
_TRY = "def f(xs):\n    out = []\n    for x in xs:\n{hole}\n            out.append(x[0])\n        except:\n            pass\n"
_EXCEPT = "def f(xs):\n    for x in xs:\n        try:\n            g(x)\n{hole}\n            pass\n    return xs\n"


@pytest.mark.parametrize("template, good, bad", [
    (_IF_BODY, "        return 1", ["    else:", "    y = 1", '    """']),
    (_BEFORE_BLOCK, "    if x > 0:", ["    z = len(x)", "    else:", '    """']),
    (_TRY, "        try:", ["    try:", "        else:"]),
    (_EXCEPT, "        except KeyError:", ["    else:", "        y = 1"]),
])
def test_a_fill_must_parse_as_well_as_a_placeholder_statement_would(template, good, bad):
    """Emptied, these files do not compile (a block with no body, an indented block with no opener), but `pass`
    one level deeper, `if True:`, `try:` or `except Exception:` would: a fill that leaves them broken is refused, the
    right one accepted."""
    at = template.index("{hole}")
    doc = Document(template.replace("{hole}", ""), PY)
    span = select_range(doc, at, at)
    baseline = ParseBaseline.of(doc, [span])
    assert baseline.emptied > 0 and baseline.allowed == 0
    assert error_count(doc, [Fill(at, at, good)]) <= baseline.allowed
    for fill in bad:
        assert error_count(doc, [Fill(at, at, fill)]) > baseline.allowed, fill


def test_no_placeholder_where_code_shares_the_line():
    doc = Document("def f(x):\n    return x +\n", PY)
    at = doc.text.index("+") + 1
    baseline = ParseBaseline.of(doc, [select_range(doc, at, at)])
    assert baseline.stubbed is None and baseline.allowed == baseline.emptied > 0


def test_eval_counts_what_cpython_rejects_as_not_compiling():
    from infill.evaluation.harness import python_compiles
    assert python_compiles("def f(x):\n    if x:\n        return 1\n")
    assert not python_compiles("def f(x):\n    y = 1\n        return 1\n"), "an unexpected indent does not parse"
    assert not python_compiles("def f(x, x):\n    return x\n"), "the compiler rejects what the parser passes"


def test_the_right_line_is_never_refused_by_the_placeholder_reference():
    """Over every HumanEval single-line problem: the canonical line parses at least as well as any placeholder,
    and the placeholder does make the reference stricter for many of them."""
    from infill.evaluation.harness import default_data_dir, load_problems, problem_document
    stricter = 0
    for problem in load_problems("single-line", default_data_dir()):
        doc, at = problem_document(problem, "single-line")
        baseline = ParseBaseline.of(doc, [select_range(doc, at, at)])
        truth = problem.canonical_solution.removesuffix("\n")
        assert error_count(doc, [Fill(at, at, truth)]) <= baseline.allowed, problem.task_id
        stricter += baseline.allowed < min(baseline.as_is, baseline.emptied)
    assert stricter > 300
