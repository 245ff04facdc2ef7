from __future__ import annotations

from dataclasses import replace

from memgit.dedupe import dedupe_batch, jaccard, judge, tokens
from memgit.model import compose_body, new_observation


def obs(type: str, title: str, *facts: str):  # type: ignore[no-untyped-def]
    return new_observation(type, title, compose_body("", facts))


def test_tokens_fold_plurals_and_drop_stop_words() -> None:
    assert tokens("The caches are parsed") == tokens("cache parse")
    assert jaccard(tokens("redis queue worker"), tokens("redis queue timeout")) == 0.5
    assert jaccard(frozenset(), frozenset()) == 1.0


def test_a_close_restatement_with_new_facts_supersedes() -> None:
    old = obs("decision", "Use RQ instead of Celery for background jobs", "Celery leaked memory")
    new = obs(
        "decision",
        "Use RQ instead of Celery for the background jobs",
        "Celery leaked memory",
        "RQ needs Redis 6",
    )
    verdict = judge(new, [old], threshold=0.6)
    assert verdict.action == "supersede"
    assert verdict.target == old
    assert verdict.similarity > 0.6


def test_an_exact_restatement_is_dropped() -> None:
    old = obs("gotcha", "Harbor timestamps are naive", "parse them as UTC")
    again = obs("gotcha", "harbor timestamps are naive!", "parse them as UTC")
    assert judge(again, [old], 0.6).action == "duplicate"


def test_other_types_inactive_and_dissimilar_never_match() -> None:
    old = obs("decision", "Use RQ instead of Celery for background jobs")
    assert (
        judge(obs("gotcha", "Use RQ instead of Celery for background jobs"), [old], 0.6).action
        == "new"
    )
    retired = replace(old, status="superseded")
    assert (
        judge(
            obs("decision", "Use RQ instead of Celery for background jobs"), [retired], 0.6
        ).action
        == "new"
    )
    assert judge(obs("decision", "Adopt Postgres row level security"), [old], 0.6).action == "new"


def test_threshold_is_configurable() -> None:
    old = obs("pattern", "Always run ruff format before committing python code")
    new = obs("pattern", "Always run ruff check before committing code")
    loose = judge(new, [old], 0.3)
    strict = judge(new, [old], 0.9)
    assert loose.action == "supersede"
    assert strict.action == "new"
    assert loose.similarity == strict.similarity


def test_batch_keeps_the_fuller_restatement() -> None:
    first = obs("gotcha", "Parser reads naive timestamps as local time")
    fuller = obs("gotcha", "Parser reads naive timestamps as local time", "fix: timezone.utc")
    other = obs("pattern", "Tests live beside the code")
    assert dedupe_batch([first, fuller, other], 0.6) == [fuller, other]


def test_supersession_keeps_the_more_specific_title_and_body() -> None:
    """The rule (``dedupe.specificity``): 2 per code span, path, identifier, number or proper
    name, a quarter per word up to 12, minus 3 for a pronoun or connective subject."""
    from memgit.dedupe import specificity, superseding

    specific = obs("pattern", "Every worker logs JSON to stdout", "- `logx.New()` writes one line")
    vague = obs("pattern", "That's our convention", "- That's our convention, keep it")
    assert specificity("That's our convention") < 0
    assert specificity("Every worker logs JSON to stdout") > 0
    title, body = superseding(specific, vague)  # the vague one arrives later
    assert title == "Every worker logs JSON to stdout"
    assert "`logx.New()`" in body
    title, _ = superseding(vague, specific)
    assert title == "Every worker logs JSON to stdout"
    # a leading pronoun costs a specific-looking title its place, a named file wins it
    assert specificity("It breaks parse_row") < specificity("harbor.py breaks parse_row")
