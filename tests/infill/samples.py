"""The nine-language samples, shared with the reliability runs."""

from lsp_server.reliability.language_samples import SOURCES

__all__ = ["SOURCES"]
