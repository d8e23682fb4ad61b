"""Fills that parse but would not be kept (unreachable code, undefined names, attributes nothing sets, nested
functions nothing calls) count as problems: refused, repaired, explained; and the real code of real files is never
taken for one."""

import pytest

from infill.checks.acceptance import ParseBaseline, error_count
from infill.checks.fill_checks import check_fills
from infill.engine import run_infill
from infill.evaluation.harness import (
    default_data_dir,
    default_heldout_source,
    heldout_texts,
    line_cases,
    load_problems,
    problem_document,
)
from infill.source.document import Document
from infill.source.languages import language_for_id
from infill.source.spans import find_functions, function_by_name, select_cursor, select_function_body
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


STACK = ("class Stack:\n    def __init__(self):\n        self.items = []\n\n    def pop(self):\n        @\n\n"
         "    def __len__(self):\n        return len(self.items)\n")


def test_self_attributes_the_class_sets_nowhere_are_defects():
    check = _check("python", STACK, "return self.get_obj")
    assert check.describe() == ["line 6: `self.get_obj` is set nowhere in the class"]
    start, end, _ = check.defects[0]
    assert check.text[start:end] == "get_obj"
    for fine in ("return self.items.pop()", "self.top = self.items[-1]\n        return self.top", "return self.__class__",
                 "return self.pop"):
        assert not _check("python", STACK, fine).defects, fine


@pytest.mark.parametrize("source", [
    STACK.replace("class Stack:", "class Stack(Base):"),                     # inherited from anywhere
    STACK.replace("class Stack:", "class Stack(metaclass=Meta):"),
    STACK.replace("class Stack:", "@enumlike\nclass Stack:"),                # a decorator may add attributes
    STACK + "\n\nclass Both(Stack, Other):\n    pass\n",                    # a mixin reads its partner's
    STACK.replace("return len(self.items)", "return len(self.__dict__)"),   # attributes set dynamically
])
def test_classes_that_may_get_attributes_elsewhere_are_left_alone(source):
    assert not _check("python", source, "return self.get_obj").defects


def test_calling_an_attribute_that_only_ever_holds_data_is_a_defect():
    check = _check("python", STACK, "return self.items()")
    assert check.describe() == ["line 6: `self.items` is a list, not something to call"]
    start, end, _ = check.defects[0]
    assert check.text[start:end] == "items"
    counter = STACK.replace("self.items = []", "self.items = []\n        self.count = 0")
    assert _check("python", counter, "self.count += 1\n        return self.count()").describe() == \
        ["line 8: `self.count` is a number, not something to call"]
    for fine in ("return self.items.pop()", "return self.pop()", "return self.__len__()"):
        assert not _check("python", STACK, fine).defects, fine


@pytest.mark.parametrize("source", [
    STACK.replace("self.items = []", "self.items = None"),                   # a callback set later
    STACK.replace("self.items = []", "self.items = make_items()"),           # anything may come back
    STACK.replace("self.items = []", "self.items = []\n        self.items = factory"),
    STACK + "\n\nstack = Stack()\nstack.items = print\n",                  # set outside the class
    STACK.replace("self.items = []", "self.items, self.n = [], 0"),          # values not paired here
    STACK + "\n    def items(self):\n        return []\n",                    # a method of that name
    STACK.replace("class Stack:", "class Stack(Base):"),                     # a base may define it
])
def test_attributes_that_may_be_callable_are_left_alone(source):
    assert not _check("python", source, "return self.items()").defects


