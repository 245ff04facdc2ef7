from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from memgit.errors import InvalidObservation
from memgit.sessions import (
    SessionSummary,
    find_session_file,
    latest_sessions,
    parse_session,
    render_session,
    save_session,
)

T0 = datetime(2026, 8, 20, 14, 2, 11, tzinfo=UTC)


def summary(**changes: object) -> SessionSummary:
    base = SessionSummary(
        session="6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43",
        title="Fix UTC parsing in the harbor importer",
        started=T0,
        ended=T0 + timedelta(minutes=20),
        branch="fix/tz-parse",
        observations=("k3f9a2c1dx",),
        source="heuristic",
        request="Timestamps come back one hour off; fix the parser.",
        learned=("Harbor CSV times are naive UTC",),
        completed=("parse_row tags timestamps as UTC",),
        next_steps=("add a DST test",),
    )
    return SessionSummary(**{**base.__dict__, **changes})  # type: ignore[arg-type]


def test_round_trip_and_readable_body() -> None:
    text = render_session(summary())
    assert "## Request\n\nTimestamps come back one hour off; fix the parser." in text
    assert "## Next steps\n\n- add a DST test" in text
    assert parse_session(text) == summary()
    assert summary().file_name() == "2026-08-20-fix-utc-parsing-in-the-harbor-importer-6b1f3c2e.md"


def test_saving_twice_merges_into_one_file(tmp_path: Path) -> None:
    first = save_session(tmp_path, summary())
    later = summary(
        ended=T0 + timedelta(hours=1),
        observations=("m2222222",),
        learned=("Harbor CSV times are naive UTC", "DST starts at 02:00 local"),
        completed=("DST test added",),
        next_steps=(),
    )
    second = save_session(tmp_path, later)
    assert first == second
    merged = parse_session(first.read_text(encoding="utf-8"))
    assert merged.observations == ("k3f9a2c1dx", "m2222222")
    assert merged.learned == ("Harbor CSV times are naive UTC", "DST starts at 02:00 local")
    assert merged.ended == T0 + timedelta(hours=1)
    assert merged.next_steps == ("add a DST test",)  # nothing new: the old next steps stay
    assert find_session_file(tmp_path, summary().session) == first


def test_latest_sessions_by_end_time_and_branch(tmp_path: Path) -> None:
    save_session(tmp_path, summary())
    save_session(
        tmp_path,
        summary(
            session="aaaa1111-x", title="Later work", ended=T0 + timedelta(days=1), branch="main"
        ),
    )
    (tmp_path / "broken.md").write_text("nope", encoding="utf-8")
    assert [s.title for s in latest_sessions(tmp_path, 2)] == [
        "Later work",
        "Fix UTC parsing in the harbor importer",
    ]
    assert [s.title for s in latest_sessions(tmp_path, 5, branch="fix/tz-parse")] == [
        "Fix UTC parsing in the harbor importer"
    ]
    assert latest_sessions(tmp_path / "absent") == []


def test_bad_session_files_name_the_field() -> None:
    with pytest.raises(InvalidObservation) as caught:
        parse_session(
            "---\ntitle: x\nstarted: soon\nobservations: [NOT AN ID]\nmood: good\n---\n", "s.md"
        )
    fields = {p.field for p in caught.value.problems}
    assert fields == {"session", "started", "ended", "observations", "mood"}
