"""`diffusion-lsp models`: the open diffusion coders this server loads by name, and `models pull NAME` to download
one (the only command that downloads anything)."""

from __future__ import annotations

import json


def add_parsers(sub) -> None:
    p = sub.add_parser("models", help="list the open models this server loads by name; `models pull NAME` downloads one")
    p.add_argument("action", nargs="?", choices=["list", "pull"], default="list")
    p.add_argument("name", nargs="?", help="pull: the preset to download")
    p.add_argument("--json", action="store_true")
    p.set_defaults(run=models_command)


def models_command(args) -> int:
    from infill import InfillError
    from model.hub import pull
    from model.presets import PRESETS

    if args.action == "pull":
        if not args.name:
            raise InfillError("models pull takes a preset name (`diffusion-lsp models` lists them)")
        path = pull(args.name)
        print(json.dumps({"name": args.name, "path": str(path)}) if args.json else
              f"{args.name}: ready in {path}\nuse it with --model {args.name} or the setting \"model\": \"{args.name}\"")
        return 0
    if args.json:
        print(json.dumps([p.as_dict() for p in PRESETS], indent=2))
        return 0
    print(f"{'name':<24} {'hub id':<38} {'bf16':>8}  {'can':<28} licence")
    for p in PRESETS:
        can = ("fill" if p.fim else "fill (code before)") + (", instruct" if p.instruct else "")
        print(f"{p.name:<24} {p.hub_id:<38} {p.bf16_gib:>5} GiB  {can:<28} {p.licence}")
    print("download one with `diffusion-lsp models pull NAME`; check it fits with `diffusion-lsp doctor --model NAME`")
    return 0
