"""Choosing ghostMinConfidence on the calibration split: the same ghost-text request the server makes, in process,
at each threshold; the default is the threshold that saves the most characters while at least PRECISION_FLOOR of
what is shown is right."""

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
PRECISION_FLOOR = 0.4
MIN_SHOWN = 5  # a precision measured on fewer shown suggestions than this says nothing


def suggestion_at(denoiser, spot, full: str, threshold: float, settings: Settings) -> tuple[str, str | None]:
    """(insert text, the spot's line once accepted) of the server's first ghost-text item, or ("", None)."""
    text = spot.document_text(full)
    doc = Document(text, language_for_path(spot.path))
    cursor = _offset(text, spot.line, spot.column)
    options = replace(ghost_options(settings, doc.language.name), min_confidence=threshold, context_key=str(spot.path))
    result = run_infill(denoiser, doc, [select_cursor(doc, cursor)], options)
    for candidate in result.candidates:
        if candidate.accepted and inline_item(doc, candidate.fills[0], "utf-16") is not None:
            fill = candidate.fills[0]
            return fill.text, line_after(spot, text, fill.start, fill.end, fill.text)
    return "", None


def sweep(denoiser, paths_by_language: dict[str, list[Path]], spots_per_file: int, seed: int,
          thresholds=THRESHOLDS) -> dict:
    """Per threshold: the typing figures per language and pooled (latency is not measured here)."""
    settings = Settings()
    comments = {spec.name: spec.line_comment for spec in LANGUAGES}
    by_threshold = {t: {} for t in thresholds}
    for language, paths in paths_by_language.items():
        spots = [(p, s) for p in paths for s in spots_in(p, spots_per_file, seed)]
        texts = {p: p.read_text(encoding="utf-8") for p in paths}
        results = {t: [] for t in thresholds}
        for path, spot in tqdm(spots, desc=f"calibrating {language}", unit="spot", file=sys.stderr):
            for t in thresholds:
                insert, line = suggestion_at(denoiser, spot, texts[path], t, settings)
                results[t].append(SpotResult(spot, insert, score(spot, line, insert, comments[language]), 0.0))
        for t in thresholds:
            by_threshold[t][language] = results[t]
    table = []
    for t in thresholds:
        pooled = [r for rs in by_threshold[t].values() for r in rs]
        row = {"threshold": t, "all": _figures(pooled)}
        row.update({language: _figures(rs) for language, rs in by_threshold[t].items()})
        table.append(row)
    languages = list(paths_by_language)
    return {"thresholds": table, "chosen": choose(table), "precision_floor": PRECISION_FLOOR,
            "chosen_per_language": {language: choose(table, language) for language in languages}}


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
