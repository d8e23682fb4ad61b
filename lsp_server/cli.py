"""The `diffusion-lsp` command: infill, doctor, bench, train. Errors print one line and exit non-zero."""

from __future__ import annotations

import argparse
import os
import re
import sys

from infill.errors import InfillError
from model.errors import ModelError

from . import commands


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports usage errors in one line."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _line_range(value: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)(?:-(\d+))?", value)
    if not m:
        raise argparse.ArgumentTypeError(f"expected A-B (1-based lines), got {value!r}")
    first = int(m.group(1))
    return first, int(m.group(2) or first)


def _char_range(value: str) -> tuple[tuple[int, int], tuple[int, int]]:
    m = re.fullmatch(r"(\d+):(\d+)-(\d+):(\d+)", value)
    if not m:
        raise argparse.ArgumentTypeError(f"expected L:C-L:C (1-based), got {value!r}")
    a, b, c, d = map(int, m.groups())
    return (a, b), (c, d)


def _add_model_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", default="builtin", help="builtin, a checkpoint directory, or a URL")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda")
    p.add_argument("--remote-model", default="", help="with a URL: the request's `model` field")
    p.add_argument("--remote-api", default="auto", help="with a URL: auto, openai-completions, fim, llama-infill, chat")
    p.add_argument("--api-key-env", default="", help="with a URL: the environment variable holding the API key")


