"""Language registry: file extensions and LSP language ids -> grammar and the node types that matter."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tree_sitter import Language, Parser

from ..errors import InfillError


@dataclass(frozen=True)
class LanguageSpec:
    name: str
    lsp_ids: tuple[str, ...]
    extensions: tuple[str, ...]
    grammar: tuple[str, str]               # (module, function) of the official grammar wheel
    function_types: frozenset[str]         # nodes that define a function or method
    body_types: frozenset[str]             # the body node types of those functions
    block_types: frozenset[str]            # nodes that are a block of statements
    comment_types: frozenset[str]
    string_types: frozenset[str]
    class_types: frozenset[str] = frozenset()  # nodes whose name qualifies methods inside them
    braces: bool = True                    # bodies are `{ ... }` (else indentation, as Python)
    stubs: tuple[str, ...] = field(default=())  # body texts that mean "not written yet"
    block_openers: tuple[str, ...] = ()    # indentation languages: statements and clauses an indented block may follow
    line_comment: str = "//"


def _set(*names: str) -> frozenset[str]:
    return frozenset(names)


_C_LIKE_STUBS = ("", "return 0;", "return;", "return NULL;", "return nullptr;")
_JS_FUNCTIONS = _set("function_declaration", "function_expression", "function", "generator_function_declaration",
                     "arrow_function", "method_definition")
_JS_STUBS = ("", "throw new Error('not implemented');", 'throw new Error("not implemented");',
             "throw new Error('Not implemented');", 'throw new Error("Not implemented");')

LANGUAGES: tuple[LanguageSpec, ...] = (
    LanguageSpec("python", ("python",), (".py", ".pyi"), ("tree_sitter_python", "language"),
                 _set("function_definition"), _set("block"), _set("block"), _set("comment"),
                 _set("string", "concatenated_string"), _set("class_definition"), braces=False,
                 stubs=("pass", "...", "raise NotImplementedError", "raise NotImplementedError()"), line_comment="#",
                 block_openers=("if True:", "try:", "except Exception:", "else:")),
    LanguageSpec("javascript", ("javascript", "javascriptreact"), (".js", ".mjs", ".cjs", ".jsx"),
                 ("tree_sitter_javascript", "language"), _JS_FUNCTIONS, _set("statement_block"),
                 _set("statement_block"), _set("comment"), _set("string", "template_string"),
                 _set("class_declaration", "class"), stubs=_JS_STUBS),
    LanguageSpec("typescript", ("typescript",), (".ts", ".mts", ".cts"), ("tree_sitter_typescript", "language_typescript"),
                 _JS_FUNCTIONS, _set("statement_block"), _set("statement_block"), _set("comment"),
                 _set("string", "template_string"), _set("class_declaration", "class"), stubs=_JS_STUBS),
    LanguageSpec("tsx", ("typescriptreact", "tsx"), (".tsx",), ("tree_sitter_typescript", "language_tsx"),
                 _JS_FUNCTIONS, _set("statement_block"), _set("statement_block"), _set("comment"),
                 _set("string", "template_string"), _set("class_declaration", "class"), stubs=_JS_STUBS),
    LanguageSpec("rust", ("rust",), (".rs",), ("tree_sitter_rust", "language"),
                 _set("function_item", "closure_expression"), _set("block"), _set("block"),
                 _set("line_comment", "block_comment"), _set("string_literal", "raw_string_literal"),
                 _set("impl_item", "trait_item", "mod_item"), stubs=("", "todo!()", "unimplemented!()", "todo!();", "unimplemented!();")),
    LanguageSpec("go", ("go",), (".go",), ("tree_sitter_go", "language"),
                 _set("function_declaration", "method_declaration", "func_literal"), _set("block"), _set("block"),
                 _set("comment"), _set("interpreted_string_literal", "raw_string_literal"),
                 stubs=("", 'panic("not implemented")', 'panic("TODO")')),
    LanguageSpec("java", ("java",), (".java",), ("tree_sitter_java", "language"),
                 _set("method_declaration", "constructor_declaration", "lambda_expression"),
                 _set("block", "constructor_body"), _set("block", "constructor_body"),
                 _set("line_comment", "block_comment"), _set("string_literal"),
                 _set("class_declaration", "interface_declaration", "enum_declaration", "record_declaration"),
                 stubs=_C_LIKE_STUBS + ("throw new UnsupportedOperationException();",
                                        'throw new UnsupportedOperationException("Not implemented");')),
    LanguageSpec("c", ("c",), (".c", ".h"), ("tree_sitter_c", "language"),
                 _set("function_definition"), _set("compound_statement"), _set("compound_statement"),
                 _set("comment"), _set("string_literal"), stubs=_C_LIKE_STUBS),
    LanguageSpec("cpp", ("cpp", "c++"), (".cc", ".cpp", ".cxx", ".hpp", ".hh", ".hxx"), ("tree_sitter_cpp", "language"),
                 _set("function_definition", "lambda_expression"), _set("compound_statement"), _set("compound_statement"),
                 _set("comment"), _set("string_literal", "raw_string_literal"),
                 _set("class_specifier", "struct_specifier", "namespace_definition"), stubs=_C_LIKE_STUBS),
)

_BLOCK_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_BY_NAME = {spec.name: spec for spec in LANGUAGES}
_BY_LSP_ID = {lsp_id: spec for spec in LANGUAGES for lsp_id in spec.lsp_ids}
_BY_EXTENSION = {ext: spec for spec in LANGUAGES for ext in spec.extensions}


def language_for_path(path: str | Path) -> LanguageSpec:
    ext = Path(path).suffix.lower()
    if ext not in _BY_EXTENSION:
        known = " ".join(sorted(_BY_EXTENSION))
        raise InfillError(f"unsupported language for {Path(path).name!r} (known extensions: {known})")
    return _BY_EXTENSION[ext]


def language_for_id(language_id: str) -> LanguageSpec:
    spec = _BY_LSP_ID.get(language_id) or _BY_NAME.get(language_id)
    if spec is None:
        raise InfillError(f"unsupported language {language_id!r} (known: {', '.join(sorted(_BY_LSP_ID))})")
    return spec


def has_code(text: str, spec: LanguageSpec) -> bool:
    """Whether `text` holds more than whitespace and comments on lines of their own (`# %%`, `// TODO`, and in the
    brace languages `/* ... */`): a line of code with a comment after it is code."""
    if spec.braces:
        text = _BLOCK_COMMENT.sub("", text)
    return any(line.strip() and not line.strip().startswith(spec.line_comment) for line in text.split("\n"))


@lru_cache(maxsize=None)
def grammar(spec: LanguageSpec) -> Language:
    module_name, function = spec.grammar
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise InfillError(f"the grammar package for {spec.name} is not installed (pip install {module_name.replace('_', '-')})") from None
    return Language(getattr(module, function)())


def make_parser(spec: LanguageSpec) -> Parser:
    return Parser(grammar(spec))
