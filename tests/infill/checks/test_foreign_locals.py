"""A fill in a brace language that uses another function's local variable is a defect: refused, repaired,
explained; names that may be visible (globals, fields, imports, the fill's own declarations) never are."""

from pathlib import Path

import pytest

from infill.checks.fill_checks import check_fills
from infill.engine import run_infill
from infill.source.document import Document
from infill.source.languages import language_for_id, language_for_path
from infill.source.spans import find_functions, function_by_name, select_function_body
from infill.task import Fill, InfillOptions
from model.sampler import SamplerOptions
from tests.conftest import EXAMPLES
from tests.helpers import OracleDenoiser

REAL = Path(__file__).parents[1] / "real"


def _defects(language: str, source: str, fill: str) -> list[str]:
    at = source.index("@")
    doc = Document(source.replace("@", "", 1), language_for_id(language))
    return [why for _, _, why in check_fills(doc, [Fill(at, at, fill)]).defects]


RUST = "fn add(a: i32, b: i32) -> i32 {\n    @\n}\n\nfn main() {\n    let s = add(1, 2);\n    println!(\"{}\", s);\n}\n"
GO = "package m\n\nvar total int\n\nfunc f(a int) int {\n\t@\n}\n\nfunc g(n int) int {\n\tcount := n + total\n\treturn count\n}\n"
C = "int g;\nint add(int a, int b) {\n  @\n}\nint main(void) {\n  int s = add(1, 2);\n  g = s;\n  return s;\n}\n"
CPP = "int get(int a) {\n  @\n}\nvoid reset() {\n  count = 0;\n  auto f = [](int k) { return k; };\n}\n"
CPP_METHODS = "int Foo::get() {\n  @\n}\nvoid Foo::reset(int count) {\n  this->count = count;\n}\n"
JAVA_SUBCLASS = "class B extends A {\n  B(int size) {\n    super(size);\n  }\n  int f() {\n    @\n  }\n}\n"
JS = "function f(a) {\n  @\n}\nfunction g(items) {\n  let total = 0;\n  for (const { price } of items) total += price;\n  return total;\n}\n"
TS = "function f(a: number): number {\n  @\n}\nconst g = (n: number) => {\n  const doubled = n * 2;\n  return doubled;\n};\n"
JAVA = "class A {\n  int count;\n  int f(int a) {\n    @\n  }\n  int g(int total) {\n    return total + count;\n  }\n}\n"


@pytest.mark.parametrize("language, source, fill, name, owner", [
    ("rust", RUST, "return s;", "s", "`main`"),
    ("rust", RUST, "let mut s = s;\n    s", "s", "`main`"),          # its own value reads the other `s`
    ("rust", RUST, "s + 1;\n    let s = 2;\n    s", "s", "`main`"),    # used before the fill declares it
    ("go", GO, "return count", "count", "`g`"),
    ("go", GO, "return n", "n", "`g`"),
    ("c", C, "return s;", "s", "`main`"),
    ("c", C, "return abs(s) + a;", "s", "`main`"),
    ("cpp", CPP, "return k;", "k", "an anonymous function"),
    ("javascript", JS, "return total;", "total", "`g`"),
    ("javascript", JS, "return price * a;", "price", "`g`"),
    ("typescript", TS, "return doubled;", "doubled", "an anonymous function"),
    ("java", JAVA, "return total;", "total", "`g`"),
])
def test_a_local_of_another_function_is_a_defect(language, source, fill, name, owner):
    assert _defects(language, source, fill) == [f"`{name}` is a local of {owner}, not defined here"]


