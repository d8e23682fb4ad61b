"""Pack a corpus into token arrays small enough to travel to a GPU machine (the device tool carries <= 64 MiB)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np

from ..tokenizer import CodeTokenizer
from .corpus import read_texts


def pack_corpus(corpus: Path, tokenizer_file: Path, out: Path, max_mib: float = 40.0, seed: int = 0) -> dict:
    """train.u16 / val.u16: the corpus's files tokenized (uint16, <|eos|> between files), train shuffled by file
    and cut at `max_mib`; the tokenizer rides along."""
    tok = CodeTokenizer.from_file(tokenizer_file)
    if tok.vocab_size > 65535:
        raise ValueError("uint16 packing needs a vocabulary under 65,536 tokens")
    out.mkdir(parents=True, exist_ok=True)
    meta = {"tokenizer": "tokenizer.json", "eos_id": tok.eos_id, "vocab_size": tok.vocab_size}
    for split, budget in (("train", max_mib * 2**20 / 2), ("val", 2 * 2**20 / 2)):
        texts = read_texts(corpus / f"{split}.jsonl")
        random.Random(seed).shuffle(texts)
        ids: list[int] = []
        for text in texts:
            ids += tok.encode(text) + [tok.eos_id]
            if len(ids) >= budget:
                break
        array = np.asarray(ids[:int(budget)], dtype=np.uint16)
        array.tofile(out / f"{split}.u16")
        meta[f"{split}_tokens"] = int(array.size)
    shutil.copy(tokenizer_file, out / "tokenizer.json")
    (out / "pack.json").write_text(json.dumps(meta, indent=2))
    return meta


def load_pack(pack: Path, split: str) -> np.ndarray:
    return np.fromfile(pack / f"{split}.u16", dtype=np.uint16)