def _add_sampler_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--steps", type=int, default=16, help="denoising steps per fill")
    p.add_argument("--sampler", default="threshold", help="confidence, margin, entropy, random or threshold")
    p.add_argument("--threshold", type=float, default=0.9, help="threshold sampler: commit every token this sure")
    p.add_argument("--block-length", type=int, default=0, help="semi-autoregressive blocks of this many tokens")
    p.add_argument("--temperature", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--cache", default="reuse", choices=["none", "prefix", "dual", "reuse"],
                   help="keep the context's keys/values between steps (reuse: one pass for all candidate lengths; "
                        "none is exact; see README Speed)")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="diffusion-lsp", description="Fill code with a masked-diffusion model.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    p = sub.add_parser("infill", help="fill spans of a file and print the new file")
    p.add_argument("file")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--lines", type=_line_range, help="replace whole lines A-B (1-based, inclusive)")
    where.add_argument("--range", type=_char_range, help="replace L:C-L:C (1-based lines and columns)")
    where.add_argument("--function", help="implement the body of this function (Class.method allowed)")
    where.add_argument("--holes", action="store_true", help="fill every hole marker in one pass")
    p.add_argument("--hole-marker", default="<|fill|>")
    p.add_argument("--instruction", help="rewrite the span following this instruction (instruct backends only)")
    p.add_argument("--polish", action="store_true", help="refine mode: re-mask the least confident tokens of the span")
    p.add_argument("--language", help="language id, when the file extension does not tell")
    p.add_argument("--max-tokens", type=int, default=256, help="cap on the tokens of one fill")
    p.add_argument("--syntax-rounds", type=int, default=2, help="syntax-guided remasking rounds")
    p.add_argument("--revise", type=int, default=0, help="self-correction rounds on the fill's own low-confidence tokens")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the file")
    p.add_argument("--write", action="store_true", help="edit the file in place")
    p.add_argument("--accept-broken", action="store_true",
                   help="print or write the best fill even when it parses worse than the file did (exit 0)")
    _add_model_args(p)
    _add_sampler_args(p)

    p = sub.add_parser("serve", help="run the language server")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--stdio", action="store_true", help="talk LSP on stdin/stdout (the default)")
    how.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP address instead")
    _add_model_args(p)

    p = sub.add_parser("serve-http", help="serve the model as an OpenAI-style FIM endpoint (/v1/completions)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--steps", type=int, default=8)
    p.add_argument("--batch-window-ms", type=float, default=20.0, help="requests arriving this close together share a batch")
    p.add_argument("--api-key", help="bearer key clients must send (or $DIFFUSION_LSP_SERVE_KEYS, comma-separated); "
                                     "required to bind beyond loopback")
    p.add_argument("--max-queue", type=int, default=64, help="requests waiting at most; more are answered 429")
    _add_model_args(p)

    p = sub.add_parser("doctor", help="check torch, devices, the model and the grammars")
    _add_model_args(p)

    p = sub.add_parser("bench", help="compare context caches (speed and quality) or sampler strategies; prints JSON")
    p.add_argument("--file", default=None, help="source file to fill in (default: the bundled benchmark file)")
    p.add_argument("--tokens", type=int, default=64, help="tokens in the fill")
    p.add_argument("--steps", type=int, default=16)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.add_argument("--plot", help="write a PNG chart here")
    p.add_argument("--strategies", action="store_true", help="compare sampler strategies instead of caches")
    p.add_argument("--shape", choices=["qwen2-0.5b-dream", "dream-7b"],
                   help="caches, speed only: a random-weight Dream checkpoint of a real model's shape instead of --model")
    p.add_argument("--problems", type=int, default=200, help="caches: HumanEval single-line problems for quality (0: none)")
    p.add_argument("--lines", type=int, default=60, help="caches: held-out lines for exact match (0: none)")
    p.add_argument("--typing-lines", type=int, default=40, help="caches: held-out lines typed again for reuse policies")
    p.add_argument("--lsp", action="store_true", help="measure inline-completion latency of the real server over stdio")
    p.add_argument("--requests", type=int, default=50, help="with --lsp: how many completion requests")
    p.add_argument("--settings", help="with --lsp: server settings as a JSON object, e.g. '{\"ghostLengths\": 3}'")
    _add_model_args(p)

    p = sub.add_parser("reliability", help="hostile traffic, keystroke storms, hostile documents and checkpoints, "
                                          "serve-http under load: figures as JSON")
    p.add_argument("--only", help="comma-separated sections: hostile_lsp, storm, documents, reparse, outside_spans, "
                                  "checkpoints, http_load (default: all)")
    p.add_argument("--messages", type=int, default=10_000, help="hostile LSP messages")
    p.add_argument("--storm-pairs", type=int, default=100, help="didChange + inlineCompletion pairs sent within one second")
    p.add_argument("--document-scale", type=float, default=1.0, help="1.0: 10 MB and 50,000-line documents")
    p.add_argument("--cases", type=int, default=1000, help="random selections checked for edits outside their span")
    p.add_argument("--clients", type=int, default=32, help="concurrent serve-http clients")
    p.add_argument("--client-requests", type=int, default=1000, help="requests per serve-http client")
    p.add_argument("--json", action="store_true", help="print the JSON object (the default prints it too, indented)")
    p.add_argument("--model", default="builtin", help="builtin or a checkpoint directory")

    p = sub.add_parser("eval", help="measure the model: HumanEval infilling pass@1, or line exact match; plot or "
                                    "compare reports")
    p.add_argument("benchmark", choices=["humaneval-infilling", "line-exact-match", "masked-code", "plot", "compare"],
                   help="masked-code: CE and top-1 on masked code tokens at 15/50/90%% masking (pads never counted); "
                        "compare: two --samples files case by case (paired counts, exact McNemar p-value)")
    p.add_argument("--split", default="single-line", help="single-line, multi-line, random-span, random-span-light")
    p.add_argument("--limit", type=int, default=None, help="evaluate a fixed random subset of this many problems")
    p.add_argument("--data", help="benchmark folder (default: the copy shipped in the package)")
    p.add_argument("--decoders", default="all",
                   help="comma-separated: old (one padded canvas), search (length search), true-length (ceiling); or all")
    p.add_argument("--source", help="line-exact-match: a folder of held-out .py files (default: the installed pygls)")
    p.add_argument("--corpus", help="line-exact-match, masked-code: a corpus folder with val.jsonl instead of --source")
    p.add_argument("--reports", nargs="*", help="plot: JSON reports printed by eval --json; compare: two --samples files")
    p.add_argument("--out", help="plot: the PNG to write")
    p.add_argument("--samples", help="humaneval-infilling, line-exact-match: write each case's fills here (JSON lines)")
    p.add_argument("--context-tokens", default=None,
                   help="humaneval-infilling, line-exact-match: tokens of code the model sees, e.g. 256 or 256,1024 "
                        "(each size an arm beside each decoder; default: the model's window, kept near its "
                        "train_window as fills are)")
    p.add_argument("--json", action="store_true")
    _add_model_args(p)

    p = sub.add_parser("train", help="build the corpus or train the built-in model")
    tsub = p.add_subparsers(dest="train_command", required=True, parser_class=OneLineParser)
    c = tsub.add_parser("corpus", help="collect, de-duplicate and split the training corpus")
    c.add_argument("--out", default="runs/corpus")
    c.add_argument("--packages", help="pinned list of PyPI packages to add (default: model/training/corpus_packages.txt)")
    c.add_argument("--stdlib-only", action="store_true", help="only the Python standard library")
    c.add_argument("--registries", help="a package list (model/training/corpus_registries.txt): source packages of the "
                                        "nine languages from PyPI, npm and Debian instead of installed Python")
    c.add_argument("--cache", help="with --registries: where downloads are kept (default OUT/cache)")
    r = tsub.add_parser("run", help="train (or resume) a model on a corpus")
    r.add_argument("--corpus", default="runs/corpus")
    r.add_argument("--out", default="runs/train")
    r.add_argument("--size", default="small", choices=["tiny", "small", "medium", "base", "small-wide", "small-deep"])
    r.add_argument("--steps", type=int, default=1800)
    r.add_argument("--batch-size", type=int, default=16)
    r.add_argument("--seq-len", type=int, default=256)
    r.add_argument("--lr", type=float, default=1e-3)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--threads", type=int, default=0)
    r.add_argument("--device", default="cpu")
    r.add_argument("--precision", default="bf16", choices=["bf16", "fp32"])
    r.add_argument("--uniform-fraction", type=float, default=0.3,
                   help="share of examples masked uniformly over the whole window (no pads); the rest are span holes")
    r.add_argument("--pad-weight", type=float, default=1.0, help="loss weight of <|pad|> targets (code tokens weigh 1)")
    r.add_argument("--snapshot-every", type=int, default=1000, help="keep a copy of the checkpoint every N steps")
    r.add_argument("--languages", default="", help="draw files by language weight, e.g. python=6,c=1,cpp=1 "
                                                  "(languages not named are left out; default: every file alike)")
    r.add_argument("--vocab-size", type=int, default=8192, help="a new run's BPE vocabulary")
    r.add_argument("--weight-decay", type=float, default=0.1)
    r.add_argument("--decay", default="all", choices=["all", "matrices"],
                   help="weight decay on all parameters, or only on matrices (not norms and embeddings)")
    r.add_argument("--compile", action="store_true", help="run the model's blocks through torch.compile (about "
                                                           "1.3x faster steps on CPU; falls back when it cannot)")
    r.add_argument("--init-from", default="", help="start a new run from this checkpoint's weights and tokenizer "
                                                  "(e.g. model/weights, the built-in model)")
    k = tsub.add_parser("pack", help="tokenize a corpus into compressed uint16 chunks small enough to travel to a GPU "
                                     "machine")
    k.add_argument("--corpus", default="runs/corpus")
    k.add_argument("--tokenizer", default=None, help="tokenizer.json (default: the built-in model's)")
    k.add_argument("--out", default="runs/pack")
    k.add_argument("--max-mib", type=float, default=40.0, help="compressed size of the training tokens (the device tool "
                                                               "carries 64 MiB)")
    k.add_argument("--languages", default="", help="draw files by language weight, e.g. python=6,c=1 (each file at "
                                                   "most once; default: every file alike)")
    m = tsub.add_parser("import-shards", help="turn weight shards from a GPU run (python -m model.training.gpu_recipe) "
                                              "into a checkpoint")
    m.add_argument("--shards", required=True, help="the folder the device run wrote ($OUT)")
    m.add_argument("--out", default="runs/gpu")
    v = tsub.add_parser("average", help="average the weights of checkpoints of one run (e.g. its late snapshots)")
    v.add_argument("checkpoints", nargs="+", help="checkpoint folders, e.g. runs/v14/snapshots/step_3000")
    v.add_argument("--out", required=True, help="the folder the averaged checkpoint is written to")
    e = tsub.add_parser("export", help="ship a run's checkpoint as the built-in model (fp16, with a model card)")
    e.add_argument("--run", default="runs/train")
    e.add_argument("--checkpoint", help="ship this checkpoint with the run's record (default RUN/checkpoint), e.g. "
                                        "`train average`'s output")
    e.add_argument("--corpus", default="runs/corpus")
    e.add_argument("--evaluation", help="a Markdown file with the evaluation table for the model card")
    e.add_argument("--ablations", help="a Markdown file with the ablation table (`train ablations --out`) for the card")
    a = tsub.add_parser("ablations", help="the ablation table of equal-step runs, best held-out bits per byte first")
    a.add_argument("evals", nargs="+", help="RUN.eval.json files (`eval masked-code --json` of RUN/checkpoint)")
    a.add_argument("--baseline", required=True, help="the run every other arm is one change from, e.g. abl2-v2-recipe")
    a.add_argument("--out", help="write the Markdown table here as well")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return commands.run(args)
    except (InfillError, ModelError, OSError) as exc:
        print(f"diffusion-lsp: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("diffusion-lsp: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback to the user unless asked for
        if os.environ.get("DIFFUSION_LSP_DEBUG"):
            raise
        print(f"diffusion-lsp: internal error: {type(exc).__name__}: {exc} (DIFFUSION_LSP_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 1

