"""`diffusion-lsp infill`: fill spans of a file and print, write or describe (--json) the result."""

from __future__ import annotations

import sys
from pathlib import Path

from infill import Document, InfillError, Span

from .common import (
    NO_PARSING_FILL,
    add_model_args,
    add_sampler_args,
    char_range,
    line_range,
    load_backend,
    print_json,
    sampler_options,
    write_atomically,
)


def add_parsers(sub) -> None:
    p = sub.add_parser("infill", help="fill spans of a file and print the new file")
    p.add_argument("file")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--lines", type=line_range, help="replace whole lines A-B (1-based, inclusive)")
    where.add_argument("--range", type=char_range, help="replace L:C-L:C (1-based lines and columns)")
    where.add_argument("--function", help="implement the body of this function (Class.method allowed)")
    where.add_argument("--holes", action="store_true", help="fill every hole marker in one pass")
    p.add_argument("--hole-marker", default="<|fill|>")
    p.add_argument("--instruction", help="rewrite the span following this instruction (instruct backends only)")
    p.add_argument("--polish", action="store_true",
                   help="replace only tokens the model finds unlikely and clearly prefers another for (docs/polish.md)")
    p.add_argument("--language", help="language id, when the file extension does not tell")
    p.add_argument("--max-tokens", type=int, default=256, help="cap on the tokens of one fill")
    p.add_argument("--syntax-rounds", type=int, default=2, help="syntax-guided remasking rounds")
    p.add_argument("--revise", type=int, default=0, help="self-correction rounds on the fill's own low-confidence tokens")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of the file")
    p.add_argument("--write", action="store_true", help="edit the file in place")
    p.add_argument("--accept-broken", action="store_true",
                   help="print or write the best fill even when it parses worse than the file did (exit 0)")
    add_model_args(p)
    add_sampler_args(p)
    p.set_defaults(run=infill_command)


def _cli_offset(doc: Document, line: int, column: int) -> int:
    """1-based line and column (characters, as editors show them) -> str offset."""
    n = doc.index.line_count
    if not 1 <= line <= n:
        raise InfillError(f"line {line} is outside the file (1-{n})")
    width = len(doc.index.line_text(line - 1))
    if not 1 <= column <= width + 1:
        raise InfillError(f"column {column} is outside line {line} (1-{width + 1})")
    return doc.index.offset(line - 1, column - 1, "utf-32")


def select_cli_spans(doc: Document, args) -> list[Span]:
    from infill import function_by_name, select_function_body, select_holes, select_lines, select_range
    if args.lines:
        return [select_lines(doc, *args.lines)]
    if args.range:
        (l1, c1), (l2, c2) = args.range
        start, end = _cli_offset(doc, l1, c1), _cli_offset(doc, l2, c2)
        if end < start:
            raise InfillError("the range ends before it starts")
        return [select_range(doc, start, end)]
    if args.function:
        return [select_function_body(doc, function_by_name(doc, args.function))]
    return select_holes(doc, args.hole_marker)


def _one_based(doc: Document, offset: int) -> list[int]:
    line, col = doc.index.position(offset, "utf-32")
    return [line + 1, col + 1]


def infill_command(args) -> int:
    from infill import Document, InfillOptions, language_for_id, run_infill
    path = Path(args.file)
    doc = Document.from_path(path, language_for_id(args.language) if args.language else None)
    spans = select_cli_spans(doc, args)
    mode = "instruct" if args.instruction else ("refine" if args.polish else "fill")
    options = InfillOptions(sampler=sampler_options(args), syntax_rounds=args.syntax_rounds, revise_rounds=args.revise,
                            max_fill_tokens=args.max_tokens, mode=mode, instruction=args.instruction)
    denoiser = load_backend(args)
    result = run_infill(denoiser, doc, spans, options)
    usable = result.accepted or args.accept_broken
    if args.write and usable:
        write_atomically(path, result.text)
    if args.json:
        print_json(infill_json(doc, result, usable))
    elif usable and not args.write:
        sys.stdout.write(result.text)
    if not usable:
        print(f"diffusion-lsp: {result.refusal()}; the file is unchanged "
              "(--json shows the attempt under best_attempt; --accept-broken takes it anyway)", file=sys.stderr)
        return NO_PARSING_FILL
    return 0


def _fills_json(doc: Document, fills) -> list[dict]:
    return [{"start": _one_based(doc, f.start), "end": _one_based(doc, f.end), "text": f.text} for f in fills]


def infill_json(doc: Document, result, usable: bool) -> dict:
    """The --json object: the new file and its fills, or (nothing usable) the untouched file and the best attempt."""
    out = {
        "text": result.text if usable else doc.text,
        "fills": _fills_json(doc, result.fills) if usable else [],
        "accepted": result.accepted,
        "nfe": result.trace.nfe,
        "tokens": result.tokens,
        "seconds": round(result.seconds, 4),
        "model": result.model,
        "syntax_errors": result.syntax_errors,
        "syntax_rounds": result.syntax_rounds,
        "baseline_errors": result.baseline_errors,
        "problems": result.problems,
        "candidates": [{"fills": _fills_json(doc, c.fills), "score": round(c.score, 4) if c.score > -1e30 else None,
                        "parse_errors": c.errors, "accepted": c.accepted, "lengths": c.lengths} for c in result.candidates],
    }
    if not usable:
        out["best_attempt"] = {"text": result.text, "fills": _fills_json(doc, result.fills)}
    return out
