"""Markdown tables for docs/ghost-text.md from `eval typing` reports.

    python docs/eval/typing/tables.py docs/eval/typing/calibration.json docs/eval/typing/evaluation.json
"""

from __future__ import annotations

import json
import sys


def pct(x) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def calibration_table(report: dict, key: str = "thresholds", chosen_key: str = "chosen_per_language") -> str:
    languages = [k for k in report[key][0] if k not in ("threshold", "all")]
    head = "| threshold | " + " | ".join(f"{lang}: shown / precision / saved" for lang in languages) + " |"
    rows = [head, "|---" * (len(languages) + 1) + "|"]
    for row in report[key]:
        cells = [f"{pct(row[lang]['shown'])} / {pct(row[lang]['precision'])} / {pct(row[lang]['chars_saved_whole'])}"
                 for lang in languages]
        rows.append(f"| {row['threshold']:g} | " + " | ".join(cells) + " |")
    spots = ", ".join(f"{lang} {report[key][0][lang]['spots']}" for lang in languages)
    chosen = ", ".join(f"{lang} {t:g}" for lang, t in report[chosen_key].items())
    return "\n".join(rows) + f"\n\nSpots: {spots}. Chosen (floor {pct(report['precision_floor'])}): {chosen}."


def evaluation_table(report: dict) -> str:
    head = ("| language | policy | shown | useful | precision | whole rest of line | saved (accept all) | "
            "saved (word by word) | lone comments in code | latency p50 / p95 | first in a new file |")
    rows = [head, "|---" * 11 + "|"]
    for lang, arms in report["languages"].items():
        for arm, f in arms.items():
            rows.append(f"| {lang} | {arm} | {pct(f['shown'])} | {pct(f['useful'])} | {pct(f['precision'])} | "
                        f"{pct(f['whole_rest_of_line'])} | {pct(f['chars_saved_whole'])} | {pct(f['chars_saved_words'])} | "
                        f"{f['comments_where_code_is_typed']} | {f['latency_p50_ms']} / {f['latency_p95_ms']} ms | "
                        f"{f['first_in_new_file_p50_ms']} ms |")
    spots = {lang: next(iter(arms.values()))["spots"] for lang, arms in report["languages"].items()}
    return "\n".join(rows) + "\n\nSpots per language: " + ", ".join(f"{k} {v}" for k, v in spots.items()) + "."


if __name__ == "__main__":
    for path in sys.argv[1:]:
        report = json.load(open(path))
        if "thresholds" in report:
            print(calibration_table(report))
            if "lookup_thresholds" in report:
                print()
                print(calibration_table(report, "lookup_thresholds", "chosen_lookup_per_language"))
        else:
            print(evaluation_table(report))
        print()
