"""Build the training corpus: permissively licensed Python on this machine, de-duplicated, split by file."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
import subprocess
import sys
import sysconfig
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tqdm import tqdm

MAX_FILE_BYTES = 400_000
# Never train on the benchmark we evaluate on, nor on test suites full of generated data.
SKIP_PARTS = {"test", "tests", "idlelib", "site-packages", "dist-packages", "__pycache__", "benchmarks"}


PACKAGES_FILE = Path(__file__).with_name("corpus_packages.txt")
_PERMISSIVE = re.compile(r"\b(MIT|BSD|Apache|PSF|Python Software Foundation|ISC|0BSD|Unlicense)\b", re.I)
_COPYLEFT = re.compile(r"GPL|MPL|Mozilla|EUPL|CDDL|Commons Clause", re.I)


@dataclass
class Source:
    name: str
    version: str
    license: str
    root: str
    files: list[str] = field(default_factory=list)  # relative .py paths; empty = every .py under root


def stdlib_source() -> Source:
    return Source("cpython-stdlib", sys.version.split()[0], "PSF-2.0", sysconfig.get_paths()["stdlib"])


def _normalized(text: str) -> str:
    """Text with comments and all white space dropped: files equal under it are near-duplicates."""
    return re.sub(r"\s+", "", re.sub(r"#[^\n]*", "", text))


def permissive_license(dist: importlib.metadata.Distribution) -> str | None:
    """The licence of a distribution when its metadata says it is permissive, else None."""
    meta = dist.metadata
    declared = (meta.get("License-Expression") or meta.get("License") or "").split("\n")[0][:80]
    classifiers = [c.rsplit("::", 1)[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    text = " ".join([declared, *classifiers])
    if _COPYLEFT.search(text) or not _PERMISSIVE.search(text):
        return None
    return declared if _PERMISSIVE.search(declared) else classifiers[0]


def package_sources(packages_file: Path, target: Path) -> tuple[list[Source], list[dict]]:
    """Install the pinned packages into `target` (no dependencies, wheels only); their permissive sources and the rejects."""
    target.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--only-binary", ":all:", "--target",
                    str(target), "-r", str(packages_file)], check=True)
    sources, rejected = [], []
    for dist in sorted(importlib.metadata.distributions(path=[str(target)]), key=lambda d: d.metadata["Name"].lower()):
        license = permissive_license(dist)
        name = dist.metadata["Name"]
        if license is None:
            rejected.append({"name": name, "version": dist.version, "license": dist.metadata.get("License", "")[:80]})
            continue
        files = [str(f) for f in dist.files or [] if str(f).endswith(".py") and not str(f).startswith("..")]
        sources.append(Source(name, dist.version, license, str(target), files))
    return sources, rejected


def collect_files(source: Source) -> list[tuple[str, str]]:
    files = []
    paths = [Path(source.root) / f for f in source.files] if source.files else Path(source.root).rglob("*.py")
    for path in sorted(paths):
        rel = path.relative_to(source.root)
        if SKIP_PARTS & set(rel.parts[:-1]) or path.stat().st_size > MAX_FILE_BYTES:
            continue
        try:
            files.append((f"{source.name}/{rel}", path.read_text(encoding="utf-8")))
        except (UnicodeDecodeError, OSError):
            continue
    return files


def build_corpus(out_dir: str | Path, sources: list[Source], val_fraction: float = 0.02, rejected: list[dict] | None = None) -> dict:
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
    manifest = {"sources": [{k: v for k, v in asdict(s).items() if k != "files"} for s in sources],
                "rejected_licenses": rejected or [], "counts": counts}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def read_texts(path: str | Path) -> list[str]:
    with open(path) as f:
        return [json.loads(line)["text"] for line in f]


def read_records(path: str | Path) -> list[tuple[str, str]]:
    """(text, language) per file; files of the first corpus carry no language, so it comes from their names."""
    from .filters import language_of

    with open(path) as f:
        rows = [json.loads(line) for line in f]
    return [(r["text"], r.get("language") or language_of(r.get("name", "")) or "other") for r in rows]
