"""What the check for other functions' locals adds to checking one fill in the brace languages: `check_fills` with
and without it, taking turns on the same held-out corpus files (the first line of each function body given back
as its own fill: its names are the file's real ones, so every lookup runs in full), one process. Prints JSON.
Run: `python docs/eval/soundness/foreign_locals_cost.py --corpus runs/corpus-v2 [--files 40]`."""

import argparse
import collections
import json
import statistics
import time
from pathlib import Path

import infill.checks as checks
from infill.checks import check_fills
from infill.document import Document
from infill.errors import InfillError
from infill.spans import find_functions, select_function_body
from infill.task import Fill
from real_bodies import corpus_files  # beside this script, which Python puts on the path

BRACE = "rust,go,c,cpp,javascript,typescript,java"


def cases(corpus: Path, files: int) -> list[tuple[Document, Fill]]:
    """Per file, the first line of each function body, as a fill of itself."""
    found = []
    for _, text, spec in corpus_files(corpus, files, set(BRACE.split(","))):
        try:
            doc = Document(text, spec)
        except InfillError:
            continue
        for function in find_functions(doc)[:20]:
            span = select_function_body(doc, function)
            body = text[span.start:span.end]
            first = body.lstrip()
            if not first:
                continue
            start = span.start + len(body) - len(first)
            end = start + (first.find("\n") if "\n" in first else len(first))
            found.append((doc, Fill(start, end, text[start:end])))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--files", type=int, default=40, help="held-out files of each language")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = cases(args.corpus, args.files)
    real = checks.locals_of_other_functions
    timings = collections.defaultdict(list)
    for _ in range(args.rounds):
        for arm, check in (("without", lambda *a: []), ("with", real)):
            checks.locals_of_other_functions = check
            started = time.perf_counter()
            for doc, fill in work:
                check_fills(doc, [fill])
            timings[arm].append((time.perf_counter() - started) / len(work) * 1000)
    checks.locals_of_other_functions = real
    ms = {arm: round(statistics.median(values), 3) for arm, values in timings.items()}
    print(json.dumps({"checks": len(work), "languages": BRACE, "median_ms_per_check": ms,
                      "ratio": round(ms["with"] / ms["without"], 3)}))


if __name__ == "__main__":
    main()
