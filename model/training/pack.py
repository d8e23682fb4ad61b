"""Pack a corpus into token arrays small enough to copy to a GPU machine (tens of MiB for ~100M tokens).

Tokens are uint16 in xz-compressed chunks (code tokens compress ~5x, so a 56 MiB pack holds ~150M tokens instead
of ~29M), files drawn by the training language mix without repeats; the training machine decompresses the chunks
in parallel threads (lzma releases the GIL) in seconds.
"""

from __future__ import annotations

import json
import lzma
import random
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from tqdm import tqdm

from ..tokenizer import CodeTokenizer
from .corpus import read_records
from .mixture import LanguageMixture, parse_weights

CHUNK_TOKENS = 2**22  # 4M tokens (8 MiB raw, ~1.5 MiB compressed): the unit of the budget and of parallel reading
VAL_TOKENS = 2**20


def files_by_mix(records: list[tuple[str, str]], weights: dict[str, float] | None, seed: int) -> list[str]:
    """Every file once, in the order a weighted draw picks them: each pick takes a language by its weight, then its
    next unused file; a language that runs out drops from the draw (a pack never repeats a file)."""
    rng = random.Random(seed)
    if not weights:
        texts = [text for text, _ in records]
        rng.shuffle(texts)
        return texts
    mixture = LanguageMixture(records, weights)  # the training draw's languages, weights and files
    by_language = {name: list(mixture.texts[name]) for name in mixture.languages}
    for texts in by_language.values():
        rng.shuffle(texts)
    order = []
    while by_language:
        names = list(by_language)
        language = rng.choices(names, weights=[weights[name] for name in names])[0]
        order.append(by_language[language].pop())
        if not by_language[language]:
            del by_language[language]
    return order


def pack_corpus(corpus: Path, tokenizer_file: Path, out: Path, max_mib: float = 40.0, seed: int = 0,
                languages: str | None = None) -> dict:
    """train-NNN.u16.xz / val-000.u16.xz: the corpus's files tokenized (<|eos|> between files) in the language mix,
    train cut where its compressed chunks reach `max_mib`; the tokenizer rides along."""
    tok = CodeTokenizer.from_file(tokenizer_file)
    if tok.vocab_size > 65535:
        raise ValueError("uint16 packing needs a vocabulary under 65,536 tokens")
    weights = parse_weights(languages) if languages else None
    out.mkdir(parents=True, exist_ok=True)
    for old in [*out.glob("*-[0-9][0-9][0-9].u16.xz"), *out.glob("*.u16")]:
        old.unlink()  # an earlier pack's chunks must not mix with this one's
    meta = {"tokenizer": "tokenizer.json", "eos_id": tok.eos_id, "vocab_size": tok.vocab_size,
            "languages": languages or "as in the corpus", "format": "uint16 little-endian, xz chunks"}
    for split, budget_bytes, most_tokens in (("train", max_mib * 2**20, None), ("val", None, VAL_TOKENS)):
        texts = files_by_mix(read_records(corpus / f"{split}.jsonl"), weights, seed)
        tokens, size = _write_chunks(tok, texts, out, split, budget_bytes, most_tokens)
        if not tokens:
            raise ValueError(f"the pack's {split} split is empty: {max_mib} MiB hold no chunk of it")
        meta[f"{split}_tokens"], meta[f"{split}_mib"] = tokens, round(size / 2**20, 2)
    shutil.copy(tokenizer_file, out / "tokenizer.json")
    (out / "pack.json").write_text(json.dumps(meta, indent=2))
    return meta


def _write_chunks(tok: CodeTokenizer, texts: list[str], out: Path, split: str, budget_bytes: float | None,
                  most_tokens: int | None) -> tuple[int, int]:
    """Tokenize `texts` in order into compressed chunks until the bytes (or tokens) run out; (tokens, bytes)."""
    written = {"chunks": 0, "tokens": 0, "bytes": 0}
    bar = tqdm(total=most_tokens, desc=f"pack {split}", unit="tok", unit_scale=True)

    def write(ids: list[int]) -> bool:
        blob = lzma.compress(np.asarray(ids, dtype="<u2").tobytes(), preset=6)
        if budget_bytes is not None and written["bytes"] + len(blob) > budget_bytes:
            return False
        (out / f"{split}-{written['chunks']:03d}.u16.xz").write_bytes(blob)
        written["chunks"] += 1
        written["tokens"] += len(ids)
        written["bytes"] += len(blob)
        bar.update(len(ids))
        return True

    pending: list[int] = []
    spent = False  # the byte budget
    for text in texts:
        pending += tok.encode(text) + [tok.eos_id]
        if most_tokens is not None and len(pending) >= most_tokens:
            break
        while len(pending) >= CHUNK_TOKENS and not spent:
            spent = not write(pending[:CHUNK_TOKENS])
            pending = [] if spent else pending[CHUNK_TOKENS:]
        if spent:
            break
    if pending:  # the tail, shorter than a chunk
        write(pending[:most_tokens])
    bar.close()
    return written["tokens"], written["bytes"]


def load_pack(pack: Path, split: str) -> np.ndarray:
    """A split's tokens, its chunks decompressed side by side; an older pack's plain `{split}.u16` reads as well."""
    plain = pack / f"{split}.u16"
    if plain.is_file():
        return np.fromfile(plain, dtype=np.uint16)
    chunks = sorted(pack.glob(f"{split}-*.u16.xz"))
    if not chunks:
        raise FileNotFoundError(f"no {split} tokens in {pack}")
    with ThreadPoolExecutor() as pool:
        arrays = list(pool.map(lambda path: np.frombuffer(lzma.decompress(path.read_bytes()), dtype="<u2"), chunks))
    return np.concatenate(arrays).astype(np.uint16)
