"""The editor-facing layer: the language server and the command line."""

__version__ = "0.1.0"
