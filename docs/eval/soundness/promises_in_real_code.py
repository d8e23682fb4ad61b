"""How often real code breaks what the docstring-promise rule holds fills to (infill/checks/python/promises.py): every
function of whole files whose docstring promises a value, and those whose body never gives one back (each would be
refused if a fill that finishes it gave that body back). Prints JSON.
Run: `python docs/eval/soundness/promises_in_real_code.py /usr/lib/python3.11 runs/corpus-v2/val.jsonl ...`
(folders of .py files, or corpus .jsonl files whose Python records are read). With `--places F.json` (an earlier
run's output) only the functions F lists are checked again: for a narrower rule, which can only flag fewer."""

import ast
import json
import sys

from tqdm import tqdm

from infill.checks.python.promises import FUNCTIONS, breaks_its_promise, promises_a_value

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from assignments_in_real_code import sources  # noqa: E402  (the same files, read the same way)


def main() -> None:
    args, places = sys.argv[1:], None
    if args[:1] == ["--places"]:
        places = {}
        for where in json.load(open(args[1]))["where"]:
            name, rest = where.rsplit(":", 1)
            places.setdefault(name, set()).add(int(rest.split()[0]))
        args = args[2:]
    files = lines = functions = promising = 0
    broken = []
    for name, text in tqdm(sources(args), desc="files", unit="file", file=sys.stderr):
        if places is not None and name not in places:
            continue
        files, lines = files + 1, lines + text.count("\n")
        if "return" not in text:  # no docstring here can promise anything
            continue
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, FUNCTIONS) and (places is None or node.lineno in places[name]):
                functions += 1
                promising += promises_a_value(node)
                if breaks_its_promise(node):
                    broken.append(f"{name}:{node.lineno} {node.name}")
    print(json.dumps({"files": files, "lines": lines, "functions": functions, "promising": promising,
                      "broken": len(broken), "where": sorted(broken)}, indent=1))


if __name__ == "__main__":
    main()
