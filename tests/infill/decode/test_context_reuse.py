"""Cache mode "reuse" in the engine (shared context states, packed rows) and the early stop of rest-of-line fills."""

import torch

from infill.decode.context_reuse import SharedContexts, context_moves
from infill.engine import _stack, prepare_rows, run_infill
from infill.source.document import Document
from infill.source.languages import language_for_id
from infill.source.spans import select_cursor
from infill.task import InfillOptions, Span
from model.denoiser import DenoiserBase
from model.sampler import (
    CODE,
    CODE_THEN_NEWLINE,
    FILLER,
    NEWLINE,
    SamplerOptions,
    line_token_kinds,
    sample,
    stop_finished_lines,
)

PY = language_for_id("python")
SOURCE = "import os\n\n\ndef area(width, height):\n    total = width * height\n    return total\n\n\nprint(area(2, 3))\n"


def test_context_moves_follow_each_row_s_holes():
    # reference: hole of 6 at 10; row: hole of 2 at 10; the suffix moves 4 columns left
    assert context_moves([(10, 16)], 40, [(10, 12)], 36) == [(0, 0, 10), (16, 12, 24)]


def test_every_row_starts_from_the_shared_states_exactly(tiny_denoiser):
    """Seeded from one pass over the reference canvas, the first step of the reference row equals no cache at all,
    also when packed with rows of other lengths."""
    doc = Document(SOURCE, PY)
    at = SOURCE.index("total = width") + len("total = ")
    spans = [Span(at, at, kind="line", single_line=True)]
    options = InfillOptions(sampler=SamplerOptions(cache="reuse"), max_lengths=3)
    rows = prepare_rows(tiny_denoiser, doc, spans, options)
    assert len(rows) == 3
    batch = _stack(rows)
    ids, in_holes, attention = batch.ids, batch.in_holes, batch.attention
    shared = SharedContexts(tiny_denoiser, rows, [""], ids.shape[1])
    ref = shared.reference[0]
    cache = shared.cache_for([0, 1, 2])
    assert cache.live.sum() == in_holes.sum(), "each row computes only its own hole"
    cached = tiny_denoiser.logits(ids, attention, positions=in_holes, cache=cache)
    plain = tiny_denoiser.logits(ids[ref:ref + 1], None if attention is None else attention[ref:ref + 1],
                                 positions=in_holes[ref:ref + 1])
    before = int(in_holes[:ref].sum())
    assert torch.allclose(cached[before:before + int(in_holes[ref].sum())], plain, atol=1e-4)


def test_reuse_refreshed_every_call_gives_the_uncached_result(tiny_denoiser):
    doc = Document(SOURCE, PY)
    at = SOURCE.index("return total")
    spans = [Span(at, at + len("return total"), kind="line", single_line=True)]
    results = [run_infill(tiny_denoiser, doc, spans, InfillOptions(
        sampler=SamplerOptions(steps=4, strategy="threshold", cache=cache, cache_refresh=refresh), candidates=3))
        for cache, refresh in (("none", 0), ("reuse", 1))]
    assert [c.fills for c in results[0].candidates] == [c.fills for c in results[1].candidates]


def test_reuse_keeps_a_document_s_states_between_requests(tiny_denoiser):
    source = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(30)) + SOURCE
    doc = Document(source, PY)
    options = InfillOptions(sampler=SamplerOptions(steps=3, strategy="threshold", cache="reuse"), context_key="file:///a.py",
                            max_lengths=2)
    at = source.index("return total") + len("return")
    run_infill(tiny_denoiser, doc, [select_cursor(doc, at)], options)
    kept = tiny_denoiser.contexts.get("file:///a.py")
    typed = Document(source[:at] + " " + source[at:], PY)  # one keystroke later
    result = run_infill(tiny_denoiser, typed, [select_cursor(typed, at + 1)], options)
    after = tiny_denoiser.contexts.get("file:///a.py")
    assert kept is not None and after.uses == kept.uses + 1 and after.recomputed < len(after.ids) // 3
    assert result.text.startswith(typed.text[:at + 1]) and result.text.endswith(typed.text[at + 1:])


def test_line_kinds_tell_code_from_line_endings(tiny_denoiser):
    tok = tiny_denoiser.tokenizer
    kinds = line_token_kinds(tok, tiny_denoiser.vocab_size, (tiny_denoiser.pad_id, tiny_denoiser.eos_id, tiny_denoiser.mask_id))
    assert kinds[tiny_denoiser.pad_id] == FILLER
    newline = tok.encode("\n")
    assert len(newline) == 1 and kinds[newline[0]] == NEWLINE
    assert any(kinds[t] == CODE for t in tok.encode("total"))
    assert (kinds == CODE_THEN_NEWLINE).sum() >= 0  # a tokenizer may or may not merge code with a newline


def test_a_line_hole_stops_after_its_line_ends():
    CODE_ID, NEWLINE_ID, PAD = 5, 6, 1
    kinds = torch.zeros(10, dtype=torch.int8)
    kinds[NEWLINE_ID], kinds[PAD] = NEWLINE, FILLER
    ids = torch.tensor([[9, CODE_ID, NEWLINE_ID, 0, 0, 9], [9, NEWLINE_ID, 0, 0, 0, 9]])
    masked = ids == 0
    line_holes = torch.tensor([[0, 1, 1, 1, 1, 0], [0, 1, 1, 1, 1, 0]])
    done = stop_finished_lines(ids, masked, line_holes, kinds)
    assert done[0].tolist() == [False, False, False, True, True, False], "code then a newline ends the line"
    assert not done[1].any(), "a newline before any code is stripped from the fill, so it ends nothing"


