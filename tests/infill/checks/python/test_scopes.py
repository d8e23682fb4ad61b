"""Python fills that read a name out of its scope (another function's local, a class attribute without `self.`) or
that leave the code around them reading names out of scope count as problems; what the file already did does not."""

import pytest

from infill.checks.fill_checks import check_fills
from infill.evaluation.harness import default_heldout_source, heldout_texts
from infill.source.document import Document
from infill.source.languages import language_for_id
from infill.source.spans import find_functions, select_function_body
from infill.task import Fill
from tests.conftest import ROOT

ADD = "def add(a, b):\n    @\n\n\ndef main():\n    s = add(1, 2)\n    print(s)\n"
GREET = ('def greet(name, greeting):\n    """Say hello."""\n@\n    for part in name.split():\n'
         "        print(greeting, part)\n")
COUNTER = "class Counter:\n    step = 1\n\n    def bump(self, n):\n        @\n"


def _check(source: str, fill: str):
    at = source.index("@")
    return check_fills(Document(source.replace("@", "", 1), language_for_id("python")), [Fill(at, at, fill)])


def test_reading_another_functions_local_is_a_defect():
    check = _check(ADD, "return s")
    assert check.describe() == ["line 2: `s` is a local of `main`, not visible here"]
    start, end, _ = check.defects[0]
    assert check.text[start:end] == "s"


def test_reading_a_class_attribute_without_self_is_a_defect():
    assert _check(COUNTER, "return n + step").describe() == \
        ["line 5: `step` is an attribute of class `Counter`, not visible here"]


def test_a_fill_that_ends_a_function_early_is_blamed_for_the_code_it_cuts_off():
    check = _check(GREET, "def main():")
    assert [why for _, _, why in check.defects] == [
        "`def main` takes the code below it out of `greet`, leaving it no code",  # infill/checks/python/moved_code.py
        "after this fill, the code around it reads `greeting` out of scope (a local of `greet`)",
        "after this fill, the code around it reads `name` out of scope (a local of `greet`)"]
    assert {check.text[a:b] for a, b, _ in check.defects} == {"def main():"}


def test_a_class_line_that_swallows_a_function_body_is_blamed_for_it():
    """The fill touches the class header, so the whole class is what it means (not only the methods it touches)."""
    check = _check(GREET, "class Greeter:")
    assert {why for _, _, why in check.defects} == {
        "after this fill, the code around it reads `greeting` out of scope (a local of `greet`)",
        "after this fill, the code around it reads `name` out of scope (a local of `greet`)"}


@pytest.mark.parametrize("source, fill", [
    (ADD, "return a + b"),
    (ADD, "s = a + b\n    return s"),                        # bound by the fill itself
    (ADD, "return [s for s in (a, b)]"),                      # a comprehension's own variable
    (ADD, "return add"),                                      # module level
    (ADD, "def inner():\n        return a\n    return inner()"),  # an enclosing function's
    (ADD + "\ns = 0\n", "return s"),                          # a global of that name exists too
    (ADD + "\ndef setup():\n    global s\n    s = 0\n", "return s"),    # a global another function sets
    (COUNTER, "return self.step + n"),
    (COUNTER, "return Counter.step"),
    (GREET, "    name = name.strip()"),
    ("import os\n\ndef f():\n    @\n\nprint(injected)\n\ndef g():\n    injected = 1\n", "return injected"),
    ("from mod import *\n\ndef f():\n    @\n\ndef g():\n    s = 1\n", "return s"),  # may define anything
    ("def f():\n    @\n\ndef g():\n    s = 1\n\nglobals()['s'] = 2\n", "return s"),
])
def test_names_in_scope_or_already_unbound_are_left_alone(source, fill):
    assert not _check(source, fill).defects, _check(source, fill).describe()


def test_real_bodies_filled_into_their_stubs_read_nothing_out_of_scope():
    """Each function body of real files (bundled ones, the first held-out pygls files), filled into its file where
    it was `pass` (`docs/eval/soundness/real_bodies.py --stub` runs this over 1,000s of files)."""
    py = language_for_id("python")
    bundled = [ROOT / "tests/infill/real/inventory.py", ROOT / "examples/stack.py", ROOT / "examples/holes.py"]
    files = [(path.name, path.read_text()) for path in bundled]
    files += [(f"pygls:{i}", text) for i, text in enumerate(heldout_texts(default_heldout_source(), 8))]
    for path, text in files:
        doc = Document(text, py)
        for function in find_functions(doc):
            span = select_function_body(doc, function)
            body = text[span.start:span.end]
            stub = body[:len(body) - len(body.lstrip())].split("\n")[-1] + "pass"
            stubbed = Document(text[:span.start] + stub + text[span.end:], py)
            check = check_fills(stubbed, [Fill(span.start, span.start + len(stub), body)])
            assert not check.defects, (path, function.name, check.describe())
