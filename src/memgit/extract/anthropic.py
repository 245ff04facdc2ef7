"""The Anthropic extractor: one forced tool call to Claude through the official SDK.

The SDK is imported only when an extractor is built or used, never when memgit loads: it costs
over a second, and only the detached background worker needs it. Retries are ours, not the SDK's
(the client runs with ``max_retries=0``), so the policy is explicit and testable: rate limits
(429), overload (529), server errors (5xx), 408/409, timeouts and connection errors are retried
with exponential backoff and jitter, honouring ``retry-after``; anything else, or a failure after
the last retry, becomes an ``ExtractorError``.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from memgit.errors import ExtractorError
from memgit.extract.base import ChunkInput, Extraction, Usage
from memgit.extract.prompt import (
    TOOL_DESCRIPTION,
    TOOL_NAME,
    build_prompt,
    parse_reply,
    reply_schema,
    with_source,
)
from memgit.model import Observation

if TYPE_CHECKING:
    import anthropic

RETRY_STATUSES = frozenset({408, 409, 429})
DEFAULT_MAX_TOKENS = 4096


class AnthropicExtractor:
    """Extract with ``model`` (for example ``claude-haiku-4-5``) through the Messages API."""

    def __init__(
        self,
        model: str,
        client: anthropic.Anthropic | None = None,
        *,
        api_key: str | None = None,
        max_retries: int = 4,
        timeout: float = 60.0,
        max_tokens: int = DEFAULT_MAX_TOKENS,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        max_retry_after: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.model = model
        self.source = f"anthropic:{model}"
        self.max_retries = max_retries
        self.timeout = timeout
        self.max_tokens = max_tokens
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_retry_after = max_retry_after
        self._sleep = sleep
        self._jitter = jitter
        self._client = _configured(client, api_key, timeout)
        self._owns_client = client is None

    def extract(self, chunk: ChunkInput, known: Sequence[Observation]) -> Extraction:
        prompt = build_prompt(chunk, known)
        message = self._create(
            model=self.model,
            max_tokens=self.max_tokens,
            system=prompt.system,
            messages=[{"role": "user", "content": prompt.user}],
            tools=[
                {
                    "name": TOOL_NAME,
                    "description": TOOL_DESCRIPTION,
                    "input_schema": reply_schema(),
                }
            ],
            tool_choice={"type": "tool", "name": TOOL_NAME},
        )
        usage = _usage(getattr(message, "usage", None))
        block = next(
            (
                b
                for b in getattr(message, "content", None) or ()
                if getattr(b, "type", None) == "tool_use" and getattr(b, "name", None) == TOOL_NAME
            ),
            None,
        )
        if block is None:
            stop = getattr(message, "stop_reason", None)
            raise ExtractorError(
                f"{self.source}: the model replied without calling the {TOOL_NAME} tool "
                f"(stop reason: {stop}); the chunk will be retried later"
            )
        try:
            extraction = parse_reply(block.input, prompt)
        except ExtractorError as exc:
            raise with_source(exc, self.source) from None
        return replace(extraction, usage=usage)

    def close(self) -> None:
        """Release the connection pool of a client this extractor created itself."""
        if self._owns_client:
            self._client.close()

    def delay(self, attempt: int, headers: Mapping[str, str] | None) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based): ``retry-after`` if the
        server sent one, else ``backoff_base * 2**attempt`` capped at ``backoff_max``, with the
        upper half jittered so that parallel workers do not retry in step."""
        asked = retry_after_seconds(headers) if headers is not None else None
        if asked is not None:
            return asked
        ceiling = min(self.backoff_max, self.backoff_base * 2.0**attempt)
        return ceiling / 2 + ceiling / 2 * self._jitter()

    def _create(self, **request: Any) -> Any:
        import anthropic

        attempt = 0
        while True:
            try:
                return self._client.messages.create(**request)
            except anthropic.APIStatusError as exc:
                status = exc.status_code
                if status not in RETRY_STATUSES and status < 500:
                    raise ExtractorError(_status_message(self.source, exc)) from None
                failure = _status_message(self.source, exc)
                headers: Mapping[str, str] | None = exc.response.headers
            except anthropic.APITimeoutError:
                failure = f"{self.source}: no reply within {self.timeout:g}s"
                headers = None
            except anthropic.APIConnectionError as exc:
                failure = f"{self.source}: cannot reach the API ({exc.__cause__ or exc})"
                headers = None
            except anthropic.APIResponseValidationError as exc:
                raise ExtractorError(f"{self.source}: unusable API response: {exc}") from None
            except json.JSONDecodeError as exc:
                raise ExtractorError(
                    f"{self.source}: the API answered with something that is not JSON ({exc})"
                ) from None
            except (anthropic.AnthropicError, TypeError, ValueError) as exc:
                # The SDK raises TypeError when it finds no credentials at all.
                raise ExtractorError(
                    f"{self.source}: the request could not be made ({exc}). Set "
                    "ANTHROPIC_API_KEY, or choose the claude-cli or heuristic extractor."
                ) from None
            if attempt >= self.max_retries:
                raise ExtractorError(
                    f"{failure}; gave up after {attempt + 1} attempts, the chunk will be "
                    "retried later"
                )
            wait = self.delay(attempt, headers)
            if wait > self.max_retry_after:
                raise ExtractorError(
                    f"{failure}; the API asks to wait {wait:.0f}s, more than "
                    f"{self.max_retry_after:g}s: the chunk will be retried later"
                )
            self._sleep(wait)
            attempt += 1


def _configured(
    client: anthropic.Anthropic | None, api_key: str | None, timeout: float
) -> anthropic.Anthropic:
    """The client with the SDK's own retries off (ours apply) and our timeout.

    Without a client or key, the SDK finds credentials itself (``ANTHROPIC_API_KEY``,
    ``ANTHROPIC_AUTH_TOKEN``, a profile).
    """
    import anthropic

    try:
        if client is None:
            return anthropic.Anthropic(api_key=api_key, max_retries=0, timeout=timeout)
        return client.with_options(max_retries=0, timeout=timeout)
    except anthropic.AnthropicError as exc:
        raise ExtractorError(f"cannot set up the Anthropic client: {exc}") from None


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """``retry-after-ms`` or ``retry-after`` (seconds or an HTTP date) as seconds, if usable."""
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return max(0.0, email.utils.mktime_tz(parsed) - time.time())


def _status_message(source: str, exc: Any) -> str:
    status = exc.status_code
    detail = getattr(exc, "api_message", None) or getattr(exc, "message", "") or ""
    hint = {
        401: " Check ANTHROPIC_API_KEY.",
        403: " The key may not have access to this model.",
        404: " Check the configured model name.",
        429: " Rate limited.",
        529: " The API is overloaded.",
    }.get(status, "")
    return f"{source}: HTTP {status} {detail}".rstrip() + "." + hint


def _usage(raw: object) -> Usage:
    if raw is None:
        return Usage()
    return Usage.from_counts(lambda name: getattr(raw, name, None))