class LineModel(DenoiserBase):
    """Writes `a = 1` then a newline then more lines into a hole, left to right, each position sure of its token."""

    def __init__(self, real):
        for name in ("tokenizer", "mask_id", "pad_id", "eos_id", "vocab_size", "max_len"):
            setattr(self, name, getattr(real, name))
        self.name, self.device, self.start = "lines", torch.device("cpu"), None
        self.script = self.tokenizer.encode("a = 1\nb = 2\nc = 3\nd = 4\ne = 5\nf = 6\n")

    def logits(self, ids, attention_mask=None, positions=None):
        if self.start is None:
            self.start = int((ids[0] == self.mask_id).nonzero()[0])
        out = torch.full((*ids.shape, self.vocab_size), -10.0)
        for k in range(ids.shape[1] - self.start):
            # Half a nat less sure at each position: far enough apart that float32 probabilities never tie.
            out[:, self.start + k, self.script[k % len(self.script)]] = 10.0 - 0.5 * k
        return out if positions is None else out[positions]


def test_a_rest_of_line_fill_takes_fewer_model_calls(tiny_denoiser):
    ids = torch.tensor([[7] * 4 + [0] * 20 + [7] * 4])
    masked = ids == 0
    line_holes = masked.int()
    options = SamplerOptions(steps=20, strategy="confidence")
    model = LineModel(tiny_denoiser)
    full, full_trace = sample(model, ids, masked, options)
    model.start = None
    kinds = line_token_kinds(model.tokenizer, model.vocab_size, (model.pad_id, model.eos_id, model.mask_id))
    early, early_trace = sample(model, ids, masked, options, line_holes=line_holes, line_kinds=kinds)
    line = len(model.tokenizer.encode("a = 1\n"))
    assert early_trace.nfe == line < full_trace.nfe == 20
    assert torch.equal(early[0, :4 + line], full[0, :4 + line]) and (early[0, 4 + line:24] == model.pad_id).all()


def test_every_candidate_length_sees_the_same_context_in_a_long_file(tiny_denoiser):
    """A file longer than the window is cut once, for the longest holes: rows of other lengths keep the same prefix
    and suffix, so the shared states line up column by column (they once did not, and every row but the reference
    read its context shifted)."""
    source = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(40))
    at = source.index("return x + 20") + len("return ")
    doc = Document(source, PY)
    options = InfillOptions(sampler=SamplerOptions(cache="reuse"), max_lengths=3, context_tokens=160,
                            keep_to_train_window=False)
    rows = prepare_rows(tiny_denoiser, doc, [Span(at, at, kind="line", single_line=True)], options)
    assert len(rows) == 3 and rows[0].canvas.prefix_start > 0 and rows[0].canvas.suffix_end < len(source)
    assert len({(r.canvas.prefix_start, r.canvas.suffix_end) for r in rows}) == 1
    assert len({r.canvas.holes[0][0] for r in rows}) == 1
    batch = _stack(rows)
    shared = SharedContexts(tiny_denoiser, rows, [""], batch.ids.shape[1])
    for i in range(len(rows)):
        attention = None if batch.attention is None else batch.attention[i:i + 1]
        cached = tiny_denoiser.logits(batch.ids[i:i + 1], attention, positions=batch.in_holes[i:i + 1],
                                      cache=shared.cache_for([i]))
        plain = tiny_denoiser.logits(batch.ids[i:i + 1], attention, positions=batch.in_holes[i:i + 1])
        # the context was computed beside a hole of another length: close to a fresh pass, not equal
        assert (torch.softmax(cached, -1) - torch.softmax(plain, -1)).abs().max() < 0.05


def test_variants_of_one_row_read_its_shared_context_as_copies_would(tiny_denoiser):
    """Scoring many variants of a hole (draft verification) reads one shared context: the same logits as a copy of
    the row's cache per variant, and, for the all-masked variant, the same as no cache at all."""
    doc = Document(SOURCE, PY)
    at = SOURCE.index("total = width") + len("total = ")
    rows = prepare_rows(tiny_denoiser, doc, [Span(at, at, kind="line", single_line=True)],
                        InfillOptions(sampler=SamplerOptions(cache="reuse"), max_lengths=1))
    batch = _stack(rows)
    shared = SharedContexts(tiny_denoiser, rows, [""], batch.ids.shape[1])
    lo, hi = rows[0].canvas.holes[0]
    variants = batch.ids[0].unsqueeze(0).repeat(hi - lo, 1)
    for k in range(1, hi - lo):
        variants[k, lo:lo + k] = torch.arange(10, 10 + k)
    positions = torch.zeros_like(variants, dtype=torch.bool)
    positions[:, lo:hi] = True
    attention = None if batch.attention is None else batch.attention[0].unsqueeze(0).repeat(hi - lo, 1)
    copies = tiny_denoiser.logits(variants, attention, positions=positions, cache=shared.cache_for([0] * (hi - lo)))
    read_once = tiny_denoiser.logits(variants, attention, positions=positions, cache=shared.shared_cache(0))
    assert torch.allclose(copies, read_once, atol=1e-4)
    plain = tiny_denoiser.logits(variants[:1], None if attention is None else attention[:1], positions=positions[:1])
    assert torch.allclose(read_once[:hi - lo], plain, atol=1e-4)
