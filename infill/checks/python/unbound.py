"""Ghost text that reads a Python name nothing in scope binds: `self` in a plain function, `kwargs` where no
parameter has that name. Read from tree-sitter, because the line being typed rarely compiles, so CPython's symbol
tables (checks/python/scopes.py) are not there to ask.

In scope at the cursor: builtins; what module-level code, each enclosing class body and each enclosing function
(its parameters and its own statements, not those of functions nested elsewhere) names outside the suggestion; and
what the suggestion itself binds. A file with a star import is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from tree_sitter import Node, Tree

from ...source.positions import str_offset
from ..soundness import Defect
from .scopes import BUILTIN_NAMES

SCOPES = frozenset({"function_definition", "class_definition", "lambda"})
COMPREHENSIONS = frozenset({"list_comprehension", "set_comprehension", "dictionary_comprehension",
                            "generator_expression"})
# (parent type, field) of identifiers that are not names looked up in a scope.
NOT_A_NAME = frozenset({("attribute", "attribute"), ("keyword_argument", "name")})
# Parents whose identifiers bind a name (parameters, targets, imports, aliases).
BINDING_PARENTS = frozenset({"parameters", "default_parameter", "typed_parameter", "typed_default_parameter",
                             "list_splat_pattern", "dictionary_splat_pattern", "lambda_parameters",
                             "aliased_import", "dotted_name", "as_pattern_target", "global_statement",
                             "nonlocal_statement"})
BINDING_FIELDS = frozenset({("assignment", "left"), ("augmented_assignment", "left"), ("for_statement", "left"),
                            ("for_in_clause", "left"), ("named_expression", "name"), ("as_pattern", "alias"),
                            ("function_definition", "name"), ("class_definition", "name")})


def _field(node: Node) -> str | None:
    parent = node.parent
    if parent is None:
        return None
    for i, child in enumerate(parent.children):
        if child.id == node.id:
            return parent.field_name_for_child(i)
    return None


def _role(node: Node) -> str:
    """'member' (not a scope lookup), 'bind' or 'read' for an identifier node."""
    parent, field = node.parent, _field(node)
    if parent is None:
        return "read"
    if (parent.type, field) in NOT_A_NAME:
        return "member"
    if parent.type in BINDING_PARENTS or (parent.type, field) in BINDING_FIELDS:
        return "bind"
    # Targets nested in patterns: `a, b = ...`, `for i, x in ...`
    up, child = parent, node
    while up is not None and up.type in ("pattern_list", "tuple_pattern", "list_pattern", "tuple", "list",
                                         "parenthesized_expression"):
        child, up = up, up.parent
    if up is not None and up is not parent and (up.type, _field(child)) in BINDING_FIELDS:
        return "bind"
    return "read"


def _identifiers(node: Node, skip_scopes: bool) -> Iterator[Node]:
    """Identifiers under `node`; with `skip_scopes`, not inside nested functions, classes and lambdas (their names,
    which the nesting scope binds, are kept)."""
    stack = list(reversed(node.children))
    while stack:
        current = stack.pop()
        if current.type == "identifier":
            yield current
            continue
        if skip_scopes and current.type in SCOPES:
            name = current.child_by_field_name("name")
            if name is not None:
                yield name
            continue
        stack.extend(reversed(current.children))


def _identifiers_within(node: Node, a: int, b: int) -> Iterator[Node]:
    """Identifiers lying inside bytes [a, b], visiting only the nodes that overlap it."""
    stack = [node]
    while stack:
        current = stack.pop()
        if current.end_byte <= a or current.start_byte >= b:
            continue
        if current.type == "identifier":
            if a <= current.start_byte and current.end_byte <= b:
                yield current
            continue
        stack.extend(reversed(current.children))


def _enclosing_scopes(tree: Tree, at: int) -> list[Node]:
    """The module and every function or class containing byte `at`, outermost first."""
    node = tree.root_node.descendant_for_byte_range(at, at)
    chain = []
    while node is not None:
        if node.type in ("function_definition", "class_definition"):
            chain.append(node)
        node = node.parent
    return [tree.root_node] + chain[::-1]


def _scope_parts(scope: Node) -> list[Node]:
    """What a scope's own names are read from: a function's parameters and body, a class's body, the module."""
    if scope.type == "function_definition":
        return [n for n in (scope.child_by_field_name("parameters"), scope.child_by_field_name("body")) if n]
    if scope.type == "class_definition":
        body = scope.child_by_field_name("body")
        return [body] if body is not None else []
    return [scope]


def has_star_import(tree: Tree) -> bool:
    return any(child.type == "import_from_statement" and any(c.type == "wildcard_import" for c in child.children)
               for child in tree.root_node.children)


def unbound_names(tree: Tree, text: str, data: bytes, ranges: list[tuple[int, int]]) -> list[Defect]:
    """Names the open-ended fills at `ranges` (str offsets in `text`) read that nothing in scope binds."""
    if not ranges or has_star_import(tree):
        return []
    defects = []
    for lo, hi in ranges:
        a, b = len(text[:lo].encode("utf-8")), len(text[:hi].encode("utf-8"))
        if a == b:
            continue
        known = set(BUILTIN_NAMES) | {"__name__", "__file__", "__doc__"}
        scopes = _enclosing_scopes(tree, a)
        innermost = scopes[-1]
        for scope in scopes:
            # An enclosing class body is in scope only for code written directly in it, not in its methods.
            if scope.type == "class_definition" and scope is not innermost:
                continue
            for part in _scope_parts(scope):
                for ident in _identifiers(part, skip_scopes=True):
                    inside = a <= ident.start_byte and ident.end_byte <= b
                    role = _role(ident)
                    if role == "member" or (inside and role == "read"):
                        continue
                    known.add(data[ident.start_byte:ident.end_byte].decode("utf-8", "replace"))
        written = list(_identifiers_within(tree.root_node, a, b))
        # Whatever the suggestion binds anywhere inside it (comprehension variables, lambda parameters) counts too.
        known.update(data[i.start_byte:i.end_byte].decode("utf-8", "replace") for i in written if _role(i) == "bind")
        for ident in written:
            if _role(ident) != "read":
                continue
            name = data[ident.start_byte:ident.end_byte].decode("utf-8", "replace")
            if name not in known and not _in_comprehension_binding(ident, name, data):
                start, end = str_offset(data, ident.start_byte), str_offset(data, ident.end_byte)
                defects.append((start, end, f"`{name}` is bound nowhere in scope here"))
                known.add(name)  # one defect per name
    return defects


def _in_comprehension_binding(ident: Node, name: str, data: bytes) -> bool:
    """A read inside a comprehension whose `for` binds the name (`[x for x in xs]`), wherever the comprehension is."""
    node = ident.parent
    while node is not None:
        if node.type in COMPREHENSIONS:
            for clause in node.children:
                if clause.type == "for_in_clause":
                    left = clause.child_by_field_name("left")
                    if left is not None and name in {data[i.start_byte:i.end_byte].decode("utf-8", "replace")
                                                     for i in _identifiers_with_self(left)}:
                        return True
        node = node.parent
    return False


def _identifiers_with_self(node: Node) -> Iterator[Node]:
    if node.type == "identifier":
        yield node
    yield from _identifiers(node, skip_scopes=False)
