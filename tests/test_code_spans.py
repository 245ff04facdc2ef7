"""Commands, paths and placeholders stay exact inside code spans, in CLAUDE.md and hook context."""

from __future__ import annotations

import json
from pathlib import Path

from memgit.api import Memory

from .conftest import memgit_process

TITLE = "Scaffold with `npx create-harbor@latest <name>`, never @latest in <prose>"


def test_the_section_keeps_commands_exact_and_prose_defused(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    memory.add("pattern", TITLE, "How new services start.", files=["packages/@harbor/cli/x.ts"])
    memory.generate("claude")
    text = (memory_repo / "CLAUDE.md").read_text(encoding="utf-8")
    assert "`npx create-harbor@latest <name>`" in text
    assert "never \uff20latest in \u2039prose\u203a" in text
    assert "`packages/@harbor/cli/x.ts`" in text


def test_hook_context_keeps_commands_exact(memory_repo: Path) -> None:
    memory = Memory.open(memory_repo)
    memory.add("progress", TITLE, "Half the services are scaffolded.")
    payload = json.dumps(
        {"session_id": "s2", "cwd": str(memory_repo), "hook_event_name": "SessionStart"}
    )
    done = memgit_process("hook", "SessionStart", cwd=memory_repo, input=payload)
    context = json.loads(done.stdout)["hookSpecificOutput"]["additionalContext"]
    assert "`npx create-harbor@latest <name>`" in context
    assert "\uff20latest in \u2039prose\u203a" in context
