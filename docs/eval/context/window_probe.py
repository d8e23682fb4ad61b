"""Does the model read worse past the window it was trained on? Masked-token CE on held-out pygls code.

(1) 24 windows of 1,024 tokens, 15% masked: CE of the masked tokens in each quarter, inside the whole window vs
in their own 256-token window. (2) A 12-token hole in the middle of 1,024 ... 64 tokens of code.
Usage: python docs/eval/context/window_probe.py [MODEL]   (default: builtin)
"""

import sys

import torch
import torch.nn.functional as F

from infill.evaluation.harness import default_heldout_source, heldout_texts
from model.denoiser import load_denoiser
from model.training.validation import code_windows

torch.set_num_threads(1)
denoiser = load_denoiser(sys.argv[1] if len(sys.argv) > 1 else "builtin", "cpu")
texts = heldout_texts(default_heldout_source())


def masked_ce(ids, where):  # (B, L), (B, L) -> (N,)
    logits = denoiser.logits(ids.masked_fill(where, denoiser.mask_id), positions=where).float()
    return F.cross_entropy(logits, ids[where], reduction="none")


with torch.no_grad():
    rows = torch.tensor(code_windows(texts, denoiser.tokenizer, 1024, 24, seed=1))  # (24, 1024)
    masked = torch.rand(rows.shape, generator=torch.Generator().manual_seed(0)) < 0.15
    whole, own = torch.zeros(rows.shape), torch.zeros(rows.shape)
    for i in range(0, len(rows), 4):
        whole[i:i + 4][masked[i:i + 4]] = masked_ce(rows[i:i + 4], masked[i:i + 4])
        for q in range(4):
            part, where = rows[i:i + 4, q * 256:(q + 1) * 256], masked[i:i + 4, q * 256:(q + 1) * 256]
            scores = own[i:i + 4, q * 256:(q + 1) * 256].clone()
            scores[where] = masked_ce(part, where)
            own[i:i + 4, q * 256:(q + 1) * 256] = scores
    for q in range(4):
        cols, where = slice(q * 256, (q + 1) * 256), masked[:, q * 256:(q + 1) * 256]
        print(f"positions {q * 256}-{(q + 1) * 256}: CE in the 1024-token window {whole[:, cols][where].mean():.3f}, "
              f"in their own 256-token window {own[:, cols][where].mean():.3f}")
    rows, hole = torch.tensor(code_windows(texts, denoiser.tokenizer, 1024, 48, seed=2)), 12  # (48, 1024)
    for size in (1024, 512, 384, 256, 192, 128, 64):
        ids = rows[:, 512 - size // 2:512 + size // 2]
        where = torch.zeros(ids.shape, dtype=torch.bool)
        where[:, size // 2 - hole // 2:size // 2 + hole // 2] = True
        print(f"{hole}-token hole amid {size} tokens of code: CE {masked_ce(ids, where).mean():.3f}")
