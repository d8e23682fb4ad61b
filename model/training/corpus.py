"""Build the training corpus: permissively licensed Python on this machine, de-duplicated, split by file."""

from __future__ import annotations

import hashlib
import json
import re
import sys
import sysconfig
from dataclasses import asdict, dataclass
from pathlib import Path

from tqdm import tqdm

MAX_FILE_BYTES = 400_000
# Never train on the benchmark we evaluate on, nor on test suites full of generated data.
SKIP_PARTS = {"test", "tests", "idlelib", "site-packages", "dist-packages", "__pycache__", "benchmarks"}


@dataclass
class Source:
    name: str
    version: str
    license: str
    root: str


def stdlib_source() -> Source:
    return Source("cpython-stdlib", sys.version.split()[0], "PSF-2.0", sysconfig.get_paths()["stdlib"])


def _normalized(text: str) -> str:
    """Text with comments and all white space dropped: files equal under it are near-duplicates."""
    return re.sub(r"\s+", "", re.sub(r"#[^\n]*", "", text))


def collect_files(source: Source) -> list[tuple[str, str]]:
    files = []
    for path in sorted(Path(source.root).rglob("*.py")):
        rel = path.relative_to(source.root)
        if SKIP_PARTS & set(rel.parts[:-1]) or path.stat().st_size > MAX_FILE_BYTES:
            continue
        try:
            files.append((f"{source.name}/{rel}", path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    return files


def build_corpus(out_dir: str | Path, sources: list[Source], val_fraction: float = 0.02) -> dict:
    """Write train.jsonl, val.jsonl and manifest.json; returns the manifest."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    seen_exact, seen_near = set(), set()
    counts = {"files": 0, "exact_duplicates": 0, "near_duplicates": 0, "train": 0, "val": 0, "chars": 0}
    with open(out / "train.jsonl", "w") as train, open(out / "val.jsonl", "w") as val:
        for source in sources:
            for name, text in tqdm(collect_files(source), desc=source.name, unit="file"):
                counts["files"] += 1
                exact, near = hashlib.sha256(text.encode()).hexdigest(), hashlib.sha256(_normalized(text).encode()).hexdigest()
                if exact in seen_exact:
                    counts["exact_duplicates"] += 1
                    continue
                if near in seen_near:
                    counts["near_duplicates"] += 1
                    continue
                seen_exact.add(exact)
                seen_near.add(near)
                # The split is by file and depends only on the content hash, so it is stable across runs.
                split = "val" if int(exact[:8], 16) / 0xFFFFFFFF < val_fraction else "train"
                (val if split == "val" else train).write(json.dumps({"name": name, "text": text}) + "\n")
                counts[split] += 1
                counts["chars"] += len(text)
    manifest = {"sources": [asdict(s) for s in sources], "counts": counts}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def read_texts(path: str | Path) -> list[str]:
    with open(path) as f:
        return [json.loads(line)["text"] for line in f]
