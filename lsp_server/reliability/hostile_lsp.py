"""Malformed and hostile LSP traffic through a real server over stdio, with valid probes between: does it live?"""

from __future__ import annotations

import json
import random
import time

from .raw_client import RawServer, ServerGone, encode, frame

GOOD_URI = "file:///reliability/good.py"
PROBE_URI = "file:///reliability/probe.py"  # hostile messages never name it, so probes always have a valid target
GOOD_TEXT = "def add(a, b):\n    return a + b\n\n\ndef scale(xs, k):\n    return [x * k for x in xs]\n"
METHODS = ["textDocument/inlineCompletion", "textDocument/codeAction", "codeAction/resolve", "workspace/executeCommand",
           "textDocument/didOpen", "textDocument/didChange", "textDocument/didClose", "workspace/didChangeConfiguration",
           "$/cancelRequest", "initialize", "shutdown"]
NOTIFICATIONS = {"textDocument/didOpen", "textDocument/didChange", "textDocument/didClose", "workspace/didChangeConfiguration",
                 "$/cancelRequest"}  # sent with an id by a confused client, they are still notifications: no answer owed
WEIRD = [None, True, -1, 2**63, 1e308, float("nan"), "", "x" * 1000, [], {}, [1, 2], {"line": "0"}, "\ud800", "\x00"]


def _position(rng: random.Random):
    return rng.choice([{"line": rng.choice(WEIRD), "character": 0}, {"line": -5, "character": -1},
                       {"line": 2**40, "character": 2**40}, {"line": 0}, {"line": 1, "character": 10**9},
                       {"line": 0.5, "character": 1.5}, rng.choice(WEIRD)])


def _document(rng: random.Random) -> str:
    return rng.choice([
        "def f(\x00\x01\x02):\n    \ufffe\uffff",                       # binary and non-characters
        "".join(chr(rng.randrange(0, 0x2FF)) for _ in range(500)),       # noise
        "x = '\ud800'\n" * 3,                                            # lone surrogates: not valid UTF-8
        "\n" * 5000,
        "(" * 20000,                                                     # a parser's worst nesting
        GOOD_TEXT.replace("a + b", "a +"),
    ])


def _hostile_params(rng: random.Random, method: str):
    uri = rng.choice([GOOD_URI, "file:///reliability/other.py", "file:///nope.zz", "not a uri", "", None, 7])
    position = _position(rng)
    return rng.choice([
        rng.choice(WEIRD),
        {"textDocument": {"uri": uri}, "position": position, "context": {"triggerKind": rng.choice([1, 2, "x", None])}},
        {"textDocument": {"uri": uri}, "range": {"start": position, "end": _position(rng)}, "context": {"diagnostics": []}},
        {"textDocument": {"uri": uri, "languageId": rng.choice(["python", "cobol", "", None, 3]), "version": rng.choice(WEIRD),
                          "text": _document(rng)}},
        {"textDocument": {"uri": uri, "version": rng.choice([1, -1, None, "2"])},
         "contentChanges": [{"range": {"start": position, "end": _position(rng)}, "text": rng.choice(["x", "\ud800", None, 5])}]},
        {"settings": {"diffusionLsp": {k: rng.choice(WEIRD) for k in ("steps", "cache", "model", "threads", "ghostLengths")}}},
        {"command": rng.choice(["diffusion.refactor", "rm -rf /", None]), "arguments": rng.choice(WEIRD + [[GOOD_URI, {}, 1]])},
        {"title": "x", "data": {"uri": uri, "version": rng.choice(WEIRD), "action": rng.choice(WEIRD), "start": -1, "end": 10**9}},
        {"id": rng.choice(WEIRD)},
    ])


