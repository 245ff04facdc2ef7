"""The "disagrees" rule, pair by pair, and where it shows: doctor (review is in test_review)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from memgit.api import Memory
from memgit.contradictions import all_contradictions, claim_of, disagree
from memgit.model import Observation, new_observation

from .conftest import Result

# (new title, old title, rule or None). Written as a development set for the rule; the false
# alarm figure on memory nobody wrote for it is bench/contradictions.py's.
PAIRS: list[tuple[str, str, str | None]] = [
    ("Use Postgres instead of MySQL", "Use MySQL instead of Postgres", "preference"),
    ("Prefer httpx over requests", "Use requests rather than httpx", "preference"),
    ("Switched from Celery to RQ", "Use Celery instead of RQ for jobs", "preference"),
    ("Replace moment with date-fns", "Prefer moment over date-fns", "preference"),
    ("Parse harbor timestamps as UTC", "Don't parse harbor timestamps as UTC", "polarity"),
    ("Never mock the database in tests", "Mock the database in tests", "polarity"),
    ("Enable HTTP/2 on the edge proxy", "Disable HTTP/2 on the edge proxy", "polarity"),
    ("Webhook handlers must not be async", "Webhook handlers must be async", "polarity"),
    ("We no longer vendor the SDK", "We vendor the SDK", "polarity"),
    ("retry_limit = 5 for payment webhooks", "retry_limit = 3 for payment webhooks", "setting"),
    ("Set POOL_SIZE to 20", "Set POOL_SIZE to 10", "setting"),
    ("timeout: 30 for the harbor feed", "timeout: 60 for the harbor feed", "setting"),
    ("workers defaults to 4", "workers defaults to 8", "setting"),
    # Not contradictions: the same claim, related claims, different subjects.
    ("Use Postgres instead of MySQL", "Use Postgres for the event store", None),
    ("Parse harbor timestamps as UTC", "Store harbor timestamps as UTC", None),
    ("Don't mock the database in tests", "Don't mock the clock in tests", None),
    ("Call the harbor API from workers", "Don't call the harbor API from request handlers", None),
    ("Disable HTTP/2 on the edge proxy", "Enable gzip on the edge proxy", None),
    ("retry_limit = 5 for payment webhooks", "timeout = 5 for payment webhooks", None),
    ("Set POOL_SIZE to 20", "Set POOL_SIZE to 20 in production", None),
    ("Cache keys carry a version", "Never reuse a cache key across versions", None),
    ("Webhooks retry three times", "Webhook retries are not idempotent", None),
    ("Use Celery instead of RQ", "Use RQ for scheduled reports, Celery for the rest", None),
]


def _obs(title: str, kind: str = "decision", **fields: object) -> Observation:
    return new_observation(kind, title, "Body.", **fields)


@pytest.mark.parametrize(("new", "old", "rule"), PAIRS)
def test_the_rule_pair_by_pair(new: str, old: str, rule: str | None) -> None:
    verdict = disagree(_obs(new), _obs(old))
    assert (verdict.rule if verdict else None) == rule, verdict
    backwards = disagree(_obs(old), _obs(new))
    assert (backwards.rule if backwards else None) == rule


def test_only_permanent_types_and_never_a_settled_supersession() -> None:
    a = _obs("Use Postgres instead of MySQL")
    b = _obs("Use MySQL instead of Postgres", "progress")
    assert disagree(a, b) is None
    old = _obs("Use MySQL instead of Postgres", status="superseded", superseded_by=a.id)
    assert disagree(a, old) is None
    # A pending reversal that would supersede the active one is still shown to the reviewer.
    waiting = _obs("Use MySQL instead of Postgres", status="pending", supersedes=(a.id,))
    assert disagree(waiting, a) is not None


def test_a_shared_file_lowers_the_overlap_needed() -> None:
    a = "Don't retry failed uploads"
    b = "Retry uploads that fail with a 503 three times"
    assert disagree(_obs(a), _obs(b)) is None
    files = ("uploads/client.py",)
    assert disagree(_obs(a, files=files), _obs(b, files=files)) is not None


def test_claims_read_negations_and_antonyms() -> None:
    assert claim_of("Don't use X").polarity == -1
    assert claim_of("Do not disable X").polarity == 1  # two negations
    assert claim_of("Use httpx, not requests").preferences == frozenset({("httpx", "requests")})
    assert claim_of("Set retries to 3").settings == (("retries", "3"),)


def test_all_contradictions_reports_each_pair_once() -> None:
    items = [
        _obs("Use Postgres instead of MySQL"),
        _obs("Use MySQL instead of Postgres"),
        _obs("Cache keys carry a version", "pattern"),
    ]
    (pair,) = all_contradictions(items)
    assert {pair.new.id, pair.old.id} == {items[0].id, items[1].id}


def test_doctor_flags_both_observations(memory_repo: Path, cli: Callable[..., Result]) -> None:
    memory = Memory.open(memory_repo)
    a, _ = memory.add("decision", "Use Postgres instead of MySQL", "JSONB.")
    b, _ = memory.add("decision", "Use MySQL instead of Postgres", "Hosting.")
    done = cli("doctor", "--json", cwd=memory_repo)
    findings = json.loads(done.out)
    flagged = [f for f in findings if f["topic"] == "contradiction"]
    assert len(flagged) == 1
    assert a.id in flagged[0]["message"]
    assert b.id in flagged[0]["message"]
    assert "memgit forget" in flagged[0]["fix"]
    memory.forget([a.id], "we moved to MySQL for the hosting")
    findings = json.loads(cli("doctor", "--json", cwd=memory_repo).out)
    assert not [f for f in findings if f["topic"] == "contradiction"]


def test_the_index_finds_what_judging_every_pair_finds() -> None:
    from itertools import combinations

    items = [_obs(title) for new, old, _ in PAIRS for title in (new, old)]
    naive = {
        frozenset((a.id, b.id)) for a, b in combinations(items, 2) if disagree(a, b) is not None
    }
    indexed = {frozenset((c.new.id, c.old.id)) for c in all_contradictions(items)}
    assert indexed == naive
    assert len(naive) >= sum(1 for *_, rule in PAIRS if rule)
