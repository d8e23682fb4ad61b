"""`diffusion-lsp train ...`: build the corpus, train, pack, import, average, export. The only command family that
loads model.training."""

from __future__ import annotations

import json
from pathlib import Path

from infill import InfillError

from .common import OneLineParser


def add_parsers(sub) -> None:
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
    r.add_argument("--context-share", type=float, default=0.0,
                   help="> 0: --corpus is a context corpus (`train context-corpus`): this share of rows reads the "
                        "workspace context ahead of the code")
    w = tsub.add_parser("context-corpus", help="windows of workspace files with the context the server gives them "
                                               "(definitions from related files), for `train run --context-share`")
    w.add_argument("roots", nargs="+", help="package folders, each indexed as a workspace")
    w.add_argument("--out", default="runs/context-corpus")
    w.add_argument("--per-file", type=int, default=4, help="windows per file")
    w.add_argument("--val-share", type=float, default=0.05, help="share of the packages held out for validation")
    w.add_argument("--seed", type=int, default=0)
    k = tsub.add_parser("pack", help="tokenize a corpus into compressed uint16 chunks small enough to copy to a GPU "
                                     "machine")
    k.add_argument("--corpus", default="runs/corpus")
    k.add_argument("--tokenizer", default=None, help="tokenizer.json (default: the built-in model's)")
    k.add_argument("--out", default="runs/pack")
    k.add_argument("--max-mib", type=float, default=40.0, help="compressed size of the training tokens")
    k.add_argument("--languages", default="", help="draw files by language weight, e.g. python=6,c=1 (each file at "
                                                   "most once; default: every file alike)")
    m = tsub.add_parser("import-shards", help="turn weight shards from a GPU run (python -m model.training.gpu_recipe) "
                                              "into a checkpoint")
    m.add_argument("--shards", required=True, help="the folder a GPU run wrote (python -m model.training.gpu_recipe --out)")
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
    p.set_defaults(run=train_command)


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
    if args.train_command == "context-corpus":
        from infill.workspace.training_pairs import write_context_corpus
        from model.training.licenses import package_root_licence
        print(json.dumps(write_context_corpus([Path(r) for r in args.roots], Path(args.out), args.per_file,
                                              args.val_share, args.seed, package_root_licence)))
        return 0
    from model.training.mixture import MixtureError
    from model.training.train import TrainOptions, train
    try:
        ckpt = train(TrainOptions(corpus=args.corpus, out=args.out, size=args.size, steps=args.steps,
                                  batch_size=args.batch_size, seq_len=args.seq_len, lr=args.lr, seed=args.seed,
                                  threads=args.threads, device=args.device, precision=args.precision,
                                  snapshot_every=args.snapshot_every, uniform_fraction=args.uniform_fraction,
                                  pad_weight=args.pad_weight, languages=args.languages, init_from=args.init_from,
                                  vocab_size=args.vocab_size, weight_decay=args.weight_decay, decay=args.decay,
                                  compile=args.compile, context_share=args.context_share))
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
