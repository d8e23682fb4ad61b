"""Next edits from a local denoiser: after the user changes `old` into `new` somewhere (a parameter renamed, `==`
made `is`, a call's name changed), the other places near it that still read `old` may no longer fit. Each is masked
(all of them at once, the rest of the file fixed), and the model says at each which of the two reads likelier
there; a place is proposed where `new` wins clearly, and the whole proposal only if it parses no worse. The uses of
a renamed parameter or variable in its function (or of a renamed function or type near it) follow it whatever the
model says (left alone they would read a name nothing defines): there the model only orders them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import torch

from .checks.acceptance import ParseBaseline
from .checks.fill_checks import check_fills
from .decode.context import build_canvas
from .decode.verify import prefix_probabilities
from .source.document import Document
from .source.positions import byte_offset, str_offset
from .source.spans import in_comment_or_string
from .task import Fill, Span, shared_ends

WINDOW_LINES = 40       # places looked at: this many lines either side of the edit
MAX_PLACES = 12         # a change repeated more often than this is not followed (a bulk rename is a refactoring)
WINDOW_TOKENS = 512     # the canvas around the places: enough to see the function, and a pass stays short
MAX_CHANGE_CHARS = 80   # a longer change is a rewrite, not a substitution to carry over
# Any other change is carried over where the model finds `new` this many times likelier than `old` (calibrated on
# commits of held-out repositories other than the benchmark's, docs/next-edits.md).
MARGIN = 100.0
_MEMBER_ACCESS = ("attribute", "member_expression", "field_expression", "selector_expression", "scoped_identifier")
_KEYWORD_ARGUMENT = re.compile(r"\s*=(?!=)")
_DECLARING = ("parameter", "declarator", "declaration", "assignment", "var_spec", "const_spec", "for_statement",
              "for_in_clause", "pattern")
_WORD = re.compile(r"[\w$]")


@dataclass(frozen=True)
class Substitution:
    """What one edit did: `old` became `new` at [start, end) of the current text."""

    old: str
    new: str
    start: int
    end: int


@dataclass(frozen=True)
class ProposedEdit:
    fill: Fill          # `old` -> `new` at one place of the current text
    odds: float         # how many times likelier the model finds `new` there than `old`
    sure: float         # its geometric-mean probability of `new` there


def substitution(before: str, after: str) -> Substitution | None:
    """The one run of text the edit replaced, widened to whole words (`count` -> `count_items`, not `` -> `_items`);
    None for an insertion or deletion of whole words, a change over several lines or a long one."""
    if before == after:
        return None
    head, tail = shared_ends(before, after)
    start, old_end, new_end = head, len(before) - tail, len(after) - tail
    while start > 0 and _WORD.match(after[start - 1]) and (_WORD.match(after[start]) if start < new_end else
                                                            start < old_end and _WORD.match(before[start])):
        start -= 1
    while new_end < len(after) and _WORD.match(after[new_end]) and (_WORD.match(after[new_end - 1]) if new_end > start
                                                                    else False):
        new_end += 1
        old_end += 1
    old, new = before[start:old_end], after[start:new_end]
    if not old.strip() or not new.strip() or "\n" in old or "\n" in new or max(len(old), len(new)) > MAX_CHANGE_CHARS:
        return None
    return Substitution(old, new, start, new_end)


def places_of(doc: Document, change: Substitution, in_function: bool = True, variable: bool = False) -> list[Span]:
    """Where the current text still reads `old` near the edit (`in_function`: and in the function around it, when
    there is one): whole words only, in code (not comments or strings), never the edit itself (`variable`: nor
    where the word is an attribute, `x.old`, or a keyword argument's name, `f(old=...)`); none when there are more
    than MAX_PLACES."""
    text, old = doc.text, change.old
    first, _ = doc.index.position(change.start, "utf-32")
    last, _ = doc.index.position(change.end, "utf-32")
    lo = doc.index.offset(max(0, first - WINDOW_LINES), 0, "utf-32")
    hi = doc.index.offset(min(doc.index.line_count, last + WINDOW_LINES + 1), 0, "utf-32", clamp=True)
    scope = _enclosing_function(doc, change.start) if in_function else None
    if scope is not None:  # a name changed inside a function means that function's name: its uses are there
        lo, hi = max(lo, scope[0]), min(hi, scope[1])
    left = r"(?<![\w$])" if _WORD.match(old[0]) else ""
    right = r"(?![\w$])" if _WORD.match(old[-1]) else ""
    found = []
    for match in re.finditer(left + re.escape(old) + right, text[lo:hi]):
        a, b = lo + match.start(), lo + match.end()
        if b > change.start and a < change.end or in_comment_or_string(doc, a + 1 if b - a > 1 else a):
            continue
        before = text[text.rfind("\n", 0, a) + 1:a].rstrip()
        if variable and (before.endswith(".") or (before.endswith(("(", ",")) and _KEYWORD_ARGUMENT.match(text, b))):
            continue
        found.append(Span(a, b, kind="hole", single_line=True))
    return found if len(found) <= MAX_PLACES else []


def defines_name(before: Document, change: Substitution) -> str | None:
    """Whether the edit renamed a definition: "local" where `old` was a parameter or a declared, assigned or loop
    variable, "named" where it was a function's or class's own name (used beyond it); None otherwise."""
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", change.old):
        return None
    at = byte_offset(before.text, change.start)
    node = before.tree.root_node.descendant_for_byte_range(at, at + len(change.old.encode("utf-8")))
    if node is None or "identifier" not in node.type:
        return None
    parent = node.parent
    if parent is not None and parent.type in before.language.function_types | {"class_definition", "class_declaration"} \
            and parent.child_by_field_name("name") == node:
        return "named"
    if parent is not None and parent.type in _MEMBER_ACCESS:
        return None  # `self.name = ...`: an attribute, not a variable of this scope
    child = node
    while parent is not None and parent.type not in before.language.function_types:
        if parent.child_by_field_name("type") == child:
            return None  # a type written in a declaration (`x: int`), not the name it declares
        if any(word in parent.type for word in _DECLARING):
            target = parent.child_by_field_name("left") or parent.child_by_field_name("name") or \
                parent.child_by_field_name("pattern") or parent.child_by_field_name("declarator")
            inside = target is None or target.start_byte <= node.start_byte < target.end_byte
            return "local" if inside else None
        if parent.type.endswith(("statement", "block", "body")):
            return None
        child, parent = parent, parent.parent
    return None


def _enclosing_function(doc: Document, offset: int) -> tuple[int, int] | None:
    """str offsets of the innermost function or method around `offset`, or None outside one."""
    at = byte_offset(doc.text, offset)
    node = doc.tree.root_node.descendant_for_byte_range(at, at)
    while node is not None and node.type not in doc.language.function_types:
        node = node.parent
    if node is None:
        return None
    return str_offset(doc.data, node.start_byte), str_offset(doc.data, node.end_byte)


@torch.no_grad()
def _place_probabilities(denoiser, doc: Document, places: list[Span], texts: list[str], window: int) -> list[torch.Tensor]:
    """At each place (all masked at once, each as long as its text's tokens), the probability of its text's tokens."""
    tok = denoiser.tokenizer
    tokens = [tok.encode(text) for text in texts]
    lead = tuple(getattr(denoiser, "lead_ids", ()))
    canvas = build_canvas(doc, places, [[denoiser.mask_id] * len(t) for t in tokens], tok, window, lead=lead)
    ids = torch.tensor(canvas.ids, device=denoiser.device)  # (L,)
    return prefix_probabilities(denoiser, ids, None, [(lo, t) for (lo, _), t in zip(canvas.holes, tokens)])


def _with_space(doc: Document, span: Span, text: str) -> tuple[Span, str]:
    """The place with the space before it: tokenizers read ` name` as one piece, and `name` after a lone space as an
    odd one, so the model is asked about what it was trained to see."""
    if span.start > 0 and doc.text[span.start - 1] == " ":
        return Span(span.start - 1, span.end, kind=span.kind, single_line=True), " " + text
    return span, text


def _places_to_follow(doc: Document, before: str) -> tuple[Substitution, str | None, list[Span]] | None:
    """The change from `before` to `doc.text`, what it renamed (defines_name), and the places still reading as
    before; None without a change or a place."""
    change = substitution(before, doc.text)
    if change is None:
        return None
    renamed = defines_name(Document(before, doc.language), change)
    places = places_of(doc, change, in_function=renamed != "named", variable=renamed is not None)
    return (change, renamed, places) if places else None


def edit_to_follow(doc: Document, before: str) -> bool:
    """Whether the change from `before` to `doc.text` left places that still read as before (no model asked)."""
    return _places_to_follow(doc, before) is not None


def propose_edits(denoiser, doc: Document, before: str, window_tokens: int | None = None) -> list[ProposedEdit]:
    """The places near the user's last change (from `before` to `doc.text`) where the model finds the change
    belongs too, best first; [] when it is unsure anywhere it matters or the result would parse worse."""
    found = _places_to_follow(doc, before)
    if found is None:
        return []
    change, renamed, places = found
    follows = renamed is not None and not any(defines_name(doc, Substitution(change.old, change.old, p.start, p.end))
                                             for p in places)
    window = min(denoiser.max_len, window_tokens or WINDOW_TOKENS)
    spaced_new = [_with_space(doc, span, change.new) for span in places]
    spaced_old = [_with_space(doc, span, change.old)[1] for span in places]
    p_new = _place_probabilities(denoiser, doc, [s for s, _ in spaced_new], [t for _, t in spaced_new], window)
    p_old = _place_probabilities(denoiser, doc, [s for s, _ in spaced_new], spaced_old, window)
    proposed = []
    for span, new, old in zip(places, p_new, p_old):
        log_new, log_old = _log_joint(new), _log_joint(old)
        sure = math.exp(log_new / max(1, len(new)))
        odds = math.exp(min(50.0, log_new - log_old))
        # A renamed definition leaves its uses reading a name nothing defines there: they follow it (the model
        # orders them). Any other change is carried over only where the model clearly prefers it.
        if follows or odds >= MARGIN:
            proposed.append(ProposedEdit(Fill(span.start, span.end, change.new), odds, sure))
    if not proposed:
        return []
    fills = sorted((p.fill for p in proposed), key=lambda f: f.start)
    spans = [Span(f.start, f.end, kind="hole", single_line=True) for f in fills]
    if check_fills(doc, fills, spans).problems > ParseBaseline.of(doc, spans).as_is:
        return []
    return sorted(proposed, key=lambda p: -p.odds)


def _log_joint(probs: torch.Tensor) -> float:
    return float(torch.log(probs.clamp_min(1e-9)).sum())
