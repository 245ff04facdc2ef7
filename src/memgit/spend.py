"""Token spend of the model-based extractors: a small ledger in local state, and budget checks.

The ledger (``<state>/spend.json``) keeps tokens per day and per session, so that a per-session and
a per-day budget (config ``budget``) can stop extraction before a model call, and ``memgit doctor``
can show what was spent. Read-modify-write under a lock: several workers may record at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from memgit.config import BudgetConfig
from memgit.fileio import atomic_write, file_lock

KEEP_DAYS = 31
KEEP_SESSIONS = 200


@dataclass(frozen=True)
class Spend:
    today: int
    session: int
    days: dict[str, int]


class Ledger:
    def __init__(self, state: Path) -> None:
        self.path = state / "spend.json"
        self.lock_path = state / "locks" / "spend.lock"

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {"days": {}, "sessions": {}}
        if not isinstance(data, dict):
            return {"days": {}, "sessions": {}}
        data.setdefault("days", {})
        data.setdefault("sessions", {})
        return data

    def spent(self, now: datetime, session: str | None = None) -> Spend:
        data = self._read()
        day = now.strftime("%Y-%m-%d")
        return Spend(
            today=int(data["days"].get(day, 0)),
            session=int(data["sessions"].get(session, 0)) if session else 0,
            days={k: int(v) for k, v in sorted(data["days"].items())},
        )

    def record(self, now: datetime, session: str | None, tokens: int) -> None:
        if tokens <= 0:
            return
        with file_lock(self.lock_path, timeout=10, what="the spend ledger"):
            data = self._read()
            day = now.strftime("%Y-%m-%d")
            data["days"][day] = int(data["days"].get(day, 0)) + tokens
            if session:
                sessions = data["sessions"]
                sessions[session] = int(sessions.pop(session, 0)) + tokens  # most recent last
                for old in list(sessions)[:-KEEP_SESSIONS]:
                    del sessions[old]
            for old in sorted(data["days"])[:-KEEP_DAYS]:
                del data["days"][old]
            atomic_write(self.path, json.dumps(data, indent=1, sort_keys=True), fsync=False)


def over_budget(spend: Spend, budget: BudgetConfig) -> str | None:
    """Why no more model calls may be made now, or None while within budget (0 = no limit)."""
    if budget.daily_tokens and spend.today >= budget.daily_tokens:
        return f"the daily budget of {budget.daily_tokens} tokens is spent ({spend.today} today)"
    if budget.session_tokens and spend.session >= budget.session_tokens:
        return f"this session's budget of {budget.session_tokens} tokens is spent ({spend.session})"
    return None
