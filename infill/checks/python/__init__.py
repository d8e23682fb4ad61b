"""Python's own checks, read from CPython's compiler, AST and symbol tables."""
