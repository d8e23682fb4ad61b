"""Each local model reads the workspace context in its own format, ahead of the file and within its token budget: the
repository format (<|repo_name|>, <|file_sep|>) where its tokenizer has those tokens (Qwen2.5-family models: Dream,
DiffuCoder, Open-dCoder), commented code otherwise (the built-in model)."""

from dataclasses import replace

import pytest

from infill import Document, InfillOptions, language_for_id, select_cursor
from infill.engine import prepare_rows
from infill.task import WorkspaceContext
from infill.workspace.retrieve import Snippet
from model.denoiser import load_denoiser
from tests.model.real_layouts import write_open_dcoder

TEXT = "from .base import get_stats\n\n\ndef run(ids):\n    stats = \n"
SNIPPETS = (Snippet("pkg/base.py", "python", ("def get_stats(ids, counts=None): ...",), "definitions"),
            Snippet("pkg/tok.py", "python", ("class Tokenizer:", "    def encode(self, text): ..."), "definitions"))


def _canvas_text(denoiser, context) -> str:
    doc = Document(TEXT, language_for_id("python"))
    options = replace(InfillOptions(), workspace=context)
    row = prepare_rows(denoiser, doc, [select_cursor(doc, TEXT.index("\n", TEXT.index("stats = ")))], options)[0]
    return denoiser.tokenizer.decode(row.ids[0].tolist())


def test_the_builtin_model_reads_definitions_as_commented_code_before_the_file(tiny_denoiser):
    text = _canvas_text(tiny_denoiser, WorkspaceContext(SNIPPETS, "proj", "pkg/main.py", 256))
    assert text.startswith("# pkg/base.py\ndef get_stats(ids, counts=None): ...\n# pkg/tok.py\nclass Tokenizer:")
    assert "from .base import get_stats" in text
    short = _canvas_text(tiny_denoiser, WorkspaceContext(SNIPPETS, "proj", "pkg/main.py", 16))
    assert "pkg/tok.py" not in short, "snippets past the token budget are dropped, last first"
    assert _canvas_text(tiny_denoiser, None).startswith("from .base import get_stats")


@pytest.fixture(scope="module")
def qwen_family(tmp_path_factory):
    return load_denoiser(str(write_open_dcoder(tmp_path_factory.mktemp("dcoder"))), "cpu")


def test_a_qwen_family_model_reads_the_repository_format(qwen_family):
    text = _canvas_text(qwen_family, WorkspaceContext(SNIPPETS, "proj", "pkg/main.py", 512))
    assert text.startswith("<|repo_name|>proj\n<|file_sep|>pkg/base.py\ndef get_stats(ids, counts=None): ...\n"
                           "<|file_sep|>pkg/tok.py\n")
    assert "<|file_sep|>pkg/main.py\nfrom .base import get_stats" in text
