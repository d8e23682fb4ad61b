"""Which fills an earlier evaluation showed would today's checks flag (or refuse as holding no code), and how many
of them CPython compiles: the shown fills of `eval line-exact-match` (50 lines, seed 0) and `eval
humaneval-infilling --split single-line` samples, checked again in their documents. Prints JSON. Run:
`python docs/eval/soundness/recheck_samples.py --em F.em.samples.jsonl --single F.single.samples.jsonl`."""

import argparse
import json
from pathlib import Path

from infill.checks.fill_checks import check_fills
from infill.source.document import Document
from infill.evaluation.harness import (default_data_dir, default_heldout_source, heldout_texts, line_cases, load_problems,
                               problem_document, python_compiles)
from infill.source.languages import has_code, language_for_id
from infill.task import Fill, Span


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def recheck(samples: list[dict], documents: list[tuple[Document, int, int]]) -> dict:
    shown = [(s, d) for s, d in zip(samples, documents) if s["shown"]]
    flagged, compiling = [], 0
    for sample, (doc, start, end) in shown:
        check = check_fills(doc, [Fill(start, end, sample["fills"][0])], [Span(start, end)])  # asked for, not ghost text
        compiling += python_compiles(check.text)
        no_code = [] if has_code(sample["fills"][0], doc.language) else ["no code: only whitespace or comments"]
        if check.defects or no_code:
            flagged.append({"case": sample["case"], "fill": sample["fills"][0], "correct": sample["correct"],
                            "defects": check.describe() + no_code})
    return {"shown": len(shown), "shown_compiling": compiling,
            "shown_parsing_as_reported": sum(s["parses"] for s, _ in shown), "flagged": len(flagged),
            "flagged_correct": sum(f["correct"] for f in flagged), "fills": flagged}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--em", type=Path)
    parser.add_argument("--single", type=Path)
    args = parser.parse_args()
    out = {}
    if args.em:
        samples, py = read(args.em), language_for_id("python")
        cases = line_cases(heldout_texts(default_heldout_source()), len(samples), seed=0)
        assert all(s["case"] == text[a:b] for s, (text, a, b) in zip(samples, cases)), "not the seed-0 lines"
        out["line-exact-match"] = recheck(samples, [(Document(text, py), a, b) for text, a, b in cases])
    if args.single:
        samples = read(args.single)
        problems = {p.task_id: p for p in load_problems("single-line", default_data_dir())}
        documents = []
        for sample in samples:
            doc, at = problem_document(problems[sample["case"]], "single-line")
            documents.append((doc, at, at))
        out["humaneval-single-line"] = recheck(samples, documents)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
