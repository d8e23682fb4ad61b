"""How often real code holds what the 2026-12-02 checks would flag if a fill wrote it, with nothing
of the file exempted: every identifier that repeats a piece three times (infill/checks/stutters.py, all languages) and
every `if c: return x` that the code after it returns anyway (infill/checks/python/pointless.py, Python). Held-out corpus
files, the pygls held-out package and (the held-out Python is mostly VTK's test scripts) --train-python training
files of Python. Prints JSON.
Run: `python docs/eval/soundness/new_checks_in_real_code.py --corpus runs/corpus-v2 [--files 400] [--train-python 4000]`."""

import argparse
import ast
import collections
import json
import warnings
from pathlib import Path

from tqdm import tqdm

from infill.source.document import Document
from infill.evaluation.harness import default_heldout_source, heldout_texts
from infill.source.languages import language_for_id
from infill.checks.python.pointless import useless_branches_under
from infill.checks.stutters import identifier_leaves, stutter
from infill.source.syntax import spliced_tree

from real_bodies import corpus_files

LANGUAGES = "python,c,cpp,go,javascript,typescript,rust,java"


def identifiers(tree) -> list[str]:
    """Every identifier leaf of the tree (the nodes the stutter check looks at)."""
    return [(n.text or b"").decode("utf-8", errors="replace")
            for n in identifier_leaves(tree, 0, tree.root_node.end_byte)]


def useless_branches(text: str) -> tuple[int, list[str]]:
    """(returning `if`s without `else` in the file, the source of those every way on from which returns the same)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return 0, []
    nodes = [module, *ast.walk(module)]
    branches = sum(isinstance(n, ast.If) and not n.orelse and len(n.body) == 1 and isinstance(n.body[0], ast.Return)
                   for n in nodes)
    return branches, [ast.unparse(b).replace("\n", " ")[:80] for n in nodes for b in useless_branches_under(n)]


def train_python(corpus: Path, limit: int) -> list[tuple[str, str]]:
    """The first `limit` Python files of the training split."""
    found = []
    with open(corpus / "train.jsonl", encoding="utf-8") as lines:
        for line in lines:
            if len(found) >= limit:
                break
            record = json.loads(line)
            if record["name"].endswith(".py"):
                found.append((record["name"], record["text"]))
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--train-python", type=int, default=4000)
    args = parser.parse_args()
    files = corpus_files(args.corpus, args.files, set(LANGUAGES.split(",")))
    python = language_for_id("python")
    files += [("pygls", text, python) for text in heldout_texts(default_heldout_source())]
    files += [(name, text, python) for name, text in train_python(args.corpus, args.train_python)]
    names, stutters = collections.Counter(), collections.defaultdict(collections.Counter)
    branches, useless = 0, []
    for name, text, spec in tqdm(files, unit="file"):
        for ident in identifiers(spliced_tree(Document(text, spec), [])[2]):
            names[spec.name] += 1
            if stutter(ident):
                stutters[spec.name][ident] += 1
        if spec.name == "python":
            count, found = useless_branches(text)
            branches += count
            useless += [f"{name}: {b}" for b in found]
    report = {"files": len(files),
              "stutters": {lang: {"identifiers": names[lang], "flagged": sum(stutters[lang].values()),
                                  "names": dict(stutters[lang].most_common(20))} for lang in sorted(names)},
              "useless_branches": {"returning_ifs": branches, "flagged": len(useless), "where": useless[:50]}}
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
