"""What one source file offers the rest of the workspace, read with tree-sitter: its definitions (functions, classes
and their methods, types, top-level constants, each with its signature and first doc line) and what it imports."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tree_sitter import Node

from ..source.languages import LanguageSpec, make_parser

SIGNATURE_CHARS = 160  # a longer header is cut: a definition's name and first parameters matter most


@dataclass(frozen=True)
class Definition:
    name: str
    kind: str        # function | method | class | type | constant
    signature: str   # the header as written, up to its body, on one line
    doc: str         # the first line of its docstring or of the comment above it
    container: str   # the class, impl or type a method belongs to ("" at top level)


@dataclass(frozen=True)
class Import:
    module: str                # as written: ".base", "./utils", "github.com/a/b", "crate::a", "a.b", "foo.h"
    names: tuple[str, ...]     # names it brings in; () the module itself, ("*",) all of it


@dataclass
class FileSymbols:
    language: str
    definitions: list[Definition] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)
    package: str = ""          # Go's package clause, Java's package declaration


FUNCTION, METHOD, CLASS, TYPE, CONSTANT = "function", "method", "class", "type", "constant"
_JS = {"function_declaration": FUNCTION, "generator_function_declaration": FUNCTION, "class_declaration": CLASS,
       "abstract_class_declaration": CLASS, "method_definition": METHOD, "interface_declaration": TYPE,
       "type_alias_declaration": TYPE, "enum_declaration": TYPE, "variable_declarator": CONSTANT,
       "function_signature": FUNCTION, "method_signature": METHOD, "abstract_method_signature": METHOD}
_C = {"function_definition": FUNCTION, "declaration": FUNCTION, "struct_specifier": TYPE, "enum_specifier": TYPE,
      "union_specifier": TYPE, "type_definition": TYPE, "class_specifier": CLASS, "preproc_def": CONSTANT,
      "preproc_function_def": FUNCTION, "field_declaration": METHOD}
KINDS = {
    "python": {"function_definition": FUNCTION, "class_definition": CLASS},
    "javascript": _JS, "typescript": _JS, "tsx": _JS,
    "go": {"function_declaration": FUNCTION, "method_declaration": METHOD, "type_spec": TYPE, "const_spec": CONSTANT,
           "var_spec": CONSTANT},
    "rust": {"function_item": FUNCTION, "function_signature_item": FUNCTION, "struct_item": TYPE, "enum_item": TYPE,
             "trait_item": TYPE, "type_item": TYPE, "union_item": TYPE, "const_item": CONSTANT, "static_item": CONSTANT,
             "macro_definition": FUNCTION},
    "java": {"class_declaration": CLASS, "interface_declaration": TYPE, "enum_declaration": TYPE,
             "record_declaration": CLASS, "annotation_type_declaration": TYPE, "method_declaration": METHOD,
             "constructor_declaration": METHOD, "field_declaration": CONSTANT},
    "c": _C, "cpp": _C,
}
# Nodes whose children may hold more definitions (a file's top level, exports, namespaces, class bodies, ...).
_INTO = frozenset({"module", "program", "source_file", "translation_unit", "export_statement", "decorated_definition",
                   "class_body", "block", "declaration_list", "interface_body", "enum_body", "type_declaration",
                   "const_declaration", "var_declaration", "lexical_declaration", "variable_declaration",
                   "namespace_definition", "template_declaration", "linkage_specification", "preproc_ifdef",
                   "preproc_if", "preproc_else", "field_declaration_list", "impl_item", "trait_item",
                   "ambient_declaration", "internal_module", "statement_block", "class_declaration",
                   "interface_declaration", "class_specifier", "struct_specifier", "class_definition",
                   "abstract_class_declaration", "enum_declaration", "record_declaration", "object_type"})
_CLASSLIKE = frozenset({"class_definition", "class_declaration", "abstract_class_declaration", "interface_declaration",
                        "class_specifier", "struct_specifier", "impl_item", "trait_item", "enum_declaration",
                        "record_declaration"})
_FUNCTIONS = frozenset({"arrow_function", "function_expression", "function"})


def read_symbols(source: bytes, spec: LanguageSpec) -> FileSymbols:
    """Definitions and imports of one file's text."""
    tree = make_parser(spec).parse(source)
    found = FileSymbols(spec.name)
    kinds = KINDS.get(spec.name, {})
    _walk(tree.root_node, source, (kinds, spec.line_comment), found, container="", depth=0, top=True)
    return found


