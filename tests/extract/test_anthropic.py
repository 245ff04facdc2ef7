"""The Anthropic extractor, driving the real SDK against a local fake Messages API."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import anthropic
import pytest

from memgit.errors import ExtractorError
from memgit.extract.anthropic import AnthropicExtractor, retry_after_seconds
from memgit.extract.base import ChunkInput, Usage
from memgit.extract.prompt import SYSTEM_PROMPT, TOOL_NAME, build_prompt, reply_schema
from memgit.model import new_observation

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
MODEL = "claude-haiku-4-5"
CHUNK = ChunkInput(
    text=(
        "user: the harbor sync fails with 401 since the token rotated\n"
        "assistant: config.py read HARBOR_TOKEN=[REDACTED] at import; it now reads it per call"
    ),
    files=("src/harbor/config.py",),
    branch="main",
)
KNOWN = [new_observation("decision", "Parse harbor timestamps as UTC", now=NOW, ident="kaaa000001")]
GOOD_INPUT = {
    "observations": [
        {
            "type": "gotcha",
            "title": "Harbor token is read per call because it rotates hourly",
            "narrative": "Reading it at import kept a stale token and caused 401s.",
            "facts": ["token rotates hourly"],
            "files": ["src/harbor/config.py"],
            "tags": ["auth"],
            "confidence": 0.9,
        }
    ],
    "notes": {
        "request": "Fix the 401s of the harbor sync",
        "learned": [],
        "completed": ["token read per call"],
        "next_steps": [],
    },
}


@dataclass
class Reply:
    status: int = 200
    body: object = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def message(content: list[dict[str, Any]], usage: dict[str, int] | None = None) -> Reply:
    return Reply(
        body={
            "id": "msg_test",
            "type": "message",
            "role": "assistant",
            "model": MODEL,
            "content": content,
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": usage or {"input_tokens": 1000, "output_tokens": 100},
        }
    )


def tool_reply(tool_input: object, usage: dict[str, int] | None = None) -> Reply:
    block = {"type": "tool_use", "id": "toolu_1", "name": TOOL_NAME, "input": tool_input}
    return message([block], usage)


def error(status: int, kind: str, headers: dict[str, str] | None = None) -> Reply:
    body = {"type": "error", "error": {"type": kind, "message": f"fake {kind}"}}
    return Reply(status=status, body=body, headers=headers or {})


class FakeAPI:
    """A Messages API on 127.0.0.1 that serves queued replies and records each request."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.stopping = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                api.requests.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "json": json.loads(self.rfile.read(length)),
                    }
                )
                reply = api.replies.pop(0) if api.replies else error(500, "no_reply_queued")
                if reply.delay and api.stopping.wait(reply.delay):
                    return
                data = reply.body if isinstance(reply.body, bytes) else json.dumps(reply.body)
                payload = data if isinstance(data, bytes) else data.encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: the timeout test

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def queue(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def close(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def api() -> Iterator[FakeAPI]:
    server = FakeAPI()
    yield server
    server.close()


@pytest.fixture
def client(api: FakeAPI) -> Iterator[anthropic.Anthropic]:
    sdk = anthropic.Anthropic(api_key="sk-ant-test-not-a-real-key", base_url=api.url)
    yield sdk
    sdk.close()


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make(client: anthropic.Anthropic, sleeps: list[float]) -> Callable[..., AnthropicExtractor]:
    def build(**options: Any) -> AnthropicExtractor:
        settings: dict[str, Any] = {
            "max_retries": 3,
            "timeout": 5.0,
            "sleep": sleeps.append,
            "jitter": lambda: 1.0,
        }
        settings.update(options)
        return AnthropicExtractor(MODEL, client, **settings)

    return build


# --- a good reply --------------------------------------------------------------------------------


def test_a_forced_tool_call_becomes_an_extraction_with_usage(
    api: FakeAPI, make: Callable[..., AnthropicExtractor]
) -> None:
    api.queue(
        tool_reply(
            GOOD_INPUT,
            {"input_tokens": 1200, "output_tokens": 150, "cache_read_input_tokens": 30},
        )
    )
    extractor = make()
    assert extractor.source == "anthropic:claude-haiku-4-5"
    extraction = extractor.extract(CHUNK, KNOWN)
    (candidate,) = extraction.candidates
    assert candidate.type == "gotcha"
    assert candidate.title == "Harbor token is read per call because it rotates hourly"
    assert candidate.files == ("src/harbor/config.py",)
    assert extraction.notes.request == "Fix the 401s of the harbor sync"
    assert extraction.usage == Usage(input_tokens=1230, output_tokens=150)


def test_the_request_carries_model_tool_schema_known_memories_and_the_chunk_verbatim(
    api: FakeAPI, make: Callable[..., AnthropicExtractor]
) -> None:
    api.queue(tool_reply(GOOD_INPUT))
    make().extract(CHUNK, KNOWN)
    (request,) = api.requests
    assert request["path"] == "/v1/messages"
    assert request["headers"]["authorization"] == "Bearer sk-ant-test-not-a-real-key"
    body = request["json"]
    assert body["model"] == MODEL
    assert body["system"] == SYSTEM_PROMPT
    assert body["tools"] == [
        {
            "name": TOOL_NAME,
            "description": body["tools"][0]["description"],
            "input_schema": reply_schema(),
        }
    ]
    assert body["tool_choice"] == {"type": "tool", "name": TOOL_NAME}
    (user,) = body["messages"]
    assert user["role"] == "user"
    assert user["content"] == build_prompt(CHUNK, KNOWN).user
    assert user["content"].count(CHUNK.text) == 1
    assert "[m:kaaa000001] decision: Parse harbor timestamps as UTC" in user["content"]
    assert body["max_tokens"] > 0
    assert "sk-ant-test" not in json.dumps(body)


# --- malformed replies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (Reply(body=b"<html>not json</html>"), "not JSON"),
        (message([{"type": "text", "text": "Here are the observations: none."}]), TOOL_NAME),
        (tool_reply({"observations": "none"}), "no 'observations' list"),
        (tool_reply("a string instead of an object"), "is a string"),
        (tool_reply([GOOD_INPUT]), "is a list"),
    ],
)
def test_malformed_replies_raise_extractor_errors(
    api: FakeAPI,
    make: Callable[..., AnthropicExtractor],
    sleeps: list[float],
    reply: Reply,
    says: str,
) -> None:
    api.queue(reply)
    with pytest.raises(ExtractorError) as caught:
        make().extract(CHUNK, KNOWN)
    assert says in str(caught.value)
    assert str(caught.value).startswith("anthropic:claude-haiku-4-5: ")
    assert len(api.requests) == 1
    assert sleeps == []


