"""Text helpers: injected regions, harness tags, content blocks."""

from __future__ import annotations

from memgit.transcript.text import (
    CONTEXT_TAG,
    blocks_text,
    classify_user_text,
    strip_injected,
)


def test_context_tag_constant() -> None:
    assert CONTEXT_TAG == "memgit-context"


def test_strip_injected_removes_regions_noise_and_ansi() -> None:
    text = (
        "before <memgit-context>one</memgit-context> middle "
        "<MEMGIT-CONTEXT kind='x'>two</MEMGIT-CONTEXT>"
        "<system-reminder>remember</system-reminder>"
        "<ide_opened_file>The user opened a.py</ide_opened_file>"
        "\x1b[1mbold\x1b[22m after"
    )
    assert strip_injected(text) == ("before  middle bold after", 2)
    assert strip_injected("keep <memgit-context>cut to the end") == ("keep", 1)
    assert strip_injected("plain <b>html</b>") == ("plain <b>html</b>", 0)


def test_classify_user_text() -> None:
    command = classify_user_text(
        "<command-message>init is analyzing</command-message>\n<command-name>/init</command-name>"
    )
    assert (command.kind, command.text) == ("command", "/init")
    assert classify_user_text("<command-name>clear</command-name>").text == "/clear"
    assert classify_user_text("<local-command-stdout></local-command-stdout>").kind == "output"
    notice = classify_user_text("<task-notification>shell 3 finished</task-notification>")
    assert (notice.kind, notice.text) == ("notice", "shell 3 finished")
    assert classify_user_text("[Request interrupted by user]").kind == "interrupt"
    assert classify_user_text("a <b>tagged</b> prompt").kind == "plain"


def test_blocks_text_handles_every_shape() -> None:
    assert blocks_text("plain") == ("plain", 0)
    assert blocks_text(None) == ("", 0)
    assert blocks_text({"type": "text"}) == ("", 0)
    blocks = [
        {"type": "text", "text": "a"},
        {"type": "image", "source": {"type": "base64", "data": "AAAA"}},
        {"type": "tool_reference", "tool_name": "TaskCreate"},
        {"type": "tool_result", "content": [{"type": "image", "source": {}}]},
        "bare",
        42,
        {"type": "unknown-block"},
    ]
    assert blocks_text(blocks) == ("a\n[image]\n[tool TaskCreate]\n[image]\nbare", 2)
