"""serve-http under concurrent load on loopback."""

from lsp_server.reliability.http_load import http_load


def test_concurrent_clients_all_get_answers(echo_model):
    figures = http_load(echo_model, clients=8, requests=6, steps=2)
    assert figures["requests"] == 48
    assert figures["errors"] == 0, figures["statuses"]
    assert figures["server_alive"]
