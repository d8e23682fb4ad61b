"""How often the soundness checks take real code for a defect: every function body of real Python files given back
as its own fill (what `--function` would replace). Counts by kind and lists each flagged body. Prints JSON.
Run: `python docs/eval/soundness/real_bodies.py [--corpus runs/corpus-v2] [--files 400] [--folder DIR] [--languages
python,rust,...] [--stub]` (pygls when Python is asked for; up to --files held-out corpus files of each language and
the folders' Python files when given). With --stub each Python body fills a file where that body is `pass`, as a
user's stub would be, so checks that compare with the file before the fill (names out of scope) see it as new.
With --lines N, N code lines of each file instead, each emptied (its newline kept, as HumanEval's whole-line holes)
and given back as the fill of that empty line."""

import argparse
import collections
import itertools
import json
import random
import re
from pathlib import Path

from tqdm import tqdm

from infill.checks.fill_checks import check_fills
from infill.source.document import Document
from infill.errors import InfillError
from infill.evaluation.harness import default_heldout_source, heldout_texts
from infill.source.languages import language_for_id, language_for_path
from infill.source.spans import find_functions, select_function_body
from infill.task import Fill, Span


def corpus_files(corpus: Path, limit: int, languages: set[str]) -> list[tuple[str, str, object]]:
    """Up to `limit` held-out files of each language asked for, in the corpus's order."""
    found, counts = [], collections.Counter()
    with open(corpus / "val.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            try:
                spec = language_for_path(record["name"])
            except InfillError:
                continue
            if spec.name in languages and counts[spec.name] < limit:
                counts[spec.name] += 1
                found.append((record["name"], record["text"], spec))
    return found


def as_fill(doc: Document, span, stub: bool) -> tuple[Document, list[Fill]]:
    """The body given back as a fill of itself, or (--stub, Python) of a `pass` at its indentation."""
    body = doc.text[span.start:span.end]
    if not stub or doc.language.name != "python":
        return doc, [Fill(span.start, span.end, body)]
    placeholder = body[:len(body) - len(body.lstrip())].split("\n")[-1] + "pass"
    stubbed = Document(doc.text[:span.start] + placeholder + doc.text[span.end:], doc.language)
    return stubbed, [Fill(span.start, span.start + len(placeholder), body)]


def line_holes(doc: Document, count: int, seed: int) -> list[tuple[str, Document, list[Fill]]]:
    """`count` code lines of the file, each emptied and given back as the fill of the empty line."""
    rows = doc.text.split("\n")
    starts = [0, *itertools.accumulate(len(r) + 1 for r in rows)]
    code = [i for i, r in enumerate(rows) if r.strip() and not r.strip().startswith("#")]
    picks = random.Random(seed).sample(code, min(count, len(code)))
    holes = []
    for i in sorted(picks):
        at, line = starts[i], rows[i]
        emptied = Document(doc.text[:at] + doc.text[at + len(line):], doc.language)
        holes.append((f"line {i + 1}", emptied, [Fill(at, at, line)]))
    return holes


def kind(why: str) -> str:
    return re.sub(r"`[^`]*`", "X", why)


def cases(doc: Document, args) -> list[tuple[str, Document, list[Fill]]]:
    """What is filled back in one file: its emptied lines (--lines), else its function bodies."""
    if args.lines:
        return line_holes(doc, args.lines, seed=len(doc.text))
    found = []
    for function in find_functions(doc):
        span = select_function_body(doc, function)
        if span.end > span.start:
            found.append((function.name, *as_fill(doc, span, args.stub)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--folder", type=Path, action="append", default=[], help="more Python files (e.g. the stdlib)")
    parser.add_argument("--languages", default="python", help="corpus languages, comma-separated (python,rust,...)")
    parser.add_argument("--stub", action="store_true", help="fill each Python body into the file with it as `pass`")
    parser.add_argument("--lines", type=int, default=0, help="N emptied code lines of each file instead of bodies")
    args = parser.parse_args()
    py = language_for_id("python")
    files = [(f"pygls:{i}", text, py) for i, text in enumerate(heldout_texts(default_heldout_source()))] \
        if "python" in args.languages.split(",") else []
    for folder in args.folder:
        files += [(f"{folder.name}:{i}", text, py) for i, text in enumerate(heldout_texts(folder, args.files))]
    if args.corpus:
        files += corpus_files(args.corpus, args.files, set(args.languages.split(",")))
    bodies, kinds, flagged, by_language = 0, collections.Counter(), [], collections.Counter()
    for name, text, spec in tqdm(files, unit="file"):
        try:
            doc = Document(text, spec)
        except InfillError:  # a file the product refuses (binary, huge) is not a case
            continue
        for where, filled, fills in cases(doc, args):
            bodies += 1
            by_language[spec.name] += 1
            check = check_fills(filled, fills, [Span(f.start, f.end) for f in fills])  # asked for, not ghost text
            for _, _, why in check.defects:
                kinds[kind(why)] += 1
            if check.defects:
                flagged.append({"file": name, "function": where, "defects": check.describe(limit=5)})
    print(json.dumps({"files": len(files), "cases": "lines" if args.lines else "bodies", "bodies": bodies,
                      "bodies_by_language": dict(by_language),
                      "flagged": len(flagged), "by_kind": dict(kinds), "flagged_bodies": flagged}, indent=1))


if __name__ == "__main__":
    main()
