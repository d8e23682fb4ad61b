import pytest

from infill.decode.postprocess import cut_at_dedent, drop_suffix_repeat, reindent
from infill.engine import run_infill
from infill.errors import InfillError
from infill.source.document import Document
from infill.source.languages import language_for_id
from infill.source.spans import function_by_name, select_function_body, select_holes
from infill.task import InfillOptions, Span
from model.denoiser import DenoiserBase
from model.sampler import SamplerOptions
from tests.helpers import OracleDenoiser

PY = language_for_id("python")


def _options(**kw):
    """One canvas of the budget (the oracle doubles know a single canvas); length search has its own tests."""
    return InfillOptions(sampler=SamplerOptions(steps=kw.pop("steps", 8), strategy="confidence"),
                         lengths=kw.pop("lengths", "budget"), **kw)


def test_trailing_pads_shorten_the_fill(tiny_denoiser):
    doc = Document("x = <|fill|>\nprint(x)\n", PY)
    oracle = OracleDenoiser(tiny_denoiser, ["41 + 1"], budget=12)
    result = run_infill(oracle, doc, select_holes(doc), _options(syntax_rounds=0, max_fill_tokens=12))
    assert result.text == "x = 41 + 1\nprint(x)\n"
    assert result.tokens == len(tiny_denoiser.tokenizer.encode("41 + 1")) < 12


def test_two_holes_fill_in_one_pass(tiny_denoiser):
    doc = Document("def f(a):\n    <|fill|>\n    return <|fill|>\n", PY)
    oracle = OracleDenoiser(tiny_denoiser, ["    b = a * 2", "b"], budget=10)
    result = run_infill(oracle, doc, select_holes(doc), _options(steps=4, syntax_rounds=0, max_fill_tokens=10))
    assert result.text == "def f(a):\n    b = a * 2\n    return b\n"
    assert result.trace.nfe <= 4 and len(result.fills) == 2


def test_syntax_guided_remasking_repairs_a_broken_fill(tiny_denoiser):
    doc = Document("def area(w, h):\n    raise NotImplementedError\n", PY)
    span = select_function_body(doc, function_by_name(doc, "area"))
    tok = tiny_denoiser.tokenizer
    truth = "    return (w * h)"
    broken_at = tok.encode(truth).index(tok.encode(")")[0])  # through the first pass (8 steps) the model insists on `(` where `)` belongs
    oracle = OracleDenoiser(tiny_denoiser, [truth], budget=16, lies={broken_at: tok.encode("(")[0]}, lie_calls=8)
    without = run_infill(oracle, doc, [span], _options(syntax_rounds=0, max_fill_tokens=16))
    assert without.syntax_errors > 0 and "(w * h(" in without.text
    oracle = OracleDenoiser(tiny_denoiser, [truth], budget=16, lies={broken_at: tok.encode("(")[0]}, lie_calls=8)
    repaired = run_infill(oracle, doc, [span], _options(syntax_rounds=2, max_fill_tokens=16))
    assert repaired.syntax_errors == 0 and repaired.syntax_rounds == 1
    assert repaired.text == "def area(w, h):\n    return (w * h)\n"
    assert repaired.trace.remasked > 0


def test_builtin_model_refuses_instructions(tiny_denoiser):
    doc = Document("x = 1\n", PY)
    with pytest.raises(InfillError, match="cannot follow instructions"):
        run_infill(tiny_denoiser, doc, [Span(0, 5)], InfillOptions(mode="instruct", instruction="make it 2"))


def test_context_is_trimmed_by_syntax_units_to_the_window(tiny_denoiser):
    functions = "".join(f"def helper_{i}(value):\n    return value + {i}\n\n\n" for i in range(60))
    doc = Document(functions + "def target():\n    <|fill|>\n\n\n" + functions, PY)
    tok = tiny_denoiser.tokenizer
    assert len(tok.encode(doc.text)) > 600
    result = run_infill(tiny_denoiser, doc, select_holes(doc), _options(context_tokens=200, syntax_rounds=0, max_fill_tokens=16))
    assert result.text.startswith(functions) and result.text.endswith(functions)


def test_context_keeps_whole_units_nearest_the_hole(tiny_denoiser):
    from infill.decode.context import build_canvas
    functions = "".join(f"def helper_{i}(value):\n    return value + {i}\n\n\n" for i in range(40))
    doc = Document(functions + "def target():\n    <|fill|>\n", PY)
    spans = select_holes(doc)
    canvas = build_canvas(doc, spans, [[tiny_denoiser.mask_id] * 8], tiny_denoiser.tokenizer, 150)
    assert len(canvas.ids) <= 150
    kept = doc.text[canvas.prefix_start:spans[0].start]
    assert kept.startswith("def helper_") and "def helper_39" in kept and "def helper_0(" not in kept


