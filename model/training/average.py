"""Average the weights of checkpoints along one training run (late snapshots of a decaying learning rate), a
cheap way to a flatter, often better model (Izmailov et al. 2018; Kaddour 2022, "LAWA")."""

from __future__ import annotations

from pathlib import Path

from ..checkpoint import TOKENIZER_FILE, load_checkpoint, save_checkpoint
from ..errors import ModelError


def average_checkpoints(directories: list[Path], out: Path) -> Path:
    """Write the element-wise mean of the checkpoints' weights to `out`; they must share config and tokenizer."""
    if len(directories) < 2:
        raise ModelError("averaging needs at least two checkpoints")
    model, tokenizer, meta = load_checkpoint(directories[0])
    total = {name: t.detach().double().clone() for name, t in model.state_dict().items()}
    first_tokenizer = (directories[0] / TOKENIZER_FILE).read_bytes()
    for directory in directories[1:]:
        other, _, other_meta = load_checkpoint(directory)
        if other_meta["config"] != meta["config"]:
            raise ModelError(f"{directory}: its model config differs from {directories[0]}'s; only checkpoints of one "
                             "run can be averaged")
        if (directory / TOKENIZER_FILE).read_bytes() != first_tokenizer:
            raise ModelError(f"{directory}: its tokenizer differs from {directories[0]}'s")
        for name, t in other.state_dict().items():
            total[name] += t.double()
        meta = other_meta  # the last checkpoint's record (tokens seen, steps) describes the average
    model.load_state_dict({name: (t / len(directories)).float() for name, t in total.items()})
    info = {k: v for k, v in meta.items() if k != "config"}
    info["averaged_of"] = [str(d) for d in directories]
    save_checkpoint(out, model, tokenizer, extra=info)
    return out
