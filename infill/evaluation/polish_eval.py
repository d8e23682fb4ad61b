"""Polish measured: on correct held-out lines, how often it changes anything (the damage rate); on the same lines with
one token corrupted (a flipped comparison or operator, an index off by one, a boolean), how often it restores them,
how often it changes them into something else, and how often it leaves them. In process, one run."""

from __future__ import annotations

import random
import re
import sys
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from model.polish import PolishOptions

from ..engine import run_infill
from ..source.document import Document
from ..source.languages import language_for_path
from ..source.spans import in_comment_or_string, select_lines
from ..task import InfillOptions

# One-token corruptions: (pattern, replacement); each line takes the first that applies.
FLIPS = [(r"==", "!="), (r"!=", "=="), (r"<=", ">="), (r">=", "<="), (r"(?<![<>=-])<(?![<=])", ">"),
         (r"(?<![<>=-])>(?![>=])", "<"), (r"\+=", "-="), (r"-=", "+="), (r"\[0\]", "[1]"), (r"\[1\]", "[0]"),
         (r"\bTrue\b", "False"), (r"\bFalse\b", "True"), (r"\btrue\b", "false"), (r"\bfalse\b", "true"),
         (r"(?<![+=])\+(?![+=])", "-"), (r"(?<![-=>])-(?![-=>])", "+"), (r"\band\b", "or"), (r"&&", "||"),
         (r"\b0\b", "1"), (r"\b1\b", "2"), (r"\b2\b", "1")]


def corrupt(line: str, comment: str = "#") -> str | None:
    """`line` with one operator, index, count or boolean flipped (outside strings and comments), or None."""
    code = re.sub(r"(\"[^\"]*\"|'[^']*'|`[^`]*`)", lambda m: " " * len(m.group()), line)  # not inside strings
    if comment in code:
        code = code[:code.index(comment)]
    for pattern, replacement in FLIPS:
        found = re.search(pattern, code)
        if found:
            return line[:found.start()] + replacement + line[found.end():]
    return None


def polish_lines(path: Path, count: int, seed: int) -> list[int]:
    """0-based numbers of `count` code lines of `path` worth polishing (some code, not a comment or string)."""
    text = path.read_text(encoding="utf-8")
    doc = Document(text, language_for_path(path))
    lines, offset, picked = text.split("\n"), 0, []
    for number, line in enumerate(lines):
        stripped = line.strip()
        if 12 <= len(stripped) <= 100 and not stripped.startswith(doc.language.line_comment) \
                and not in_comment_or_string(doc, offset + len(line) - len(line.lstrip())):
            picked.append(number)
        offset += len(line) + 1
    return sorted(random.Random(f"{seed}:{path.name}").sample(picked, min(count, len(picked))))


def _polished(denoiser, text: str, path: Path, number: int, options: InfillOptions) -> str:
    doc = Document(text, language_for_path(path))
    result = run_infill(denoiser, doc, [select_lines(doc, number + 1, number + 1)], options)
    return result.text.split("\n")[number] if result.accepted else text.split("\n")[number]


def evaluate_polish(denoiser, files: dict[str, list[Path]], per_file: int, seed: int,
                    settings: dict[str, PolishOptions]) -> tuple[dict, list[dict]]:
    """For each language and each polish setting: damage on correct lines; restored / changed otherwise / left on
    corrupted ones."""
    report, rows = {}, []
    for language, paths in files.items():
        cases = [(p, n) for p in paths for n in polish_lines(p, per_file, seed)]
        for name, polish in settings.items():
            options = replace(InfillOptions(mode="refine", syntax_rounds=0), polish=polish)
            tally = {"lines": 0, "changed": 0, "corrupted": 0, "restored": 0, "changed_otherwise": 0, "left": 0}
            for path, number in tqdm(cases, desc=f"polish {language} {name}", unit="line", file=sys.stderr):
                text = path.read_text(encoding="utf-8")
                lines = text.split("\n")
                truth = lines[number]
                after = _polished(denoiser, text, path, number, options)
                tally["lines"] += 1
                tally["changed"] += after != truth
                broken = corrupt(truth, language_for_path(path).line_comment)
                outcome = None
                if broken is not None:
                    fixed = _polished(denoiser, "\n".join(lines[:number] + [broken] + lines[number + 1:]), path, number,
                                      options)
                    outcome = "restored" if fixed == truth else "left" if fixed == broken else "changed_otherwise"
                    tally["corrupted"] += 1
                    tally[outcome] += 1
                rows.append({"language": language, "setting": name, "file": path.name, "line": number + 1,
                             "truth": truth, "polished": after, "corrupted": broken, "outcome": outcome})
            n, c = max(tally["lines"], 1), max(tally["corrupted"], 1)
            report.setdefault(language, {})[name] = {
                **tally, "damage_rate": round(tally["changed"] / n, 3), "repair_rate": round(tally["restored"] / c, 3),
                "changed_otherwise_rate": round(tally["changed_otherwise"] / c, 3)}
    return report, rows
