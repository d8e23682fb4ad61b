"""The workspace index and retrieval: definitions and related code from other files of the workspace, for a request.

The engine gets context through `context_for`; the language server owns the index (builds it in the background,
updates it as files change) and passes what it returns in the request's options."""

from __future__ import annotations

from pathlib import Path

from .files import IndexLimits
from .index import WorkspaceIndex
from .retrieve import Snippet, related_definitions, related_files, similar_code

__all__ = ["IndexLimits", "Snippet", "WorkspaceIndex", "context_for", "related_texts"]

RELATED_TEXT_CHARS = 300_000  # what ghost text searches for a line to copy, at most


def context_for(index: WorkspaceIndex | None, path: Path | None, text: str, cursor: int, language,
                budget_chars: int, open_files: dict[str, str] | None = None) -> tuple[Snippet, ...]:
    """Definitions from other workspace files that this file can use at `cursor`, then code like the lines above it
    from other open files, within `budget_chars`. `language` is the file's LanguageSpec."""
    if budget_chars <= 0:
        return ()
    snippets: list[Snippet] = []
    relative = index.relative(path) if index is not None and path is not None else None
    if index is not None and relative is not None:
        symbols = index.current_symbols(relative, text, language)
        snippets = related_definitions(index, relative, symbols, text, cursor, budget_chars)
    used = sum(len(line) + 1 for s in snippets for line in s.lines)
    others = {name: body for name, body in (open_files or {}).items() if name != relative}
    snippets += similar_code(text, cursor, others, budget_chars - used)
    return tuple(snippets)


def related_texts(index: WorkspaceIndex | None, path: Path | None, text: str, language) -> tuple[str, ...]:
    """The texts of the workspace files this one imports or shares a package with (drafts copy lines from them)."""
    relative = index.relative(path) if index is not None and path is not None else None
    if index is None or relative is None:
        return ()
    texts, used = [], 0
    for other in related_files(index, relative, index.current_symbols(relative, text, language)):
        body = index.text_of(other)
        if used + len(body) > RELATED_TEXT_CHARS:
            break
        texts.append(body)
        used += len(body)
    return tuple(texts)
