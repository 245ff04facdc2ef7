"""Wording helpers: lead-ins, shortening, files and tags."""

from __future__ import annotations

import pytest

from memgit.extract.phrasing import (
    done_lead,
    mentioned_paths,
    plain,
    resolve_files,
    shorten,
    strip_lead,
    tags,
    tidy,
    with_reason,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So, actually, the parser drops BOMs", "the parser drops BOMs"),
        ("Found the problem: `read_csv` infers ints", "`read_csv` infers ints"),
        ("The root cause was that the pool is shared", "the pool is shared"),
        ("Heads up before you start: Priya owns billing", "Priya owns billing"),
        ("It turns out the cache is per process", "the cache is per process"),
        ("no, use httpx instead", "use httpx instead"),
        ("btw waitForTimeout is banned", "waitForTimeout is banned"),
        ("No npm in here", "No npm in here"),
        ("Note that retries reuse the key", "retries reuse the key"),
    ],
)
def test_strip_lead(text: str, expected: str) -> None:
    assert strip_lead(text) == expected


def test_plain_drops_markdown_but_keeps_code_spans() -> None:
    assert plain("**Fix**: see [the docs](https://x.y) for `a_b` ✅\n now") == (
        "Fix: see the docs for `a_b` now"
    )


def test_shorten_prefers_clause_boundaries() -> None:
    text = (
        "The gateway keeps the old JWKS for up to ten minutes after a rotation, so every token "
        "signed with the new key is rejected until the cache expires"
    )
    short = shorten(text)
    assert short == "The gateway keeps the old JWKS for up to ten minutes after a rotation"
    assert len(shorten("word " * 60)) <= 100
    assert shorten("short enough") == "short enough"


def test_shorten_cuts_words_when_only_a_little_too_long() -> None:
    text = "strptime gives a naive datetime and .timestamp() interprets naive ones in local time!!"
    assert shorten(text + " " * 5 + "x" * 20).endswith("…")


def test_tidy() -> None:
    assert tidy("the tests pass, please.") == "The tests pass"
    assert tidy("fixed all type errors in converter.py by:") == (
        "Fixed all type errors in converter.py"
    )
    assert tidy('"quoted"') == "Quoted"
    assert tidy("parse_row now tags UTC") == "parse_row now tags UTC"


def test_done_lead() -> None:
    assert done_lead("Fixed: the retry key") == ("Fixed", "the retry key")
    assert done_lead("All done. Summary") == ("All done", "Summary")
    assert done_lead("The retry key") == ("", "The retry key")


def test_with_reason_only_when_it_fits() -> None:
    assert with_reason("Use RQ", "We already run redis.") == "Use RQ (we already run redis)"
    assert with_reason("Use RQ", "x" * 120) == "Use RQ"


def test_paths_in_text_resolve_against_the_chunk_files() -> None:
    text = (
        "See parse.py and deploy/helm/values.yaml, https://x.io/a/b.py, release/2.4, e.g. "
        "this and .entire/logs/entire.log"
    )
    words = mentioned_paths(text)
    assert "parse.py" in words
    assert "deploy/helm/values.yaml" in words
    assert not any("x.io" in w for w in words)
    files = resolve_files(words, ["tidepool/parse.py"])
    assert files == ["tidepool/parse.py", "deploy/helm/values.yaml", ".entire/logs/entire.log"]


def test_tags_are_salient_words() -> None:
    found = tags(
        "The `read_csv` call turns Boston zip codes into int64 values", ["reports/regions.py"]
    )
    assert found[0] == "read_csv"
    assert "regions" in found
    assert "boston" in found
    assert all(t == t.lower() for t in found)
    assert len(found) <= 5
