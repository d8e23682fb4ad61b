"""Context for one request from the workspace index: the definitions of what the file imports (resolved through the
language's imports where possible) and of its package's other files, ranked by the names used around the cursor,
then code like the lines above the cursor from other open files; all within a character budget."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from .index import WorkspaceIndex
from .symbols import CLASS, CONSTANT, TYPE, Definition, FileSymbols, Import

IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")
AROUND_LINES = 40        # lines around the cursor whose names rank definitions
SIMILAR_LINES = 12       # the size of a window of similar code
MAX_PER_FILE = 12        # definitions of one file at most: several files beat one long one
_JS_EXTENSIONS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".d.ts")


@dataclass(frozen=True)
class Snippet:
    path: str        # workspace-relative
    language: str
    lines: tuple[str, ...]  # signatures (with a doc line) or lines of code
    kind: str        # "definitions" | "similar"


def _module_file_candidates(importer: str, imp: Import, language: str) -> list[str]:
    """Workspace paths (or path suffixes, starting with "*/") an import may name."""
    here = posixpath.dirname(importer)
    module = imp.module
    if language == "python":
        dots = len(module) - len(module.lstrip("."))
        parts = [p for p in module.lstrip(".").split(".") if p]
        if dots:
            base = here
            for _ in range(dots - 1):
                base = posixpath.dirname(base)
            stems = [posixpath.join(base, *parts)] if parts else [posixpath.join(base, n) for n in imp.names]
        else:
            stems = ["*/" + "/".join(parts), "/".join(parts)]
        return [s + ext for s in stems for ext in (".py", "/__init__.py", ".pyi")]
    if language in ("javascript", "typescript", "tsx"):
        if not module.startswith("."):
            return []
        stem = posixpath.normpath(posixpath.join(here, module))
        return [stem] + [stem + ext for ext in _JS_EXTENSIONS] + [stem + "/index" + ext for ext in _JS_EXTENSIONS]
    if language == "go":
        parts = module.split("/")
        return ["*/" + "/".join(parts[-n:]) + "/*.go" for n in range(min(3, len(parts)), 0, -1)]
    if language == "rust":
        parts = [p for p in module.split("::") if p]
        if not parts:
            return []
        if parts[0] in ("crate", "self", "super"):
            root = "src" if parts[0] == "crate" else here
            if parts[0] == "super":
                root = posixpath.dirname(here)
            parts = parts[1:]
            stems = [posixpath.join(root, *parts)] if parts else [posixpath.join(root, "lib"), posixpath.join(root, "main")]
        else:
            stems = ["*/" + "/".join(parts)]
        return [s + ext for s in stems for ext in (".rs", "/mod.rs")]
    if language == "java":
        return ["*/" + module.replace(".", "/") + "/" + name + ".java" for name in imp.names if name != "*"] + \
               (["*/" + module.replace(".", "/") + "/*.java"] if "*" in imp.names else [])
    if language in ("c", "cpp"):
        return [posixpath.normpath(posixpath.join(here, module)), "*/" + module]
    return []


def resolve(index: WorkspaceIndex, importer: str, imp: Import, language: str) -> list[str]:
    """Indexed files an import of `importer` names (none for a package outside the workspace)."""
    found = []
    for candidate in _module_file_candidates(importer, imp, language):
        if not candidate.startswith("*/") and "*" not in candidate:
            if candidate in index.files:
                found.append(candidate)
            continue
        pattern = candidate.removeprefix("*/")
        directory_glob = pattern.endswith("/*.go") or pattern.endswith("/*.java")
        suffix = pattern.rsplit("/", 1)[0] + "/" if directory_glob else pattern
        by_file, by_folder = index.path_maps()
        last = suffix.rstrip("/").rpartition("/")[2]
        for path in (by_folder if directory_glob else by_file).get(last, ()):
            if directory_glob:
                if ("/" + posixpath.dirname(path) + "/").endswith("/" + suffix) and path.endswith(pattern.rsplit("*", 1)[1]):
                    found.append(path)
            elif path == pattern or path.endswith("/" + pattern):
                found.append(path)
        if found:
            break
    return list(dict.fromkeys(p for p in found if p != importer))


def _package_files(index: WorkspaceIndex, importer: str, symbols: FileSymbols) -> list[str]:
    """Files that see this file's names without an import: Go's and Java's same package (same directory)."""
    if symbols.language not in ("go", "java"):
        return []
    here = posixpath.dirname(importer)
    siblings = index.path_maps()[1].get(here.rpartition("/")[2], ())
    return [p for p in siblings if p != importer and posixpath.dirname(p) == here and p in index.files
            and index.files[p].language == symbols.language and index.files[p].package == symbols.package
            and not p.endswith("_test.go")]


def resolved_imports(index: WorkspaceIndex, importer: str,
                     symbols: FileSymbols) -> tuple[list[tuple[Import, list[str]]], list[str]]:
    """(each import with the files it names, the package's other files), kept until the file's imports or the index
    change: a keystroke reuses them, and one request's definitions and copied lines share them."""
    key = (id(symbols), index.generation)
    cached = index.resolutions.get(importer)
    if cached is None or cached[0] != key:
        cached = (key, ([(imp, resolve(index, importer, imp, symbols.language)) for imp in symbols.imports],
                        _package_files(index, importer, symbols)))
        index.resolutions[importer] = cached
    return cached[1]


