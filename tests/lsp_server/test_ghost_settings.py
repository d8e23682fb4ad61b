"""ghostMinConfidence through the real server: from initializationOptions and didChangeConfiguration into the
settings the server uses (diffusion.stats reports them); a bad value warns and keeps the one before."""

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from tests.lsp_server.conftest import SERVER, start


async def server_settings(client: LanguageClient) -> dict:
    stats = await client.workspace_execute_command_async(types.ExecuteCommandParams("diffusion.stats", []))
    return stats["settings"]


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER))
async def sure_client(lsp_client: LanguageClient):
    lsp_client.init_result = await start(lsp_client, ghostMinConfidence=0.7)
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_the_threshold_round_trips_and_a_bad_value_keeps_the_old_one(sure_client: LanguageClient):
    assert (await server_settings(sure_client))["ghost_min_confidence"] == 0.7
    sure_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        {"diffusion": {"ghostMinConfidence": 0.25}}))
    assert (await server_settings(sure_client))["ghost_min_confidence"] == 0.25
    sure_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        {"diffusion": {"ghostMinConfidence": 1.5}}))
    assert (await server_settings(sure_client))["ghost_min_confidence"] == 0.25, "a bad value keeps the old one"
    warnings = [m.message for m in sure_client.messages if "ghostMinConfidence" in m.message or
                "ghost_min_confidence" in m.message]
    assert warnings and "keeping 0.25" in warnings[-1]


@pytest.mark.asyncio
async def test_the_draft_threshold_round_trips_and_a_bad_value_keeps_the_old_one(sure_client: LanguageClient):
    assert (await server_settings(sure_client))["ghost_lookup_confidence"] is None, "auto: calibrated per language"
    for value in (0.2, 1.0):  # 1: drafts copied from the file are never shown
        sure_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            {"diffusion": {"ghostLookupConfidence": value}}))
        assert (await server_settings(sure_client))["ghost_lookup_confidence"] == value
    sure_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        {"diffusion": {"ghostLookupConfidence": -0.1}}))
    assert (await server_settings(sure_client))["ghost_lookup_confidence"] == 1.0, "a bad value keeps the old one"
    assert any("ghostLookupConfidence" in m.message for m in sure_client.messages)
