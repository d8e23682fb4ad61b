"""Masked code CE / top-1 at 15/50/90% on the corpus's held-out files of each language, for several checkpoints:
what a Python-heavier mixture costs the other eight languages. Prints JSON.
Run: `python docs/eval/v9/languages.py --corpus runs/corpus-v2 --models model/weights runs/v9/checkpoint`."""

import argparse
import json
import sys

import torch

from infill.errors import InfillError
from infill.source.languages import language_for_path
from model.denoiser import load_denoiser
from model.training.validation import masked_code_metrics


def texts_by_language(corpus: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    with open(f"{corpus}/val.jsonl", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            try:
                name = language_for_path(record["name"]).name
            except InfillError:
                continue
            found.setdefault(name, []).append(record["text"])
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--models", nargs="+", required=True)
    parser.add_argument("--windows", type=int, default=64)
    args = parser.parse_args()
    torch.set_num_threads(1)
    texts = texts_by_language(args.corpus)
    report = {}
    for spec in args.models:
        denoiser = load_denoiser(spec, "cpu")
        report[spec] = {}
        for language, files in sorted(texts.items()):
            try:
                report[spec][language] = masked_code_metrics(denoiser, files, windows=args.windows)
            except ValueError as exc:
                report[spec][language] = str(exc)
            print(spec, language, report[spec][language], file=sys.stderr, flush=True)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
