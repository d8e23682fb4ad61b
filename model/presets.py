"""The open diffusion coders this server loads, by name: where each lives on the Hugging Face Hub, what it can do,
its special tokens and what it needs. `--model NAME` and the `model` setting take these names; the files come
from `diffusion-lsp models pull NAME` (model/hub.py), never while serving."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# What `models pull` fetches: configs, tokenizer files, templates and safetensors; never code or pickles.
PULL_PATTERNS = ("*.json", "*.safetensors", "*.txt", "*.jinja", "tokenizer.model", "*.md", "LICENSE*")


@dataclass(frozen=True)
class Preset:
    name: str
    hub_id: str
    family: str                 # the loader: "dream" (Qwen2 modules, Open-dCoder too), "llada" (Llama modules) or
                                # "sdar" (Qwen3 modules, block-causal)
    params_b: float             # parameters, billions
    fim: bool                   # a hole sees the code after it too (block-causal models see only the code before)
    instruct: bool              # ships a chat template: "refactor with an instruction" works
    mask_id: int
    end_tokens: tuple[str, ...]  # tokens that end or pad its answers (never written into code)
    logit_shift: int            # 1: state i-1 predicts token i (Dream family)
    block_size: int | None      # semi-autoregressive blocks its authors decode in (None: the whole span at once)
    steps: int                  # recommended denoising steps for a fill of up to 64 tokens
    window: int                 # tokens of canvas used (config's positions capped at model.hf_checkpoint's window)
    licence: str
    commercial_use: bool

    @property
    def bf16_gib(self) -> float:
        return round(self.params_b * 1e9 * 2 / 2**30, 1)

    def as_dict(self) -> dict:
        return {**asdict(self), "memory_bf16_gib": self.bf16_gib, "memory_int8_gib": None}


_DREAM = dict(family="dream", fim=True, mask_id=151666, logit_shift=1, block_size=None, steps=16, window=4096)
_LLADA = dict(family="llada", fim=True, mask_id=126336, logit_shift=0, steps=16, window=4096, licence="MIT",
              commercial_use=True)
_SDAR = dict(family="sdar", fim=False, instruct=True, mask_id=151669, end_tokens=("<|im_end|>", "<|endoftext|>"),
             logit_shift=0, block_size=4, steps=64, window=4096, licence="Apache-2.0", commercial_use=True)
DREAM_ENDS = ("<|endoftext|>", "<|im_end|>")
DIFFUCODER_ENDS = ("<|endoftext|>", "<|im_end|>", "<|dlm_pad|>")
APPLE = "apple-amlr (research use only, not commercial)"

PRESETS: tuple[Preset, ...] = (
    Preset("dream-coder-7b", "Dream-org/Dream-Coder-v0-Base-7B", params_b=7.6, instruct=False, end_tokens=DREAM_ENDS,
           licence="Apache-2.0", commercial_use=True, **_DREAM),
    Preset("dream-coder-7b-instruct", "Dream-org/Dream-Coder-v0-Instruct-7B", params_b=7.6, instruct=True,
           end_tokens=DREAM_ENDS, licence="Apache-2.0", commercial_use=True, **_DREAM),
    Preset("diffucoder-7b", "apple/DiffuCoder-7B-Base", params_b=7.6, instruct=False, end_tokens=DIFFUCODER_ENDS,
           licence=APPLE, commercial_use=False, **_DREAM),
    Preset("diffucoder-7b-instruct", "apple/DiffuCoder-7B-Instruct", params_b=7.6, instruct=True,
           end_tokens=DIFFUCODER_ENDS, licence=APPLE, commercial_use=False, **_DREAM),
    Preset("diffucoder-7b-cpgrpo", "apple/DiffuCoder-7B-cpGRPO", params_b=7.6, instruct=True,
           end_tokens=DIFFUCODER_ENDS, licence=APPLE, commercial_use=False, **_DREAM),
    Preset("dream-7b", "Dream-org/Dream-v0-Base-7B", params_b=7.6, instruct=False, end_tokens=DREAM_ENDS,
           licence="Apache-2.0", commercial_use=True, **_DREAM),
    Preset("dream-7b-instruct", "Dream-org/Dream-v0-Instruct-7B", params_b=7.6, instruct=True, end_tokens=DREAM_ENDS,
           licence="Apache-2.0", commercial_use=True, **_DREAM),
    # A plain qwen2 checkpoint; its mask token <M> (151665) was added after Qwen2.5-Coder's last token by Open-dLLM's
    # training script. The one open diffusion coder small enough for a laptop's CPU.
    Preset("open-dcoder-0.5b", "fredzzp/open-dcoder-0.5B", family="dream", params_b=0.49, fim=True, instruct=False,
           mask_id=151665, end_tokens=("<|endoftext|>",), logit_shift=1, block_size=None, steps=16, window=4096,
           licence="Apache-2.0 (Open-dLLM)", commercial_use=True),
    # Block diffusion (JetLM's SDAR): Qwen3 blocks, block-causal over blocks of 4, decoded left to right; <|MASK|>
    # follows Qwen3's last added token. A hole sees only the code before it.
    Preset("sdar-1.7b-chat", "JetLM/SDAR-1.7B-Chat", params_b=2.03, **_SDAR),
    Preset("sdar-8b-chat", "JetLM/SDAR-8B-Chat", params_b=8.19, **_SDAR),
    Preset("llada-8b", "GSAI-ML/LLaDA-8B-Base", params_b=8.0, instruct=False, end_tokens=("<|endoftext|>",),
           block_size=None, **_LLADA),
    Preset("llada-8b-instruct", "GSAI-ML/LLaDA-8B-Instruct", params_b=8.0, instruct=True,
           end_tokens=("<|eot_id|>", "<|endoftext|>"), block_size=32, **_LLADA),
)
BY_NAME = {p.name: p for p in PRESETS}


def preset(name: str) -> Preset | None:
    return BY_NAME.get(name)


def preset_names() -> str:
    return ", ".join(BY_NAME)


# Seconds one fill takes, measured with random weights of a preset's shape (speed does not depend on the values):
# `diffusion-lsp bench --shape SHAPE --json --repeats 1`, a 64-token body in a 965-token context, 16 steps, the dual
# cache. Keyed by (parameters in billions, device type).
MEASURED_FILL = {
    (0.49, "cpu"): (24.3, "open-dcoder-0.5b shape, dual cache, 2-core CPU, 2026-12-04"),
}


def fill_seconds(found: Preset, device_type: str) -> tuple[float | None, str]:
    """(seconds a 64-token fill takes, how that is known) on `device_type`: measured on this shape, else scaled from
    the nearest measured shape by parameters (the work per step is proportional to them), else (None, why)."""
    if (found.params_b, device_type) in MEASURED_FILL:
        seconds, how = MEASURED_FILL[(found.params_b, device_type)]
        return seconds, f"measured ({how})"
    measured = [(params, seconds) for (params, device), (seconds, _) in MEASURED_FILL.items() if device == device_type]
    if not measured:
        return None, (f"not measured on {device_type} yet "
                      f"(`diffusion-lsp bench --shape dream-7b --device {device_type} --json` measures it)")
    params, seconds = min(measured, key=lambda m: abs(m[0] - found.params_b))
    return seconds * found.params_b / params, f"estimated from the {params}B shape, scaled by parameters"
