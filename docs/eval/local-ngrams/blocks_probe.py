"""Held-out line exact match with semi-autoregressive decoding: blocks of BLOCK masks, left to right (the eval's
default sampler otherwise: threshold 0.9, 16 steps). Prints the report's JSON; every fill goes to OUT.
Run: `python docs/eval/local-ngrams/blocks_probe.py BLOCK LIMIT OUT` (BLOCK 0: the default, whole-hole decoding)."""

import json
import sys
from dataclasses import replace

from infill.evaluation import harness as evaluation
from model.denoiser import load_denoiser

block, limit, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
default_sampler = evaluation._sampler
evaluation._sampler = lambda split: replace(default_sampler(split), block_length=block)
denoiser = load_denoiser("builtin")
texts = evaluation.heldout_texts(evaluation.default_heldout_source())
samples: list = []
report = evaluation.line_exact_match(denoiser, texts, limit, [evaluation.Arm("search", 256, "search")], samples=samples)
with open(out, "w", encoding="utf-8") as f:
    f.writelines(json.dumps(s) + "\n" for s in samples)
print(json.dumps(report))
