"""Hostile LSP messages and keystroke storms through a real `diffusion-lsp serve` process."""

import random

from lsp_server.reliability.hostile_lsp import hostile_lsp, hostile_message
from lsp_server.reliability.storm import keystroke_storm


def test_hostile_messages_cover_every_kind():
    rng = random.Random(0)
    bodies = [hostile_message(rng, i)[0].split(b"\r\n\r\n", 1)[1] for i in range(400)]
    assert any(b.startswith(b"[") or b in (b"3", b"null") for b in bodies), "wrong JSON shapes"
    assert any(b.count(b"[") >= 1000 for b in bodies), "deep nesting"
    assert any(b"\\ud800" in b or "\ud800".encode("utf-8", "surrogatepass") in b for b in bodies), "lone surrogates"
    assert any(b"unknown/method" in b for b in bodies)


def test_the_server_survives_hostile_traffic_and_answers_every_request(echo_model):
    figures = hostile_lsp(echo_model, messages=800, probe_every=40)
    assert figures["crashes"] == 0
    assert figures["probes_answered"] == figures["probes"] == 20
    assert figures["requests_answered"] == figures["requests_owed_an_answer"] > 0
    assert figures["ghost_text_after"]
    assert figures["rss_mb_end"] - figures["rss_mb_halfway"] < 150, "memory stays bounded"


def test_a_keystroke_storm_wastes_little_and_answers_the_newest(echo_model):
    figures = keystroke_storm(echo_model, pairs=100, seconds=1.0)
    assert figures["answers"] == 100
    assert figures["newest_answered"] and figures["newest_has_suggestion"]
    assert figures["suggestions_for_outdated_versions"] == 0
    assert figures["stale_share"] <= 0.05, figures
    assert figures["errors_content_modified"] >= 90, "old versions are answered ContentModified, not with ghost text"
