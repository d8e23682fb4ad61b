"""How often real comments and strings hold a word the stutter check (infill/checks/stutters.py) would flag in a fill: a
piece of three or more characters, with two different letters, said three or more times in a row. Nothing of a file is exempted
(a fill's own check exempts words the file already holds), so this bounds the check's false refusals from above.
Run: `python docs/eval/soundness/prose_stutters_in_real_code.py FOLDER... [--files N]`; prints JSON."""

import argparse
import collections
import json
from pathlib import Path

from tqdm import tqdm

from infill.source.document import Document
from infill.errors import InfillError
from infill.source.languages import language_for_path
from infill.checks.stutters import identifier_leaves, prose_stutter, prose_words
from infill.source.syntax import spliced_tree


def source_files(folders: list[Path], limit: int) -> list[Path]:
    """Up to `limit` files per folder that a supported language reads, sorted for a fixed sample."""
    found = []
    for folder in folders:
        mine = []
        for path in sorted(folder.rglob("*")):
            if len(mine) >= limit:
                break
            try:
                language_for_path(path)
            except InfillError:
                continue
            if path.is_file():
                mine.append(path)
        found += mine
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--files", type=int, default=2000, help="files per folder")
    args = parser.parse_args()
    words, flagged, examples = collections.Counter(), collections.Counter(), collections.defaultdict(collections.Counter)
    files = source_files(args.folders, args.files)
    for path in tqdm(files, unit="file"):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        spec = language_for_path(path)
        try:
            tree = spliced_tree(Document(text, spec), [])[2]
        except InfillError:  # larger than the server opens
            continue
        for node in identifier_leaves(tree, 0, tree.root_node.end_byte, prose=True):
            if node.type.endswith("identifier"):
                continue
            for _, _, word in prose_words(node, 0, tree.root_node.end_byte):
                words[spec.name] += 1
                if prose_stutter(word):
                    flagged[spec.name] += 1
                    examples[spec.name][word[:40]] += 1
    print(json.dumps({"folders": [str(f) for f in args.folders], "files": len(files),
                      "prose_words": dict(words), "flagged": dict(flagged),
                      "rate": {k: round(flagged[k] / words[k], 8) for k in words},
                      "examples": {k: dict(v.most_common(15)) for k, v in examples.items()}}))


if __name__ == "__main__":
    main()
