"""What each CLI command does: parse its arguments into infill/model calls and print the result."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from infill.engine import run_infill
from infill.errors import InfillError
from infill.source.document import Document
from infill.source.languages import language_for_id
from infill.source.spans import function_by_name, select_function_body, select_holes, select_lines, select_range
from infill.task import InfillOptions, Span
from model.sampler import STRATEGIES, SamplerOptions

NO_PARSING_FILL = 3  # exit code: the model found no fill that parses as well as the file did without it


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


def run(args) -> int:
    if args.command == "infill":
        return infill_command(args)
    if args.command == "serve":
        return serve_command(args)
    if args.command == "serve-http":
        from .http_api import check_exposure, serve_http, server_keys
        from .settings import Settings
        if not 0 <= args.port <= 65535:
            raise InfillError(f"bad port {args.port}")
        check_exposure(args.host, server_keys(args.api_key))  # before the model loads
        serve_http(load_backend(args), Settings(steps=args.steps), args.host, args.port,
                   args.batch_window_ms / 1000, args.api_key, args.max_queue)
        return 0
    if args.command == "doctor":
        from .doctor import doctor_command
        return doctor_command(args)
    if args.command == "bench":
        return bench_command(args)
    if args.command == "eval":
        return eval_command(args)
    if args.command == "reliability":
        return reliability_command(args)
    if args.command == "train":
        return train_command(args)
    raise ValueError(args.command)


def sampler_options(args) -> SamplerOptions:
    if args.sampler not in STRATEGIES:
        raise InfillError(f"unknown sampler {args.sampler!r} (choose from {', '.join(STRATEGIES)})")
    if args.steps < 1:
        raise InfillError("--steps must be at least 1")
    return SamplerOptions(steps=args.steps, strategy=args.sampler, threshold=args.threshold,
                          block_length=args.block_length, temperature=args.temperature, seed=args.seed, cache=args.cache)


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


def serve_command(args) -> int:
    from .server import serve
    from .settings import Settings, apply_settings

    settings, warnings = apply_settings(Settings(), {"model": args.model, "device": args.device, "remote_model": args.remote_model,
                                                     "remote_api": args.remote_api, "remote_api_key_env": args.api_key_env})
    if warnings:
        raise InfillError(warnings[0])
    tcp = None
    if args.tcp:
        host, _, port = args.tcp.rpartition(":")
        if not host or not port.isdigit():
            raise InfillError(f"--tcp takes HOST:PORT, got {args.tcp!r}")
        tcp = (host, int(port))
    serve(settings, tcp)
    return 0


def bench_command(args) -> int:
    from infill.evaluation.benchmark import DEFAULT_BENCH_FILE, compare_strategies
    if args.lsp:
        from .latency import measure_latency
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
        report = compare_strategies(denoiser, Path(args.file) if args.file else DEFAULT_BENCH_FILE,
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
    from infill.evaluation import harness as evaluation
    from infill.evaluation.benchmark import DEFAULT_BENCH_FILE
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
    report = compare_caches(denoiser, Path(args.file) if args.file else DEFAULT_BENCH_FILE, problems, texts,
                            args.lines, args.typing_lines, tokens=args.tokens, repeats=args.repeats)
    if args.plot:
        plot_caches(report, Path(args.plot))
    return report


def eval_command(args) -> int:
    from infill.evaluation import harness as evaluation
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


def train_command(args) -> int:
    from model.training.corpus import PACKAGES_FILE, build_corpus, package_sources, stdlib_source

    if args.train_command == "corpus" and args.registries:
        return registry_corpus_command(args)
    if args.train_command == "corpus":
        sources, rejected = [stdlib_source()], []
        if not args.stdlib_only:
            packages, rejected = package_sources(Path(args.packages or PACKAGES_FILE), Path(args.out) / "site")
            sources += packages
        manifest = build_corpus(args.out, sources, rejected=rejected)
        print(json.dumps(manifest["counts"]))
        return 0
    if args.train_command == "pack":
        from model.denoiser import BUILTIN_DIR
        from model.training.mixture import MixtureError
        from model.training.pack import pack_corpus
        try:
            meta = pack_corpus(Path(args.corpus), Path(args.tokenizer or BUILTIN_DIR / "tokenizer.json"), Path(args.out),
                               args.max_mib, languages=args.languages or None)
        except (MixtureError, ValueError) as exc:
            raise InfillError(str(exc)) from None
        print(json.dumps(meta))
        return 0
    if args.train_command == "import-shards":
        from model.training.gpu_recipe import import_shards
        print(f"checkpoint: {import_shards(Path(args.shards), Path(args.out))}")
        return 0
    if args.train_command == "average":
        from model.training.average import average_checkpoints
        print(f"checkpoint: {average_checkpoints([Path(c) for c in args.checkpoints], Path(args.out))}")
        return 0
    if args.train_command == "export":
        from model.training.export import export_builtin
        evaluation = Path(args.evaluation).read_text() if args.evaluation else "Not measured yet."
        ablations = Path(args.ablations).read_text() if args.ablations else ""
        dest = export_builtin(args.run, args.corpus, evaluation, ablations=ablations, checkpoint=args.checkpoint)
        print(f"exported to {dest}")
        return 0
    if args.train_command == "ablations":
        return ablations_command(args)
    from model.training.mixture import MixtureError
    from model.training.train import TrainOptions, train
    try:
        ckpt = train(TrainOptions(corpus=args.corpus, out=args.out, size=args.size, steps=args.steps,
                                  batch_size=args.batch_size, seq_len=args.seq_len, lr=args.lr, seed=args.seed,
                                  threads=args.threads, device=args.device, precision=args.precision,
                                  snapshot_every=args.snapshot_every, uniform_fraction=args.uniform_fraction,
                                  pad_weight=args.pad_weight, languages=args.languages, init_from=args.init_from,
                                  vocab_size=args.vocab_size, weight_decay=args.weight_decay, decay=args.decay,
                                  compile=args.compile))
    except MixtureError as exc:
        raise InfillError(str(exc)) from None
    print(f"checkpoint: {ckpt}")
    return 0


def ablations_command(args) -> int:
    from model.training.ablations import ablation_table, read_arm
    try:
        table = ablation_table([read_arm(Path(path)) for path in args.evals], args.baseline)
    except ValueError as exc:
        raise InfillError(str(exc)) from None
    if args.out:
        Path(args.out).write_text(table + "\n")
    print(table)
    return 0


def registry_corpus_command(args) -> int:
    from infill.evaluation import harness as evaluation
    from model.training.decontaminate import evaluation_texts
    from model.training.registries import read_package_list
    from model.training.registry_corpus import build_registry_corpus
    listing = Path(args.registries)
    if not listing.is_file():
        raise InfillError(f"no package list at {listing}")
    try:
        packages = read_package_list(listing)
    except ValueError as exc:
        raise InfillError(f"{listing}: unknown registry {exc} (use pypi, npm or debian)") from None
    texts = evaluation_texts(evaluation.default_data_dir(), evaluation.default_heldout_source())
    manifest = build_registry_corpus(Path(args.out), packages, Path(args.cache or Path(args.out) / "cache"), texts)
    print(json.dumps({k: manifest[k] for k in ("chars", "tokens_estimate", "languages", "dropped_files")}))
    return 0


def reliability_command(args) -> int:
    from .reliability.report import SECTIONS, ReliabilitySizes, reliability_report
    sections = tuple(s.strip() for s in args.only.split(",")) if args.only else SECTIONS
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        raise InfillError(f"unknown section {unknown[0]!r} (choose from {', '.join(SECTIONS)})")
    sizes = ReliabilitySizes(messages=args.messages, storm_pairs=args.storm_pairs, document_scale=args.document_scale,
                             cases=args.cases, clients=args.clients, client_requests=args.client_requests)
    report = reliability_report(args.model, sizes, sections)
    print(json.dumps(report) if args.json else json.dumps(report, indent=2))
    return 0
