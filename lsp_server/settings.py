"""Server settings: one typed, validated, kw-only dataclass; a bad value warns and keeps the old one."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace

import cattrs

from infill import LANGUAGES, InfillOptions
from model.kv_cache import CACHE_MODES
from model.remote import REMOTE_APIS
from model.sampler import STRATEGIES, SamplerOptions

_converter = cattrs.Converter(forbid_extra_keys=True)

# The built-in model's ghost-text confidence thresholds, chosen on held-out calibration files (`diffusion-lsp eval
# typing --calibrate`, docs/ghost-text.md): per language, the one that saves the most characters while at least 40%
# of what is shown is right; 1.0 shows nothing where no threshold gets there. Languages not calibrated, and every
# other model, take DEFAULT_GHOST_CONFIDENCE.
GHOST_CONFIDENCE_BY_LANGUAGE = {"python": 0.6, "go": 0.6, "typescript": 0.9, "tsx": 0.9}
DEFAULT_GHOST_CONFIDENCE = 0.5
# The same for drafts copied from the document (infill/decode/lookup.py), on the geometric mean of their tokens'
# probabilities, chosen with the thresholds above in place.
LOOKUP_CONFIDENCE_BY_LANGUAGE = {"python": 0.0, "go": 0.0, "typescript": 1.0, "tsx": 1.0}
DEFAULT_LOOKUP_CONFIDENCE = 0.1


@dataclass(kw_only=True, frozen=True)
class Settings:
    model: str = "builtin"             # builtin, a checkpoint directory, or the base URL of a FIM API
    remote_model: str = ""             # with a URL: the `model` field of each request
    remote_api: str = "auto"           # with a URL: auto, openai-completions, fim, llama-infill, chat (model/remote.py)
    remote_api_key_env: str = ""       # with a URL: the environment variable holding its API key
    device: str = "auto"               # auto, cpu, cuda
    steps: int = 8                     # denoising steps per fill
    sampler: str = "threshold"         # one of model.sampler.STRATEGIES
    threshold: float = 0.9
    max_tokens: int = 64               # cap on one fill's tokens
    candidates: int = 1                # inline completion items, 1-3: the best-scored distinct candidates
    hole_marker: str = "<|fill|>"
    enabled_languages: list[str] = field(default_factory=lambda: [spec.name for spec in LANGUAGES])
    context_tokens: int = 512          # the most surrounding code the model sees (its train_window caps fills)
    syntax_rounds: int = 1
    cache: str = "reuse"               # none, prefix, dual, reuse: keep the context's keys/values between steps
                                       # (reuse: also between candidate lengths and between keystrokes)
    ghost_lengths: int = 2             # ghost text: candidate lengths decoded side by side (more: slower)
    ghost_context_tokens: int = 1024   # ghost text: the most surrounding code the model sees
    ghost_max_tokens: int = 32         # ghost text: cap on one suggestion's tokens (a few lines)
    ghost_debounce_ms: int = 50        # keystrokes closer than this: wait for a pause before running the model
    # Ghost text stops at its first token the model is less sure of than this (0 shows all); None: the built-in
    # model's threshold calibrated for the language (GHOST_CONFIDENCE_BY_LANGUAGE), DEFAULT_GHOST_CONFIDENCE otherwise.
    ghost_min_confidence: float | None = None
    # Ghost text copied from elsewhere in the document is shown when the model's geometric-mean probability of its
    # tokens reaches this (1 never); None: calibrated as above (LOOKUP_CONFIDENCE_BY_LANGUAGE).
    ghost_lookup_confidence: float | None = None
    threads: int = 0                   # CPU threads for the model; 0: torch's default (the physical cores)
    max_document_bytes: int = 1_000_000
    progress_delay_ms: int = 300       # jobs running longer than this report $/progress
    # Definitions from other files of the workspace (infill/workspace), read before the file by local models.
    workspace_context: bool = True
    workspace_context_tokens: int = 256  # the most of a canvas they take
    workspace_max_files: int = 20_000    # source files the workspace index reads at most
    # Ghost text copied from a line of a related workspace file is shown when the model's geometric-mean probability
    # of it reaches this (1 never): such a copy is right less often than one from the file itself.
    workspace_draft_confidence: float = 0.05
    # Also send them to a remote API: workspace code then leaves this machine (off unless the user turns it on).
    remote_workspace_context: bool = False

    def infill_options(self, mode: str = "fill", instruction: str | None = None) -> InfillOptions:
        sampler = SamplerOptions(steps=self.steps, strategy=self.sampler, threshold=self.threshold, cache=self.cache)
        return InfillOptions(sampler=sampler, syntax_rounds=self.syntax_rounds, max_fill_tokens=self.max_tokens,
                             context_tokens=self.context_tokens, mode=mode, instruction=instruction)

    def check(self) -> None:
        """Raise ValueError naming the first invalid value."""
        if self.remote_api not in REMOTE_APIS:
            raise ValueError(f"remoteApi must be one of {', '.join(REMOTE_APIS)}")
        if self.cache not in CACHE_MODES:
            raise ValueError(f"cache must be one of {', '.join(CACHE_MODES)}")
        if self.sampler not in STRATEGIES:
            raise ValueError(f"sampler must be one of {', '.join(STRATEGIES)}")
        if self.device not in ("auto", "cpu", "cuda") and not self.device.startswith("cuda:"):
            raise ValueError("device must be auto, cpu or cuda")
        if not 1 <= self.steps <= 256:
            raise ValueError("steps must be between 1 and 256")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        if not 1 <= self.max_tokens <= 1024:
            raise ValueError("maxTokens must be between 1 and 1024")
        if not 1 <= self.candidates <= 3:
            raise ValueError("candidates must be 1, 2 or 3")
        if not self.hole_marker.strip():
            raise ValueError("holeMarker must not be blank")
        if not 64 <= self.context_tokens <= 32768:
            raise ValueError("contextTokens must be between 64 and 32768")
        if not 1 <= self.ghost_lengths <= 6:
            raise ValueError("ghostLengths must be between 1 and 6")
        if not 1 <= self.ghost_max_tokens <= 1024:
            raise ValueError("ghostMaxTokens must be between 1 and 1024")
        if self.ghost_min_confidence is not None and not 0.0 <= self.ghost_min_confidence < 1.0:
            raise ValueError("ghostMinConfidence must be in [0, 1), or null for the calibrated thresholds")
        if self.ghost_lookup_confidence is not None and not 0.0 <= self.ghost_lookup_confidence <= 1.0:
            raise ValueError("ghostLookupConfidence must be in [0, 1], or null for the calibrated thresholds")
        if not 0 <= self.ghost_debounce_ms <= 2000:
            raise ValueError("ghostDebounceMs must be between 0 and 2000")
        if not 64 <= self.ghost_context_tokens <= 32768:
            raise ValueError("ghostContextTokens must be between 64 and 32768")
        if not 0 <= self.threads <= 256:
            raise ValueError("threads must be between 0 and 256")
        if not 0 <= self.syntax_rounds <= 8:
            raise ValueError("syntaxRounds must be between 0 and 8")
        if not 0 <= self.progress_delay_ms <= 60_000:
            raise ValueError("progressDelayMs must be between 0 and 60000")
        if not 0 <= self.workspace_context_tokens <= 8192:
            raise ValueError("workspaceContextTokens must be between 0 and 8192")
        if not 0.0 <= self.workspace_draft_confidence <= 1.0:
            raise ValueError("workspaceDraftConfidence must be in [0, 1]")
        if not 0 <= self.workspace_max_files <= 1_000_000:
            raise ValueError("workspaceMaxFiles must be between 0 and 1000000")
        if not self.model.strip():
            raise ValueError("model must not be empty")


def _calibrated(setting: float | None, model: str, language: str, by_language: dict, default: float) -> float:
    """The setting when set, else the built-in model's calibrated value for `language`, else the default."""
    if setting is not None:
        return setting
    return by_language.get(language, default) if model == "builtin" else default