# --- retries -------------------------------------------------------------------------------------


def test_a_rate_limit_waits_as_long_as_retry_after_says(
    api: FakeAPI, make: Callable[..., AnthropicExtractor], sleeps: list[float]
) -> None:
    api.queue(error(429, "rate_limit_error", {"retry-after": "2"}), tool_reply(GOOD_INPUT))
    extraction = make().extract(CHUNK, KNOWN)
    assert len(extraction.candidates) == 1
    assert sleeps == [2.0]
    assert len(api.requests) == 2


def test_retry_after_ms_is_preferred_and_too_long_a_wait_gives_up(
    api: FakeAPI, make: Callable[..., AnthropicExtractor], sleeps: list[float]
) -> None:
    api.queue(
        error(429, "rate_limit_error", {"retry-after-ms": "150", "retry-after": "1"}),
        tool_reply(GOOD_INPUT),
    )
    make().extract(CHUNK, KNOWN)
    assert sleeps == [0.15]
    api.queue(error(429, "rate_limit_error", {"retry-after": "3600"}))
    with pytest.raises(ExtractorError, match="asks to wait 3600s"):
        make(max_retry_after=60).extract(CHUNK, KNOWN)
    assert sleeps == [0.15]


@pytest.mark.parametrize(("status", "kind"), [(500, "api_error"), (529, "overloaded_error")])
def test_server_errors_and_overload_are_retried_with_backoff(
    api: FakeAPI,
    make: Callable[..., AnthropicExtractor],
    sleeps: list[float],
    status: int,
    kind: str,
) -> None:
    api.queue(error(status, kind), error(status, kind), error(status, kind), tool_reply(GOOD_INPUT))
    extraction = make(backoff_base=0.01, backoff_max=0.03).extract(CHUNK, KNOWN)
    assert len(extraction.candidates) == 1
    assert sleeps == [0.01, 0.02, 0.03]
    assert len(api.requests) == 4


