"""What one check adds to checking one fill: `check_fills` with and without it, taking turns on the same held-out
corpus files (per function body its first line, or its first line with what the check looks at: a `self.x(...)`
call, an in-place method, an `if`; given back as its own fill: its names are the file's real ones, so every lookup
runs in full), one
process. Each case is a new request (the file's own scopes are worked out again), checked --candidates times in a
row as the engine checks a request's candidates. Prints JSON. Run: `python docs/eval/soundness/new_check_cost.py
--corpus runs/corpus-v2 [--check foreign-locals|data-calls|out-of-scope|in-place|constant-conditions|pointless|
dict-keys|self-comparisons|moved-code] [--files 40] [--candidates 8]` (other functions' locals in the brace
languages; Python's calls of attributes that only hold data; names read out of scope; what an in-place method
returns kept; constant conditions; bare values; keys written twice; `i < i`; a `def` that takes in the code below
it, on a nested `def` line: its original is parsed)."""

import argparse
import collections
import json
import re
import statistics
import time
from pathlib import Path

import infill.checks.fill_checks as checks
import infill.checks.python.soundness as python_soundness
from infill.checks.fill_checks import check_fills
from infill.source.document import Document
from infill.errors import InfillError
from infill.source.spans import find_functions, select_function_body
from infill.task import Fill
from real_bodies import corpus_files  # beside this script, which Python puts on the path

# Each check: where it lives, its name there, the languages it serves, and the lines it has work on.
CHECKS = {"foreign-locals": (checks, "locals_of_other_functions", "rust,go,c,cpp,javascript,typescript,java", None),
          "data-calls": (python_soundness, "called_data_attributes", "python", re.compile(r"self\.\w+\(")),
          "out-of-scope": (python_soundness, "out_of_scope_reads", "python", None),
          "in-place": (python_soundness, "in_place_results", "python",
                       re.compile(r"(=|return)\s*\w+\.(append|extend|insert|remove|sort|reverse|clear|add|update)\(")),
          "constant-conditions": (python_soundness, "constant_conditions", "python", re.compile(r"\b(if|while)\b")),
          "pointless": (python_soundness, "pointless_statements", "python", None),
          "dict-keys": (python_soundness, "repeated_dict_keys", "python", re.compile(r"\{")),
          "self-comparisons": (python_soundness, "self_comparisons", "python", re.compile(r"[<>]|\bis\b")),
          "moved-code": (python_soundness, "code_taken_in", "python", re.compile(r"\bdef\b"))}


def cases(corpus: Path, files: int, languages: str, prefer: re.Pattern | None) -> list[tuple[Document, Fill]]:
    """Per file, a line of each function body (its first matching `prefer`, else its first), as its own fill."""
    found = []
    for _, text, spec in corpus_files(corpus, files, set(languages.split(","))):
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
            call = prefer.search(text, start, span.end) if prefer else None
            if call:
                start = text.rfind("\n", start, call.start()) + 1 or start
                start += len(text[start:call.start()]) - len(text[start:call.start()].lstrip())
            end = text.find("\n", start, span.end)
            end = span.end if end < 0 else end
            found.append((doc, Fill(start, end, text[start:end])))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--check", choices=sorted(CHECKS), default="foreign-locals")
    parser.add_argument("--files", type=int, default=40, help="held-out files of each language")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--candidates", type=int, default=1, help="checks a request: each case is checked this often")
    args = parser.parse_args()
    module, name, languages, prefer = CHECKS[args.check]
    work = cases(args.corpus, args.files, languages, prefer)
    real = getattr(module, name)
    timings = collections.defaultdict(list)
    for _ in range(args.rounds):
        for arm, check in (("without", lambda *a: []), ("with", real)):
            setattr(module, name, check)
            started = time.perf_counter()
            for doc, fill in work:
                for _ in range(args.candidates):
                    check_fills(doc, [fill])
            timings[arm].append((time.perf_counter() - started) / len(work) / args.candidates * 1000)
    setattr(module, name, real)
    ms = {arm: round(statistics.median(values), 3) for arm, values in timings.items()}
    print(json.dumps({"check": args.check, "checks": len(work), "candidates": args.candidates, "languages": languages,
                      "median_ms_per_check": ms,
                      "ratio": round(ms["with"] / ms["without"], 3)}))


if __name__ == "__main__":
    main()
