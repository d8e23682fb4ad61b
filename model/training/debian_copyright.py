"""Per-file licences from a Debian source package's machine-readable `debian/copyright` (DEP-5)."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from .licenses import classify


def copyright_rules(text: str) -> list[tuple[list[str], str]] | None:
    """(file globs, licence) per `Files:` paragraph, in order; the licence is its short name when that alone says
    what it is, else the licence's text (a stand-alone `License: Go` paragraph, say, holds BSD-style text).
    None when the file is not DEP-5."""
    if "Format:" not in text.split("\n\n", 1)[0]:
        return None
    files_paragraphs, texts = [], {}
    for paragraph in text.split("\n\n"):
        fields, key = {}, None
        for line in paragraph.splitlines():
            if line[:1] in (" ", "\t") and key:
                fields[key].append(line.strip())
            elif ":" in line:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                fields[key] = [value.strip()]
        if "license" not in fields:
            continue
        name, body = fields["license"][0], " ".join(fields["license"][1:])
        if "files" in fields:
            globs = " ".join(fields["files"]).split()
            files_paragraphs.append((globs, name, body))
        elif body:
            texts[name] = body
    return [(globs, name if classify(name) or not (body or texts.get(name)) else (body or texts[name]))
            for globs, name, body in files_paragraphs]


def file_license(rules: list[tuple[list[str], str]], relative: str) -> str | None:
    """The SPDX id of a permissive licence for this file, or None. In DEP-5 the last matching paragraph wins."""
    chosen = None
    for globs, name in rules:
        if any(fnmatch.fnmatchcase(relative, glob) for glob in globs):
            chosen = name
    return classify(chosen)


def package_rules(root: Path) -> list[tuple[list[str], str]] | None:
    path = root / "debian" / "copyright"
    return copyright_rules(path.read_text(errors="replace")) if path.is_file() else None