def test_keeping_what_an_in_place_method_returns_is_a_defect():
    source = "def f(xs):\n    out = []\n    seen = set()\n    for x in xs:\n        @\n    return out\n"
    for fill, why in (("out = out.append(x)", "`out.append()` changes a list in place and returns None"),
                      ("return out.sort()", "`out.sort()` changes a list in place and returns None"),
                      ("y = seen.add(x)", "`seen.add()` changes a set in place and returns None")):
        check = _check("python", source, fill)
        assert [why for _, _, why in check.defects] == [why], fill
    start, end, _ = _check("python", source, "out = out.append(x)").defects[0]
    assert _check("python", source, "out = out.append(x)").text[start:end] == "append"
    for fine in ("out.append(x)", "y = out.pop()", "y = xs.append(x)", "y = seen.union(x)", "out += [x]\n        y = 1"):
        assert not _check("python", source, fine).defects, fine
    for other in ("out = []\n    out = make()", "out, n = [], 0", "with open(xs) as out:\n        pass"):
        assert not _check("python", source.replace("out = []", other), "y = out.append(x)").defects, other
    assert _check("python", "items = []\n\n\ndef f(x):\n    @\n", "return items.append(x)").defects  # a module list


def test_nested_functions_nothing_calls_are_defects():
    check = _check("python", STACK, "@property\n        def _len(self, item):\n            return 1\n        return len(self)")
    assert check.describe() == ["line 6: nested function `_len` is never used"]
    start, end, _ = check.defects[0]
    assert check.text[start:end].strip().startswith("@property") and check.text[start:end].endswith("return 1")
    for fine in ("def top():\n            return self.items[-1]\n        return top()",
                 "def key(v):\n            return -v\n        return sorted(self.items, key=key)[0]",
                 "@atexit.register\n        def bye():\n            pass\n        return None"):  # registered: a use
        assert not _check("python", "import atexit\n" + STACK, fine).defects, fine


def test_conditions_that_are_constants_are_defects():
    source = "def f(x):\n    @\n        return x\n    return 0\n"
    for fill, why in (("if not 0:", "the condition `not 0` is always true"), ("if None:", "the condition `None` is always false"),
                      ("while False:", "the condition `False` is always false"),
                      ("if x:\n        pass\n    elif 'a':", "the condition `'a'` is always true")):
        check = _check("python", source, fill)
        assert [why for _, _, why in check.defects] == [why], fill
    start, end, _ = _check("python", source, "if not True:").defects[0]
    assert _check("python", source, "if not True:").text[start:end] == "not True"
    for fine in ("while True:", "while 1:", "if x:", "if not x:", "if x == 0:"):
        assert not _check("python", source, fine).defects, fine
    assert not _check("python", "def f(x):\n    @\n", "while False:\n        yield").defects  # a generator
    assert not _check("python", "def f(x):\n    if 0:\n        @\n", "return x").defects  # the user's own `if 0:`


def test_statements_that_do_nothing_are_defects():
    source = "def f(x, y):\n    n = {}\n    @\n    return n\n"
    for fill, why in (("y", "`y` does nothing: its value is not used"), ("x + 1", "`x + 1` does nothing: its value is not used"),
                      ("x == 1", "`x == 1` does nothing: its value is not used"),
                      ("n = {1: 'a', 1: 'b'}", "the key `1` is already in this dict"),
                      ("n = {'a': x,\n         'a': y}", "the key `'a'` is already in this dict"),
                      ("if x < x:\n        n = 1", "`x` compared with itself is always false"),
                      ("if y is not y:\n        n = 1", "`y` compared with itself is always false"),
                      ("x = x", "`x = x` does nothing: it assigns a name to itself"),
                      ("x, y = x, y", "`x, y = x, y` does nothing: it assigns a name to itself"),
                      ("n = {}", "`n = {}` again: the line above already did it"),
                      ("i = 10\n    i = 10", "`i = 10` again: the line above already did it")):
        check = _check("python", source, fill)
        assert [why for _, _, why in check.defects] == [why], fill
    start, end, _ = _check("python", source, "if 0 < x < x:\n        n = 1").defects[0]
    assert _check("python", source, "if 0 < x < x:\n        n = 1").text[start:end] == "x < x"
    for fine in ("...", "1", "'a note'", "f(x)", "x.y", "x and f(x)", "[f(v) for v in x]", "n = {1: x, 2: x}",
                 "n = {x: 1, x: 2}", "if x == x:\n        n = 1", "if x != x:\n        n = 1", "y = -x", "n[x] = x == y",
                 "x, y = y, x", "n = f(x)\n    n = f(x)", "x = x + 1\n    x = x + 1", "n = x", "x.n = x.n"):
        assert not _check("python", source, fine).defects, fine
    assert not _check("python", "def f(x):\n    x\n    @\n", "return x").defects  # the user's own bare name
    assert not _check("python", "def f(x):\n    x = x\n    @\n", "return x").defects  # the user's own
    assert _check("python", "i = 1\n@\n", "i = 1").defects  # at the top of a module too
    for source, fill in (("class A:\n    @\n", "TimeoutError = TimeoutError"), ("@\n", "TimeoutError = TimeoutError"),
                         ("def f(x):\n    if x is None:\n        x = 1\n    else:\n        @\n", "x = x")):
        assert not _check("python", source, fill).defects, (source, fill)  # a class's copy, a mirrored branch