def _text(node: Node | None, source: bytes) -> str:
    return "" if node is None else source[node.start_byte:node.end_byte].decode("utf-8", "replace")


def _walk(node: Node, source: bytes, language: tuple[dict, str], found: FileSymbols, container: str, depth: int,
          top: bool) -> None:
    """Definitions and imports under `node`; `language` is (definition node types -> kind, line comment)."""
    if depth > 12:
        return
    kinds, comment = language
    for child in node.named_children:
        kind = kinds.get(child.type)
        if kind is not None:
            definition = _definition(child, kind, source, container, top, comment)
            if definition is not None:
                found.definitions.append(definition)
            if child.type in _CLASSLIKE:
                name = definition.name if definition else _impl_name(child, source)
                _walk(child, source, language, found, name, depth + 1, False)
            continue
        if _import(child, source, found) or _package(child, source, found):
            continue
        if child.type in _INTO or (child.type == "impl_item"):
            inner = _impl_name(child, source) if child.type == "impl_item" else container
            _walk(child, source, language, found, inner, depth + 1, top and child.type not in _CLASSLIKE)


def _impl_name(node: Node, source: bytes) -> str:
    return _text(node.child_by_field_name("type") or node.child_by_field_name("name"), source).split("<")[0]


def _name(node: Node, source: bytes) -> str:
    named = node.child_by_field_name("name")
    if named is not None:
        return _text(named, source)
    declarator = node.child_by_field_name("declarator")  # C and C++: int *f(int) nests the name
    if declarator is not None and declarator.type == "variable_declarator":  # a Java field
        return _text(declarator.child_by_field_name("name"), source)
    while declarator is not None and declarator.type not in ("identifier", "field_identifier", "type_identifier",
                                                             "qualified_identifier", "destructor_name",
                                                             "operator_name"):
        declarator = declarator.child_by_field_name("declarator")
    return _text(declarator, source).split("::")[-1]


def _definition(node: Node, kind: str, source: bytes, container: str, top: bool, comment: str) -> Definition | None:
    if node.type in ("declaration", "field_declaration") and kind != CONSTANT and not _declares_function(node):
        return None  # a C or C++ variable or data member: only prototypes count
    if node.type == "variable_declarator" and not top:
        return None  # a local variable
    name = _name(node, source)
    if not name or not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
        return None
    receiver = node.child_by_field_name("receiver")  # Go: func (e *Entry) WithField(...) is a method of Entry
    if receiver is not None:
        container = (re.findall(r"[A-Za-z_]\w*", _text(receiver, source).split("[")[0]) or [""])[-1]
    body = node.child_by_field_name("body")
    value = node.child_by_field_name("value")
    if node.type == "variable_declarator" and value is not None and value.type in _FUNCTIONS:
        kind, body = FUNCTION, value.child_by_field_name("body")
    if kind == FUNCTION and container:
        kind = METHOD
    end = body.start_byte if body is not None else node.end_byte
    header = source[node.start_byte:end].decode("utf-8", "replace")
    if body is None and kind == CONSTANT:
        header = header.split("\n")[0]
    header = "\n".join(line.split(comment)[0] if comment in line else line for line in header.split("\n"))
    signature = " ".join(header.split()).rstrip(" {:=")
    if len(signature) > SIGNATURE_CHARS:
        signature = signature[:SIGNATURE_CHARS].rstrip() + " …"
    return Definition(name, kind, signature, _doc(node, body, source), container)


def _declares_function(node: Node) -> bool:
    declarator = node.child_by_field_name("declarator")
    while declarator is not None:
        if declarator.type == "function_declarator":
            return True
        declarator = declarator.child_by_field_name("declarator")
    return False


