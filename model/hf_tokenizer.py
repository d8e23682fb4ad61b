"""A Hugging Face checkpoint's tokenizer and chat template, read from its own files and run without remote code.

Real repositories differ: LLaDA ships `tokenizer.json`; Dream-Coder and DiffuCoder ship only the slow files
(`vocab.json`, `merges.txt`, `added_tokens.json`, `tokenizer_config.json`) and a `tokenization_dream.py` that is a
copy of transformers' Qwen2Tokenizer. Those files are rebuilt here into the same byte-level BPE that Qwen2's
converter makes (NFC, Qwen2's split pattern, byte-level pieces), with every added token at its recorded id.
Chat templates come from `chat_template.jinja` (DiffuCoder) or `tokenizer_config.json`, rendered in jinja's
sandbox with the special tokens a template may use (`bos_token`, `eos_token`).
"""

from __future__ import annotations

import json
from pathlib import Path

from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers

from .errors import ModelError

# transformers' Qwen2 converter: the split pattern every Qwen2-family tokenizer (Dream, DiffuCoder) uses.
QWEN2_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+"
               r"|\s+(?!\S)|\s+")

# Tokens that end a model's answer or pad it; none of them is code (DiffuCoder pads fills with <|dlm_pad|>, Qwen2
# chat turns end at <|im_end|>, Llama-3-style ones at <|eot_id|>).
END_OF_FILL_TOKENS = ("<|endoftext|>", "<|im_end|>", "<|im_start|>", "<|dlm_pad|>", "<|eot_id|>", "<|end_of_text|>",
                      "<|start_header_id|>", "<|end_header_id|>", "<|beginoftext|>", "<|begin_of_text|>", "<|eos|>",
                      "<|pad|>", "<eos>", "<pad>", "</s>", "<|mdm_mask|>")


class HFTokenizer:
    """Text <-> ids with a checkpoint's own tokenizer (no special tokens added)."""

    def __init__(self, tokenizer: Tokenizer):
        self._tok = tokenizer

    @property
    def vocab_size(self) -> int:
        """Ids the tokenizer can produce, added tokens included (a model's head may have more rows)."""
        return self._tok.get_vocab_size(with_added_tokens=True)

    def token_id(self, token: str) -> int | None:
        return self._tok.token_to_id(token)

    def encode(self, text: str) -> list[int]:
        return self._tok.encode(text, add_special_tokens=False).ids

    def token_starts(self, text: str) -> list[int]:
        """The str offset where each token of `text` starts (the byte pieces of one character share it)."""
        return [start for start, _ in self._tok.encode(text, add_special_tokens=False).offsets]

    def decode(self, ids) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=False)

    def token_text(self, token_id: int) -> str:
        return self.decode([token_id])


