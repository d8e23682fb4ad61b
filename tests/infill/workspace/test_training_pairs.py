"""Context training pairs: a file's window with the definitions the server would put ahead of it."""

import json

from infill.workspace.training_pairs import context_pairs, write_context_corpus

BASE = 'def get_stats(ids, counts=None):\n    """Count pairs."""\n    return {}\n\n\ndef merge(ids, pair, idx):\n    return ids\n'
MAIN = "from .base import get_stats, merge\n\n\ndef train(text):\n    ids = list(text)\n" + \
    "".join(f"    stats = get_stats(ids)\n    ids = merge(ids, {i}, {i})\n" for i in range(8)) + "    return ids\n"


def _package(root):
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "base.py").write_text(BASE)
    (root / "pkg" / "main.py").write_text(MAIN)
    return root


def _mit(root):
    (root / "LICENSE").write_text("MIT License\n\nPermission is hereby granted, free of charge, to any person\n")
    return root


def test_a_window_comes_with_the_definitions_of_what_its_file_imports(tmp_path):
    pairs = context_pairs(_package(tmp_path / "one"), per_file=3, seed=0)
    mine = [p for p in pairs if p["path"] == "pkg/main.py"]
    assert mine and all(p["context"].startswith("# pkg/base.py\n") and "def get_stats(ids, counts=None): ..." in p["context"]
                        for p in mine)
    assert all(p["text"] in MAIN and p["language"] == "python" and p["package"] == "one" for p in mine)
    assert not [p for p in pairs if p["path"] == "pkg/base.py"], "a file that imports nothing has no context"


def test_the_corpus_holds_whole_packages_out_for_validation(tmp_path):
    from model.training.licenses import package_root_licence
    roots = [_mit(_package(tmp_path / name)) for name in ("one", "two", "three", "four")]
    counts = write_context_corpus(roots, tmp_path / "corpus", per_file=2, val_share=0.25, seed=0,
                                  licence_of=package_root_licence)
    train = [json.loads(line) for line in (tmp_path / "corpus" / "train.jsonl").read_text().splitlines()]
    val = [json.loads(line) for line in (tmp_path / "corpus" / "val.jsonl").read_text().splitlines()]
    assert counts["train"] == len(train) and counts["val"] == len(val) and val and train
    assert not {p["package"] for p in train} & {p["package"] for p in val}


def test_only_permissively_licensed_packages_go_in_and_the_manifest_says_which(tmp_path):
    from model.training.licenses import package_root_licence as root_licence
    site = tmp_path / "site-packages"
    free, mpl = _package(site / "free"), _package(site / "mpl")
    for root, licence in ((free, "License: Apache 2.0 License"), (mpl, "License-Expression: MPL-2.0")):
        info = site / f"{root.name}-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Name: {root.name}\n{licence}\n")
        (info / "RECORD").write_text(f"{root.name}/pkg/base.py,,\n")
    assert root_licence(free) == "Apache-2.0" and root_licence(mpl) is None
    counts = write_context_corpus([free, mpl], tmp_path / "corpus", per_file=2, val_share=0.0, seed=0,
                                  licence_of=root_licence)
    manifest = json.loads((tmp_path / "corpus" / "manifest.json").read_text())
    assert counts["dropped_packages"] == 1 and manifest["sources"] == [{"name": "free", "version": "", "license": "Apache-2.0"}]
    rows = (tmp_path / "corpus" / "train.jsonl").read_text() + (tmp_path / "corpus" / "val.jsonl").read_text()
    assert '"package": "mpl"' not in rows and '"package": "free"' in rows
