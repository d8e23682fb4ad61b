"""pytest-lsp clients for the real `diffusion-lsp serve` process, with the tiny test checkpoint."""

from __future__ import annotations

import sys

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from tests.conftest import build_echo_checkpoint

# The echo model writes `1` at every masked position: its ghost text and fills parse where the tests ask
# for them, so what the tests check is the server, not a random model's luck.
CHECKPOINT = build_echo_checkpoint()
SERVER = [sys.executable, "-m", "lsp_server", "serve", "--model", str(CHECKPOINT), "--device", "cpu"]


async def start(client: LanguageClient, encodings=None, **init_options):
    capabilities = client_capabilities("visual-studio-code")
    if encodings is not None:
        capabilities.general = types.GeneralClientCapabilities(position_encodings=encodings)
    options = {"steps": 4, "maxTokens": 16, "syntaxRounds": 1, **init_options}
    return await client.initialize_session(types.InitializeParams(capabilities=capabilities, initialization_options=options))


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def client(lsp_client: LanguageClient):
    lsp_client.init_result = await start(lsp_client)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def utf8_client(lsp_client: LanguageClient):
    lsp_client.init_result = await start(lsp_client, encodings=[types.PositionEncodingKind.Utf16, types.PositionEncodingKind.Utf8])
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, uri: str, text: str, language: str = "python", version: int = 1) -> None:
    client.text_document_did_open(types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, language, version, text)))