def test_a_branch_that_returns_what_the_code_after_it_returns_is_a_defect():
    clamp = "def clamp(value, low, high):\n    if value < low:\n        @\n    if value > high:\n        return value\n" \
            "    return value\n"
    check = _check("python", clamp, "return value")
    assert check.describe() == ["line 3: `return value` is what the code after this `if` returns anyway"]
    assert check.text[check.defects[0][0]:check.defects[0][1]] == "return value"
    assert _check("python", "def f(x):\n    if x:\n        @\n    return None\n", "return None").defects
    for fill in ("return low", "value = low", "return value + 1"):
        assert not _check("python", clamp, fill).defects, fill
    for source in ("def f(x):\n    if x:\n        @\n    else:\n        return 1\n    return x\n",  # an else
                   "def f(x):\n    if x:\n        @\n    x.append(1)\n    return x\n",          # work between
                   "def f(x):\n    if x:\n        @\n    if check(x):\n        return x\n    return x\n",  # a call
                   "def f(x):\n    if x:\n        print(x)\n        @\n    return x\n"):        # more in the branch
        assert not _check("python", source, "return x").defects, source
    # The user's own branch is theirs: a fill of the last line is not flagged for it.
    assert not _check("python", "def f(x):\n    if x:\n        return x\n    @\n", "return x").defects


def _check_finished(source: str, fill: str, open_ended: bool = False):
    """As `_check`, the fill asked for as one that finishes the code it sits in (or as ghost text: `open_ended`)."""
    at = source.index("@")
    doc = Document(source.replace("@", "", 1), language_for_id("python"))
    return check_fills(doc, [Fill(at, at, fill)], [Span(at, at, kind="lines", open_ended=open_ended)])


def test_a_body_that_never_returns_what_its_docstring_promises_is_a_defect():
    pop = ('class Stack:\n    def __init__(self):\n        self.items = []\n\n'
           '    def pop(self):\n        """Remove and return the top item."""\n        @\n')
    why = "the docstring of `pop` says it returns a value; the body never returns one"
    whys = lambda check: [w for _, _, w in check.defects]
    for fill in ("self.items = []", "pass", "def take(self):\n            return self.items.pop()",
                 "if self.items:\n            del self.items[-1]\n        return"):
        assert why in whys(_check_finished(pop, fill)), fill
        assert why not in whys(_check_finished(pop, fill, open_ended=True)), fill  # ghost text: typing goes on
        assert why not in whys(_check("python", pop, fill)), fill                  # nobody said it finishes it
    for fill in ("return self.items.pop()", "raise IndexError('empty')", "yield self.items.pop()",
                 "if not self.items:\n            raise IndexError\n        del self.items[-1]"):
        assert not _check_finished(pop, fill).defects, fill
    check = _check_finished('def add(a, b):\n    """\n    >>> add(2, 3)\n    5\n    """\n    @\n', "total = a + b")
    assert [w for _, _, w in check.defects] == ["the docstring of `add` says it returns a value; the body never returns one"]
    assert check.text[check.defects[0][0]:check.defects[0][1]] == "total = a + b"
    for source in ('def f(x):\n    """Print x."""\n    @\n', 'def f(x):\n    """Returns nothing."""\n    @\n',
                   'def __init__(self, x):\n    """Return a new thing."""\n    @\n',
                   'class A:\n    @abstractmethod\n    def f(self):\n        """Return x."""\n        @\n',
                   # the fill is g's, not f's (whose promise was broken before the fill)
                   'def f(x):\n    """Return a printer."""\n    def g():\n        """Print x."""\n        @\n    g()\n',
                   'def f(x):\n    """Return x."""\n    @\n    return x\n'):
        assert not _check_finished(source, "y = x").defects, source
    # A stub the user wrote is an interface, not a broken promise; a fill elsewhere in the file is not about it.
    assert not _check_finished('def f(x):\n    """Return x."""\n    ...\n\n\n@\n', "y = 1").defects