def test_a_timeout_is_retried(
    api: FakeAPI, make: Callable[..., AnthropicExtractor], sleeps: list[float]
) -> None:
    slow = tool_reply(GOOD_INPUT)
    slow.delay = 5.0
    api.queue(slow, tool_reply(GOOD_INPUT))
    extraction = make(timeout=0.3, backoff_base=0.01).extract(CHUNK, KNOWN)
    assert len(extraction.candidates) == 1
    assert sleeps == [0.01]
    assert len(api.requests) == 2


def test_repeated_failures_end_in_an_extractor_error(
    api: FakeAPI, make: Callable[..., AnthropicExtractor], sleeps: list[float]
) -> None:
    api.queue(*[error(529, "overloaded_error")] * 5)
    with pytest.raises(ExtractorError, match="HTTP 529") as caught:
        make(max_retries=2, backoff_base=0.01).extract(CHUNK, KNOWN)
    assert "gave up after 3 attempts" in str(caught.value)
    assert "overloaded" in str(caught.value)
    assert len(api.requests) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    ("status", "kind", "hint"),
    [
        (400, "invalid_request_error", "HTTP 400"),
        (401, "authentication_error", "ANTHROPIC_API_KEY"),
        (404, "not_found_error", "model name"),
    ],
)
def test_client_errors_are_not_retried(
    api: FakeAPI,
    make: Callable[..., AnthropicExtractor],
    sleeps: list[float],
    status: int,
    kind: str,
    hint: str,
) -> None:
    api.queue(error(status, kind), tool_reply(GOOD_INPUT))
    with pytest.raises(ExtractorError, match=hint):
        make().extract(CHUNK, KNOWN)
    assert len(api.requests) == 1
    assert sleeps == []


def test_an_unreachable_api_is_retried_then_reported(sleeps: list[float]) -> None:
    closed = FakeAPI()
    url = closed.url
    closed.close()
    with anthropic.Anthropic(api_key="sk-ant-test-not-a-real-key", base_url=url) as sdk:
        extractor = AnthropicExtractor(
            MODEL, sdk, max_retries=2, timeout=2.0, sleep=sleeps.append, jitter=lambda: 0.0
        )
        with pytest.raises(ExtractorError, match="cannot reach the API"):
            extractor.extract(CHUNK, KNOWN)
    assert sleeps == [0.5, 1.0]


def test_missing_credentials_become_an_extractor_error(
    api: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    with (
        anthropic.Anthropic(base_url=api.url) as sdk,
        pytest.raises(ExtractorError, match="ANTHROPIC_API_KEY"),
    ):
        AnthropicExtractor(MODEL, sdk).extract(CHUNK, KNOWN)
    assert api.requests == []


def test_an_extractor_can_build_its_own_client(
    api: FakeAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)
    api.queue(tool_reply(GOOD_INPUT))
    extractor = AnthropicExtractor(MODEL, api_key="sk-ant-test-own-client", max_retries=0)
    try:
        assert len(extractor.extract(CHUNK, KNOWN).candidates) == 1
    finally:
        extractor.close()
    assert api.requests[0]["headers"]["authorization"] == "Bearer sk-ant-test-own-client"


# --- the pure parts of the policy ----------------------------------------------------------------


def test_backoff_doubles_is_capped_and_jittered_in_its_upper_half() -> None:
    def delays(jitter: float) -> list[float]:
        with anthropic.Anthropic(api_key="unused") as sdk:
            extractor = AnthropicExtractor(
                MODEL, sdk, backoff_base=1.0, backoff_max=5.0, jitter=lambda: jitter
            )
            return [extractor.delay(attempt, {}) for attempt in range(5)]

    assert delays(1.0) == [1.0, 2.0, 4.0, 5.0, 5.0]
    assert delays(0.0) == [0.5, 1.0, 2.0, 2.5, 2.5]


def test_retry_after_header_forms() -> None:
    assert retry_after_seconds({"retry-after": "7"}) == 7.0
    assert retry_after_seconds({"retry-after": "1.5"}) == 1.5
    assert retry_after_seconds({"retry-after-ms": "250"}) == 0.25
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({}) is None
    future = formatdate(datetime.now(UTC).timestamp() + 30, usegmt=True)
    assert 25 <= (retry_after_seconds({"retry-after": future}) or 0) <= 31
    past = formatdate(0, usegmt=True)
    assert retry_after_seconds({"retry-after": past}) == 0.0