def related_files(index: WorkspaceIndex, importer: str, symbols: FileSymbols) -> list[str]:
    """Workspace files this one imports, then those of its package, in that order."""
    imports, package = resolved_imports(index, importer, symbols)
    return list(dict.fromkeys([path for _, files in imports for path in files] + package))


def _definition_lines(definition: Definition, language: str) -> list[str]:
    """How one definition reads in the context: its signature in the language's own form, and its doc line."""
    indent = "    " if definition.container and language == "python" else ""
    signature = definition.signature
    if language == "python":
        line = f"{indent}{signature}:" + ("" if definition.kind == CLASS else " ...")
        doc = f'{indent}    """{definition.doc}"""' if definition.doc and definition.kind == CLASS else ""
        return [line] + ([doc] if doc else [])
    comment = "#" if language == "python" else "//"
    line = signature if definition.kind in (CONSTANT, TYPE) else signature.rstrip(";") + ";"
    return ([f"{comment} {definition.doc}"] if definition.doc else []) + [line]


def _names_around(text: str, cursor: int) -> dict[str, float]:
    """Names near the cursor, weighted by nearness (the line being typed counts most)."""
    before = text[:cursor].split("\n")
    after = text[cursor:].split("\n")
    lines = before[-AROUND_LINES:] + after[1:AROUND_LINES // 4]
    weights: dict[str, float] = {}
    for distance, line in enumerate(reversed(before[-AROUND_LINES:])):
        for name in IDENTIFIER.findall(line):
            weights[name] = weights.get(name, 0.0) + 1.0 / (1 + distance)
    for line in lines[len(before[-AROUND_LINES:]):]:
        for name in IDENTIFIER.findall(line):
            weights[name] = weights.get(name, 0.0) + 0.1
    return weights


def related_definitions(index: WorkspaceIndex, importer: str, symbols: FileSymbols, text: str, cursor: int,
                        budget_chars: int) -> list[Snippet]:
    """The definitions this file can call from other workspace files, best first, grouped by file."""
    language = symbols.language
    around = _names_around(text, cursor)
    in_file = set(IDENTIFIER.findall(text))
    scored: dict[tuple[str, str, str], tuple[float, Definition]] = {}

    def consider(path: str, definition: Definition, base: float) -> None:
        name_weight = around.get(definition.name, 0.0) + around.get(definition.container, 0.0) * 0.5
        score = base + min(2.0, name_weight) + (0.5 if definition.name in in_file else 0.0)
        key = (path, definition.container, definition.name)
        if key not in scored or scored[key][0] < score:
            scored[key] = (score, definition)

    imports, package = resolved_imports(index, importer, symbols)
    for imp, files in imports:
        named = [n for n in imp.names if n not in ("*", "self")]
        for path in files:
            for definition in index.files[path].definitions if path in index.files else ():
                if named and (definition.name in named or definition.container in named):
                    consider(path, definition, 3.0 if definition.name in named else 1.5)
                elif not named or "*" in imp.names or language in ("go", "rust", "c", "cpp"):
                    consider(path, definition, 1.0)
        if not files and named and language in ("python", "rust", "java"):
            for name in named:  # an import the resolver missed: the same name defined once in the workspace
                matches = index.by_name.get(name, ())
                if len(matches) == 1:
                    consider(matches[0][0], matches[0][1], 2.5)
    for path in package:
        for definition in index.files[path].definitions if path in index.files else ():
            consider(path, definition, 1.0)
    return _pack(sorted(scored.items(), key=lambda item: -item[1][0]), language, budget_chars)


def _pack(ranked, language: str, budget_chars: int) -> list[Snippet]:
    """The best definitions that fit `budget_chars`, grouped by file in order of each file's best one."""
    chosen: dict[str, list[Definition]] = {}
    used = 0
    for (path, _, _), (_, definition) in ranked:
        if len(chosen.get(path, ())) >= MAX_PER_FILE:
            continue
        cost = sum(len(line) + 1 for line in _definition_lines(definition, language)) + (0 if path in chosen else len(path) + 8)
        if used + cost > budget_chars:
            continue
        chosen.setdefault(path, []).append(definition)
        used += cost
    snippets = []
    for path, definitions in chosen.items():
        lines: list[str] = []
        for definition in definitions:
            lines += _definition_lines(definition, language)
        snippets.append(Snippet(path, language, tuple(lines), "definitions"))
    return snippets


def similar_code(text: str, cursor: int, others: dict[str, str], budget_chars: int) -> list[Snippet]:
    """The window of an open file most like the lines above the cursor (shared names), if it is alike enough."""
    above = set(IDENTIFIER.findall("\n".join(text[:cursor].split("\n")[-SIMILAR_LINES:])))
    if len(above) < 3 or budget_chars < 80:
        return []
    best = (0.0, "", [])
    for path, other in others.items():
        lines = other.split("\n")
        for start in range(0, max(1, len(lines) - SIMILAR_LINES + 1), SIMILAR_LINES // 2):
            window = lines[start:start + SIMILAR_LINES]
            names = set(IDENTIFIER.findall("\n".join(window)))
            score = len(above & names) / max(1, len(above | names))
            if score > best[0]:
                best = (score, path, window)
    score, path, window = best
    if score < 0.3:
        return []
    kept, used = [], 0
    for line in window:
        if used + len(line) + 1 > budget_chars:
            break
        kept.append(line)
        used += len(line) + 1
    return [Snippet(path, "", tuple(kept), "similar")] if kept else []
