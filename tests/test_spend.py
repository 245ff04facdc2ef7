from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from memgit.config import BudgetConfig
from memgit.spend import Ledger, over_budget

NOW = datetime(2026, 11, 24, 10, tzinfo=UTC)


def test_ledger_totals_per_day_and_session(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.record(NOW, "s1", 1000)
    ledger.record(NOW, "s2", 500)
    ledger.record(NOW - timedelta(days=1), "s1", 7)
    spend = ledger.spent(NOW, "s1")
    assert (spend.today, spend.session) == (1500, 1007)
    assert spend.days == {"2026-11-23": 7, "2026-11-24": 1500}


def test_budgets_stop_model_calls(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.record(NOW, "s1", 900)
    spend = ledger.spent(NOW, "s1")
    assert over_budget(spend, BudgetConfig(session_tokens=1000, daily_tokens=5000)) is None
    assert "session's budget" in (over_budget(spend, BudgetConfig(session_tokens=900)) or "")
    assert "daily budget" in (over_budget(spend, BudgetConfig(daily_tokens=800)) or "")
    assert over_budget(spend, BudgetConfig(session_tokens=0, daily_tokens=0)) is None


def test_a_damaged_ledger_starts_again(tmp_path: Path) -> None:
    (tmp_path / "spend.json").write_text("{oops", encoding="utf-8")
    assert Ledger(tmp_path).spent(NOW).today == 0
