"""Edits never touch text outside the requested span: random selections in nine languages through a real server,
the returned edits applied as a client applies them (UTF-16 positions), the text outside compared."""

from __future__ import annotations

import random

from .language_samples import SOURCES
from .raw_client import RawServer

NOISE = ["é", "日本", "😀", "\t", "x = 1", "# ü", "\n", "{", "}", "(", "'"]
LANGUAGE_IDS = {"tsx": "typescriptreact", "cpp": "cpp"}


def _utf16_position(text: str, offset: int) -> dict:
    line = text.count("\n", 0, offset)
    start = text.rfind("\n", 0, offset) + 1
    return {"line": line, "character": len(text[start:offset].encode("utf-16-le")) // 2}


def _utf16_offset(text: str, position: dict) -> int:
    lines = text.split("\n")
    offset = sum(len(line) + 1 for line in lines[:position["line"]])
    units, line = 0, lines[position["line"]]
    for i, ch in enumerate(line):
        if units >= position["character"]:
            return offset + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return offset + len(line)


def apply_edits(text: str, edits: list[dict]) -> tuple[str, list[tuple[int, int]]]:
    """The text after the edits (as a client applies them), and each edit's (start, end) in the old text."""
    ranges = [(_utf16_offset(text, e["range"]["start"]), _utf16_offset(text, e["range"]["end"])) for e in edits]
    for (start, end), edit in sorted(zip(ranges, edits), key=lambda pair: pair[0][0], reverse=True):
        text = text[:start] + edit["newText"] + text[end:]
    return text, ranges


def _random_case(rng: random.Random) -> tuple[str, str, str]:
    language = rng.choice(sorted(SOURCES))
    name, text = SOURCES[language]
    chars = list(text)
    for _ in range(rng.randint(0, 5)):  # non-ASCII and broken syntax in random places
        chars.insert(rng.randint(0, len(chars)), rng.choice(NOISE))
    return language, name, "".join(chars)


def edits_outside_spans(model: str, cases: int = 1000, seed: int = 0, progress=None) -> dict:
    """Random selections: "Fill selection" or "Polish selection" resolved, edits applied, outside compared."""
    rng = random.Random(seed)
    server = RawServer(model, {"steps": 2, "maxTokens": 8, "syntaxRounds": 0})
    counts = {"cases": 0, "edits": 0, "edits_outside": 0, "texts_changed_outside": 0, "errors": 0, "languages": set()}
    try:
        for case in range(cases):
            language, name, text = _random_case(rng)
            uri = f"file:///reliability/case{case}/{name}"
            server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": LANGUAGE_IDS.get(language, language),
                                                                    "version": 1, "text": text}})
            start = rng.randrange(len(text))
            end = rng.randint(start + 1, min(len(text), start + 40))
            while end < len(text) and 0xDC00 <= ord(text[end]) <= 0xDFFF:
                end += 1
            selection = {"start": _utf16_position(text, start), "end": _utf16_position(text, end)}
            actions = server.request("textDocument/codeAction", {"textDocument": {"uri": uri}, "range": selection,
                                                                 "context": {"diagnostics": []}}).get("result") or []
            chosen = [a for a in actions if a["data"]["action"] in ("fill", "polish")]
            if chosen:
                answer = server.request("codeAction/resolve", rng.choice(chosen), timeout=120)
                edit = (answer.get("result") or {}).get("edit")
                counts["errors"] += "error" in answer
                if edit:
                    edits = [e for change in edit["documentChanges"] for e in change["edits"]]
                    new, ranges = apply_edits(text, edits)
                    counts["edits"] += len(edits)
                    counts["edits_outside"] += sum(1 for a, b in ranges if a < start or b > end)
                    tail = len(text) - end
                    counts["texts_changed_outside"] += not (new.startswith(text[:start]) and new.endswith(text[end:])
                                                            and len(new) - tail >= start)
            server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
            counts["cases"] += 1
            counts["languages"].add(language)
            if progress:
                progress(1)
    finally:
        server.close()
    counts["languages"] = sorted(counts["languages"])
    return counts
