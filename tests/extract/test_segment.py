"""Reading a rendered chunk back into blocks and sentences."""

from __future__ import annotations

from memgit.extract.segment import Block, blocks, sentences, split_sentences

CHUNK = """\
(turn 3 continued — asked: "fix the parser")
USER: the import is off by an hour
TOOL Read tidepool/parse.py
RESULT: 1→def parse_row(row):
TOOL Edit tidepool/parse.py:
- ts = naive
+ ts = aware
RESULT: The file has been updated successfully.
TOOL Bash: pytest -q
RESULT (error): Exit code 1
E   AssertionError
TOOL Write docs/notes.md: # Notes
USER: this line is inside a written file but starts like a prompt
ASSISTANT: Fixed it.
USER COMMAND: /clear
[subagent a1] TASK: research the thing
EARLIER CONTEXT (compaction summary, already known): we decided X
"""


def test_blocks_and_roles() -> None:
    found = blocks(CHUNK)
    roles = [b.role for b in found]
    assert roles == [
        "context",
        "user",
        "tool",
        "result",
        "tool",
        "result",
        "tool",
        "error",
        "tool",
        "user",
        "assistant",
        "user",
        "task",
        "context",
    ]
    read, edit, bash, write = (b for b in found if b.role == "tool")
    assert (read.tool, read.target) == ("Read", "tidepool/parse.py")
    assert (edit.tool, edit.target) == ("Edit", "tidepool/parse.py")
    assert edit.text.startswith("- ts = naive")
    assert (bash.tool, bash.target, bash.text) == ("Bash", "", "pytest -q")
    assert (write.tool, write.target) == ("Write", "docs/notes.md")
    assert found[7].text.startswith("Exit code 1")
    assert found[11].command
    assert [b.index for b in found] == list(range(len(found)))


def test_text_before_the_first_label_is_dropped() -> None:
    assert [b.role for b in blocks("tail of a split step\nASSISTANT: hi")] == ["assistant"]


def _prose(text: str) -> list[tuple[str, str, bool]]:
    block = Block(0, "assistant", text)
    return [(s.text, s.heading, s.bullet) for s in sentences(block)]


def test_sentences_headings_bullets_and_code() -> None:
    text = (
        "Done. The parser now tags UTC, e.g. for harbor files. see parse.py for details.\n\n"
        "## What's left\n"
        "- the crawler\n"
        "- the exporter\n\n"
        "```python\nalways = True  # not prose\n```\n"
        "| col | col |\n|-----|-----|\n"
        "Not done:\n"
        "1. docs\n"
        "Line without a stop\n"
        "Another item"
    )
    assert _prose(text) == [
        ("Done.", "", False),
        ("The parser now tags UTC, e.g. for harbor files.", "", False),
        ("see parse.py for details.", "", False),
        ("the crawler", "what's left", True),
        ("the exporter", "what's left", True),
        ("docs", "not done", True),
        ("Line without a stop", "not done", False),
        ("Another item", "not done", False),
    ]


def test_a_bold_line_is_a_heading() -> None:
    assert _prose("**Option 3: VS Code (since you use it)**\nInstall Live Server.") == [
        ("Install Live Server.", "option 3: vs code since you use it", False)
    ]


def test_split_sentences_keeps_file_names_and_versions() -> None:
    assert split_sentences("Bump to v2.4.1 in setup.py. Then tag it.") == [
        "Bump to v2.4.1 in setup.py.",
        "Then tag it.",
    ]


def test_a_code_span_with_dots_is_one_sentence() -> None:
    text = (
        "Note that `ALTER TABLE ... ADD COLUMN ... DEFAULT` rewrites the whole table. "
        "Add the column nullable first."
    )
    assert split_sentences(text) == [
        "Note that `ALTER TABLE ... ADD COLUMN ... DEFAULT` rewrites the whole table.",
        "Add the column nullable first.",
    ]
