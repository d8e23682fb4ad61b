"""Training examples for reading workspace context: windows of a package's files, each with the context the server
would put ahead of it at a cursor inside the window (the definitions of related files, as commented code), so the
built-in model learns to use definitions it sees only there (`diffusion-lsp train run --context-share`)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

from tqdm import tqdm

from ..errors import InfillError
from ..source.languages import language_for_path
from . import context_for
from .formats import as_commented_code
from .index import WorkspaceIndex

CONTEXT_CHARS = 700     # the definitions' budget: about the server's default 256 tokens of this tokenizer, with room
WINDOW_BEFORE = 700     # characters of the file before the cursor in a window (about 256 tokens in all)
WINDOW_AFTER = 200


def context_pairs(root: Path, per_file: int, seed: int) -> list[dict]:
    """Up to `per_file` windows of every indexed file under `root` that has related definitions, with them."""
    index = WorkspaceIndex(root)
    index.build()
    rng = random.Random(f"{seed}:{root.name}")
    pairs = []
    for relative in sorted(index.files):
        path = root / relative
        try:
            text = path.read_text(encoding="utf-8")
            spec = language_for_path(path)
        except (OSError, UnicodeDecodeError, InfillError):  # unreadable, or not a language served: left out
            continue
        starts = [i + 1 for i, ch in enumerate(text) if ch == "\n" and i + 1 < len(text)]
        for cursor in sorted(rng.sample(starts, min(per_file, len(starts)))):
            snippets = [s for s in context_for(index, path, text, cursor, spec, CONTEXT_CHARS) if s.kind == "definitions"]
            if not snippets:
                continue
            begin = text.rfind("\n", 0, max(0, cursor - WINDOW_BEFORE)) + 1
            end = text.find("\n", cursor + WINDOW_AFTER)
            pairs.append({"context": as_commented_code(snippets, spec.line_comment),
                          "text": text[begin:len(text) if end < 0 else end], "language": spec.name,
                          "package": root.name, "path": relative})
    return pairs


def write_context_corpus(roots: list[Path], out: Path, per_file: int, val_share: float, seed: int,
                         licence_of: Callable[[Path], str | None]) -> dict:
    """OUT/train.jsonl and OUT/val.jsonl (whole packages held out; only those `licence_of` finds permissively
    licensed), OUT/manifest.json (each package with its licence, for the model card), and the counts."""
    out.mkdir(parents=True, exist_ok=True)
    licensed = [(root, licence_of(root)) for root in roots]
    kept = [(root, licence) for root, licence in licensed if licence]
    rng = random.Random(seed)
    names = [root.name for root, _ in kept]
    held = set(rng.sample(names, max(1, round(val_share * len(names))))) if len(names) > 1 else set()
    counts = {"train": 0, "val": 0, "packages": len(kept), "dropped_packages": len(roots) - len(kept)}
    with open(out / "train.jsonl", "w") as train, open(out / "val.jsonl", "w") as val:
        for root, _ in tqdm(kept, desc="context pairs", unit="package"):
            split = "val" if root.name in held else "train"
            for pair in context_pairs(root, per_file, seed):
                (val if split == "val" else train).write(json.dumps(pair) + "\n")
                counts[split] += 1
    sources = [{"name": root.name, "version": "", "license": licence} for root, licence in kept]
    (out / "manifest.json").write_text(json.dumps({"sources": sources, "counts": counts,
                                                   "dropped": [str(root) for root, licence in licensed if not licence]},
                                                  indent=1))
    return counts