def test_fitting_context_from_one_encoding_picks_what_exact_counts_pick(tiny_denoiser):
    """The cut search counts tokens from one encoding (with non-ASCII text, where byte tokens share a character);
    it must choose the cut that encoding each candidate piece would."""
    from infill.decode.context import _fit_prefix, _fit_suffix
    body = "".join(f"def größe_{i}(wert):\n    return wert + '日本{i}'  # ümlaut\n\n" for i in range(30))
    doc, tok = Document(body, PY), tiny_denoiser.tokenizer
    cuts = list(doc.index.starts)
    middle = cuts[len(cuts) // 2]
    for budget in (7, 40, 95, 160, 10_000):
        fits_before = [c for c in cuts if c <= middle and len(tok.encode(doc.text[c:middle])) <= budget]
        assert _fit_prefix(doc, tok, cuts, middle, budget) == min(fits_before, default=middle)
        fits_after = [c for c in cuts if c >= middle and len(tok.encode(doc.text[middle:c])) <= budget]
        assert _fit_suffix(doc, tok, cuts, middle, budget) == max(fits_after, default=middle)


def test_a_model_sees_about_the_canvas_it_was_trained_on(tiny_denoiser):
    from infill.decode.context import build_canvas
    functions = "".join(f"def helper_{i}(value):\n    return value + {i}\n\n\n" for i in range(40))
    doc = Document(functions + "def target():\n    <|fill|>\n" + functions, PY)
    spans, tok, mask = select_holes(doc), tiny_denoiser.tokenizer, tiny_denoiser.mask_id
    assert len(build_canvas(doc, spans, [[mask] * 8], tok, 1024).ids) > 600
    assert len(build_canvas(doc, spans, [[mask] * 8], tok, 1024, trained=128).ids) <= 128
    long_hole = build_canvas(doc, spans, [[mask] * 120], tok, 1024, trained=128)
    assert 120 + 40 <= len(long_hole.ids) <= 120 + 64, "beside a long hole it still gets half the trained window"
    assert len(build_canvas(doc, spans, [[mask] * 8], tok, 96, trained=128).ids) <= 96, "the window still caps it"


def test_the_trained_window_travels_in_the_checkpoint(tiny_checkpoint, tmp_path, monkeypatch):
    import infill.engine
    canvases = []
    monkeypatch.setattr(infill.engine, "build_canvas", lambda *a: canvases.append(infill.decode.context.build_canvas(*a)) or canvases[-1])
    from model.checkpoint import load_checkpoint, save_checkpoint
    from model.denoiser import load_denoiser
    assert load_denoiser(str(tiny_checkpoint), "cpu").train_window is None, "unknown: the whole window"
    model, tok, meta = load_checkpoint(tiny_checkpoint)
    save_checkpoint(tmp_path / "ckpt", model, tok, extra={**{k: v for k, v in meta.items() if k != "config"},
                                                          "train_window": 64})
    denoiser = load_denoiser(str(tmp_path / "ckpt"), "cpu")
    assert denoiser.train_window == 64
    functions = "".join(f"def helper_{i}(value):\n    return value + {i}\n\n\n" for i in range(40))
    doc = Document(functions + "def target():\n    <|fill|>\n" + functions, PY)
    result = run_infill(denoiser, doc, select_holes(doc), _options(syntax_rounds=0, max_fill_tokens=8))
    assert result.text.startswith(functions) and result.text.endswith(functions)
    assert canvases and all(len(c.ids) <= 64 for c in canvases), "the engine keeps the canvas to the trained window"
    canvases.clear()  # ghost text asks for the whole context
    run_infill(denoiser, doc, select_holes(doc), _options(syntax_rounds=0, max_fill_tokens=8, keep_to_train_window=False))
    assert canvases and all(len(c.ids) > 4 * 64 for c in canvases)


def test_window_too_small_for_the_spans(tiny_denoiser):
    doc = Document("a = <|fill|>\n" + "b = 2\n" * 50 + "c = <|fill|>\n", PY)
    with pytest.raises(InfillError, match="window"):
        run_infill(tiny_denoiser, doc, select_holes(doc), _options(context_tokens=40))


def test_reindent_and_suffix_repeats():
    assert reindent("  a\n    b\n  c", "        ", True) == "        a\n          b\n        c"
    assert reindent("x\n  y", "    ", False) == "x\n    y"
    assert drop_suffix_repeat("a = 1\nreturn a", "\n    return a\n") == "a = 1"
    assert drop_suffix_repeat("call(x)", ")\n") == "call(x)"  # partial-line overlaps are kept


def test_a_body_ends_where_a_line_dedents_out_of_it():
    body = "        x = 1\n        return x"
    assert cut_at_dedent(body + "\n\n    def other(self):\n        pass", "        ") == body
    assert cut_at_dedent(body + "\n\n\ndef get_url(url):\n    return None", "        ") == body
    assert cut_at_dedent(body, "        ") == body
    text = '        s = """\nat column 0\n"""\n        return s'
    assert cut_at_dedent(text, "        ") == text  # inside a string, a dedented line is text, not the end
    hole = "return value\n    else:\n        value = 0\n    return value\n\ndef circle(value):"
    assert cut_at_dedent(hole, "        ", clauses=True) == "return value\n    else:\n        value = 0"


def test_a_hole_inside_a_block_keeps_to_it(tiny_denoiser):
    doc = Document("def f(x):\n    if x:\n        <|fill|>\n    return x\n", PY)
    oracle = OracleDenoiser(tiny_denoiser, ["x = 1\n    return x\n\ndef g():"], budget=24)
    result = run_infill(oracle, doc, select_holes(doc), _options(syntax_rounds=0, max_fill_tokens=24, lengths="budget"))
    assert result.accepted and result.text == "def f(x):\n    if x:\n        x = 1\n    return x\n"


def test_a_requested_body_keeps_to_the_function(tiny_denoiser):
    doc = Document("def area(w, h):\n    raise NotImplementedError\n\n\nx = 1\n", PY)
    span = select_function_body(doc, function_by_name(doc, "area"))
    oracle = OracleDenoiser(tiny_denoiser, ["    return w * h\n\ndef more():\n    pass"], budget=24)
    result = run_infill(oracle, doc, [span], _options(syntax_rounds=0, max_fill_tokens=24, lengths="budget"))
    assert result.accepted and result.text == "def area(w, h):\n    return w * h\n\n\nx = 1\n"


@pytest.mark.parametrize("source,fill,expected", [
    ("total = add(<|fill|>)\n", "1, 2)", "total = add(1, 2)\n"),          # the model repeated the `)` after the cursor
    ("print(len(<|fill|>)\n", "xs))", "print(len(xs))\n"),                # one `)` is new, one repeats the existing
    ("x = [<|fill|>]\n", "1, 2", "x = [1, 2]\n"),                        # nothing repeated: kept as it is
])
def test_one_line_fills_never_repeat_the_rest_of_the_line(tiny_denoiser, source, fill, expected):
    doc = Document(source, PY)
    oracle = OracleDenoiser(tiny_denoiser, [fill], budget=12)
    result = run_infill(oracle, doc, select_holes(doc), _options(syntax_rounds=0, max_fill_tokens=12))
    assert result.text == expected


class PadPreferringDenoiser(DenoiserBase):
    """Prefers <|pad|> everywhere (as an undertrained model does); its second choice is the token for `x`."""

    def __init__(self, real):
        self.inner = real
        for name in ("name", "tokenizer", "mask_id", "pad_id", "eos_id", "vocab_size", "max_len", "device", "follows_instructions"):
            setattr(self, name, getattr(real, name))
        self.second = real.tokenizer.encode("x")[0]

    def logits(self, ids, attention_mask=None, positions=None):
        import torch
        out = torch.full((*ids.shape, self.vocab_size), -10.0)  # (B, L, V)
        out[..., self.pad_id] = 10.0
        out[..., self.second] = 5.0
        return out if positions is None else out[positions]


def test_a_body_never_comes_back_empty_but_a_cursor_completion_may(tiny_denoiser):
    model = PadPreferringDenoiser(tiny_denoiser)
    doc = Document("def f(a):\n    pass\n", PY)
    body = select_function_body(doc, function_by_name(doc, "f"))
    result = run_infill(model, doc, [body], _options(syntax_rounds=0))
    assert result.fills[0].text.strip(), "an implemented body is never empty"
    line = Document("y = 1\nz = \n", PY)
    result = run_infill(model, line, [Span(10, 10, kind="line", single_line=True)], _options(syntax_rounds=0))
    assert result.text == line.text and result.tokens == 0
