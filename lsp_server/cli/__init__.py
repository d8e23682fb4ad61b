"""The `diffusion-lsp` command, one module per command family: fill, serve, models, measure, train. Errors print one line
and exit non-zero; what a command needs is imported when it runs, so training code loads only for `train`."""

from __future__ import annotations

import argparse
import os
import sys

from infill import InfillError
from model.errors import ModelError

from . import fill, measure, models, serve, train
from .common import OneLineParser

FAMILIES = (fill, serve, models, measure, train)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="diffusion-lsp", description="Fill code with a masked-diffusion model.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    for family in FAMILIES:
        family.add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
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
