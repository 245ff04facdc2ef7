"""The MCP forget tool over stdio: the same rules as `memgit forget`."""

from __future__ import annotations

from pathlib import Path

from memgit.api import Memory

from .test_mcp_server import connect, error, ids_in, ok, run, stocked

__all__ = ["stocked"]


def test_forget_over_stdio_keeps_the_reason_and_is_not_captured_again(stocked: Path) -> None:
    memory = Memory.open(stocked)
    memory.generate()

    async def scenario() -> None:
        async with connect(stocked) as session:
            found = await ok(session, "search", query="celery worker")
            (decision,) = ids_in(found)
            done = await ok(
                session, "forget", ids=[f"[m:{decision}]"], reason="we went back to Celery 5"
            )
            assert done.startswith(f"Forgot [m:{decision}] decision:")
            assert await ok(session, "search", query="celery worker") != found
            again = await ok(session, "forget", ids=[decision], reason="again")
            assert "was already expired" in again
            missing = await error(session, "forget", ids=["zzzz9999"], reason="x")
            assert "no observation with id 'zzzz9999'" in missing
            assert "Nothing was forgotten" in missing
            no_reason = await error(session, "forget", ids=[decision])
            assert "reason" in no_reason
            saved = await ok(
                session,
                "remember",
                type="decision",
                title="Use RQ instead of Celery for background jobs",
                body="Celery leaked memory in the worker.\n\n- retries: 3",
            )
            assert saved.startswith("Not saved: the user rejected or forgot")

    run(scenario)
    obs = Memory.open(stocked).store.get(
        next(o.id for o in Memory.open(stocked).store.load_all()[0] if o.type == "decision")
    )
    assert obs.status == "expired"
    assert obs.reason == "we went back to Celery 5"
    assert f"[m:{obs.id}]" not in (stocked / "CLAUDE.md").read_text(encoding="utf-8")


def test_remember_says_when_memory_waits_for_review(memory_repo: Path) -> None:
    from memgit import mcp_tools

    memory = Memory.open(memory_repo, overrides={"review.pending": True})
    answer = mcp_tools.remember(
        memory,
        type="gotcha",
        title="Harbor clocks drift",
        body="By 2s at night.",
        clean=memory.redactor.clean,
    )
    assert "waits for the user's review" in answer
    (obs,) = memory.store.load_all()[0]
    assert obs.status == "pending"
    assert obs.source == "mcp"
