"""`diffusion-lsp doctor`: what works on this machine, one line per check."""

from __future__ import annotations

import torch

from infill import LANGUAGES, InfillError, grammar
from model.denoiser import load_denoiser
from model.errors import ModelError


def _memory_line(args) -> None:
    """Memory a Hugging Face checkpoint needs against what the device has free."""
    from pathlib import Path

    from model.denoiser import resolve_device
    from model.hf_checkpoint import available_bytes, weights_bytes
    from model.presets import fill_seconds, preset
    found = preset(args.model)
    if found is not None:
        device = resolve_device(args.device)
        needed = found.params_b * 1e9 * (2 if device.type == "cuda" else 4) * 1.2
        free = available_bytes(device)
        gpu = found.params_b * 1e9 * 2 * 1.2 / 2**30
        verdict = "fits" if needed <= free else (f"does not fit: a GPU with {gpu:.0f} GiB free runs it in bf16; or serve "
                                                 "it on such a machine and use its URL (docs/models.md)")
        print(f"preset     {found.name} = {found.hub_id} ({found.licence}); needs about {needed / 2**30:.1f} GiB on "
              f"{device.type} ({'bf16' if device.type == 'cuda' else 'fp32'}), {free / 2**30:.1f} GiB free: {verdict}")
        seconds, how = fill_seconds(found, device.type)
        speed = f"about {seconds:.0f} s a 64-token fill on {device.type}" if seconds is not None else "unknown"
        print(f"speed      {speed}: {how}")
        return
    path = Path(args.model)
    if not (path / "config.json").is_file():
        return
    try:
        device = resolve_device(args.device)
        needed = weights_bytes(path, 2 if device.type == "cuda" else 4) * 1.2
        print(f"memory     needs about {needed / 2**30:.1f} GiB on {device.type}, "
              f"{available_bytes(device) / 2**30:.1f} GiB free")
    except (ModelError, OSError, ValueError) as exc:
        print(f"memory     cannot tell: {exc}")


def doctor_command(args) -> int:
    ok = True
    print(f"torch      {torch.__version__}")
    if torch.cuda.is_available():
        free, total = torch.cuda.mem_get_info()
        print(f"cuda       {torch.cuda.get_device_name(0)} ({free / 2**30:.1f} of {total / 2**30:.1f} GiB free)")
    else:
        print("cuda       not available (the CPU will run the model)")
    _memory_line(args)
    try:
        denoiser = load_denoiser(args.model, args.device)
        params = sum(p.numel() for p in denoiser.model.parameters()) if hasattr(denoiser, "model") else None
        seen = denoiser.meta.get("tokens_seen") if hasattr(denoiser, "meta") else None
        details = ", ".join(x for x in (f"{params / 1e6:.1f}M parameters" if params else "",
                                        f"trained on {seen:,} tokens" if seen else "",
                                        f"window {denoiser.max_len} tokens", f"device {denoiser.device}") if x)
        print(f"model      {args.model}: ok ({details})")
    except ModelError as exc:
        ok = False
        print(f"model      {args.model}: MISSING - {exc}")
    for spec in LANGUAGES:
        try:
            grammar(spec)
            print(f"grammar    {spec.name}: ok")
        except InfillError as exc:
            ok = False
            print(f"grammar    {spec.name}: MISSING - {exc}")
    return 0 if ok else 1
