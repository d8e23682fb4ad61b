"""The docstring-promise rule where it matters, asking for whole bodies as `diffusion-lsp infill --function` does:
functions of the held-out package (pygls) whose docstring promises a value and whose real body keeps it, each body
replaced by `pass` and asked for again, with the rule (the span as requested) and without it (the same span marked
`open_ended`, as ghost text is), arms taking turns function by function. Prints JSON; `--samples F` writes each fill.
Run: `python docs/eval/soundness/promised_bodies.py --model model/weights --limit 30`."""

import argparse
import ast
import json
import random
import sys
import time
from dataclasses import replace

from tqdm import tqdm

from infill.source.document import Document
from infill.engine import run_infill
from infill.evaluation.harness import default_heldout_source, heldout_texts
from infill.source.languages import language_for_id
from infill.checks.python.promises import breaks_its_promise, promises_a_value
from infill.source.spans import find_functions, select_function_body
from infill.task import InfillOptions
from model.denoiser import load_denoiser
from model.sampler import SamplerOptions

PY = language_for_id("python")


def promising_bodies(limit: int, seed: int = 0) -> list[tuple[str, Document, object, str]]:
    """(name, the file with the body as `pass`, the body's span there, the real body) for `limit` functions."""
    found = []
    for text in heldout_texts(default_heldout_source()):
        doc, defs = Document(text, PY), {}
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                defs[node.lineno] = node
        for function in find_functions(doc):
            span = select_function_body(doc, function)
            body, real = text[span.start:span.end], defs.get(function.node.start_point[0] + 1)
            if span.kind != "body" or real is None or not promises_a_value(real) or breaks_its_promise(real):
                continue
            stub = body[:len(body) - len(body.lstrip())] + "pass"
            stubbed = Document(text[:span.start] + stub + text[span.end:], PY)
            found.append((function.name, stubbed, replace(span, end=span.start + len(stub)), body))
    return random.Random(seed).sample(found, min(limit, len(found)))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="model/weights")
    parser.add_argument("--limit", type=int, default=30)
    parser.add_argument("--samples")
    args = parser.parse_args()
    denoiser = load_denoiser(args.model)
    options = InfillOptions(sampler=SamplerOptions(steps=16, strategy="threshold", threshold=0.9, cache="reuse"))
    arms = {"with the rule": lambda span: span, "without it": lambda span: replace(span, open_ended=True)}
    tally = {name: {"shown": 0, "shown_breaking_the_promise": 0, "shown_returning": 0, "exact": 0, "nfe": 0,
                    "seconds": 0.0} for name in arms}
    samples = []
    cases = promising_bodies(args.limit)
    for name, doc, span, truth in tqdm(cases, desc="bodies", unit="body", file=sys.stderr):
        for arm, as_asked in arms.items():
            started = time.perf_counter()
            result = run_infill(denoiser, doc, [as_asked(span)], options)
            t = tally[arm]
            t["nfe"] += result.trace.nfe
            t["seconds"] += time.perf_counter() - started
            filled = result.fills[0].text
            function = next(n for n in ast.walk(ast.parse(result.text)) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                            and n.name == name.rsplit(".", 1)[-1]) if result.accepted else None
            if result.accepted:
                t["shown"] += 1
                t["shown_breaking_the_promise"] += breaks_its_promise(function, placeholders_count=True)
                t["shown_returning"] += not breaks_its_promise(function, placeholders_count=True)
                t["exact"] += filled.strip() == truth.strip()
            samples.append({"function": name, "arm": arm, "shown": result.accepted, "fill": filled,
                            "refusal": None if result.accepted else result.refusal(), "truth": truth})
    n = max(1, len(cases))
    report = {"model": denoiser.name, "bodies": len(cases),
              "arms": {arm: {**{k: v for k, v in t.items() if k not in ("nfe", "seconds")},
                             "mean_nfe": round(t["nfe"] / n, 2), "mean_seconds": round(t["seconds"] / n, 2)}
                       for arm, t in tally.items()}}
    print(json.dumps(report, indent=1))
    if args.samples:
        with open(args.samples, "w") as f:
            f.writelines(json.dumps(s) + "\n" for s in samples)


if __name__ == "__main__":
    main()