@pytest.mark.parametrize("language, source, fill", [
    ("rust", RUST, "a + b"),
    ("rust", RUST, "let s = a + b;\n    s"),                      # the fill declares it
    ("rust", RUST, "add(a, b)"),                                   # a function of the file
    ("rust", RUST, "[a, b].iter().map(|s| s * 2).sum()"),         # a closure's own parameter
    ("go", GO, "return a + total"),                                # a package variable
    ("go", GO, "return g(a)"),
    ("go", GO, "for count := 0; count < a; count++ {\n\t}\n\treturn a"),
    ("c", C, "return g + a;"),                                     # a global
    ("c", C, "int s = a + b;\n  return s;"),
    ("cpp", CPP, "return count;"),                                 # a global from a header: used, never declared
    ("cpp", CPP_METHODS, "return count;"),                         # a member of Foo, declared in its header
    ("java", JAVA_SUBCLASS, "return size;"),                       # perhaps a field of A
    ("c", "void h(int a) {\n  @\n}\nvoid k(int signal) {\n  (void)signal;\n}\n", "signal(2, 0);"),  # a library call
    ("javascript", JS, "total = a;\n  return total;"),            # assigning may create it
    ("javascript", JS, "const { total } = a;\n  return total;"),
    ("javascript", JS, "return a.total;"),                         # a property
    ("javascript", JS, "return total();\n  function total() { return a; }"),  # hoisted
    ("java", JAVA, "return count + a;"),                           # a field
    ("java", JAVA, "return this.total;"),
    ("java", JAVA, "return java.util.List.of(a).stream().map(total -> total + 1).findFirst().get();"),
])
def test_names_that_may_be_visible_are_not_defects(language, source, fill):
    assert _defects(language, source, fill) == []


def test_python_is_left_to_its_own_scope_check():
    """Python has CPython's symbol tables (infill/checks/python/scopes.py): the same fill is flagged once, by that check."""
    source = "def f(a):\n    @\n\n\ndef g():\n    total = 1\n    return total\n"
    assert _defects("python", source, "return total") == ["`total` is a local of `g`, not visible here"]


def test_no_real_function_body_is_a_defect():
    """Every function body of the bundled real files and examples in the eight brace languages, given back whole."""
    bodies = 0
    for path in [*REAL.iterdir(), *EXAMPLES.iterdir()]:
        spec = language_for_path(path)
        if spec.name == "python":
            continue
        doc = Document(path.read_text(), spec)
        for function in find_functions(doc):
            span = select_function_body(doc, function)
            if span.end > span.start:
                bodies += 1
                check = check_fills(doc, [Fill(span.start, span.end, doc.text[span.start:span.end])])
                assert not check.defects, (path.name, function.name, check.describe())
    assert bodies >= 30


def test_repair_rounds_redenoise_a_line_that_reads_another_functions_local(tiny_denoiser):
    tok = tiny_denoiser.tokenizer
    # Another function's local: any one-token lower-case name of the tiny vocabulary that is no Rust keyword.
    side = next(t for t in range(tiny_denoiser.vocab_size) if tok.decode([t]).startswith(" ")
                and tok.decode([t]).strip().isidentifier() and tok.decode([t]).strip().islower()
                and tok.decode([t]).strip() not in ("w", "h", "area", "fn", "let", "as", "in", "if", "for", "mut"))
    name = tok.decode([side]).strip()
    doc = Document(f"fn area(w: i32, h: i32) -> i32 {{\n    todo!()\n}}\n\nfn main() {{\n    let {name} = 3;\n"
                   f"    println!(\"{{}}\", area({name}, {name}));\n}}\n", language_for_id("rust"))
    span = select_function_body(doc, function_by_name(doc, "area"))
    truth = "\n    return w * h;\n"
    ids = tok.encode(truth)
    at = next(i for i, t in enumerate(ids) if tok.decode([t]) == " w")
    options = lambda rounds: InfillOptions(sampler=SamplerOptions(steps=8, strategy="confidence"), lengths="budget",
                                           syntax_rounds=rounds, max_fill_tokens=16)
    lying = lambda: OracleDenoiser(tiny_denoiser, [truth], budget=16, lies={at: side}, lie_calls=8)
    without = run_infill(lying(), doc, [span], options(0))
    assert not without.accepted and f"`{name}` is a local of `main`" in without.refusal()
    repaired = run_infill(lying(), doc, [span], options(2))
    assert repaired.accepted and "w * h" in repaired.text and repaired.trace.remasked > 0
