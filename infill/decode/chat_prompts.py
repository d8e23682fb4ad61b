"""What a chat model is asked and how its reply becomes code: a hole between a prefix and a suffix, or a selection
rewritten by an instruction. The model layer only carries the messages (model/remote.py)."""

from __future__ import annotations

FILL_SYSTEM = ("You complete code. The user sends a file with one hole marked <FILL>. Reply with only the code that "
               "replaces <FILL>: no explanation, no Markdown fences, nothing from before or after the hole.")
REFACTOR_SYSTEM = ("You rewrite code. Apply the instruction to the code between <selection> and </selection> only. "
                   "Reply with the rewritten selection in one fenced code block and nothing else.")


def fill_messages(prompt: str, suffix: str) -> list[dict]:
    """Ask for the code of one hole, marked <FILL> between the code before and after it."""
    return [{"role": "system", "content": FILL_SYSTEM}, {"role": "user", "content": f"{prompt}<FILL>{suffix}"}]


def refactor_messages(instruction: str, language: str, before: str, selection: str, after: str) -> list[dict]:
    """Ask for the selection rewritten by `instruction`, the code around it shown for context."""
    user = f"{instruction}\n\n```{language}\n{before}<selection>{selection}</selection>{after}\n```"
    return [{"role": "system", "content": REFACTOR_SYSTEM}, {"role": "user", "content": user}]


def strip_fences(reply: str) -> str:
    """The code of a reply: the first fenced block when there is one, else the reply itself."""
    start = reply.find("```")
    if start < 0:
        return reply
    body_start = reply.find("\n", start)
    end = reply.find("```", body_start + 1) if body_start >= 0 else -1
    if body_start < 0:
        return ""
    return reply[body_start + 1: end if end >= 0 else len(reply)].rstrip("\n")
