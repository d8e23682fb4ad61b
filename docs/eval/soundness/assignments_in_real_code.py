"""How often real code holds what the `x = x` and repeated-assignment rules flag (infill/checks/python/pointless.py):
every function-level self-assignment (not alone in an `if`/`else` block) and every plain assignment written twice
in a row, over whole files. A fill that gave such a line back would be refused. Prints JSON.
Run: `python docs/eval/soundness/assignments_in_real_code.py /usr/lib/python3.11 runs/corpus-v2/val.jsonl ...`
(folders of .py files, or corpus .jsonl files whose Python records are read)."""

import ast
import json
import re
import sys
from pathlib import Path

from infill.checks.python.pointless import repeated_assignments_under, self_assignments_of

# Cheap filters first: only files with a line like `a = a` or two equal lines in a row are parsed.
SELF = re.compile(r"^\s*([\w, ]+?)\s*=\s*\1\s*(#.*)?$", re.M)
REPEAT = re.compile(r"^([ \t]*\S[^\n]*)\n\1$", re.M)


def sources(places: list[str]):
    for place in places:
        if place.endswith(".jsonl"):
            for line in open(place, encoding="utf-8"):
                if '.py", "text"' in line[:400]:
                    record = json.loads(line)
                    if record["name"].endswith(".py"):
                        yield record["name"], record["text"]
            continue
        for path in Path(place).rglob("*.py"):
            try:
                yield str(path), path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                pass


def flagged_lines(tree: ast.Module):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield from (("self-assignment", n.lineno) for n in self_assignments_of(node))
        yield from (("repeated assignment", n.lineno) for n in repeated_assignments_under(node))


def main() -> None:
    files = lines = 0
    found = []
    for name, text in sources(sys.argv[1:]):
        files, lines = files + 1, lines + text.count("\n")
        if SELF.search(text) or REPEAT.search(text):
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError):
                continue
            found += [f"{kind} {name}:{line}" for kind, line in flagged_lines(tree)]
    found = sorted(set(found))
    print(json.dumps({"files": files, "lines": lines, "flagged": len(found), "where": found}, indent=1))


if __name__ == "__main__":
    main()
