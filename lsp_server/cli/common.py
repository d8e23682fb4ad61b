"""What every command family shares: the one-line argparse, model and sampler options, output helpers."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from pathlib import Path

from infill import InfillError
from model.sampler import STRATEGIES, SamplerOptions

NO_PARSING_FILL = 3  # exit code: the model found no fill that parses as well as the file did without it


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def line_range(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)(?:-(\d+))?", value)
    if not m:
        raise argparse.ArgumentTypeError(f"expected A-B (1-based lines), got {value!r}")
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def char_range(value: str) -> tuple[tuple[int, int], tuple[int, int]]:
    m = re.fullmatch(r"(\d+):(\d+)-(\d+):(\d+)", value)
    if not m:
        raise argparse.ArgumentTypeError(f"expected L:C-L:C (1-based), got {value!r}")
    a, b, c, d = map(int, m.groups())
    return (a, b), (c, d)


def add_model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="builtin", help="builtin, a checkpoint directory, or a URL")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--remote-model", default="", help="with a URL: the request's `model` field")
    p.add_argument("--remote-api", default="auto", help="with a URL: auto, openai-completions, fim, llama-infill, chat")
    p.add_argument("--api-key-env", default="", help="with a URL: the environment variable holding the API key")


def add_sampler_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--steps", type=int, default=16, help="denoising steps per fill")
    p.add_argument("--sampler", default="threshold", help="confidence, margin, entropy, random or threshold")
    p.add_argument("--threshold", type=float, default=0.9, help="threshold sampler: commit every token this sure")
    p.add_argument("--block-length", type=int, default=0, help="semi-autoregressive blocks of this many tokens")
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cache", default="reuse", choices=["none", "prefix", "dual", "reuse"],
                   help="keep the context's keys/values between steps (reuse: one pass for all candidate lengths; "
                        "none is exact; see docs/speed.md)")


def sampler_options(args) -> SamplerOptions:
    if args.sampler not in STRATEGIES:
        raise InfillError(f"unknown sampler {args.sampler!r} (choose from {', '.join(STRATEGIES)})")
    if args.steps < 1:
        raise InfillError("--steps must be at least 1")
    return SamplerOptions(steps=args.steps, strategy=args.sampler, threshold=args.threshold,
                          block_length=args.block_length, temperature=args.temperature, seed=args.seed, cache=args.cache)


def load_backend(args):
    """The model the command-line options name (a local checkpoint or a remote API)."""
    from model.denoiser import load_denoiser
    return load_denoiser(args.model, args.device, args.remote_model, args.remote_api, args.api_key_env)


def print_json(obj) -> None:
    json.dump(obj, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


def write_atomically(path: Path, text: str) -> None:
    """Replace the file in one step, so a failure never leaves it half written."""
    tmp = path.with_name(f".{path.name}.diffusion-lsp.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