def _json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except (OSError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None


def added_tokens(directory: Path) -> dict[int, tuple[str, bool]]:
    """id -> (token, special) from added_tokens.json and tokenizer_config.json's added_tokens_decoder."""
    found = {int(i): (t, True) for t, i in _json(directory / "added_tokens.json").items()}
    for i, entry in (_json(directory / "tokenizer_config.json").get("added_tokens_decoder") or {}).items():
        found[int(i)] = (entry["content"], bool(entry.get("special", True)))
    return found


def _from_slow_files(directory: Path) -> Tokenizer:
    vocab, merges = directory / "vocab.json", directory / "merges.txt"
    for f in (vocab, merges):
        if not f.is_file():
            raise ModelError(f"checkpoint {directory} has neither tokenizer.json nor {f.name}")
    try:
        tok = Tokenizer(models.BPE.from_file(str(vocab), str(merges)))
    except Exception as exc:  # tokenizers raises bare Exceptions on bad files
        raise ModelError(f"cannot read {vocab.name}/{merges.name} in {directory}: {str(exc).splitlines()[0]}") from None
    tok.normalizer = normalizers.NFC()
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Split(Regex(QWEN2_SPLIT), behavior="isolated"),
                                                 pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    for token_id, (token, special) in sorted(added_tokens(directory).items()):
        if tok.token_to_id(token) is None:
            tok.add_tokens([AddedToken(token, special=special, normalized=not special)])
        if tok.token_to_id(token) != token_id:
            raise ModelError(f"{directory}: added token {token!r} has id {token_id} in the checkpoint's files but "
                             f"{tok.token_to_id(token)} after the {tok.get_vocab_size(False)}-token vocabulary")
    return tok


def read_tokenizer_files(directory: Path) -> HFTokenizer:
    """The checkpoint's tokenizer: tokenizer.json when it has one, else its slow BPE files."""
    path = directory / "tokenizer.json"
    if not path.is_file():
        return HFTokenizer(_from_slow_files(directory))
    try:
        return HFTokenizer(Tokenizer.from_file(str(path)))
    except Exception as exc:
        raise ModelError(f"cannot read {path}: {str(exc).splitlines()[0]}") from None


def special_token(directory: Path, name: str) -> str | None:
    """`bos_token`, `eos_token`, ... as tokenizer_config.json or special_tokens_map.json names it."""
    for source in ("tokenizer_config.json", "special_tokens_map.json"):
        value = _json(directory / source).get(name)
        if isinstance(value, dict):
            value = value.get("content")
        if isinstance(value, str):
            return value
    return None


def mask_token_id(tokenizer: HFTokenizer | None, directory: Path, config: dict) -> int | None:
    """The mask id a checkpoint names: config.json's or generation_config.json's mask_token_id, else the tokenizer's
    mask_token (Open-dCoder's `<M>`) or `<|mask|>` (None without a tokenizer to look a name up in)."""
    for source in (config, _json(directory / "generation_config.json")):
        if isinstance(source.get("mask_token_id"), int):
            return source["mask_token_id"]
    if tokenizer is None:
        return None
    return tokenizer.token_id(special_token(directory, "mask_token") or "<|mask|>")


def end_of_fill_ids(tokenizer: HFTokenizer, directory: Path, *ids: int | None) -> frozenset[int]:
    """Ids that end or pad an answer: the known end tokens the tokenizer has, generation_config.json's
    eos_token_id (one id or a list), and `ids` (the config's pad and eos)."""
    found = {tokenizer.token_id(t) for t in END_OF_FILL_TOKENS}
    eos = _json(directory / "generation_config.json").get("eos_token_id")
    found |= set(eos) if isinstance(eos, list) else {eos}
    found |= set(ids)
    return frozenset(i for i in found if isinstance(i, int))


class ChatTemplate:
    """A checkpoint's own chat template, rendered in jinja's sandbox (as transformers does, without its code)."""

    def __init__(self, source: str, specials: dict[str, str]):
        from jinja2.exceptions import TemplateError
        from jinja2.sandbox import ImmutableSandboxedEnvironment

        def raise_exception(message):
            raise TemplateError(message)

        env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
        env.globals["raise_exception"] = raise_exception
        self._template, self._specials = env.from_string(source), specials

    def prompt(self, user_message: str) -> str:
        """The text up to where the assistant's answer starts; a template that cannot render is a ModelError."""
        from jinja2.exceptions import TemplateError
        try:
            return self._template.render(messages=[{"role": "user", "content": user_message}],
                                         add_generation_prompt=True, **self._specials)
        except (TemplateError, TypeError, ValueError, KeyError) as exc:
            raise ModelError(f"the model's chat template cannot be rendered: {str(exc).splitlines()[0]}") from None


def chat_template(directory: Path) -> tuple[ChatTemplate | None, str]:
    """The instruct template (chat_template.jinja, else tokenizer_config.json's) and, when there is none or it
    does not render, why not."""
    jinja = directory / "chat_template.jinja"
    source = jinja.read_text(encoding="utf-8") if jinja.is_file() else _json(directory / "tokenizer_config.json").get("chat_template")
    if isinstance(source, list):  # several named templates: the default one
        source = next((t.get("template") for t in source if t.get("name") == "default"), None)
    if not source:
        return None, "it ships no chat template"
    specials = {name: special_token(directory, name) or "" for name in
                ("bos_token", "eos_token", "pad_token", "unk_token", "mask_token")}
    try:
        template = ChatTemplate(source, specials)
        template.prompt("check")
    except ModelError as exc:
        return None, str(exc)
    except Exception as exc:  # a template jinja cannot compile
        return None, f"its chat template cannot be read: {str(exc).splitlines()[0]}"
    return template, ""


def read_tokenizer(directory: Path) -> tuple[HFTokenizer, ChatTemplate | None, str]:
    """The checkpoint's tokenizer, its chat template (instruct variants) and why there is none."""
    tokenizer = read_tokenizer_files(directory)
    template, why_not = chat_template(directory)
    return tokenizer, template, why_not
