"""A scripted Messages API server for driving the real Claude Code CLI in tests.

It listens on 127.0.0.1 (standard library ``http.server`` in a thread) and answers exactly the
requests it knows, recording every one:

- ``session``: the user's conversation with the agent. Each scripted ``Turn`` names its prompt
  and lists the assistant replies in order (text, ``tool_use`` blocks); which reply is due is read
  from the request itself (how many assistant messages follow the prompt), so retries and
  ``--resume`` replay work. A prompt without a script, or a turn asked for more replies than it
  has, is unscripted.
- ``extract-anthropic``: memgit's own extractor through the SDK (forced ``record_memory`` tool).
- ``extract-cli``: memgit's ``claude -p --json-schema`` child (the CLI's ``StructuredOutput`` tool).
  Both get observations built from the session part they carry: each scripted ``Knowledge`` whose
  evidence the part contains, and notes naming the scripted prompts the part shows.
- ``probe``: the CLI's ``HEAD /api/hello`` connectivity check.

Claude Code 2.1.332 in ``-p`` mode sent nothing else (no title or topic calls to a small model,
no token counting); a Messages request without the agent's tools is therefore not taken for the
session but reported as unscripted, with its model and tools, so a new kind of auxiliary request
shows up as a failure to classify rather than a silent answer.

Anything else is answered with HTTP 400 and kept in ``unexpected``; ``check()`` raises on it, so
a test fails loudly instead of accepting a request nobody scripted. Token counts in ``usage`` are
estimated at 4 characters per token (there is no offline Claude tokenizer); the bench reports them
as estimates next to the exact character counts.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

#: memgit's extraction prompt starts with this sentence (src/memgit/extract/prompt.py).
EXTRACTION_MARK = "You read one part of a coding session"
CHUNK_OPEN = "<session-part>"
CHUNK_CLOSE = "</session-part>"
REMINDER = "<system-reminder>"
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """Tokens as the server bills them: one per 4 characters, rounded up."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


# --- the script ----------------------------------------------------------------------------------


def text(value: str) -> dict[str, Any]:
    return {"type": "text", "text": value}


_ids = itertools.count(1)


def tool(name: str, **arguments: Any) -> dict[str, Any]:
    ident = f"toolu_e2e{next(_ids):04d}"
    return {"type": "tool_use", "id": ident, "name": name, "input": arguments}


@dataclass(frozen=True)
class Turn:
    """One prompt and the replies that answer it, in order (the last one ends the turn)."""

    prompt: str
    replies: tuple[tuple[dict[str, Any], ...], ...]


@dataclass(frozen=True)
class Knowledge:
    """An observation the extraction answers with when its ``evidence`` is in the session part."""

    type: str
    title: str
    evidence: str
    narrative: str = ""
    facts: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    confidence: float = 0.9


@dataclass
class Recorded:
    kind: str
    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    raw: str
    reply: dict[str, Any] | None = None
    error: str | None = None

    @property
    def all_text(self) -> str:
        """Every string in the request body, joined (what the model would read)."""
        return "\n".join(strings(self.body)) if self.body is not None else self.raw

    @property
    def input_chars(self) -> int:
        return len(self.all_text)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# --- reading requests ----------------------------------------------------------------------------


def blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    content = message.get("content")
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    return [b for b in content or [] if isinstance(b, dict)]


def conversation(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The user and assistant messages (the CLI also sends ``system`` role messages)."""
    return [m for m in body.get("messages", []) if m.get("role") in ("user", "assistant")]


def prompt_texts(message: dict[str, Any]) -> list[str]:
    """Text blocks a person typed (no ``<system-reminder>`` context). A message carrying tool
    results is the harness's, whatever text it adds (ToolSearch adds "Tool loaded.")."""
    if message.get("role") != "user":
        return []
    if any(b.get("type") == "tool_result" for b in blocks(message)):
        return []
    return [
        b["text"]
        for b in blocks(message)
        if b.get("type") == "text"
        and isinstance(b.get("text"), str)
        and not b["text"].lstrip().startswith(REMINDER)
    ]


def tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for m in conversation(body) for b in blocks(m) if b.get("type") == "tool_result"]


def result_text(result: dict[str, Any]) -> str:
    content = result.get("content")
    if isinstance(content, str):
        return content
    return "\n".join(
        b.get("text", "") for b in content or [] if isinstance(b, dict) and b.get("type") == "text"
    )


