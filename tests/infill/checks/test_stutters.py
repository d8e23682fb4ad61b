"""Names that repeat a piece three times in a row (`notebookbookbook`) are defects in every language; the user's own
names, numbers, strings and repeats of digits or underscores are not."""

import pytest

from infill.checks.fill_checks import check_fills
from infill.checks.stutters import stutter
from infill.engine import run_infill
from infill.source.document import Document
from infill.source.languages import language_for_id
from infill.source.spans import select_cursor
from infill.task import Fill, InfillOptions
from model.sampler import SamplerOptions
from tests.helpers import OracleDenoiser


def _whys(language: str, source: str, fill: str) -> list[str]:
    at = source.index("@")
    doc = Document(source.replace("@", "", 1), language_for_id(language))
    return [why for _, _, why in check_fills(doc, [Fill(at, at, fill)]).defects]


def test_stutter_names_the_repeated_piece():
    assert stutter("notebookbookbook") == "book"
    assert stutter("_callback_callback_callback") == "_callback"
    assert stutter("llllllllst") == "ll"
    for fine in ("notebook", "callback_callback", "x000000", "______", "rows", "aab", "x7fff"):
        assert stutter(fine) is None, fine


@pytest.mark.parametrize("language, source, fill", [
    ("python", "def f(nb):\n    @\n", "return nb.notebookbookbook"),
    ("python", "def f(lst):\n    @\n", "return len(lst.llllllllst)"),
    ("javascript", "function f(cb) {\n  @\n}\n", "return cb._callback_callback_callback;"),
    ("c", "int f(int x) {\n  @\n}\n", "return countcountcount(x);"),
    ("go", "package m\n\nfunc f(x int) int {\n\t@\n}\n", "return x.ValueValueValue"),
])
def test_a_stuttered_name_in_a_fill_is_a_defect(language, source, fill):
    assert [w for w in _whys(language, source, fill) if "stutter" in w], fill


def test_ghost_text_that_extends_the_users_word_into_a_stutter_is_a_defect():
    whys = _whys("python", "def f(nb):\n    return nb.note@\n", "bookbookbook")
    assert whys == ["`notebookbookbook` repeats `book`: a stutter, not a name"]


@pytest.mark.parametrize("language, source, fill, word, piece", [
    ("python", 'def f(uri):\n    """@"""\n    return uri\n', "Return thebookbookbookbook uri.", "thebookbookbookbook", "book"),
    ("python", "def f(x):\n    @\n    return x\n", "# retryretryretry once", "retryretryretry", "retry"),
    ("javascript", "function f(x) {\n  @\n}\n", "return 'loadloadloading';", "loadloadloading", "load"),
    ("rust", "fn f() {\n    @\n}\n", "// the itemitemitem", "itemitemitem", "item"),
    ("c", "int f(void) {\n  @\n}\n", "/* a nodenodenode */ return 0;", "nodenodenode", "node"),
])
def test_a_stuttered_word_in_a_comment_or_string_is_a_defect(language, source, fill, word, piece):
    assert [w for w in _whys(language, source, fill) if "stutter" in w] == \
        [f"`{word}` repeats `{piece}`: a stutter, not a word"]


def test_only_the_words_a_fill_touches_count_in_a_comment():
    # The user's own `# TODO hahahahahahaha` line keeps its word; the fill's word beside it is checked.
    whys = _whys("python", "def f():\n    # hahahahahahaha @\n    return 1\n", "and so on")
    assert not [w for w in whys if "stutter" in w]
    whys = _whys("python", '"""A docstring about note@"""\n', "bookbookbook")
    assert whys == ["`notebookbookbook` repeats `book`: a stutter, not a word"]


@pytest.mark.parametrize("source, fill", [
    ("aaaaaa = 1\n\n\ndef f():\n    @\n", "return aaaaaa"),          # the user's own name
    ("def f():\n    @\n", "return 0xFFFFFFFF"),                         # a number
    ("def f():\n    @\n", "return 'hahahaha'"),                         # a string: a two-letter piece
    ("def f():\n    @\n", "# hahaha, ababab and 0xabababab"),             # prose and a number
    ("def f():\n    @\n", "return 'MMMMMMMMMMMMMMMMMMMMMM'"),              # test data: one letter
    ("def f(x000000):\n    @\n", "return x000000"),                     # digits only
    ("def f(items):\n    @\n", "return [item for item in items]"),
])
def test_real_names_numbers_and_strings_are_not_stutters(source, fill):
    assert not [w for w in _whys("python", source, fill) if "stutter" in w], fill


def test_the_engine_never_shows_a_stuttered_name(tiny_denoiser):
    """A denoiser that insists on the stutter gets its fill refused; the same line without it is shown."""
    source = "def f(nb):\n    return \n"
    doc = Document(source, language_for_id("python"))
    cursor = select_cursor(doc, source.index("return ") + 7)
    options = InfillOptions(sampler=SamplerOptions(steps=8, strategy="confidence"), lengths="budget",
                            syntax_rounds=1, max_fill_tokens=24)
    stuttered = run_infill(OracleDenoiser(tiny_denoiser, ["nb.notebookbookbook"], budget=24), doc, [cursor], options)
    assert not stuttered.accepted and "a stutter, not a name" in stuttered.refusal()
    kept = run_infill(OracleDenoiser(tiny_denoiser, ["nb.notebook"], budget=24), doc, [cursor], options)
    assert kept.accepted and kept.fills[0].text == "nb.notebook"