def _doc(node: Node, body: Node | None, source: bytes) -> str:
    """A Python docstring's first line, else the comment right above the definition."""
    if body is not None and body.named_child_count:
        first = body.named_children[0]
        if first.type == "expression_statement" and first.named_child_count and first.named_children[0].type == "string":
            text = _text(first, source).strip("rRbBuU").strip("\"'").strip()
            return text.split("\n")[0].strip()
    previous = node.prev_named_sibling
    if previous is not None and previous.type in ("comment", "line_comment", "block_comment") \
            and node.start_point[0] - previous.end_point[0] <= 1:
        lines = [re.sub(r"^\s*(///?|/\*\*?|\*|#)\s?", "", line).strip() for line in _text(previous, source).split("\n")]
        return next((line for line in lines if line and line != "/"), "")
    return ""


def _strip_quotes(text: str) -> str:
    return text.strip().strip("\"'`<>")


def _import(node: Node, source: bytes, found: FileSymbols) -> bool:
    """Record `node` when it is an import of its language; whether it was one."""
    kind = node.type
    if kind == "import_statement" and found.language == "python":
        for name in node.children_by_field_name("name"):
            found.imports.append(Import(_text(name.child_by_field_name("name") or name, source), ()))
        return True
    if kind == "import_from_statement":
        module = _text(node.child_by_field_name("module_name"), source)
        names = tuple(_text(n.child_by_field_name("name") or n, source) for n in node.children_by_field_name("name"))
        wildcard = any(c.type == "wildcard_import" for c in node.children)
        found.imports.append(Import(module, ("*",) if wildcard else names))
        return True
    if kind in ("import_statement", "export_statement") and found.language in ("javascript", "typescript", "tsx"):
        source_node = node.child_by_field_name("source")
        if source_node is None:
            return False
        names = []
        for clause in node.named_children:
            for part in _descendants(clause, ("identifier", "import_specifier", "export_specifier", "namespace_import")):
                if part.type in ("import_specifier", "export_specifier"):
                    names.append(_text(part.child_by_field_name("name"), source))
                elif part.type == "namespace_import":
                    names.append("*")
                elif part.parent is not None and part.parent.type == "import_clause":
                    names.append(_text(part, source))  # a default import
        found.imports.append(Import(_strip_quotes(_text(source_node, source)), tuple(dict.fromkeys(names))))
        return True
    if kind == "import_declaration" and found.language == "go":
        for spec in _descendants(node, ("import_spec",)):
            found.imports.append(Import(_strip_quotes(_text(spec.child_by_field_name("path"), source)), ()))
        return True
    if kind == "import_declaration" and found.language == "java":
        text = _text(node, source).removeprefix("import").removesuffix(";").replace("static ", "").strip()
        module, _, last = text.rpartition(".")
        found.imports.append(Import(module, (last,)))
        return True
    if kind == "use_declaration":
        for module, name in _rust_uses(_text(node.child_by_field_name("argument"), source)):
            found.imports.append(Import(module, (name,)))
        return True
    if kind == "preproc_include":
        path = node.child_by_field_name("path")
        if path is not None and path.type == "string_literal":
            found.imports.append(Import(_strip_quotes(_text(path, source)), ()))
        return True
    return False


def _rust_uses(argument: str) -> list[tuple[str, str]]:
    """`crate::a::{B, c::D}` -> [("crate::a", "B"), ("crate::a::c", "D")] (one level of braces, `as` dropped)."""
    argument = re.sub(r"\s+", "", argument)
    head, brace, rest = argument.partition("{")
    if not brace:
        module, _, name = argument.rpartition("::")
        return [(module, name.split("as")[0] if "as" in name else name)]
    uses = []
    for part in rest.rstrip("}").split(","):
        if part:
            inner_module, _, name = part.rpartition("::")
            module = head.rstrip(":") + ("::" + inner_module if inner_module else "")
            uses.append((module, re.sub(r"as\w+$", "", name) if name not in ("self",) else name))
    return uses


def _package(node: Node, source: bytes, found: FileSymbols) -> bool:
    if node.type == "package_clause":
        found.package = _text(node.named_children[0], source) if node.named_child_count else ""
        return True
    if node.type == "package_declaration":
        found.package = _text(node, source).removeprefix("package").removesuffix(";").strip()
        return True
    return False


def _descendants(node: Node, types: tuple[str, ...]):
    stack = [node]
    while stack:
        current = stack.pop()
        if current.type in types:
            yield current
        stack.extend(reversed(current.named_children))