def tool_names(body: dict[str, Any]) -> list[str]:
    return [t.get("name", "") for t in body.get("tools") or [] if isinstance(t, dict)]


def system_text(body: dict[str, Any]) -> str:
    system = body.get("system")
    if isinstance(system, str):
        return system
    return "\n".join(b.get("text", "") for b in system or [] if isinstance(b, dict))


def session_part(body: dict[str, Any]) -> str:
    """The transcript text inside an extraction request's ``<session-part>`` markers."""
    whole = "\n".join(strings(body.get("messages")))
    start, end = whole.find(CHUNK_OPEN), whole.rfind(CHUNK_CLOSE)
    return whole[start + len(CHUNK_OPEN) : end] if 0 <= start < end else ""


# --- the server ----------------------------------------------------------------------------------


class Unscripted(AssertionError):
    """The CLI or memgit sent a request the script has no answer for."""


@dataclass
class ModelServer:
    turns: list[Turn] = field(default_factory=list)
    knowledge: list[Knowledge] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    unexpected: list[Recorded] = field(default_factory=list)
    model: str = "claude-e2e-model"
    #: Answer memgit's ``--json-schema`` requests with this text instead of the tool call (a
    #: model that ignores the schema); None plays a model that calls it.
    structured_refusal: str | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> ModelServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                server._handle(self)

            do_GET = do_HEAD = do_PUT = do_DELETE = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self) -> str:
        assert self._httpd is not None, "the server is not started"
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    # queries
    def of(self, *kinds: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.kind in kinds]

    def check(self) -> None:
        """Raise ``Unscripted`` when any request had no scripted answer."""
        with self._lock:
            bad = list(self.unexpected)
        if bad:
            lines = [f"{r.method} {r.path} [{r.kind}]: {r.error}" for r in bad]
            raise Unscripted(
                f"{len(bad)} request(s) without a script:\n"
                + "\n".join(lines)
                + "\nfirst body: "
                + bad[0].raw[:3000]
            )

    # handling
    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length).decode("utf-8", "replace") if length else ""
        body: dict[str, Any] | None = None
        if raw:
            try:
                parsed = json.loads(raw)
                body = parsed if isinstance(parsed, dict) else None
            except ValueError:
                body = None
        record = Recorded(
            kind="?",
            method=handler.command,
            path=handler.path,
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=body,
            raw=raw,
        )
        try:
            record.kind, reply = self._answer(record)
        except Unscripted as exc:
            record.error = str(exc)
            with self._lock:
                self.requests.append(record)
                self.unexpected.append(record)
            _send_json(
                handler,
                400,
                {"type": "error", "error": {"type": "invalid_request_error", "message": str(exc)}},
            )
            return
        record.reply = reply
        with self._lock:
            self.requests.append(record)
        if reply is None:  # probe
            handler.send_response(200)
            handler.send_header("content-length", "0")
            handler.end_headers()
            return
        if body is not None and body.get("stream"):
            _send_stream(handler, reply)
        else:
            _send_json(handler, 200, reply)

    def _answer(self, record: Recorded) -> tuple[str, dict[str, Any] | None]:
        path = record.path.split("?")[0]
        if record.method == "HEAD" and path == "/api/hello":
            return "probe", None
        if record.method != "POST" or path != "/v1/messages" or record.body is None:
            record.kind = "unknown"
            raise Unscripted(f"no script for {record.method} {record.path}")
        body = record.body
        names = tool_names(body)
        if EXTRACTION_MARK in system_text(body) and "record_memory" in names:
            record.kind = "extract-anthropic"
            call = {"type": "tool_use", "id": "toolu_extract", "name": "record_memory"}
            return record.kind, self._message(body, [{**call, "input": self._extract(body)}])
        if EXTRACTION_MARK in system_text(body) and "StructuredOutput" in names:
            record.kind = "extract-cli"
            return record.kind, self._structured(body)
        if "Bash" in names:  # the agent loop: the CLI's own tools come with every request
            record.kind = "session"
            return record.kind, self._message(body, list(self._session_reply(body)))
        record.kind = "unknown"
        first = system_text(body).strip().splitlines()[-1:] or [""]
        raise Unscripted(
            f"a Messages request that is neither the session nor memgit's extraction "
            f"(model {body.get('model')!r}, tools {names}, system ends {first[0][:120]!r})"
        )

    def _session_reply(self, body: dict[str, Any]) -> tuple[dict[str, Any], ...]:
        messages = conversation(body)
        for index in range(len(messages) - 1, -1, -1):
            typed = "\n".join(prompt_texts(messages[index]))
            if not typed:
                continue
            turn = next((t for t in self.turns if t.prompt in typed), None)
            if turn is None:
                raise Unscripted(f"no scripted turn for the prompt {typed[:300]!r}")
            step = sum(1 for m in messages[index + 1 :] if m.get("role") == "assistant")
            if step >= len(turn.replies):
                raise Unscripted(
                    f"turn {turn.prompt!r} has {len(turn.replies)} replies, reply {step + 1} asked"
                )
            return turn.replies[step]
        raise Unscripted("a session request without any typed prompt")

    def _structured(self, body: dict[str, Any]) -> dict[str, Any]:
        """The CLI's ``--json-schema`` loop: call StructuredOutput once, then end the turn."""
        messages = conversation(body)
        answered = any(b.get("type") == "tool_result" for m in messages for b in blocks(m))
        if answered:
            return self._message(body, [text("Recorded.")])
        if self.structured_refusal is not None:
            return self._message(body, [text(self.structured_refusal)])
        call = {"type": "tool_use", "id": "toolu_structured", "name": "StructuredOutput"}
        return self._message(body, [{**call, "input": self._extract(body)}])

    def _extract(self, body: dict[str, Any]) -> dict[str, Any]:
        part = session_part(body)
        if not part:
            raise Unscripted("an extraction request without a <session-part>")
        lowered = part.lower()
        observations = [
            {
                "type": k.type,
                "title": k.title,
                "narrative": k.narrative or k.evidence,
                "facts": list(k.facts),
                "files": list(k.files),
                "tags": list(k.tags),
                "confidence": k.confidence,
            }
            for k in self.knowledge
            if k.evidence.lower() in lowered
        ]
        asked = [t.prompt for t in self.turns if t.prompt.lower() in lowered]
        finals = [
            b["text"]
            for t in self.turns
            if t.prompt.lower() in lowered
            for b in t.replies[-1]
            if b.get("type") == "text"
        ]
        notes = {
            "request": asked[0] if asked else "",
            "learned": [o["title"] for o in observations][:5],
            "completed": [re.split(r"(?<=[.!?])\s", f, maxsplit=1)[0] for f in finals][:5],
            "next_steps": [],
        }
        return {"observations": observations, "notes": notes}

    def _message(self, body: dict[str, Any], content: list[dict[str, Any]]) -> dict[str, Any]:
        stop = "tool_use" if any(b["type"] == "tool_use" for b in content) else "end_turn"
        out_chars = sum(len(json.dumps(b)) for b in content)
        return {
            "id": f"msg_e2e{next(_ids):05d}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model") or self.model,
            "content": content,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {
                "input_tokens": estimate_tokens("\n".join(strings(body))),
                "output_tokens": math.ceil(out_chars / CHARS_PER_TOKEN),
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        }


def _send_json(handler: BaseHTTPRequestHandler, status: int, data: dict[str, Any]) -> None:
    payload = json.dumps(data).encode("utf-8")
    handler.send_response(status)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)


def _send_stream(handler: BaseHTTPRequestHandler, message: dict[str, Any]) -> None:
    """``message`` as the server-sent events of a streamed Messages API reply."""
    handler.send_response(200)
    handler.send_header("content-type", "text/event-stream")
    handler.send_header("cache-control", "no-cache")
    handler.end_headers()

    def event(name: str, data: dict[str, Any]) -> None:
        handler.wfile.write(f"event: {name}\ndata: {json.dumps(data)}\n\n".encode())

    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    event("message_start", {"type": "message_start", "message": start})
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            event(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": text("")},
            )
            delta = {"type": "text_delta", "text": block["text"]}
        else:
            opened = {**block, "input": {}}
            event(
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": opened},
            )
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
        moved = {"type": "content_block_delta", "index": index, "delta": delta}
        event("content_block_delta", moved)
        event("content_block_stop", {"type": "content_block_stop", "index": index})
    event(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
            "usage": {"output_tokens": usage["output_tokens"]},
        },
    )
    event("message_stop", {"type": "message_stop"})
    handler.wfile.flush()
