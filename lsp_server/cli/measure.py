"""`diffusion-lsp bench`, `eval` and `reliability`: speed, quality and robustness figures as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from infill import InfillError

from .common import add_model_args, load_backend


def add_parsers(sub) -> None:
    p = sub.add_parser("bench", help="compare context caches (speed and quality) or sampler strategies; prints JSON")
    p.add_argument("--file", default=None, help="source file to fill in (default: the bundled benchmark file)")
    p.add_argument("--tokens", type=int, default=64, help="tokens in the fill")
    p.add_argument("--steps", type=int, default=16)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", action="store_true")
    p.add_argument("--plot", help="write a PNG chart here")
    p.add_argument("--strategies", action="store_true", help="compare sampler strategies instead of caches")
    p.add_argument("--shape", choices=["qwen2-0.5b-dream", "open-dcoder-0.5b", "dream-7b"],
                   help="caches, speed only: a random-weight checkpoint of a real model's shape instead of --model")
    p.add_argument("--problems", type=int, default=200, help="caches: HumanEval single-line problems for quality (0: none)")
    p.add_argument("--lines", type=int, default=60, help="caches: held-out lines for exact match (0: none)")
    p.add_argument("--typing-lines", type=int, default=40, help="caches: held-out lines typed again for reuse policies")
    p.add_argument("--lsp", action="store_true", help="measure inline-completion latency of the real server over stdio")
    p.add_argument("--workspace", nargs="?", const="", default=None, metavar="DIR",
                   help="the workspace index on a large tree (DIR, default CPython's Lib/ copied to --files files): "
                        "build time, memory, retrieval ms, ghost text while it builds")
    p.add_argument("--files", type=int, default=5000, help="with --workspace and no DIR: files in the copied tree")
    p.add_argument("--requests", type=int, default=50, help="with --lsp: how many completion requests")
    p.add_argument("--settings", help="with --lsp: server settings as a JSON object, e.g. '{\"ghostLengths\": 3}'")
    add_model_args(p)
    p.set_defaults(run=bench_command)

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
    p.set_defaults(run=reliability_command)

    p = sub.add_parser("eval", help="measure the model: HumanEval infilling pass@1, line exact match, ghost text while "
                                    "typing; plot or compare reports")
    p.add_argument("benchmark", choices=["humaneval-infilling", "line-exact-match", "masked-code", "typing", "crossfile",
                                         "polish", "next-edit", "plot", "compare"],
                   help="masked-code: CE and top-1 on masked code tokens at 15/50/90%% masking (pads never counted); "
                        "typing: held-out files typed through the real server, ghost text scored as a user sees it; "
                        "crossfile: held-out packages open as the workspace, spots before names other files define; "
                        "polish: held-out lines polished as they are (damage) and with one token corrupted (repair); "
                        "next-edit: commits of held-out repositories, the first hunk applied, the rest to predict; "
                        "compare: two --samples files case by case (paired counts, exact McNemar p-value)")
    p.add_argument("--spots", type=int, default=12, help="typing: cursor spots per file")
    p.add_argument("--languages", default=None,
                   help="typing: which held-out languages (python,typescript,go); crossfile: which packages (all four)")
    p.add_argument("--before", help="typing: also replay with the server of this older checkout (old policy)")
    p.add_argument("--calibrate", action="store_true",
                   help="typing: sweep ghostMinConfidence and ghostLookupConfidence on the calibration split instead "
                        "(in process)")
    p.add_argument("--plot", help="typing: a PNG of precision against coverage (with --reports SWEEP.json, the "
                                  "calibration curves too)")
    p.add_argument("--seed", type=int, default=0, help="typing: which spots are drawn")
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
    add_model_args(p)
    p.set_defaults(run=eval_command)


def bench_command(args) -> int:
    from infill import BENCH_FILE
    from infill.evaluation.benchmark import compare_strategies
    if args.workspace is not None:
        from ..workspace_bench import workspace_bench
        if args.workspace and not Path(args.workspace).is_dir():
            raise InfillError(f"--workspace {args.workspace}: not a folder")
        print(json.dumps(workspace_bench(args.model, args.workspace or None, args.files, min(args.requests, 30))))
        return 0
    if args.lsp:
        from ..latency import measure_latency
        if args.requests < 1:
            raise InfillError("--requests must be at least 1")
        try:
            settings = json.loads(args.settings) if args.settings else {}
        except ValueError as exc:
            raise InfillError(f"--settings is not valid JSON: {exc}") from None
        if not isinstance(settings, dict):
            raise InfillError("--settings takes a JSON object of server settings, e.g. '{\"threads\": 1}'")
        report = measure_latency(args.model, args.device, args.requests, Path(args.file) if args.file else None,
                                 {**({"steps": args.steps} if args.steps != 16 else {}), **settings})
        print(json.dumps(report))
        return 0
    if args.strategies:
        denoiser = load_backend(args)
        report = compare_strategies(denoiser, Path(args.file) if args.file else BENCH_FILE,
                                    tokens=args.tokens, steps=args.steps, repeats=args.repeats)
        if args.plot:
            from infill.evaluation.benchmark import plot_strategies
            plot_strategies(report, Path(args.plot))
        rows = report["strategies"]
    else:
        report = cache_report(args)
        rows = report["speed"]["setups"]
    if args.json:
        print(json.dumps(report, indent=None))
    else:
        for row in rows:
            print(f"{row['name']:<40} nfe {row['nfe']:>3}  {row['seconds'] * 1000:8.1f} ms  "
                  f"x{row['speedup_vs_one_per_call']:.2f} vs one token per call")
    return 0


def cache_report(args) -> dict:
    """`bench`: the context caches compared (infill/evaluation/cache_bench.py), with their quality unless --problems 0."""
    from infill import BENCH_FILE
    from infill.evaluation import harness as evaluation
    from infill.evaluation.cache_bench import compare_caches, plot_caches
    for name in ("problems", "lines", "typing_lines"):
        if getattr(args, name) < 0:
            raise InfillError(f"--{name.replace('_', '-')} must be 0 or more")
    if args.shape:  # random weights: only the speed means anything
        args.problems = args.lines = args.typing_lines = 0
    problems = evaluation.load_problems("single-line", evaluation.default_data_dir(), args.problems) if args.problems else []
    texts = evaluation.heldout_texts(evaluation.default_heldout_source()) if args.lines or args.typing_lines else []
    if args.shape:
        import tempfile

        from model.denoiser import load_denoiser
        from model.shapes import write_random_dream
        with tempfile.TemporaryDirectory() as tmp:
            denoiser = load_denoiser(str(write_random_dream(Path(tmp), args.shape)), args.device)
        denoiser.name = f"{args.shape} (random weights)"
    else:
        denoiser = load_backend(args)
    report = compare_caches(denoiser, Path(args.file) if args.file else BENCH_FILE, problems, texts,
                            args.lines, args.typing_lines, tokens=args.tokens, repeats=args.repeats)
    if args.plot:
        plot_caches(report, Path(args.plot))
    return report


def eval_command(args) -> int:
    from infill.evaluation import harness as evaluation
    if args.benchmark == "typing":
        return typing_command(args)
    if args.benchmark == "crossfile":
        return crossfile_command(args)
    if args.benchmark == "polish":
        return polish_command(args)
    if args.benchmark == "next-edit":
        return next_edit_command(args)
    if args.benchmark == "plot":
        from infill.evaluation.plot import plot_reports
        if not args.reports or not args.out:
            raise InfillError("eval plot needs --reports FILE.json ... and --out FILE.png")
        try:
            reports = [json.loads(Path(r).read_text()) for r in args.reports]
        except ValueError as exc:
            raise InfillError(f"a report is not valid JSON: {exc}") from None
        plot_reports(reports, Path(args.out))
        return 0
    if args.benchmark == "compare":
        from infill.evaluation.compare import compare_samples
        if not args.reports or len(args.reports) != 2:
            raise InfillError("eval compare needs --reports A.samples.jsonl B.samples.jsonl (two `eval --samples` files)")
        print(json.dumps(compare_samples(Path(args.reports[0]), Path(args.reports[1]))))
        return 0
    if args.limit is not None and args.limit < 1:
        raise InfillError("--limit must be at least 1")
    arms = evaluation.parse_arms(args.decoders, args.context_tokens)
    samples = [] if args.samples else None
    if args.benchmark == "humaneval-infilling":
        data = Path(args.data) if args.data else evaluation.default_data_dir()
        evaluation.load_problems(args.split, data, 1)  # bad split or missing data fail before the model loads
        denoiser = load_backend(args)
        report = evaluation.evaluate_humaneval(denoiser, args.split, data, args.limit, arms, samples)
    else:
        if args.corpus:
            from model.training.corpus import read_texts
            val = Path(args.corpus) / "val.jsonl"
            if not val.is_file():
                raise InfillError(f"no validation split at {val} (run `diffusion-lsp train corpus` first)")
            texts, source = read_texts(val), str(val)
        else:
            source = Path(args.source) if args.source else evaluation.default_heldout_source()
            texts, source = evaluation.heldout_texts(source), str(source)
        denoiser = load_backend(args)
        if args.benchmark == "masked-code":
            from model.training.validation import masked_code_metrics
            try:
                scores = masked_code_metrics(denoiser, texts, windows=args.limit or 64)
            except ValueError as exc:  # every held-out file is shorter than a window
                raise InfillError(f"masked-code: {exc} in {source}") from None
            report = {"model": denoiser.name, "source": source, "masked_code": scores}
        else:
            report = {"model": denoiser.name, "source": source,
                      **evaluation.line_exact_match(denoiser, texts, args.limit or 200, arms, samples=samples)}
    if args.samples:
        Path(args.samples).write_text("".join(json.dumps(row) + "\n" for row in samples))
    if args.json:
        print(json.dumps(report))
    else:
        for key, value in report.items():
            print(f"{key}: {value}")
    return 0


def reliability_command(args) -> int:
    from ..reliability.report import SECTIONS, ReliabilitySizes, reliability_report
    sections = tuple(s.strip() for s in args.only.split(",")) if args.only else SECTIONS
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise InfillError(f"unknown section {unknown[0]!r} (choose from {', '.join(SECTIONS)})")
    sizes = ReliabilitySizes(messages=args.messages, storm_pairs=args.storm_pairs, document_scale=args.document_scale,
                             cases=args.cases, clients=args.clients, client_requests=args.client_requests)
    report = reliability_report(args.model, sizes, sections)
    print(json.dumps(report) if args.json else json.dumps(report, indent=2))
    return 0


def typing_command(args) -> int:
    """`eval typing`: the calibration sweep (--calibrate) or the evaluation split typed through the real server."""
    from ..typing_eval.calibrate import sweep
    from ..typing_eval.plot import plot_typing
    from ..typing_eval.replay import Arm, run_arm
    from ..typing_eval.spots import LANGUAGES, files
    languages = [x.strip() for x in (args.languages or ",".join(LANGUAGES)).split(",") if x.strip()]
    unknown = [x for x in languages if x not in LANGUAGES]
    if unknown or args.spots < 1:
        raise InfillError(f"typing takes --languages from {', '.join(LANGUAGES)} and --spots >= 1")
    if args.calibrate:
        report = {"split": "calibration", **sweep(load_backend(args), {x: files(x, "calibration") for x in languages},
                                                     args.spots, args.seed)}
        if args.plot:
            plot_typing(Path(args.plot), sweep=report)
        print(json.dumps(report))
        return 0
    arms = [Arm("new"), Arm("new, no document drafts", {"ghostLookupConfidence": 1.0}),
            Arm("new, no confidence cut", {"ghostMinConfidence": 0.0, "ghostLookupConfidence": 1.0})]
    if args.before:
        arms.append(Arm("old", checkout=Path(args.before).resolve()))
    report = {"split": "evaluation", "model": args.model, "spots_per_file": args.spots, "seed": args.seed,
              "arms": [a.name for a in arms], "languages": {}}
    samples = []
    for language in languages:
        report["languages"][language] = {}
        warmup = files(language, "calibration")[0]
        for arm in arms:
            summary, rows = run_arm(arm, args.model, language, files(language, "evaluation"), args.spots, args.seed,
                                    warmup)
            report["languages"][language][arm.name] = summary
            samples += [{"language": language, "arm": arm.name, **row} for row in rows]
    if args.samples:
        Path(args.samples).write_text("".join(json.dumps(row) + "\n" for row in samples))
    if args.plot:
        sweep_report = json.loads(Path(args.reports[0]).read_text()) if args.reports else None
        plot_typing(Path(args.plot), sweep=sweep_report, evaluation=report)
    print(json.dumps(report))
    return 0


def crossfile_command(args) -> int:
    """`eval crossfile`: each held-out package open as the workspace, ghost text before names its other files define,
    with and without the workspace context, in one run."""
    from ..typing_eval.crossfile import PACKAGES, package_spots, run_crossfile_arm
    languages = [x.strip() for x in (args.languages or ",".join(PACKAGES)).split(",") if x.strip()]
    if any(x not in PACKAGES for x in languages) or args.spots < 1:
        raise InfillError(f"crossfile takes --languages from {', '.join(PACKAGES)} and --spots >= 1")
    arms = {"file alone": {"workspaceContext": False}, "workspace": {}}
    report = {"benchmark": "crossfile", "model": args.model, "spots_per_file": args.spots, "seed": args.seed,
              "languages": {}}
    samples = []
    for language in languages:
        root, spots = package_spots(language, args.spots, args.seed)
        report["languages"][language] = {"package": root.name}
        for arm, settings in arms.items():
            summary, rows = run_crossfile_arm(args.model, settings, root, spots)
            report["languages"][language][arm] = summary
            samples += [{"language": language, "arm": arm, **row} for row in rows]
    if args.samples:
        Path(args.samples).write_text("".join(json.dumps(row) + "\n" for row in samples))
    print(json.dumps(report))
    return 0


def polish_command(args) -> int:
    """`eval polish`: held-out lines of the typing evaluation split, as they are and with one token corrupted, under
    the default polish and two looser settings, in one run."""
    from dataclasses import replace

    from infill.evaluation.polish_eval import evaluate_polish
    from model.polish import PolishOptions

    from ..typing_eval.spots import LANGUAGES, files
    languages = [x.strip() for x in (args.languages or ",".join(LANGUAGES)).split(",") if x.strip()]
    if any(x not in LANGUAGES for x in languages) or args.spots < 1:
        raise InfillError(f"polish takes --languages from {', '.join(LANGUAGES)} and --spots (lines a file) >= 1")
    default = PolishOptions()
    settings = {"default": default, "looser (0.01, 50x, 0.5)": replace(default, unlikely=0.01, margin=50.0, sure=0.5),
                "loosest (0.05, 20x, 0.3)": replace(default, unlikely=0.05, margin=20.0, sure=0.3)}
    report, rows = evaluate_polish(load_backend(args), {x: files(x, "evaluation") for x in languages}, args.spots,
                                   args.seed, settings)
    if args.samples:
        Path(args.samples).write_text("".join(json.dumps(row) + "\n" for row in rows))
    print(json.dumps({"benchmark": "polish", "model": args.model, "lines_per_file": args.spots, "seed": args.seed,
                      "languages": report}))
    return 0


def next_edit_command(args) -> int:
    """`eval next-edit`: with the first hunk of a held-out commit applied, the model's next edits against the rest
    of the commit; beside it, what the Mercury Edit path makes of the commit itself (its region's ceiling)."""
    from infill.evaluation.next_edit_cases import read_cases
    from infill.evaluation.next_edit_eval import CASES, run_next_edit_eval
    cases = read_cases(Path(args.data) if args.data else CASES)
    if args.limit:
        cases = cases[:args.limit]
    backend = load_backend(args)
    if not callable(getattr(backend, "logits", None)):
        raise InfillError("eval next-edit measures a local model (builtin or a checkpoint); a remote edit model is "
                          "measured by its own region ceiling, which every run reports")
    report, rows = run_next_edit_eval(backend, cases)
    if args.samples:
        Path(args.samples).write_text("".join(json.dumps(row) + "\n" for row in rows))
    print(json.dumps({"benchmark": "next-edit", "model": args.model, "backends": report}))
    return 0
