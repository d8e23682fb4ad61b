"""Polish that does no harm: a token is replaced only when the model finds it unlikely and another of the same shape
clearly likelier at the same masked position; names the document uses elsewhere, glued word pieces, string prefixes,
whitespace and line breaks are never touched; the editor gets the replaced characters only, to confirm as a diff."""

import pytest
import torch

from infill import Document, InfillOptions, language_for_id, run_infill, select_lines
from lsp_server.conversions import minimal_fills, workspace_edit
from model.denoiser import BUILTIN_DIR
from model.polish import PolishOptions, most_lopsided, polish, token_shapes, whole_tokens
from model.tokenizer import CodeTokenizer

TOK = CodeTokenizer.from_file(BUILTIN_DIR / "tokenizer.json")


class Prefers:
    """A denoiser sure of `wanted` (token text -> token text) wherever the present token is masked; unsure elsewhere."""

    name, max_len, device = "prefers", 1024, torch.device("cpu")

    def __init__(self, wanted: dict[str, str], row: list[int]):
        self.tokenizer, self.row = TOK, row
        self.mask_id, self.pad_id, self.eos_id, self.vocab_size = TOK.mask_id, TOK.pad_id, TOK.eos_id, TOK.vocab_size
        self.wanted = {TOK.encode(a)[0]: TOK.encode(b)[0] for a, b in wanted.items()}

    def logits(self, ids, attention_mask=None, positions=None):
        out = torch.zeros(int(positions.sum()), self.vocab_size)
        for k, (r, c) in enumerate(positions.nonzero().tolist()):
            present = self.row[c]
            out[k, present] = 0.0
            if present in self.wanted:
                out[k, present] = -8.0
                out[k, self.wanted[present]] = 12.0
            else:
                out[k, present] = 12.0
        return out


def _run(source: str, wanted: dict[str, str], known=frozenset()):
    ids = TOK.encode(source)
    denoiser = Prefers(wanted, ids)
    row = torch.tensor([ids])
    out, trace = polish(denoiser, row, torch.ones_like(row, dtype=torch.bool), PolishOptions(), known=[known])
    return TOK.decode(out[0].tolist()), trace


def test_a_flipped_operator_is_put_back_and_nothing_else_moves():
    text, trace = _run("if total > limit:", {" >": " <"})
    assert text == "if total < limit:" and trace.remasked == 1


def test_names_the_document_uses_elsewhere_are_never_swapped():
    source = "entry.Print(args)"
    assert _run(source, {"entry": "logger"}, known=frozenset({"entry", "logger"}))[0] == source
    assert _run(source, {"entry": "logger"})[0] == "logger.Print(args)", "an unknown name (a typo) may be"


def test_word_pieces_string_prefixes_and_whitespace_are_never_touched():
    ids = TOK.encode('x = rb"a" + UnknownIfNonSpecific')
    shape_ok = whole_tokens(TOK, ids, list(range(len(ids))), token_shapes(TOK, TOK.vocab_size)[0])
    texts = [TOK.token_text(ids[p]).strip() for p in shape_ok]
    assert "rb" not in texts, "a string's prefix"
    pieces = [TOK.token_text(t) for t in TOK.encode(" UnknownIfNonSpecific")]
    if len(pieces) > 1:
        assert not any(t.strip() in texts for t in pieces[1:]), "a piece glued inside a word"


@pytest.mark.parametrize("old,new,expected", [
    (0.001, 0.9, True),     # unlikely, and the other is sure and 900x likelier
    (0.01, 0.9, False),     # the present token is not unlikely enough
    (0.001, 0.2, False),    # the replacement is not sure enough
    (0.0025, 0.71, False),  # the margin is under 300x and the present one not under 0.002
])
def test_the_rule(old, new, expected):
    probs = torch.full((1, 10), (1 - old - new) / 8)
    probs[0, 3], probs[0, 5] = old, new
    found = most_lopsided(probs, torch.tensor([3]), PolishOptions())
    assert (found == (0, 5)) if expected else found is None


def test_polish_of_correct_code_through_the_engine_changes_nothing_outside_the_span(tiny_denoiser):
    source = "def below_zero(operations):\n    balance = 0\n    for op in operations:\n        balance += op\n"
    doc = Document(source, language_for_id("python"))
    result = run_infill(tiny_denoiser, doc, [select_lines(doc, 4, 4)], InfillOptions(mode="refine"))
    start = source.index("        balance += op")
    assert result.text[:start] == source[:start] and result.text.endswith("\n")


def test_the_editor_gets_only_the_replaced_characters_to_confirm():
    from infill import Fill
    source = "if total > limit:\n    pass\n"
    doc = Document(source, language_for_id("python"))
    [fill] = minimal_fills(doc, [Fill(0, len("if total > limit:"), "if total < limit:")])
    assert (fill.start, fill.end, fill.text) == (9, 10, "<")
    edit = workspace_edit("file:///a.py", 3, doc, [fill], "utf-16", confirm="Polish selection")
    [change] = edit.document_changes
    assert change.edits[0].annotation_id == "diffusion"
    assert edit.change_annotations["diffusion"].needs_confirmation
