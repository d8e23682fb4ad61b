"""Fills that use another function's local variable, in the eight brace languages (`return s;` in `add` where `s` is
a `let` of `main`): the model copies names from the code it sees, and a name declared only inside other functions
does not exist where the fill is. Python has its own, fuller name check (infill/checks/python/soundness.py).

To keep false alarms near zero a name counts only when every other place it appears lies inside a function that
does not enclose the fill and that declares the name itself (a parameter, `let`, `var`, `:=`, a C declarator);
a use in a function that does not declare it means it comes from elsewhere (a global, a field in a header, a
package variable in another file), and the fill declaring (before the use, where order matters) or assigning the
name itself clears it. docs/eval/soundness.md (third part) lists every rule with the real code that asked for it.
"""

from __future__ import annotations

import re

from tree_sitter import Node, Tree

from ..source.languages import LanguageSpec
from ..source.positions import byte_offset, str_offset
from .soundness import Defect

# Where a declaration covers the uses before it too (`function next()` and `var` are hoisted; closures run later).
HOISTING = frozenset({"javascript", "typescript", "tsx"})
# Where `let x = x` reads the x of the scope around (C's `T *r = malloc(sizeof *r)` and JavaScript's TDZ do not).
SHADOWING = frozenset({"rust", "go"})
# Lower-case names only: capitalised ones are mostly types, constants and enum variants (Rust's `None` in a pattern).
IDENTIFIER = re.compile(rb"(?<![A-Za-z0-9_])[a-z_][A-Za-z0-9_]*")
# Nodes a declared name may sit in, between it and the node that declares it (patterns, lists, C declarators).
CONTAINERS = frozenset({"expression_list", "tuple_pattern", "tuple_struct_pattern", "slice_pattern", "ref_pattern",
                        "mut_pattern", "reference_pattern", "array_pattern", "object_pattern", "pair_pattern",
                        "assignment_pattern", "pointer_declarator", "reference_declarator", "array_declarator",
                        "identifier_list", "captured_pattern", "or_pattern", "struct_pattern", "field_pattern",
                        "shorthand_field_identifier", "rest_pattern", "spread_element"})
# Nodes every identifier child of which is a declared parameter.
PARAMETER_LISTS = frozenset({"closure_parameters", "formal_parameters", "parameters", "lambda_parameters",
                             "inferred_parameters"})
# (node type, field) pairs whose identifier the node declares, in the eight grammars.
DECLARING = frozenset({
    ("let_declaration", "pattern"), ("for_expression", "pattern"), ("parameter", "pattern"),
    ("let_condition", "pattern"), ("match_arm", "pattern"), ("match_pattern", None),
    ("short_var_declaration", "left"), ("range_clause", "left"), ("var_spec", "name"), ("const_spec", "name"),
    ("parameter_declaration", "name"), ("variadic_parameter_declaration", "name"), ("receive_statement", "left"),
    ("init_declarator", "declarator"), ("declaration", "declarator"), ("parameter_declaration", "declarator"),
    ("for_range_loop", "declarator"), ("lambda_capture_specifier", None),
    ("variable_declarator", "name"), ("for_in_statement", "left"), ("catch_clause", "parameter"),
    ("arrow_function", "parameter"), ("required_parameter", "pattern"), ("optional_parameter", "pattern"),
    ("enhanced_for_statement", "name"), ("catch_formal_parameter", "name"), ("formal_parameter", "name"),
    ("spread_parameter", None), ("resource", "name"), ("instanceof_expression", "name"),
    ("lambda_expression", "parameters"), ("function_declaration", "name"), ("generator_function_declaration", "name"),
    ("function_item", "name"), ("class_declaration", "name"), ("function_expression", "name"), ("function", "name"),
    ("function_declarator", "declarator"),  # C++'s `Vec spacing(x, y, z);` parses as a function's declarator
})
# Assignments: a fill that assigns a name may be creating it (JavaScript without `let`), so it is not flagged.
ASSIGNING = frozenset({("assignment_expression", "left"), ("assignment_statement", "left"),
                       ("compound_assignment_expr", "left"), ("augmented_assignment_expression", "left")})
# Identifiers that name a member, not a variable: Java's `this.count` and `count()` on an object.
# So are a path's last segment (`Default::default`, `std::max`) and a macro's name (`backtrace!()`).
MEMBER_FIELDS = frozenset({("field_access", "field"), ("method_invocation", "name"), ("method_reference", None),
                           ("scoped_identifier", "name"), ("qualified_identifier", "name"),
                           ("macro_invocation", "macro")})
# Names a fill declares without an `identifier` node: JavaScript's `const { key, value } = pair`.
DECLARED_LEAVES = frozenset({"shorthand_property_identifier_pattern"})
# Imports inside a function (Rust's `use std::iter::empty;`, C++'s `using std::max;`) bring names in.
IMPORTS = frozenset({"use_declaration", "using_declaration", "import_declaration", "import_statement"})
# Where declarations cannot be seen: code the parser could not place (its scopes are guesses) and, for a fill's
# uses, a Rust macro's tokens (`let x` inside `quickcheck! { ... }` is no let_declaration).
BROKEN = frozenset({"ERROR"})
OPAQUE = BROKEN | {"token_tree"}
ANONYMOUS = ("closure", "lambda", "arrow", "func_literal", "function")


