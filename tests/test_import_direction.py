"""The layers import one way: lsp_server -> infill -> model; inside infill, rooms import only rooms below them."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("lsp_server", "infill", "model")
LAYER = {"lsp_server": 2, "infill": 1, "model": 0}
# Inside infill, lowest first: a module may import its own room and the rooms below it.
DATA = ("samples", "data")  # source files the benchmarks and evaluations fill in, not modules
ROOM = {"task": 0, "errors": 0, "source": 1, "checks": 2, "workspace": 2, "decode": 3, "engine": 4, "remote_fill": 4, "next_edit": 4, "local_edits": 4,
        "__init__": 5, "evaluation": 6}


def our_modules(package: str) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if not set(p.relative_to(ROOT).parts) & set(DATA))


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts)  # a package's own module keeps its `.__init__`


def imports_of(path: Path, module: str) -> list[str]:
    """Every module of ours that `path` (module `module`) imports, lazy imports inside functions too, as absolute
    names."""
    package = module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            name = ".".join(base + ([node.module] if node.module else []))
            found.append(name)
            if not node.module:  # `from .. import x` may name a submodule
                found += [f"{name}.{alias.name}" for alias in node.names]
    return [name for name in found if name.split(".")[0] in PACKAGES]


def infill_room(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def wrong_arrow(source: str, target: str) -> str | None:
    """Why `source` may not import `target`, or None when the arrow runs the right way."""
    layer = source.split(".")[0]
    if LAYER[target.split(".")[0]] > LAYER[layer]:
        return "a lower layer imports a higher one"
    if target.startswith("model.training") and not source.startswith(("model.training", "lsp_server.cli")):
        return "training is imported only by itself and the command line"
    if layer == "infill" and target.startswith("infill"):
        if ROOM.get(infill_room(target), ROOM["__init__"]) > ROOM[infill_room(source)]:
            return "a lower room of infill imports a higher one"
    return None


def wrong_arrows() -> list[str]:
    wrong = []
    for package in PACKAGES:
        for path in our_modules(package):
            source = module_name(path)
            for target in imports_of(path, source):
                why = wrong_arrow(source, target)
                if why:
                    wrong.append(f"{source} -> {target} ({why})")
    return wrong


def test_imports_run_one_way():
    assert wrong_arrows() == []


def test_every_infill_module_is_in_a_known_room():
    rooms = {infill_room(module_name(p)) for p in our_modules("infill")}
    assert rooms <= set(ROOM), sorted(rooms - set(ROOM))


def test_the_check_sees_wrong_arrows(tmp_path):
    """Relative imports are resolved, lazy ones found: a check reaching up into decode, the model into infill."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from ..decode.drafts import Draft\n", encoding="utf-8")
    assert imports_of(probe, "infill.checks.probe") == ["infill.decode.drafts"]
    assert wrong_arrow("infill.checks.probe", "infill.decode.drafts")
    assert wrong_arrow("infill.source.document", "infill.evaluation.harness")
    assert wrong_arrow("model.sampler", "infill.task")
    assert wrong_arrow("infill.engine", "lsp_server.settings")
    assert wrong_arrow("infill.engine", "model.training.train")
    assert wrong_arrow("lsp_server.cli.train", "model.training.train") is None
    assert wrong_arrow("infill.evaluation.harness", "infill.engine") is None
