"""Presets' files in the standard Hugging Face cache: `pull` downloads them (on the user's command only; resumable;
HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE are honoured by huggingface_hub), `local_checkpoint` finds them without
any network and refuses an incomplete copy."""

from __future__ import annotations

from pathlib import Path

from .errors import ModelError
from .hf_weights import check_complete
from .presets import PULL_PATTERNS, Preset, preset, preset_names


def known_preset(name: str) -> Preset:
    found = preset(name)
    if found is None:
        raise ModelError(f"unknown model {name!r}: the presets are {preset_names()} (`diffusion-lsp models` lists them)")
    return found


def pull(name: str) -> Path:
    """Download preset `name`'s files (what the loader reads; no code, no pickles) and return their directory."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    found = known_preset(name)
    try:
        path = Path(snapshot_download(found.hub_id, allow_patterns=list(PULL_PATTERNS), max_workers=4))
    except LocalEntryNotFoundError as exc:  # offline, or the hub cannot be reached at all
        raise ModelError(f"cannot pull {name}: {str(exc).splitlines()[0]}") from None
    except Exception as exc:  # HTTP errors, a dropped connection (httpx's own errors), a full disk
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelError(f"pulling {name} ({found.hub_id}) stopped: {why}; run the same command again to resume") from None
    check_complete(path)
    return path


def local_checkpoint(name: str) -> Path:
    """The pulled copy of preset `name`, read from the cache only (nothing is downloaded); a one-line error naming
    the pull command when it is not there or not whole."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    found = known_preset(name)
    try:
        path = Path(snapshot_download(found.hub_id, allow_patterns=list(PULL_PATTERNS), local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        raise ModelError(f"{name} is not downloaded: run `diffusion-lsp models pull {name}` "
                         f"({found.hub_id}, {found.bf16_gib} GiB in bf16)") from None
    if not (path / "config.json").is_file():
        raise ModelError(f"{name} is not downloaded: run `diffusion-lsp models pull {name}`")
    try:
        check_complete(path)
    except ModelError as exc:
        raise ModelError(f"{exc}; run `diffusion-lsp models pull {name}` to finish it") from None
    return path
