"""Each remote API shape against its loopback stand-in: the exact request, streamed and whole answers, errors,
429 with Retry-After, cancellation mid-stream, the key from a named variable; refactoring through a chat API."""

import json
import time

import pytest

from infill.decode.chat_prompts import fill_messages, strip_fences
from infill.engine import run_infill
from infill.source.document import Document
from infill.source.languages import language_for_id
from infill.source.spans import select_holes, select_range
from infill.task import InfillOptions
from model.errors import ModelError
from model.remote import RemoteFiller, _decide_api
from model.remote_http import RemoteCancelled
from tests.lsp_server.api_standins import StandIn

PY = language_for_id("python")


@pytest.fixture
def stand_in(request):
    made = []

    def make(answer=lambda path, body: "x + 1", **kw):
        made.append(StandIn(answer, **kw))
        return made[-1]
    yield make
    for s in made:
        s.close()


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("api,path", [("openai-completions", "/v1/completions"), ("fim", "/v1/fim/completions"),
                                      ("llama-infill", "/infill"), ("chat", "/v1/chat/completions")])
def test_each_api_gets_its_own_request_shape(stand_in, api, path, stream):
    server = stand_in(llama=api == "llama-infill")
    filler = RemoteFiller(f"{server.origin}/v1", model="mercury-edit-2", api=api, stream=stream)
    if api == "chat":  # a chat model is asked in messages (infill/decode/chat_prompts.py writes them)
        text = filler.chat(fill_messages("a = ", "\nprint(a)\n"), 16)
    else:
        text = filler.complete("a = ", "\nprint(a)\n", 16, extra=[("util.py", "def helper(): pass\n")])
    assert text == "x + 1"
    [(seen_path, headers, body)] = server.requests
    assert seen_path == path and body.get("stream", False) == stream
    if api == "llama-infill":
        assert body["input_prefix"] == "a = " and body["input_suffix"] == "\nprint(a)\n" and body["n_predict"] == 16
        assert body["input_extra"] == [{"filename": "util.py", "text": "def helper(): pass\n"}]
    elif api == "chat":
        assert body["model"] == "mercury-edit-2" and body["messages"][-1]["content"] == "a = <FILL>\nprint(a)\n"
    else:
        assert (body["prompt"], body["suffix"], body["max_tokens"], body["model"]) == ("a = ", "\nprint(a)\n", 16, "mercury-edit-2")


def test_auto_decides_from_the_url_or_one_probe(stand_in):
    never = lambda url: pytest.fail("no probe needed")  # noqa: E731
    assert _decide_api("https://api.inceptionlabs.ai/v1", never) == ("fim", "https://api.inceptionlabs.ai/v1")
    assert _decide_api("http://h:1/v1/fim/completions", never) == ("fim", "http://h:1/v1")
    assert _decide_api("http://h:1/v1/chat/completions", never) == ("chat", "http://h:1/v1")
    assert _decide_api("http://h:1/infill", never) == ("llama-infill", "http://h:1")
    assert _decide_api("http://h:1/v1/completions", never) == ("openai-completions", "http://h:1/v1")
    llama, plain = stand_in(llama=True), stand_in()
    assert RemoteFiller(f"{llama.origin}/v1").api == "llama-infill", "llama.cpp answers /props"
    assert RemoteFiller(f"{plain.origin}/v1").api == "openai-completions"
    assert RemoteFiller(f"{llama.origin}/v1").complete("a = ", "\n", 8) == "x + 1"


def test_429_waits_as_long_as_retry_after_says(stand_in):
    server = stand_in(busy_first=0.4)
    assert RemoteFiller(f"{server.origin}/v1", api="fim", model="m", backoff=0.01).complete("a = ", "\n", 8) == "x + 1"
    assert len(server.requests) == 2 and server.times[1] - server.times[0] >= 0.35


def test_error_bodies_are_reported_in_one_line(stand_in):
    server = stand_in()
    with pytest.raises(ModelError, match="HTTP 400.*missing field.*model"):
        RemoteFiller(f"{server.origin}/v1", api="fim", retries=0).complete("a = ", "\n", 8)  # Mercury needs a model
    with pytest.raises(ModelError, match="HTTP 404"):
        RemoteFiller(f"{server.origin}/v1", api="llama-infill", retries=0).complete("a = ", "\n", 8)


def test_a_streamed_answer_stops_when_the_caller_cancels(stand_in):
    server = stand_in(answer=lambda path, body: "y" * 60, chunk_delay=0.05)
    calls = []

    def keep_going():
        calls.append(time.monotonic())
        return len(calls) < 3
    started = time.monotonic()
    with pytest.raises(RemoteCancelled):
        RemoteFiller(f"{server.origin}/v1", api="openai-completions").complete("a = ", "\n", 64, keep_going=keep_going)
    assert time.monotonic() - started < 0.5, "the 20-chunk answer was not read to its end"


