"""What tool calls and their output prove, read without treating output as prose.

The error line of a failing command (the evidence a gotcha explains), whether a result reports
failures, the last test run that passed after edits, the last todo list, and the request a
session opened with. Pure functions over the chunk's blocks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from memgit.extract.phrasing import plain, shorten
from memgit.extract.segment import Block

EDIT_TOOLS = frozenset({"Edit", "MultiEdit", "Write", "NotebookEdit"})

_ERROR_WORDS = (
    (re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b"), 4),
    (re.compile(r"\berror\b|ERR!|\bfatal\b|\bpanicked\b", re.IGNORECASE), 3),
    (re.compile(r"\bFAIL(?:ED|URE)?\b|\bfailed\b|\u2718"), 2),
    (
        re.compile(
            r"\b(?:invalid|denied|refused|forbidden|unauthori[sz]ed|rejected|cannot|can'?t|"
            r"could not|unable|not found|no such|timed? ?out|not satisfied|mismatch|missing|"
            r"undefined|not defined)\b",
            re.IGNORECASE,
        ),
        2,
    ),
    (re.compile(r"\b[45]\d\d\b"), 1),
    (re.compile(r"\b(?:expected|received|assert\w*)\b", re.IGNORECASE), 1),
)
_NOISE = re.compile(r"^(?:exit code \d+|error: exit code \d+|\s*at .*:\d+:\d+\)?)$", re.I)
_TEST_COMMAND = re.compile(
    r"\b(?:pytest|py\.test|tox|nox|unittest|go test|cargo test|(?:npm|pnpm|yarn|bun)(?: \S+)* "
    r"test|jest|vitest|playwright test|rspec|mix test|mvn test|gradle\w* test|make test|"
    r"mise run test|phpunit|ctest|dotnet test)\b"
)
_PASSED = re.compile(
    r"\b\d+ passed\b|\btest result: ok\b|^ok\s+\S+|\bTests?:?\s+\d+ passed|\bPASS\b|"
    r"\b\d+ (?:tests?|specs?) passed\b|\bpassed \(",
    re.MULTILINE,
)
_FAILED = re.compile(r"\b[1-9]\d* (?:failed|errors?)\b|\bFAIL\b|\bFAILED\b")
_DECLINED = re.compile(
    r"(?:the user doesn'?t want to|user rejected|\[request interrupted|permission to use \S+ "
    r"(?:was|has been) denied|the tool use was rejected)",
    re.IGNORECASE,
)
_TODO = re.compile(r"^\[(\w+)\] (.+)$", re.MULTILINE)
SYMPTOM = re.compile(
    r"\b(?:fail\w*|broken|breaks?|error\w*|wrong|off by|bug\w*|flak\w*|crash\w*|slow\w*|"
    r"doesn'?t|can'?t|won'?t|isn'?t|issue|problem|twice|missing|stuck|hangs?|leak\w*|"
    r"should be|supposed to|expected|incorrect|weird|strange|unexpected|too slow|sitting on|"
    r"takes? (?:like |about |over )?\d+ ?(?:s|secs?|seconds|minutes?)|climb\w*|grow\w*|"
    r"spik\w*|jumps? to|oom\w*|logged out|kicked out|logs? (?:\w+ )?out|throw\w*|lost|losing|"
    r"duplicat\w*|outage|unready|\d{3}'?d|(?:returns?|returned|returning|gets?|got|getting|"
    r"throws?|with|an?) (?:an? |http )?[45]\d\d|time[sd]? out|timing out|"
    r"but not (?:locally|in dev|on my machine|in staging)|"
    r"(?:\d+|several|multiple|many) (?:or \d+ )?times|went (?:down|red|unready)|"
    r"never (?:comes?|goes|went) (?:down|back|away)|stale|blank|empty|sometimes|randomly|"
    r"intermittent\w*|occasionally|used to (?:be|take|work)|took \d+|\w+(?:Error|Exception)|"
    r"DoesNotExist|NullPointer\w*|panic\w*|segfault\w*|instead of|ever since|since the|"
    r"after the (?:update|upgrade|deploy|release|migration|change)|off by|"
    r"(?:an?|one|\d+) (?:hour|day|minute|week)s? (?:late|early|off|behind|ahead))\b",
    re.IGNORECASE,
)
"""Words of a user reporting that something is wrong."""


def error_line(text: str) -> str:
    """The most telling line of an error output: the exception or failure message."""
    best, best_score = "", 0
    for raw in text.splitlines():
        line = re.sub(r"^E\s+", "", raw.strip())
        if not line or _NOISE.match(line):
            continue
        score = sum(weight for pattern, weight in _ERROR_WORDS if pattern.search(line))
        if score > best_score:
            best, best_score = line, score
    if not best:
        lines = (line.strip() for line in text.splitlines())
        best = next((line for line in lines if line and not _NOISE.match(line)), "")
    return shorten(" ".join(best.split()), 200)


def reports_failure(block: Block) -> bool:
    """A failed tool call, or output that counts failures (a test run that exited 0 anyway).

    A tool call the user declined is not a failure: nothing was learned about the code."""
    if block.role == "error":
        return not _DECLINED.match(block.text.strip())
    return block.role == "result" and bool(_FAILED.search(block.text))


def last_test_run(found: Sequence[Block]) -> str | None:
    """The last test run of the chunk when it passed, as a fact; ``None`` if none or it failed."""
    last: str | None = None
    for i, block in enumerate(found):
        if block.role != "tool" or block.tool != "Bash" or not _TEST_COMMAND.search(block.text):
            continue
        result = found[i + 1] if i + 1 < len(found) else None
        if result is None or result.role not in ("result", "error"):
            continue
        summary = _PASSED.search(result.text) if result.role == "result" else None
        if summary and not _FAILED.search(result.text):
            command = " ".join(block.text.split())
            count = " ".join(summary.group(0).split())
            last = f"Tests pass after the changes (`{shorten(command, 60)}`: {count})"
        else:
            last = None
    return last


def last_todos(found: Sequence[Block]) -> list[tuple[str, str]]:
    """(status, task) pairs of the chunk's last TodoWrite call."""
    for block in reversed(found):
        if block.role == "tool" and block.tool == "TodoWrite":
            return [(status, task) for status, task in _TODO.findall(block.text)]
    return []


def request(found: Sequence[Block]) -> str:
    """What the session was asked: the first typed prompt (else a command, or a subagent task)."""
    for block in found:
        if block.role == "user" and not block.command and len(block.text.split()) >= 2:
            return _request_text(block.text)
    for block in found:
        if block.role in ("user", "task") and len(block.text.split()) >= 2:
            return _request_text(block.text)
    return ""


def _request_text(text: str) -> str:
    """The opening line (or two) of a prompt; "Implement the following plan:" takes its title."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    first = lines[0]
    if first.endswith(":") and len(lines) > 1:
        first = f"{first} {lines[1].lstrip('# ').strip()}"
    elif len(first) < 60 and len(lines) > 1:
        first = f"{first} {lines[1]}"
    return shorten(plain(first), 200)
