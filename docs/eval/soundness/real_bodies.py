"""How often the soundness checks take real code for a defect: every function body of real Python files given back
as its own fill (what `--function` would replace). Counts by kind and lists each flagged body. Prints JSON.
Run: `python docs/eval/soundness/real_bodies.py [--corpus runs/corpus-v2] [--files 400] [--folder DIR]` (pygls always; the
corpus's held-out Python files and the folders' when given)."""

import argparse
import collections
import json
import re
from pathlib import Path

from infill.checks import check_fills
from infill.document import Document
from infill.errors import InfillError
from infill.evaluation import default_heldout_source, heldout_texts
from infill.languages import language_for_id
from infill.spans import find_functions, select_function_body
from infill.task import Fill


def corpus_python(corpus: Path, limit: int) -> list[tuple[str, str]]:
    found = []
    with open(corpus / "val.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["name"].endswith(".py"):
                found.append((record["name"], record["text"]))
                if len(found) >= limit:
                    break
    return found


def kind(why: str) -> str:
    return re.sub(r"`[^`]*`", "X", why)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--folder", type=Path, action="append", default=[], help="more Python files (e.g. the stdlib)")
    args = parser.parse_args()
    pygls = default_heldout_source()
    files = [(f"pygls:{i}", text) for i, text in enumerate(heldout_texts(pygls))]
    for folder in args.folder:
        files += [(f"{folder.name}:{i}", text) for i, text in enumerate(heldout_texts(folder, args.files))]
    if args.corpus:
        files += corpus_python(args.corpus, args.files)
    py, bodies, kinds, flagged = language_for_id("python"), 0, collections.Counter(), []
    for name, text in files:
        try:
            doc = Document(text, py)
        except InfillError:  # a file the product refuses (binary, huge) is not a case
            continue
        for function in find_functions(doc):
            span = select_function_body(doc, function)
            if span.end <= span.start:
                continue
            bodies += 1
            check = check_fills(doc, [Fill(span.start, span.end, text[span.start:span.end])])
            for _, _, why in check.defects:
                kinds[kind(why)] += 1
            if check.defects:
                flagged.append({"file": name, "function": function.name, "defects": check.describe(limit=5)})
    print(json.dumps({"files": len(files), "bodies": bodies, "flagged": len(flagged), "by_kind": dict(kinds),
                      "flagged_bodies": flagged}, indent=1))


if __name__ == "__main__":
    main()
