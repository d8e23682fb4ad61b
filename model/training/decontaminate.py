"""Decontamination: corpus files that share a long word n-gram with any evaluation text are dropped."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from pathlib import Path

_WORD = re.compile(r"\w+|[^\w\s]")
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*|#[^\n]*", re.S)
N = 13  # words: long enough that common idioms (`for i in range(len(xs)):`) do not count
MIN_NAMES = 6  # of them with a letter: runs of numbers and punctuation (test data) do not count


def _grams(text: str) -> set[int]:
    """Hashes of the code's word 13-grams; comments (licence headers are shared by thousands of files) left out."""
    words = _WORD.findall(_COMMENT.sub(" ", text))
    named = [any(c.isalpha() for c in w) for w in words]
    return {zlib.crc32(" ".join(words[i:i + N]).encode()) for i in range(len(words) - N + 1)
            if sum(named[i:i + N]) >= MIN_NAMES}


class Contamination:
    """The n-grams of the evaluation sets; `hits(text)` counts how many of them a corpus file contains."""

    def __init__(self, texts: list[str]):
        self.grams: set[int] = set()
        for text in texts:
            self.grams |= _grams(text)

    def hits(self, text: str) -> int:
        return len(_grams(text) & self.grams) if self.grams else 0


def evaluation_texts(humaneval_dir: Path | None = None, heldout_dir: Path | None = None) -> list[str]:
    """Every problem of HumanEval-infilling (prompt + solution + suffix, all splits) and the held-out files."""
    texts = []
    if humaneval_dir and humaneval_dir.is_dir():
        for path in sorted(humaneval_dir.glob("*.jsonl*")):
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt") as f:
                lines = f.read().splitlines()
            for line in lines:
                row = json.loads(line)
                texts.append(row.get("prompt", "") + row.get("canonical_solution", "") + row.get("suffix", ""))
    if heldout_dir and heldout_dir.is_dir():
        texts += [p.read_text(errors="replace") for p in sorted(heldout_dir.rglob("*.py"))]
    return texts
