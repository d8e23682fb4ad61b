"""Next-edit cases from real histories: commits of held-out repositories that change one region of a source file in
two or more hunks. The first hunk (in file order) is what the user did; the others are the next edits to predict.
Each case keeps a window of the file around the region (the parent's text, then with the first hunk, then with all)."""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

EXTENSIONS = {".py": "python", ".go": "go", ".rs": "rust", ".ts": "typescript", ".js": "javascript"}
REGION_LINES = 40     # all hunks of a case lie within this many lines of the parent
MAX_HUNK_LINES = 6    # a hunk replacing more lines is a rewrite, not a next edit
CONTEXT_LINES = 40    # lines of the file kept either side of the region
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True)
class EditCase:
    repo: str
    commit: str
    path: str
    language: str
    before: str       # the window of the parent
    first: str        # ... with the first hunk applied: what the editor holds
    after: str        # ... with every hunk applied: what the next edits lead to


def _git(git_dir: Path, *args: str) -> str:
    return subprocess.run(["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True, check=True,
                          errors="replace").stdout


def _hunks(diff: str) -> list[tuple[int, int, list[str]]]:
    """(old start line, 0-based; old line count; new lines) of each hunk of a -U0 diff."""
    hunks, current = [], None
    for line in diff.split("\n"):
        match = _HUNK.match(line)
        if match:
            old_start, old_len = int(match.group(1)), int(match.group(2) or 1)
            current = (old_start - 1 if old_len else old_start, old_len, [])
            hunks.append(current)
        elif current is not None and line.startswith("+") and not line.startswith("+++"):
            current[2].append(line[1:])
    return hunks


def _apply(lines: list[str], hunks: list[tuple[int, int, list[str]]]) -> list[str]:
    out = list(lines)
    for start, length, new in sorted(hunks, key=lambda h: -h[0]):
        out[start:start + length] = new
    return out


def cases_from_git(git_dir: Path, repo: str, most: int, max_commits: int = 2000) -> list[EditCase]:
    """Up to `most` cases from the newest `max_commits` non-merge commits of the repository at `git_dir`."""
    cases = []
    for commit in _git(git_dir, "rev-list", "--no-merges", f"--max-count={max_commits}", "HEAD").split():
        names = _git(git_dir, "diff-tree", "--no-commit-id", "--name-status", "-r", commit).split("\n")
        for entry in names:
            status, _, path = entry.partition("\t")
            language = EXTENSIONS.get(Path(path).suffix)
            if status != "M" or language is None or "test" in path.lower() or "vendor/" in path:
                continue
            hunks = _hunks(_git(git_dir, "diff", "-U0", f"{commit}^", commit, "--", path))
            if len(hunks) < 2 or any(max(length, len(new)) > MAX_HUNK_LINES for _, length, new in hunks):
                continue
            first_line, last_line = hunks[0][0], hunks[-1][0] + hunks[-1][1]
            if last_line - first_line > REGION_LINES:
                continue
            parent = _git(git_dir, "show", f"{commit}^:{path}").split("\n")
            lo, hi = max(0, first_line - CONTEXT_LINES), min(len(parent), last_line + CONTEXT_LINES)
            shifted = [(start - lo, length, new) for start, length, new in hunks]
            window = parent[lo:hi]
            cases.append(EditCase(repo, commit, path, language, "\n".join(window),
                                  "\n".join(_apply(window, shifted[:1])), "\n".join(_apply(window, shifted))))
            if len(cases) >= most:
                return cases
    return cases


def write_cases(cases: list[EditCase], path: Path) -> None:
    path.write_text("".join(json.dumps(asdict(c)) + "\n" for c in cases), encoding="utf-8")


def read_cases(path: Path) -> list[EditCase]:
    return [EditCase(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
