"""Which licences the corpus takes: permissive ones only, decided from SPDX ids, Debian names or licence text."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

# (SPDX id, pattern over a licence name or the first lines of a licence file). Order matters: specific first.
_PERMISSIVE = [
    ("0BSD", r"\b0BSD\b|zero-clause bsd"),
    ("BSD-2-Clause", r"\bBSD-2(-clause)?\b|\bBSD 2-clause|simplified bsd|freebsd license"),
    ("BSD-3-Clause", r"\bBSD-3(-clause)?\b|\bBSD 3-clause|new bsd|modified bsd|revised bsd"),
    ("Apache-2.0", r"\bApache-2(\.0)?\b|apache license,? (version )?2|\bapache 2(\.0)?\b|apache software license"),
    ("MIT", r"\bMIT\b|\bExpat\b|\bX11\b|permission is hereby granted, free of charge"),
    ("ISC", r"\bISC\b"),
    ("Zlib", r"\bZlib\b"),
    ("BSL-1.0", r"\bBSL-1\.0\b|boost software license"),
    ("PSF-2.0", r"\bPSF(-2\.0)?\b|python software foundation license"),
    ("Unlicense", r"\bUnlicense\b|this is free and unencumbered software"),
    ("CC0-1.0", r"\bCC0\b"),
    ("BSD", r"\bBSD\b|redistribution and use in source and binary forms"),
]
_COPYLEFT = re.compile(r"\b(A|L)?GPL|general public license|\bMPL\b|mozilla public|\bEPL\b|eclipse public|\bCDDL\b|"
                       r"\bEUPL\b|\bSSPL\b|commons clause|\bOSL\b|\bCPAL\b|\bArtistic\b|business source", re.I)


def classify(text: str | None) -> str | None:
    """The SPDX id when `text` names (or is) a permissive licence, None when it is copyleft, unknown or empty.
    `A OR B` is permissive when one side is; `A AND B` only when both are."""
    if not text or not text.strip():
        return None
    text = text.strip()
    expression = len(text) < 80 and not re.search(r"[,.;:]\s", text)  # a licence expression, not a licence's text
    if expression and re.search(r"\s(or|OR)\s|\s/\s|\|", text):
        choices = [classify(part) for part in re.split(r"\s(?:or|OR)\s|\s/\s|\|", text.strip("() "))]
        return next((c for c in choices if c), None)
    if expression and re.search(r"\s(and|AND)\s", text):
        parts = [classify(part) for part in re.split(r"\s(?:and|AND)\s", text.strip("() "))]
        return parts[0] if all(parts) else None
    if _COPYLEFT.search(text):
        return None
    for spdx, pattern in _PERMISSIVE:
        if re.search(pattern, text, re.I):
            return spdx
    return None


LICENSE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "COPYING", "COPYING.txt", "LICENSE-MIT")


def license_from_files(root) -> str | None:
    """A package's licence from its licence file's first 2,000 characters."""
    for name in LICENSE_FILES:
        path = Path(root) / name
        if path.is_file():
            return classify(path.read_text(errors="replace")[:2000])
    return None


def package_root_licence(root: Path) -> str | None:
    """The package's licence as an SPDX id when it is permissive: from its licence file, else from the metadata of
    the installed distribution that holds it (site-packages), else from the Debian package that installed it; None
    when copyleft or unknown (the corpus's rule)."""
    found = license_from_files(root)
    if found:
        return found
    for info in sorted(root.parent.glob("*.dist-info")):
        record = (info / "RECORD").read_text(errors="replace") if (info / "RECORD").is_file() else ""
        if f"\n{root.name}/" not in "\n" + record:
            continue
        metadata = (info / "METADATA").read_text(errors="replace") if (info / "METADATA").is_file() else ""
        for key in ("License-Expression: ", "License: "):
            line = next((x for x in metadata.splitlines() if x.startswith(key)), "")
            if classify(line[len(key):]):
                return classify(line[len(key):])
        classifiers = [x.rsplit("::", 1)[1] for x in metadata.splitlines() if x.startswith("Classifier: License ::")]
        return classify(classifiers[0]) if classifiers and all(classify(c) for c in classifiers) else None
    return _debian_licence(root)


def _debian_licence(root: Path) -> str | None:
    """The licence of the sources' `Files: *` stanza in the copyright file of the Debian package owning `root`."""
    owner = subprocess.run(["dpkg", "-S", str(root)], capture_output=True, text=True).stdout.split(":", 1)[0]
    copyright_file = Path("/usr/share/doc") / owner / "copyright"
    if not owner or not copyright_file.is_file():
        return None
    stanzas = copyright_file.read_text(errors="replace").split("\n\n")
    main = next((x for x in stanzas if x.startswith("Files: *") or "\nFiles: *\n" in x), "")
    line = next((x for x in main.splitlines() if x.startswith("License:")), "")
    return classify(line[len("License:"):])
