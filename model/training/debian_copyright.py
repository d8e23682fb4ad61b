"""Per-file licences from a Debian source package's machine-readable `debian/copyright` (DEP-5)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path

from .licenses import classify


@dataclass
class CopyrightRule:
    globs: list[str]
    license: str
    pattern: re.Pattern = field(init=False)  # all globs in one regex: boost's file lists thousands of them

    def __post_init__(self) -> None:
        self.pattern = re.compile("|".join(f"(?:{fnmatch.translate(g)})" for g in self.globs) or "(?!)")


def copyright_rules(text: str) -> list[CopyrightRule] | None:
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
    return [CopyrightRule(globs, name if classify(name) or not (body or texts.get(name)) else (body or texts[name]))
            for globs, name, body in files_paragraphs]


def file_license(rules: list[CopyrightRule], relative: str) -> str | None:
    """The SPDX id of a permissive licence for this file, or None. In DEP-5 the last matching paragraph wins."""
    chosen = next((rule.license for rule in reversed(rules) if rule.pattern.match(relative)), None)
    return classify(chosen)


def package_rules(root: Path) -> list[CopyrightRule] | None:
    path = root / "debian" / "copyright"
    return copyright_rules(path.read_text(errors="replace")) if path.is_file() else None