def ghost_threshold(settings: Settings, language: str) -> float:
    """The confidence ghost text must have in `language`: the setting, else the calibrated threshold."""
    return _calibrated(settings.ghost_min_confidence, settings.model, language, GHOST_CONFIDENCE_BY_LANGUAGE,
                       DEFAULT_GHOST_CONFIDENCE)


def lookup_threshold(settings: Settings, language: str) -> float:
    """How sure the model must be of a draft copied from the document in `language` (1: never shown)."""
    return _calibrated(settings.ghost_lookup_confidence, settings.model, language, LOOKUP_CONFIDENCE_BY_LANGUAGE,
                       DEFAULT_LOOKUP_CONFIDENCE)


def ghost_silent(settings: Settings, language: str) -> bool:
    """Calibrated: neither this model's own ghost text nor drafts it checks are right often enough in `language`."""
    return ghost_threshold(settings, language) >= 1.0 and lookup_threshold(settings, language) >= 1.0


def ghost_options(settings: Settings, language: str) -> InfillOptions:
    """What a ghost-text request asks of the engine: the rest of the line (or a block) at the cursor, few candidate
    lengths, the whole context, cut where the model stops being sure and cut back where it breaks the file."""
    options = settings.infill_options("fill")
    threshold = ghost_threshold(settings, language)
    # No syntax rounds: a fill that breaks the file is cut back to the part that does not, and re-denoising the
    # broken rest changed no shown suggestion on the calibration files (docs/ghost-text.md). A row left unsure
    # stops decoding: its unsure tokens would be cut anyway.
    return replace(options, sampler=replace(options.sampler, settle_below=threshold), syntax_rounds=0,
                   candidates=settings.candidates, cut_back=True,
                   max_lengths=settings.ghost_lengths, context_tokens=settings.ghost_context_tokens,
                   max_fill_tokens=settings.ghost_max_tokens, keep_to_train_window=False,
                   min_confidence=threshold, lookup_confidence=lookup_threshold(settings, language))


