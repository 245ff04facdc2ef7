"""The scripted model server on its own, through the official SDK (no CLI needed)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import anthropic
import pytest

from memgit.extract.anthropic import AnthropicExtractor
from memgit.extract.base import ChunkInput
from tests.e2e.model_server import Knowledge, ModelServer, Turn, Unscripted, text, tool


@pytest.fixture
def server() -> Iterator[ModelServer]:
    running = ModelServer(
        turns=[
            Turn(
                "fix the parser",
                ((tool("Read", file_path="/r/parse.py"),), (text("Fixed the parser."),)),
            )
        ],
        knowledge=[Knowledge("gotcha", "The API bans clients after 5 failures", "bans clients")],
    ).start()
    yield running
    running.stop()


SESSION_TOOLS = [{"name": "Bash", "input_schema": {"type": "object"}}]


def client(server: ModelServer) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key="sk-test", base_url=server.url, max_retries=0)


def test_a_turn_is_played_reply_by_reply_streamed(server: ModelServer) -> None:
    with client(server) as api:
        first = [{"role": "user", "content": "please fix the parser"}]
        stream_of = api.messages.stream
        with stream_of(model="m", max_tokens=100, messages=first, tools=SESSION_TOOLS) as stream:
            reply = stream.get_final_message()
        assert reply.stop_reason == "tool_use"
        call = reply.content[0]
        assert call.type == "tool_use"
        assert call.input == {"file_path": "/r/parse.py"}
        result = {"type": "tool_result", "tool_use_id": call.id, "content": "def parse(): ..."}
        second = [
            *first,
            {"role": "assistant", "content": [call.model_dump()]},
            {"role": "user", "content": [result]},
        ]
        with stream_of(model="m", max_tokens=100, messages=second, tools=SESSION_TOOLS) as stream:
            done = stream.get_final_message()
    assert done.stop_reason == "end_turn"
    assert done.content[0].type == "text"
    assert done.content[0].text == "Fixed the parser."
    assert [r.kind for r in server.requests] == ["session", "session"]
    server.check()


def test_memgit_extraction_gets_observations_from_what_the_part_says(server: ModelServer) -> None:
    extractor = AnthropicExtractor("claude-haiku-4-5", client(server))
    said = ChunkInput(text="USER: fix the parser\nASSISTANT: the API bans clients after 5 tries")
    extraction = extractor.extract(said, [])
    assert [c.title for c in extraction.candidates] == ["The API bans clients after 5 failures"]
    assert extraction.notes.request == "fix the parser"
    assert extraction.usage.input_tokens > 0
    silent = extractor.extract(ChunkInput(text="USER: hello there"), [])
    assert silent.candidates == ()
    assert [r.kind for r in server.requests] == ["extract-anthropic"] * 2
    server.check()


def test_an_unscripted_request_fails_loudly(server: ModelServer) -> None:
    said = [{"role": "user", "content": "something else"}]
    with client(server) as api:
        with pytest.raises(anthropic.BadRequestError):
            api.messages.create(model="m", max_tokens=10, messages=said, tools=SESSION_TOOLS)
        with pytest.raises(anthropic.BadRequestError, match="neither the session"):
            api.messages.create(model="small", max_tokens=10, messages=said)
    request = urllib.request.Request(f"{server.url}/v1/unknown", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(request, timeout=10)
    assert failed.value.code == 400
    assert json.loads(failed.value.read())["error"]["type"] == "invalid_request_error"
    with pytest.raises(Unscripted, match="no scripted turn for the prompt 'something else'"):
        server.check()
    assert len(server.unexpected) == 3
