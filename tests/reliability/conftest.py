"""Reliability runs at CI sizes against real server processes; `diffusion-lsp reliability` takes the full sizes."""

import pytest

from tests.conftest import build_echo_checkpoint


@pytest.fixture(scope="session")
def echo_model() -> str:
    """A checkpoint whose fills parse, so that edits really happen (see tests/lsp_server/conftest.py)."""
    return str(build_echo_checkpoint())