def test_a_def_that_takes_in_the_code_below_it_is_a_defect():
    body = "    n = 0\n    for i in x:\n        n += i\n    return n\n"
    for source, why in (("def f(x):\n    \"\"\"Sum.\"\"\"\n@\n" + body, "`def g` takes the code below it out of `f`, leaving it no code"),
                        ("def f(x):\n    n = 0\n@\n" + body.split("\n", 1)[1], "`def g` takes the code below it out of `f`, away from its `n`")):
        check = _check("python", source, "def g(x):")
        assert [why for _, _, why in check.defects] == [why], source
        assert check.text[check.defects[0][0]:check.defects[0][1]] == "def g(x):"
    # A real method's header given back: the body below was left to the method above only because it was missing.
    assert not _check("python", "class A:\n    def f(self):\n        return 1\n\n@\n        return self.f()\n",
                      "    def g(self):").defects
    assert not _check("python", "def f(x):\n    n = 0\n    @\n    return n\n", "def g(v):\n        return v\n    n = g(n)").defects
    assert not _check("python", "import os\n\n@\n", "def g():\n    return 1").defects
    assert not _check("python", "@\n    \"\"\"Doc.\"\"\"\n    return 1\n", "def g():").defects  # its header was missing


@pytest.mark.parametrize("source, fill, why", [
    ("def f(x):\n    @\n", "def g(a, a):\n        return a\n    return g", "duplicate argument 'a' in function definition"),
    ("x = 1\n@\n", "return x", "'return' outside function"),
    ("def f(x):\n    @\n", "break", "'break' outside loop"),
    ("def f(x):\n    @\n", "return await x", "'await' outside async function"),
])
def test_what_the_compiler_rejects_after_the_parser_accepts_is_a_defect(source, fill, why):
    check = _check("python", source, fill)
    assert check.describe() == [f"line 2: {why}"] and not check.parse_errors
    assert not _check("python", "async def f(x):\n    @\n", "return await x").defects
    assert not _check("python", "def f(x):\n    @\n", "return x is 1").defects  # a warning, not an error


def test_a_parameter_named_twice_is_the_fill_s_when_the_fill_names_one():
    check = _check("python", "class A:\n    @\n        self,\n        x,\n    ):\n        self.x = x\n", "def f(self,")
    assert check.describe() == ["line 2: duplicate argument 'self' in function definition"]


def test_a_compiler_error_the_fill_causes_below_it_is_the_fills():
    """A line dedented out of a loop takes the loop's `break` with it (v7 showed one such fill on HumanEval)."""
    source = "def f(xs):\n    for x in xs:\n        y = x\n@\n        if x:\n            break\n    return xs\n"
    check = _check("python", source, "    if not xs:")
    assert check.describe() == ["line 4: after this fill, 'break' outside loop (line 6)"]
    assert not _check("python", source, "        y += 1").defects