def _field_of(node: Node) -> str | None:
    """The field name under which `node` hangs from its parent, if any."""
    parent = node.parent
    for i, child in enumerate(parent.children):
        if child.start_byte == node.start_byte and child.end_byte == node.end_byte and child.type == node.type:
            return parent.field_name_for_child(i)
    return None


def _declares(node: Node, pairs: frozenset) -> bool:
    """Whether this identifier is where a name is declared (or, with ASSIGNING among `pairs`, assigned)."""
    while node.parent is not None and node.parent.type in CONTAINERS:
        node = node.parent
    parent = node.parent
    if parent is None:
        return False
    if parent.type in PARAMETER_LISTS:
        return True
    field = _field_of(node)
    return (parent.type, field) in pairs or (parent.type, None) in pairs


def _is_member(node: Node) -> bool:
    """A member's name (Java's `this.count`), or the key of a Go struct literal (`{level: x}` parses as a name)."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "literal_element" and parent.parent is not None and parent.parent.type == "keyed_element":
        return parent.parent.named_children[0] == parent
    return (parent.type, _field_of(node)) in MEMBER_FIELDS or (parent.type, None) in MEMBER_FIELDS


def _called(node: Node) -> bool:
    """The function a call names (`signal(SIGFPE, h)`): often a library function that shares a local's name."""
    parent = node.parent
    return parent is not None and parent.type == "call_expression" and _field_of(node) == "function"


def _members_may_come_from_elsewhere(use: Node, language: LanguageSpec) -> bool:
    """Java and C++ read fields without `this`: in a class with a base class, or a C++ method defined outside its
    class (`Foo::get`), a bare name may be a member declared in another file."""
    if language.name not in ("java", "cpp"):
        return False
    here = use.parent
    while here is not None:
        if here.type in ("class_declaration", "enum_declaration") and here.child_by_field_name("superclass") is not None:
            return True
        if here.type == "object_creation_expression" and any(c.type == "class_body" for c in here.children):
            return True  # an anonymous class extends what it creates
        if here.type in ("class_specifier", "struct_specifier") and \
                any(c.type == "base_class_clause" for c in here.children):
            return True
        if here.type == "function_definition" and b"::" in _declarator_name(here):
            return True
        here = here.parent
    return False


def _function_declarator(function: Node) -> Node | None:
    """C and C++: the declarator holding a function's name and parameters (under pointers and references)."""
    declarator = function.child_by_field_name("declarator")
    while declarator is not None and declarator.type not in ("function_declarator", "abstract_function_declarator"):
        declarator = declarator.child_by_field_name("declarator")
    return declarator


def _declarator_name(function: Node) -> bytes:
    declarator = _function_declarator(function)
    name = declarator.child_by_field_name("declarator") if declarator is not None else None
    return (name.text or b"") if name is not None else b""


def _inside(node: Node, types: frozenset[str]) -> bool:
    here = node.parent
    while here is not None:
        if here.type in types:
            return True
        here = here.parent
    return False


def _scope_ranges(function: Node) -> list[tuple[int, int]]:
    """Byte ranges whose names are the function's own: its body and parameters (a C declarator holds the
    parameters beside the function's name, which belongs to the scope around it)."""
    parts = [function.child_by_field_name(f) for f in ("body", "parameters", "parameter", "receiver")]
    declarator = _function_declarator(function)
    if declarator is not None:
        parts.append(declarator.child_by_field_name("parameters"))
    return [(p.start_byte, p.end_byte) for p in parts if p is not None]


def _owners(node: Node, function_types: frozenset[str]) -> list[Node]:
    """The functions whose own scope holds `node`, innermost first."""
    owners, here = [], node.parent
    while here is not None:
        if here.type in function_types and any(a <= node.start_byte and node.end_byte <= b for a, b in _scope_ranges(here)):
            owners.append(here)
        here = here.parent
    return owners


def _function_name(function: Node) -> str:
    field = function.child_by_field_name("name")
    name = (field.text or b"") if field is not None else _declarator_name(function)
    if name:
        return f"`{name.decode('utf-8', errors='replace')}`"
    return "an anonymous function" if function.type.startswith(ANONYMOUS) else "another function"


def _identifier_at(tree: Tree, start: int, end: int, leaves: frozenset[str] = frozenset()) -> Node | None:
    """The identifier (or a node of `leaves`) spanning exactly these bytes, if any."""
    node = tree.root_node.named_descendant_for_byte_range(start, end)
    return node if node is not None and (node.type == "identifier" or node.type in leaves) \
        and node.start_byte == start and node.end_byte == end else None


