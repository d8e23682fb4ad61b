"""The workspace context in each backend's own format: repository files for Qwen2.5-family models, commented code for
models that read plain code (the built-in one), llama.cpp's `input_extra`, and a prompt section for text APIs."""

from __future__ import annotations

from .retrieve import Snippet

REPO_TOKENS = ("<|repo_name|>", "<|file_sep|>")  # Qwen2.5(-Coder)'s repository-level pretraining format


def as_commented_code(snippets: list[Snippet], line_comment: str) -> str:
    """Each file's definitions under a comment naming it, ahead of the file, as if written above its code."""
    if not snippets:
        return ""
    return "\n".join(f"{line_comment} {s.path}\n" + "\n".join(s.lines) for s in snippets) + "\n\n"


def as_repository(snippets: list[Snippet], repo_name: str, current_path: str) -> str:
    """<|repo_name|>name, then <|file_sep|>path and each file's context; the current file's own separator last."""
    if not snippets:
        return ""
    parts = [f"<|repo_name|>{repo_name}\n"] + [f"<|file_sep|>{s.path}\n" + "\n".join(s.lines) + "\n" for s in snippets]
    return "".join(parts) + f"<|file_sep|>{current_path or 'current'}\n"


def as_input_extra(snippets: list[Snippet]) -> list[dict]:
    """llama.cpp /infill's `input_extra` chunks."""
    return [{"filename": s.path, "text": "\n".join(s.lines) + "\n"} for s in snippets]


def as_prompt_section(snippets: list[Snippet], line_comment: str) -> str:
    """For APIs that take text (FIM prompts, chat): the same commented code, said to come from other files."""
    body = as_commented_code(snippets, line_comment)
    return f"{line_comment} Code from other files of this workspace:\n{body}" if body else ""


def for_denoiser(tokenizer, snippets: list[Snippet], line_comment: str, repo_name: str, current_path: str) -> str:
    """The text a local model reads before the file: the repository format where its tokenizer has those tokens."""
    if not snippets:
        return ""
    token_id = getattr(tokenizer, "token_id", None)
    if token_id is not None and all(token_id(t) is not None for t in REPO_TOKENS):
        return as_repository(snippets, repo_name, current_path)
    return as_commented_code(snippets, line_comment)


def denoiser_context_ids(tokenizer, context, line_comment: str) -> tuple[int, ...]:
    """Token ids of `context` (a task.WorkspaceContext) for a local model, its last snippets dropped until it fits
    `context.max_tokens`."""
    if context is None or not context.snippets or context.max_tokens <= 0:
        return ()
    snippets = list(context.snippets)
    while snippets:
        ids = tokenizer.encode(for_denoiser(tokenizer, snippets, line_comment, context.repo, context.path))
        if len(ids) <= context.max_tokens:
            return tuple(ids)
        snippets.pop()
    return ()