def test_a_compiler_error_in_the_users_code_is_not_blamed_on_the_fill():
    assert not _check("python", "def f(a, a):\n    pass\n\n\nx = @\n", "1").defects


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


@pytest.mark.parametrize("split", ["single-line", "multi-line"])
def test_no_humaneval_solution_is_a_defect(split):
    for problem in load_problems(split, default_data_dir()):
        doc, at = problem_document(problem, split)
        fill, span = Fill(at, at, problem.canonical_solution.removesuffix("\n")), Span(at, at, kind="lines")
        assert not check_fills(doc, [fill], [span]).defects, problem.task_id


def test_no_line_of_real_held_out_code_is_a_defect():
    py = language_for_id("python")
    for text, start, end in line_cases(heldout_texts(default_heldout_source()), 300, seed=5):
        check = check_fills(Document(text, py), [Fill(start, end, text[start:end])], [Span(start, end, kind="line")])
        assert not check.defects, (text[start:end], check.describe())


def test_no_real_function_body_is_a_defect():
    """Every function body of the held-out package, given back as its own fill (as `--function` replaces it)."""
    py = language_for_id("python")
    for text in heldout_texts(default_heldout_source()):
        doc = Document(text, py)
        for function in find_functions(doc):
            span = select_function_body(doc, function)
            check = check_fills(doc, [Fill(span.start, span.end, text[span.start:span.end])], [span])
            assert not check.defects, (function.name, check.describe())


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


def test_a_requested_body_must_keep_its_docstring_s_promise_and_ghost_text_need_not(tiny_denoiser):
    options = InfillOptions(sampler=SamplerOptions(steps=8, strategy="confidence"), lengths="budget", syntax_rounds=1,
                            max_fill_tokens=16)
    doc = Document('def area(w, h):\n    """Return the area."""\n    raise NotImplementedError\n', language_for_id("python"))
    body = select_function_body(doc, function_by_name(doc, "area"))
    refused = run_infill(OracleDenoiser(tiny_denoiser, ["    size = w * h"], budget=16), doc, [body], options)
    assert not refused.accepted and "says it returns a value; the body never returns one" in refused.refusal()
    kept = run_infill(OracleDenoiser(tiny_denoiser, ["    return w * h"], budget=16), doc, [body], options)
    assert kept.accepted and kept.fills[0].text == "    return w * h"
    typing = Document('def area(w, h):\n    """Return the area."""\n    \n', language_for_id("python"))
    cursor = select_cursor(typing, typing.text.index("\n    \n") + 5)
    assert cursor.open_ended
    ghost = run_infill(OracleDenoiser(tiny_denoiser, ["    size = w * h"], budget=16), typing, [cursor], options)
    assert ghost.accepted and "size = w * h" in ghost.text  # the `return` comes on the next line the user types


def test_problems_are_described_for_the_user():
    source = "def f(x):\n    @\n    return x\n"
    assert _check("python", source, "if x:").describe() == ["line 3: expected an indented block after 'if' statement on line 2"]
    assert _check("python", source, "x = = 1").describe()[0] == "line 2: syntax error at `=`"
    assert _check("python", source, "y = nowhere").describe() == ["line 2: `nowhere` is defined nowhere in the file"]


def test_a_future_import_after_the_first_code_is_a_defect():
    """v12 + 4,000 steps wrote one under a function's docstring, at column 0 (HumanEval/28/L0); compiled alone it looks
    first, so the compiler check missed it."""
    why = ["line 4: from __future__ imports must occur at the beginning of the file"]
    source = 'def f(s):\n    """Join."""\n\n@\n'
    assert _check("python", source, "from __future__ import annotations").describe() == why
    assert _check("python", "import os\n\n@\n", "from __future__ import annotations").describe() == \
        ["line 3: from __future__ imports must occur at the beginning of the file"]
    assert not _check("python", '"""Doc."""\n@\nimport os\n', "from __future__ import annotations").defects
    assert not _check("python", "from __future__ import division\n@\nimport os\n",
                      "from __future__ import annotations").defects