def hostile_message(rng: random.Random, ident: int) -> tuple[bytes, bool]:
    """One framed hostile message, and whether it is a well-formed request that deserves an answer."""
    method = rng.choice(METHODS + ["unknown/method", "$/unknown", "textDocument/definition"])
    kind = rng.randrange(10)
    if kind == 0:  # JSON cut short
        whole = encode({"jsonrpc": "2.0", "id": ident, "method": method, "params": _hostile_params(rng, method)})
        return frame(whole[:rng.randrange(1, max(2, len(whole)))]), False
    if kind == 1:  # not JSON, not even UTF-8
        return frame(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300)))), False
    if kind == 2:  # JSON of the wrong shape
        body = rng.choice([[], [1, 2], "x", 3, None, {"jsonrpc": "1.0"}, {"id": {"a": 1}, "method": method},
                           {"jsonrpc": "2.0", "method": 5, "id": ident}, {"jsonrpc": "2.0", "result": 1, "id": 10**6},
                           [{"jsonrpc": "2.0", "method": "shutdown", "id": ident}]])
        return frame(json.dumps(body).encode()), False
    if kind == 3:  # nesting deep enough to exhaust a recursive parser
        depth = rng.choice([1000, 100_000])
        return frame(b'{"jsonrpc":"2.0","id":%d,"method":"x","params":' % ident + b"[" * depth + b"]" * depth + b"}"), False
    if kind == 4:  # a huge, unservable document (rarely: each is 12 MB)
        if rng.random() < 0.01:
            text = "x = 1\n" * 2_000_000
            return frame(encode({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": "file:///reliability/huge.py", "languageId": "python", "version": 1, "text": text}}})), False
        kind = 5
    if kind in (5, 6, 7) and method not in ("initialize", "shutdown"):  # a well-formed request with hostile params
        return (frame(encode({"jsonrpc": "2.0", "id": ident, "method": method, "params": _hostile_params(rng, method)})),
                method not in NOTIFICATIONS)
    # a notification with hostile params (no answer owed)
    return frame(encode({"jsonrpc": "2.0", "method": method if method not in ("initialize", "shutdown") else "exit!",
                         "params": _hostile_params(rng, method)})), False


def _probe(server: RawServer) -> bool:
    answer = server.request("textDocument/codeAction", {
        "textDocument": {"uri": PROBE_URI}, "range": {"start": {"line": 1, "character": 4}, "end": {"line": 1, "character": 16}},
        "context": {"diagnostics": []}}, timeout=30)
    return isinstance(answer.get("result"), list)


def hostile_lsp(model: str, messages: int = 10_000, probe_every: int = 50, seed: int = 0, progress=None) -> dict:
    """Send `messages` hostile messages to one server; a valid probe after every `probe_every`. Figures as a dict."""
    rng = random.Random(seed)
    server = RawServer(model, {"diffusionLsp": {"steps": 4}})
    started, owed, probes, answered, rss = time.perf_counter(), [], 0, 0, []
    try:
        for uri in (GOOD_URI, PROBE_URI):
            server.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1,
                                                                    "text": GOOD_TEXT}})
        rss_start = server.rss_mb()
        for i in range(messages):
            data, deserves_answer = hostile_message(rng, 10_000_000 + i)
            server.send_bytes(data)
            if deserves_answer:
                owed.append(10_000_000 + i)
            if (i + 1) % probe_every == 0 or i == messages - 1:
                probes += 1
                answered += _probe(server)
                rss.append(server.rss_mb())
            if progress:
                progress(1)
        time.sleep(1.0)  # the last probe was answered; give stragglers among async handlers a moment
        owed_answered = sum(1 for ident in owed if server.answers.pop(ident, None) is not None)
        rss_end = server.rss_mb()
        ghost = server.request("textDocument/inlineCompletion", {"textDocument": {"uri": PROBE_URI},
                                                                 "position": {"line": 1, "character": 11},
                                                                 "context": {"triggerKind": 2}}, timeout=120)
    except ServerGone:
        owed_answered, rss_end, ghost = 0, 0.0, {}
    finally:
        crashed = not server.alive  # before close: exiting is what a shutdown asks for
        server.close()
    return {"messages": messages, "crashes": int(crashed), "probes": probes,
            "probes_answered": answered, "requests_owed_an_answer": len(owed), "requests_answered": owed_answered,
            "ghost_text_after": "result" in ghost, "rss_mb_start": rss_start,
            "rss_mb_halfway": rss[len(rss) // 2] if rss else 0.0, "rss_mb_max": max(rss, default=0.0), "rss_mb_end": rss_end,
            "seconds": round(time.perf_counter() - started, 1)}
