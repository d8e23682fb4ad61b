"""Byte-level BPE tokenizer with the denoiser's special tokens."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

from .errors import ModelError

MASK_TOKEN, PAD_TOKEN, EOS_TOKEN = "<|mask|>", "<|pad|>", "<|eos|>"
SPECIAL_TOKENS = [MASK_TOKEN, PAD_TOKEN, EOS_TOKEN]

# A newline and the indentation after it form one piece, so indentation runs become tokens.
_NEWLINE_AND_INDENT = Regex(r"\n[ \t]*")


class CodeTokenizer:
    """Text <-> ids for the built-in model; wraps a `tokenizers.Tokenizer`."""

    def __init__(self, tokenizer: Tokenizer):
        self._tok = tokenizer
        ids = [tokenizer.token_to_id(t) for t in SPECIAL_TOKENS]
        if None in ids:
            raise ModelError("tokenizer lacks the special tokens " + ", ".join(SPECIAL_TOKENS))
        self.mask_id, self.pad_id, self.eos_id = ids

    @classmethod
    def from_file(cls, path: str | Path) -> "CodeTokenizer":
        try:
            return cls(Tokenizer.from_file(str(path)))
        except ModelError:
            raise
        except Exception as exc:  # tokenizers raises a bare Exception on bad JSON
            raise ModelError(f"cannot read tokenizer {path}: {str(exc).splitlines()[0]}") from None

    def save(self, path: str | Path) -> None:
        self._tok.save(str(path))

    @property
    def vocab_size(self) -> int:
        return self._tok.get_vocab_size()

    def encode(self, text: str) -> list[int]:
        return self._tok.encode(text, add_special_tokens=False).ids

    def token_starts(self, text: str) -> list[int]:
        """The str offset where each token of `text` starts (the byte pieces of one character share it)."""
        return [start for start, _ in self._tok.encode(text, add_special_tokens=False).offsets]

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self._tok.encode_batch(texts, add_special_tokens=False)]

    def decode(self, ids: Iterable[int]) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=False)

    def token_text(self, token_id: int) -> str:
        return self.decode([token_id])


def train_tokenizer(texts: Iterable[str], vocab_size: int = 8192, min_frequency: int = 2) -> CodeTokenizer:
    """Train a byte-level BPE on `texts`; the special tokens get ids 0, 1, 2."""
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(_NEWLINE_AND_INDENT, behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(texts, trainer=trainer)
    return CodeTokenizer(tok)
