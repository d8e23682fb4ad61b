"""Choosing ghostMinConfidence and ghostLookupConfidence on the calibration split: the same ghost-text request the
server makes, in process, at each threshold; the default is the threshold that saves the most characters while at
least PRECISION_FLOOR of what is shown is right. The model's own threshold is chosen first (drafts off), then the
drafts' with it in place: a draft the model is sure enough of is shown instead of the model's own suggestion."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from tqdm import tqdm

from infill import LANGUAGES, Document, language_for_path, run_infill, select_cursor

from ..conversions import inline_item
from ..settings import Settings, ghost_options
from .replay import SpotResult, _offset, summarize
from .spots import line_after, score, spots_in

THRESHOLDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
LOOKUP_THRESHOLDS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
PRECISION_FLOOR = 0.4
# The drafts' own figures: every draft shown, each with its score (a threshold of 0 would not ask the model).
ANY_SCORED = 1e-9
MIN_SHOWN = 5  # a precision measured on fewer shown suggestions than this says nothing


def suggestion_at(denoiser, spot, full: str, threshold: float, settings: Settings,
                  lookup: float = 1.0) -> tuple[str, str | None, float]:
    """(insert text, the spot's line once accepted, its confidence) of the server's first ghost-text item, or
    ("", None, 0). `threshold` 1 runs only the document's draft."""
    text = spot.document_text(full)
    doc = Document(text, language_for_path(spot.path))
    cursor = _offset(text, spot.line, spot.column)
    options = replace(ghost_options(settings, doc.language.name), min_confidence=threshold, lookup_confidence=lookup,
                      context_key=str(spot.path))
    result = run_infill(denoiser, doc, [select_cursor(doc, cursor)], options)
    for candidate in result.candidates:
        if candidate.accepted and inline_item(doc, candidate.fills[0], "utf-16") is not None:
            fill = candidate.fills[0]
            return fill.text, line_after(spot, text, fill.start, fill.end, fill.text), candidate.confidence
    return "", None, 0.0


def sweep(denoiser, paths_by_language: dict[str, list[Path]], spots_per_file: int, seed: int,
          thresholds=THRESHOLDS, lookups=LOOKUP_THRESHOLDS) -> dict:
    """Per threshold: the typing figures per language and pooled (latency is not measured here); then per draft
    threshold, with each language's chosen model threshold."""
    settings = Settings()
    comments = {spec.name: spec.line_comment for spec in LANGUAGES}
    by_threshold = {t: {} for t in thresholds}
    by_lookup = {t: {} for t in lookups}
    chosen = {}
    for language, paths in paths_by_language.items():
        spots = [(p, s) for p in paths for s in spots_in(p, spots_per_file, seed)]
        texts = {p: p.read_text(encoding="utf-8") for p in paths}
        results = {t: [] for t in thresholds}
        drafts = []
        for path, spot in tqdm(spots, desc=f"calibrating {language}", unit="spot", file=sys.stderr):
            for t in thresholds:
                insert, line, _ = suggestion_at(denoiser, spot, texts[path], t, settings)
                results[t].append(SpotResult(spot, insert, score(spot, line, insert, comments[language]), 0.0))
            insert, line, sure = suggestion_at(denoiser, spot, texts[path], 1.0, settings, lookup=ANY_SCORED)
            drafts.append((SpotResult(spot, insert, score(spot, line, insert, comments[language]), 0.0), sure))
        for t in thresholds:
            by_threshold[t][language] = results[t]
        own = {t: {language: _figures(rs)} for t, rs in results.items()}
        chosen[language] = choose([{"threshold": t, **own[t]} for t in thresholds], language)
        fallback = results.get(chosen[language]) or [SpotResult(s, "", score(s, None, "", ""), 0.0) for _, s in spots]
        for t in lookups:  # a draft at least this sure is shown; elsewhere the model's own suggestion
            by_lookup[t][language] = [d if d.score.shown and sure >= t and t < 1.0 else own_result
                                      for (d, sure), own_result in zip(drafts, fallback)]
    table, lookup_table = _tables(by_threshold), _tables(by_lookup)
    languages = list(paths_by_language)
    return {"thresholds": table, "chosen": choose(table), "precision_floor": PRECISION_FLOOR,
            "chosen_per_language": chosen, "lookup_thresholds": lookup_table,
            "chosen_lookup_per_language": {language: choose(lookup_table, language) for language in languages}}


def _tables(by_threshold: dict) -> list[dict]:
    table = []
    for t, per_language in by_threshold.items():
        pooled = [r for rs in per_language.values() for r in rs]
        row = {"threshold": t, "all": _figures(pooled)}
        row.update({language: _figures(rs) for language, rs in per_language.items()})
        table.append(row)
    return table


def _figures(results: list[SpotResult]) -> dict:
    summary = summarize(results, [])
    return {k: summary[k] for k in ("spots", "shown", "useful", "precision", "whole_rest_of_line",
                                    "chars_saved_whole", "chars_saved_words", "comments_where_code_is_typed")}


def choose(table: list[dict], language: str = "all") -> float:
    """The threshold saving the most characters with precision at or above the floor (on at least MIN_SHOWN shown
    suggestions); 1.0 (show nothing) when no threshold gets there: a suggestion that is usually wrong costs more
    than it saves."""
    ok = [row for row in table if (row[language]["precision"] or 0) >= PRECISION_FLOOR
          and row[language]["shown"] * row[language]["spots"] >= MIN_SHOWN]
    if not ok:
        return 1.0
    # Equal savings: the more precise threshold (the same help, less to read that is wrong).
    return max(ok, key=lambda row: (row[language]["chars_saved_whole"], row[language]["precision"]))["threshold"]