def test_the_api_key_comes_from_the_named_variable_and_is_never_shown(stand_in, monkeypatch):
    monkeypatch.setenv("INCEPTION_API_KEY", "sk-inception-42")
    server = stand_in()
    RemoteFiller(f"{server.origin}/v1", api="fim", model="m", api_key_env="INCEPTION_API_KEY").complete("a", "", 4)
    assert server.requests[0][1]["Authorization"] == "Bearer sk-inception-42"
    with pytest.raises(ModelError) as err:
        RemoteFiller(f"{server.origin}/v1", api="fim", api_key_env="INCEPTION_API_KEY", retries=0).complete("a", "", 4)
    assert "sk-inception" not in str(err.value)


def test_code_is_taken_from_a_fenced_block_or_the_plain_reply():
    assert strip_fences("Here you go:\n```python\nx = 2\n```\nDone.") == "x = 2"
    assert strip_fences("x = 2") == "x = 2"
    assert strip_fences("```\n```") == ""


def _refactor(filler, text: str, selected: str, instruction: str):
    doc = Document(text, PY)
    start = text.index(selected)
    return doc, run_infill(filler, doc, [select_range(doc, start, start + len(selected))],
                           InfillOptions(mode="instruct", instruction=instruction, syntax_rounds=0))


def test_refactor_through_a_chat_api_applies_only_inside_the_selection(stand_in):
    def answer(path, body):
        user = body["messages"][-1]["content"]
        selection = user.split("<selection>")[1].split("</selection>")[0]
        return "Sure! Here is the loop:\n```python\n" + selection.replace("total = sum(xs)", "total = 0\nfor x in xs:\n    total += x") + "\n```"
    server = stand_in(answer=answer)
    text = "def f(xs):\n    total = sum(xs)\n    return total\n"
    doc, result = _refactor(RemoteFiller(f"{server.origin}/v1", api="chat"), text, "total = sum(xs)", "use a loop")
    assert result.accepted
    assert result.text == "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n"
    body = server.requests[0][2]
    assert "use a loop" in body["messages"][-1]["content"] and body["messages"][0]["role"] == "system"


@pytest.mark.parametrize("reply,accepted", [("I would rather not change this code, it looks fine to me.", False),
                                            ("```python\n```", None), ("```python\ntotal = sum(xs\n```", False)])
def test_prose_empty_or_broken_replies_are_not_applied(stand_in, reply, accepted):
    from infill.errors import InfillError
    server = stand_in(answer=lambda path, body: reply)
    filler = RemoteFiller(f"{server.origin}/v1", api="chat")
    text = "def f(xs):\n    total = sum(xs)\n    return total\n"
    if accepted is None:
        with pytest.raises(InfillError, match="no code"):
            _refactor(filler, text, "total = sum(xs)", "use a loop")
        return
    _, result = _refactor(filler, text, "total = sum(xs)", "use a loop")
    assert result.accepted is accepted


def test_fills_and_holes_keep_working_over_a_fim_api(stand_in):
    server = stand_in(answer=lambda path, body: "value * 2")
    doc = Document("def f(value):\n    return <|fill|>\n", PY)
    result = run_infill(RemoteFiller(f"{server.origin}/v1", api="fim", model="m"), doc, select_holes(doc),
                        InfillOptions(syntax_rounds=0))
    assert result.accepted and result.text == "def f(value):\n    return value * 2\n"
    assert json.dumps(server.requests[0][2])


@pytest.mark.parametrize("stream", [False, True])
def test_sglang_answers_fill_holes_and_refactor(stand_in, stream):
    """SGLang serving LLaDA 2.x (`remoteApi: chat`): its whole answers and its streams, which open with the role and
    close with an empty delta and a usage chunk whose choices are empty, give the text and nothing else."""
    def answer(path, body):
        user = body["messages"][-1]["content"]
        if "<selection>" in user:
            selection = user.split("<selection>")[1].split("</selection>")[0]
            return "```python\n" + selection.replace("total = sum(xs)", "total = 0\nfor x in xs:\n    total += x") + "\n```"
        return "value * 2"
    server = stand_in(answer=answer, sglang=True)
    filler = RemoteFiller(f"{server.origin}/v1", model="inclusionAI/LLaDA2.1-mini", api="chat", stream=stream)
    doc = Document("def f(value):\n    return <|fill|>\n", PY)
    filled = run_infill(filler, doc, select_holes(doc), InfillOptions(syntax_rounds=0))
    assert filled.accepted and filled.text == "def f(value):\n    return value * 2\n"
    text = "def f(xs):\n    total = sum(xs)\n    return total\n"
    _, refactored = _refactor(filler, text, "total = sum(xs)", "use a loop")
    assert refactored.accepted
    assert refactored.text == "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n"
    assert all(path == "/v1/chat/completions" and body["model"] == "inclusionAI/LLaDA2.1-mini"
               and body.get("stream", False) == stream for path, _, body in server.requests)