def backend_settings(settings: Settings) -> tuple:
    """The settings that choose the backend: a change reloads the model."""
    return (settings.model, settings.device, settings.remote_model, settings.remote_api, settings.remote_api_key_env,
            settings.threads)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def settings_section(raw) -> dict:
    """Accept `{...}` or `{"diffusion": {...}}` / `{"diffusionLsp": {...}}`, camelCase or snake_case keys."""
    if not isinstance(raw, dict):
        return {}
    for key in ("diffusion", "diffusionLsp", "diffusion_lsp", "diffusion-lsp"):
        if isinstance(raw.get(key), dict):
            raw = raw[key]
    return {_snake(k): v for k, v in raw.items()}


# Editor-side keys in the same section (how the VS Code extension starts the server): not the server's business.
CLIENT_ONLY = frozenset({"server"})


def apply_settings(current: Settings, raw) -> tuple[Settings, list[str]]:
    """New settings from `raw`; each bad or unknown key is skipped with a warning and keeps its old value."""
    known = {f.name for f in fields(Settings)}
    warnings, result = [], current
    for key, value in settings_section(raw).items():
        if key in CLIENT_ONLY:
            continue
        if key not in known:
            warnings.append(f"unknown setting {key!r} ignored")
            continue
        try:
            candidate = _converter.structure({**_converter.unstructure(result), key: value}, Settings)
            candidate.check()
        except (ValueError, TypeError, cattrs.BaseValidationError) as exc:
            reason = exc.exceptions[0] if isinstance(exc, cattrs.BaseValidationError) and exc.exceptions else exc
            warnings.append(f"invalid setting {key}={value!r} ({reason}); keeping {getattr(result, key)!r}")
            continue
        result = replace(result, **{key: getattr(candidate, key)})
    return result, warnings
