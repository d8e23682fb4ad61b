"""The workspace index: every indexed file's definitions and imports, by path and by name, built in the background
and kept current file by file. Reads are lock-free snapshots of dicts; writers hold one lock."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..source.languages import language_for_path
from .files import IndexLimits, WalkReport, skip_reason, source_files
from .symbols import Definition, FileSymbols, read_symbols

log = logging.getLogger(__name__)
# Lines that import or declare a package, in the nine languages (a change to one re-reads the file's imports).
IMPORT_LINE = re.compile(r"^[ \t]*(?:import|from|use|pub use|#include|package|export .* from)\b.*$", re.M)


@dataclass(frozen=True)
class IndexStats:
    files: int
    definitions: int
    seconds: float
    skipped: dict[str, int]
    truncated: bool


class WorkspaceIndex:
    """Definitions and imports of a workspace's source files. `build` walks the tree (call it off the typing path);
    `update` and `remove` keep it current as files change."""

    def __init__(self, root: Path, limits: IndexLimits = IndexLimits()):
        self.root = root.resolve()
        self.limits = limits
        self.files: dict[str, FileSymbols] = {}             # workspace-relative posix path -> symbols
        self.by_name: dict[str, list[tuple[str, Definition]]] = {}
        self.stats: IndexStats | None = None
        self.ready = threading.Event()
        self._lock = threading.Lock()
        self._open: dict[str, tuple[int, FileSymbols]] = {}  # per open file: (its import lines' hash, its symbols)
        self._texts: dict[str, tuple[int, str]] = {}  # per related file read for drafts: (mtime, text)
        self._generation = 0                          # bumped by every change: the path maps below follow it
        self.resolutions: dict[str, tuple] = {}       # per open file: its imports resolved (retrieve.resolved_imports)
        self._maps: tuple[int, dict, dict] = (-1, {}, {})

    def relative(self, path: Path) -> str | None:
        """`path` relative to the root, or None outside it (nothing outside the workspace is indexed)."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except (ValueError, OSError):
            return None

    def build(self, progress: Callable[[int, str], None] | None = None, stop: threading.Event | None = None,
              in_child: bool = False) -> IndexStats:
        """Index every source file under the root; `progress(done, path)` now and then; `stop` ends it early.
        `in_child`: parse in a child process (build_process.py), as the server does, so typing never waits on it."""
        started = time.perf_counter()
        if in_child:
            from .build_process import build_in_child
            skipped, truncated = build_in_child(self, progress, stop)
        else:
            report = WalkReport()
            done, last_report = 0, 0.0
            for path in source_files(self.root, self.limits, report):
                if stop is not None and stop.is_set():
                    break
                self._read(path)
                done += 1
                if progress is not None and time.perf_counter() - last_report > 0.25:
                    last_report = time.perf_counter()
                    progress(done, self.relative(path) or path.name)
            skipped, truncated = dict(report.skipped), report.truncated
        self.stats = IndexStats(len(self.files), sum(len(s.definitions) for s in self.files.values()),
                                time.perf_counter() - started, skipped, truncated)
        if truncated:
            log.warning("workspace index stopped at %d files (limits: %s)", len(self.files), self.limits)
        self.ready.set()
        return self.stats

    def add_many(self, batch: list[tuple[str, FileSymbols]]) -> None:
        """Files read elsewhere (the child process): (workspace-relative path, symbols)."""
        with self._lock:
            for relative, symbols in batch:
                old = self.files.get(relative)
                if old is not None:
                    self._unlist(relative, old)
                self.files[relative] = symbols
                for definition in symbols.definitions:
                    self.by_name.setdefault(definition.name, []).append((relative, definition))
            self._generation += 1

    def current_symbols(self, relative: str, text: str, spec) -> FileSymbols:
        """The imports (and package) of a file as the editor holds it: read again only when its import lines changed
        since the last request, so a keystroke costs a scan, not a parse."""
        key = hash(tuple(IMPORT_LINE.findall(text)))
        cached = self._open.get(relative)
        if cached is not None and cached[0] == key and cached[1].language == spec.name:
            return cached[1]
        symbols = read_symbols(text.encode("utf-8", "replace"), spec)
        self._open[relative] = (key, symbols)
        while len(self._open) > 64:
            oldest = next(iter(self._open))
            del self._open[oldest]
            self.resolutions.pop(oldest, None)
        return symbols

    def text_of(self, relative: str) -> str:
        """An indexed file's text as it is on disk now (read again when its modification time changed)."""
        path = self.root / relative
        try:
            stamp = path.stat().st_mtime_ns
            cached = self._texts.get(relative)
            if cached is None or cached[0] != stamp:
                cached = (stamp, path.read_text(encoding="utf-8", errors="replace"))
                self._texts[relative] = cached
                while len(self._texts) > 256:
                    self._texts.pop(next(iter(self._texts)))
            return cached[1]
        except OSError:
            return ""

    def update(self, path: Path, text: str | None = None) -> None:
        """Re-read one file (from `text` when the editor holds it), or drop it when it is no longer indexable."""
        relative = self.relative(path)
        if relative is None or any(part.startswith(".") or part in ("node_modules",) for part in Path(relative).parts[:-1]):
            return
        if text is None and (not path.is_file() or skip_reason(path, self.limits) is not None):
            self.remove(path)
            return
        self._read(path, text)

    def remove(self, path: Path) -> None:
        relative = self.relative(path)
        if relative is None:
            return
        with self._lock:
            old = self.files.pop(relative, None)
            if old is not None:
                self._unlist(relative, old)
                self._generation += 1

    def _read(self, path: Path, text: str | None = None) -> None:
        relative = self.relative(path)
        if relative is None:
            return
        try:
            spec = language_for_path(path)
            source = text.encode("utf-8", "replace") if text is not None else path.read_bytes()
        except Exception as exc:  # an unknown extension, an unreadable or vanished file: logged, never fatal
            log.info("workspace index skips %s: %s", relative, exc)
            return
        if len(source) > self.limits.max_file_bytes:
            return
        self.add_many([(relative, read_symbols(source, spec))])

    @property
    def generation(self) -> int:
        return self._generation

    def path_maps(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """(file name -> paths, folder name -> paths of the files in such folders): import resolution looks paths up
        by their last parts instead of scanning every file. Rebuilt after a change, at most once."""
        generation, by_file, by_folder = self._maps
        if generation != self._generation:
            by_file, by_folder = {}, {}
            for path in list(self.files):
                folder, _, name = path.rpartition("/")
                by_file.setdefault(name, []).append(path)
                by_folder.setdefault(folder.rpartition("/")[2], []).append(path)
            self._maps = (self._generation, by_file, by_folder)
        return by_file, by_folder

    def _unlist(self, relative: str, symbols: FileSymbols) -> None:
        for definition in symbols.definitions:
            kept = [entry for entry in self.by_name.get(definition.name, ()) if entry[0] != relative]
            if kept:
                self.by_name[definition.name] = kept
            else:
                self.by_name.pop(definition.name, None)
