"""Training files drawn by language: a small model learns the languages it is shown, so the mix is a choice."""

from __future__ import annotations

import random


class MixtureError(ValueError):
    """A language mix that cannot be drawn (the CLI shows it as one line)."""


def parse_weights(spec: str) -> dict[str, float]:
    """'python=6,c=1,cpp=1' -> {'python': 6.0, 'c': 1.0, 'cpp': 1.0}; languages not named are left out."""
    weights = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, value = part.partition("=")
        try:
            weight = float(value)
        except ValueError:
            weight = -1.0
        if not sep or not name.strip() or weight < 0:
            raise MixtureError(f"language weight {part!r} is not NAME=WEIGHT (a number >= 0)")
        weights[name.strip()] = weight
    return weights


class LanguageMixture:
    """Pick a language by its weight, then a file of it uniformly."""

    def __init__(self, records: list[tuple[str, str]], weights: dict[str, float]):
        by_language: dict[str, list[str]] = {}
        for text, language in records:
            by_language.setdefault(language, []).append(text)
        missing = sorted(set(weights) - set(by_language))
        if missing:
            raise MixtureError(f"no files of {', '.join(missing)} in the corpus (it has {', '.join(sorted(by_language))})")
        self.languages = [name for name, weight in weights.items() if weight > 0]
        if not self.languages:
            raise MixtureError("every language weighs 0")
        self.weights = [weights[name] for name in self.languages]
        self.texts = {name: by_language[name] for name in self.languages}

    def choice(self, rng: random.Random) -> str:
        language = rng.choices(self.languages, weights=self.weights)[0]
        return rng.choice(self.texts[language])

    def sample(self, count: int, seed: int) -> list[str]:
        """`count` files drawn by the mix, the same ones for the same seed (validation)."""
        rng = random.Random(seed)
        return [self.choice(rng) for _ in range(count)]

    def describe(self) -> str:
        total = sum(self.weights)
        return " ".join(f"{name} {weight / total:.0%}" for name, weight in zip(self.languages, self.weights))