def locals_of_other_functions(tree: Tree, text: str, data: bytes, fill_ranges: list[tuple[int, int]],
                              language: LanguageSpec) -> list[Defect]:
    """Each use in a fill of a name that exists only as a local of other functions (brace languages only)."""
    if not language.braces:  # Python has its own name check
        return []
    spans = [(byte_offset(text, a), byte_offset(text, b)) for a, b in fill_ranges if b > a]
    in_fill: dict[bytes, list[Node]] = {}
    declared: set[bytes] = set()
    for lo, hi in spans:
        for match in IDENTIFIER.finditer(data, lo, hi):
            node = _identifier_at(tree, *match.span(), DECLARED_LEAVES)
            if node is None:
                continue
            if node.type in DECLARED_LEAVES or _inside(node, IMPORTS):
                declared.add(match.group())
            elif not _is_member(node) and not _called(node):
                in_fill.setdefault(match.group(), []).append(node)
    defects = []
    for name, uses in in_fill.items():
        if name in declared or (language.name == "go" and _imported(data, name)) or \
                any(_declares(n, ASSIGNING) or _inside(n, OPAQUE) for n in uses) or \
                _members_may_come_from_elsewhere(uses[0], language):
            continue
        unresolved = _before_declaration(uses, language.name not in HOISTING, language.name in SHADOWING)
        owner = _only_local_elsewhere(tree, data, name, spans, unresolved[0], language.function_types) \
            if unresolved else None
        if owner is not None:
            why = f"`{name.decode()}` is a local of {_function_name(owner)}, not defined here"
            defects += [(str_offset(data, n.start_byte), str_offset(data, n.end_byte), why) for n in unresolved]
    return defects


def _before_declaration(uses: list[Node], ordered: bool, shadowing: bool) -> list[Node]:
    """The uses no declaration in the fill covers: where order matters those before it and, where a declaration's
    own value reads the name from the scope around (`let mut s = s;` in Rust and Go), those in its value."""
    declarations = [n for n in uses if _declares(n, DECLARING)]
    if declarations and not ordered:
        return []
    return [u for u in uses if u not in declarations and not any(
        d.start_byte < u.start_byte and not (shadowing and _within(u, _initial_value(d))) for d in declarations)]


def _initial_value(declared: Node) -> Node | None:
    node = declared
    while node.parent is not None and node.parent.type in CONTAINERS:
        node = node.parent
    parent = node.parent
    if parent is None:
        return None
    return parent.child_by_field_name("value") or parent.child_by_field_name("right")


def _within(node: Node, outer: Node | None) -> bool:
    return outer is not None and outer.start_byte <= node.start_byte and node.end_byte <= outer.end_byte


def _imported(data: bytes, name: bytes) -> bool:
    """Go imports a package by a string whose last segment is its name (`"os"`, `"path/filepath"`)."""
    return re.search(rb'"(?:[^"\n]*/)?' + re.escape(name) + rb'"', data) is not None


def _words(data: bytes, name: bytes, lo: int, hi: int):
    """Byte offsets of `name` as a whole word in data[lo:hi]."""
    at = data.find(name, lo, hi)
    while at >= 0:
        end = at + len(name)
        if (at == 0 or not _word_byte(data[at - 1])) and (end >= len(data) or not _word_byte(data[end])):
            yield at
        at = data.find(name, end, hi)


def _word_byte(byte: int) -> bool:
    return byte == 95 or 48 <= byte <= 57 or 65 <= byte <= 90 or 97 <= byte <= 122


def _only_local_elsewhere(tree: Tree, data: bytes, name: bytes, spans, use: Node, function_types) -> Node | None:
    """A function declaring `name` when every appearance outside the fills is in the scope of a function that does
    not hold `use` and declares the name itself; None when any appearance could be visible at `use`."""
    outside_fills = lambda at: not any(lo <= at < hi for lo, hi in spans)
    around = _owners(use, function_types)
    if around and around[-1].has_error:
        return None  # the parser misread the function around the fill: its scopes are guesses
    if around and any(outside_fills(at) for at in _words(data, name, around[-1].start_byte, around[-1].end_byte)):
        return None  # the function around the fill names it (most names of a fill): no need to look further
    outside = [n for at in _words(data, name, 0, len(data)) if outside_fills(at)
               for n in [_identifier_at(tree, at, at + len(name), DECLARED_LEAVES)] if n is not None and not _is_member(n)]
    if not outside or any(_inside(n, BROKEN) for n in outside):
        return None
    scoped = [(n, _owners(n, function_types)) for n in outside]
    declared_in = {(owners[0].start_byte, owners[0].end_byte) for n, owners in scoped
                   if owners and (n.type in DECLARED_LEAVES or _declares(n, DECLARING))}
    owner = None
    for node, owners in scoped:
        if not owners or any(o.start_byte <= use.start_byte < o.end_byte for o in owners):
            return None  # at file level, or in a function around the fill: visible there
        if not any((o.start_byte, o.end_byte) in declared_in for o in owners):
            return None  # used where it is not declared: it comes from outside this file
        owner = owner or owners[0]
    return owner
