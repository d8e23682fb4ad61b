"""Ghost text is shown only when it makes progress and the model is sure of it: no lone comment where code is typed,
no name bound nowhere in scope, and the suggestion stops at the first token the model was unsure of."""

import torch

from infill import Document, InfillOptions, language_for_id, run_infill, select_cursor
from lsp_server.settings import Settings, ghost_options
from model.denoiser import DenoiserBase

PY = language_for_id("python")


class Writes(DenoiserBase):
    """Writes `script` from the hole's first position on, then a newline (which ends a rest-of-line fill) and pads:
    sure of its first `sure` tokens (all by default), barely sure of the rest of the script (its first choice at 2.0
    against a second at 1.6: about 0.6)."""

    def __init__(self, real, script: str, sure: int | None = None):
        for name in ("tokenizer", "mask_id", "pad_id", "eos_id", "vocab_size", "max_len"):
            setattr(self, name, getattr(real, name))
        self.name, self.device, self.start = "unsure-tail", torch.device("cpu"), None
        self.script = self.tokenizer.encode(script)
        self.sure = len(self.script) if sure is None else sure
        self.other, self.newline = self.tokenizer.encode("q")[0], self.tokenizer.encode("\n")[0]

    def logits(self, ids, attention_mask=None, positions=None):
        if self.start is None:
            self.start = int((ids[0] == self.mask_id).nonzero()[0])
        out = torch.full((*ids.shape, self.vocab_size), -10.0)  # (B, L, V)
        out.scatter_(-1, ids.unsqueeze(-1), 10.0)
        for pos in range(self.start, ids.shape[1]):
            k = pos - self.start
            out[:, pos] = -10.0
            if k >= len(self.script):
                out[:, pos, self.newline if k == len(self.script) else self.pad_id] = 10.0
            elif k < self.sure:
                out[:, pos, self.script[k]] = 10.0
            else:
                out[:, pos, self.script[k]], out[:, pos, self.other] = 2.0, 1.6
        return out if positions is None else out[positions]


def ghost(min_confidence: float = 0.5) -> InfillOptions:
    """What the server asks for ghost text (lsp_server.settings.ghost_options), drafts from the document off."""
    options = ghost_options(Settings(ghost_min_confidence=min_confidence, ghost_lookup_confidence=1.0), "python")
    assert options.sampler.settle_below == min_confidence and options.syntax_rounds == 0
    return options


def shown(denoiser, source: str, after: str, min_confidence: float = 0.5) -> str | None:
    """The ghost text at the end of `after`'s first occurrence, or None when nothing would be shown."""
    doc = Document(source, PY)
    at = source.index(after) + len(after)
    result = run_infill(denoiser, doc, [select_cursor(doc, at)], ghost(min_confidence))
    texts = [c.fills[0].text for c in result.candidates if c.accepted and c.fills[0].text.strip()]
    return texts[0] if texts else None


def test_a_comment_where_code_is_typed_is_not_shown(tiny_denoiser):
    source = "def f(xs):\n    total = \n    return total\n"
    assert shown(Writes(tiny_denoiser, " # int"), source, "total = ") is None
    assert shown(Writes(tiny_denoiser, "sum(xs)"), source, "total = ") == "sum(xs)", "code is shown"


def test_prose_may_continue_a_comment(tiny_denoiser):
    source = "def f(xs):\n    # the sum of \n    return 0\n"
    offered = shown(Writes(tiny_denoiser, "all values"), source, "# the sum of ")
    assert offered and "all values".startswith(offered), offered


def test_names_bound_nowhere_in_scope_are_not_shown(tiny_denoiser):
    source = ("def add(a, b):\n    return a + b\n\n\nclass Box:\n    def put(self, **kwargs):\n        return kwargs\n\n\n"
              "def main():\n    result = \n    print(result)\n")
    offered = shown(Writes(tiny_denoiser, "add(self, **kwargs)"), source, "result = ")
    assert offered is None or ("self" not in offered and "kwargs" not in offered), offered
    assert shown(Writes(tiny_denoiser, "add(1, 2)"), source, "result = ") == "add(1, 2)"


def test_a_name_bound_nowhere_is_refused_even_where_it_mends_the_line(tiny_denoiser):
    """`print(area(` does not parse; `width))` would mend it, but `width` is bound only inside `area`: mending one
    problem does not excuse reading a name nothing binds."""
    source = "def area(width, height):\n    return width * height\n\n\ndef main():\n    print(area(\n"
    offered = shown(Writes(tiny_denoiser, "width))"), source, "print(area(")
    assert offered is None or "width" not in offered, offered
    assert shown(Writes(tiny_denoiser, "2, 3))"), source, "print(area(") == "2, 3))"


def test_a_one_character_suggestion_is_not_shown(tiny_denoiser):
    source = "def f(xs):\n    return len(xs\n"
    assert shown(Writes(tiny_denoiser, ")"), source, "len(xs") is None


def test_a_low_confidence_tail_is_cut(tiny_denoiser):
    source = "def f(value, offset):\n    total = \n    return total\n"
    sure = len(tiny_denoiser.tokenizer.encode("value"))
    script = "value + offset"
    cut = shown(Writes(tiny_denoiser, script, sure), source, "total = ", min_confidence=0.7)
    whole = shown(Writes(tiny_denoiser, script, sure), source, "total = ", min_confidence=0.0)
    assert whole == script, "without the cut the whole line is offered"
    assert cut == "value", "the suggestion stops where the model stops being sure"
    assert shown(Writes(tiny_denoiser, script, 0), source, "total = ", min_confidence=0.7) is None, \
        "nothing it is sure of: nothing shown"
