"""matplotlib on demand: PNG charts are an optional extra (`pip install 'diffusion-lsp[plots]'`)."""

from __future__ import annotations

from .errors import ModelError

INSTALL_HINT = "PNG plots need matplotlib: pip install 'diffusion-lsp[plots]' (or pip install matplotlib)"


class PlotsUnavailable(ModelError):
    """matplotlib is not installed; the message says how to get it."""


def pyplot():
    """matplotlib.pyplot on the file-only Agg backend, or PlotsUnavailable with the install line."""
    try:
        import matplotlib
    except ImportError:
        raise PlotsUnavailable(INSTALL_HINT) from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt
