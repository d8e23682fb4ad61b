import pytest

from infill.errors import InfillError
from infill.source.document import Document
from infill.source.languages import LANGUAGES, language_for_id, language_for_path
from infill.source.spans import (
    find_functions,
    function_at,
    function_by_name,
    select_cursor,
    select_function_body,
    select_holes,
    select_lines,
)
from tests.infill.samples import SOURCES


def _doc(lang):
    name, text = SOURCES[lang]
    return Document(text, language_for_path(name))


@pytest.mark.parametrize("lang", sorted(SOURCES))
def test_functions_and_stubs_in_every_language(lang):
    doc = _doc(lang)
    assert not doc.tree.root_node.has_error
    functions = {f.name.rsplit(".", 1)[-1]: f for f in find_functions(doc)}
    assert {"total", "later"} <= set(functions)
    assert functions["later"].is_stub and not functions["total"].is_stub


@pytest.mark.parametrize("lang", sorted(SOURCES))
def test_function_body_span_keeps_signature_and_braces(lang):
    doc = _doc(lang)
    span = select_function_body(doc, function_by_name(doc, "total"))
    body = doc.text[span.start:span.end]
    before, after = doc.text[:span.start], doc.text[span.end:]
    assert "total" in before and "total" not in body
    assert "s" in body or "reduce" in body or "sum" in body
    if doc.language.braces:
        assert before.rstrip().endswith("{") and after.lstrip().startswith("}")


def test_python_docstring_stays_fixed_and_methods_are_qualified():
    doc = _doc("python")
    f = function_by_name(doc, "Box.later")
    span = select_function_body(doc, f)
    assert doc.text[span.start:span.end] == "        raise NotImplementedError"
    assert '"""Not yet."""' in doc.text[:span.start]
    assert span.indent == "        "


def test_function_lookup_errors():
    doc = Document("class J:\n    def a(self):\n        pass\n\nclass K:\n    def a(self):\n        pass\n", language_for_id("python"))
    with pytest.raises(InfillError, match="no function named"):
        function_by_name(doc, "zzz")
    with pytest.raises(InfillError, match="2 functions are named"):
        function_by_name(doc, "a")
    assert function_by_name(doc, "K.a").node.start_point[0] == 5
    assert function_at(doc, doc.text.rindex("pass")).name == "K.a"


def test_two_holes_and_a_mid_line_hole():
    text = "def f(x):\n    <|fill|>\n    y = <|fill|> + 1\n    return y\n"
    doc = Document(text, language_for_id("python"))
    first, second = select_holes(doc)
    assert doc.text[first.start:first.end] == "<|fill|>" and first.indent == "    "  # the indentation stays outside
    assert doc.text[second.start:second.end] == "<|fill|>" and second.single_line
    with pytest.raises(InfillError, match="no hole markers"):
        select_holes(doc, "<<HOLE>>")


def test_lines_are_one_based_and_checked():
    doc = _doc("python")
    span = select_lines(doc, 3, 4)
    assert doc.text[span.start:span.end] == "        s = 0\n        for x in xs:"
    with pytest.raises(InfillError, match="past the end"):
        select_lines(doc, 3, 400)
    with pytest.raises(InfillError):
        select_lines(doc, 0, 1)


def test_cursor_modes_follow_the_syntax():
    doc = Document("def f(x):\n    return g(x, \n\nclass A:\n    s = 'a b'\n", language_for_id("python"))
    assert select_cursor(doc, doc.text.index("\n")).kind == "block"          # after `def f(x):`
    mid = select_cursor(doc, doc.text.index(", ") + 2)
    assert mid.kind == "line" and mid.single_line                             # inside an expression
    assert select_cursor(doc, doc.text.index("a b") + 1).kind == "line"       # inside a string
    blank = doc.text.index("\n\n") + 1
    assert select_cursor(doc, blank).kind == "lines"
    js = Document("function f() {\n}\n", language_for_id("javascript"))
    assert select_cursor(js, js.text.index("{") + 1).kind == "block"


def test_registry_knows_ids_and_extensions():
    assert {s.name for s in LANGUAGES} >= {"python", "javascript", "typescript", "tsx", "rust", "go", "java", "c", "cpp"}
    assert language_for_id("typescriptreact").name == "tsx"
    with pytest.raises(InfillError, match="unsupported language"):
        language_for_path("notes.xyz")
    with pytest.raises(InfillError, match="unsupported language"):
        language_for_id("cobol")
