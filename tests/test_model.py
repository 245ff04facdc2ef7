from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memgit.errors import InvalidObservation
from memgit.model import (
    ID_LENGTH,
    ID_PATTERN,
    KEYS,
    STATUSES,
    TYPES,
    Observation,
    compose_body,
    decayed_confidence,
    id_from_file_name,
    new_id,
    new_observation,
    normalize_body,
    parse_observation,
    render_observation,
)

NOW = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
HEAD = "---\nid: abcd\ntype: gotcha\ntitle: x\ncreated: 2026-01-01T00:00:00Z\n"


def sample(**changes: object) -> Observation:
    base = new_observation(
        "decision",
        "Parse harbor timestamps as UTC",
        compose_body(
            "Naive timestamps were read as local time.", ["use timezone.utc", "add a test"]
        ),
        now=NOW,
        ident="k3f9a2c1dx",
        files=("tidepool/parse.py",),
        tags=("timezones",),
        branch="fix/tz",
    )
    from dataclasses import replace

    return replace(base, **changes)  # type: ignore[arg-type]


def test_render_is_block_style_in_stable_key_order() -> None:
    text = render_observation(sample())
    head = text.split("---\n")[1]
    keys = [line.split(":")[0] for line in head.splitlines() if not line.startswith("- ")]
    assert keys == [k for k in KEYS if k != "reason"]  # written only when there is one
    assert "files:\n- tidepool/parse.py\n" in text
    assert text.endswith("- use timezone.utc\n- add a test\n")
    forgotten = render_observation(sample(status="expired", reason="We moved to UTC everywhere"))
    head = forgotten.split("---\n")[1]
    keys = [line.split(":")[0] for line in head.splitlines() if not line.startswith("- ")]
    assert keys == list(KEYS)
    assert parse_observation(forgotten).reason == "We moved to UTC everywhere"


def test_pending_is_a_status_and_reason_is_one_line() -> None:
    assert "pending" in STATUSES
    text = render_observation(sample(status="pending"))
    assert parse_observation(text).pending
    bad = text.replace("status: pending", "status: pendng")
    with pytest.raises(InvalidObservation, match=r"status: 'pendng' is not a status .*pending"):
        parse_observation(bad)
    with pytest.raises(InvalidObservation, match="reason: must be one line"):
        parse_observation(text.replace("status: pending", "status: expired\nreason: " + "x" * 400))


def test_round_trip_both_ways() -> None:
    obs = sample()
    text = render_observation(obs)
    assert parse_observation(text) == obs
    assert render_observation(parse_observation(text)) == text


def test_ids_are_short_unique_and_never_numbers() -> None:
    ids = {new_id() for _ in range(20_000)}
    assert len(ids) == 20_000
    for ident in list(ids)[:500]:
        assert len(ident) == ID_LENGTH
        assert ID_PATTERN.match(ident)
        assert ident[0].isalpha()


def test_file_name_is_readable_and_ends_with_the_id() -> None:
    obs = sample(title="Café: naïve <UTC> parsing! / fixed")
    assert obs.file_name() == "2026-11-24-cafe-naive-utc-parsing-fixed-k3f9a2c1dx.md"
    assert id_from_file_name(obs.file_name()) == "k3f9a2c1dx"
    assert id_from_file_name("notes.txt") is None


def test_title_with_only_symbols_still_gets_a_file_name() -> None:
    assert sample(title="???").file_name() == "2026-11-24-k3f9a2c1dx.md"


def test_hand_written_file_with_defaults_and_unquoted_dates() -> None:
    text = "---\nid: abcd\ntype: gotcha\ntitle: Beware\ncreated: 2026-01-02T03:04:05Z\n---\nbody\n"
    obs = parse_observation(text)
    assert obs.updated == obs.created == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert obs.status == "active"
    assert obs.body == "body"


def test_bom_and_crlf_are_accepted() -> None:
    text = render_observation(sample()).replace("\n", "\r\n")
    assert parse_observation("\ufeff" + text) == sample()


def test_unknown_keys_survive_a_rewrite() -> None:
    text = render_observation(sample()).replace(
        "source: null\n", "source: null\nreviewed_by: dana\n"
    )
    obs = parse_observation(text)
    assert obs.extra == (("reviewed_by", "dana"),)
    assert render_observation(obs) == text


@pytest.mark.parametrize(
    ("text", "field", "phrase"),
    [
        ("", "", "empty"),
        ("just some notes\n", "", "must start with a line '---'"),
        ("---\nid: abcd\n", "", "never closed"),
        ("---\n- a\n- b\n---\n", "", "not a list"),
        ("---\nid: [unclosed\n---\n", "", "not valid YAML"),
        ("---\nid: abcd\ntitle: x\ncreated: 2026-01-01T00:00:00Z\n---\n", "type", "is required"),
        (
            "---\nid: abcd\ntype: gotch\ntitle: x\ncreated: 2026-01-01T00:00:00Z\n---\n",
            "type",
            "allowed: architecture, decision",
        ),
        (
            "---\nid: ABCD!\ntype: gotcha\ntitle: x\ncreated: 2026-01-01T00:00:00Z\n---\n",
            "id",
            "not a valid id",
        ),
        (
            "---\nid: abcd\ntype: gotcha\ntitle: x\ncreated: yesterday\n---\n",
            "created",
            "ISO-8601",
        ),
        (
            HEAD + "confidence: 3\n---\n",
            "confidence",
            "outside the range",
        ),
        (
            HEAD + "status: done\n---\n",
            "status",
            "allowed: active, pending, superseded, expired",
        ),
        (
            HEAD + "files: {a: 1}\n---\n",
            "files",
            "list of text",
        ),
        (
            "---\nid: abcd\ntype: gotcha\ntitle: x\ncreated: 2026-01-01T00:00:00Z\n"
            "files: [/etc/passwd]\n---\n",
            "files",
            "repository-relative",
        ),
        (
            "---\nid: abcd\ntype: gotcha\ntitle: "
            + "x" * 101
            + "\ncreated: 2026-01-01T00:00:00Z\n---\n",
            "title",
            "limit is 100",
        ),
    ],
)
def test_problems_name_the_file_and_the_field(text: str, field: str, phrase: str) -> None:
    with pytest.raises(InvalidObservation) as caught:
        parse_observation(text, ".memory/observations/x.md")
    assert caught.value.path == ".memory/observations/x.md"
    assert any(p.field == field and phrase in p.message for p in caught.value.problems), str(
        caught.value
    )
    assert str(caught.value).startswith(".memory/observations/x.md: ")


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(InvalidObservation) as caught:
        parse_observation("---\ntype: nope\nstatus: weird\n---\n")
    fields = {p.field for p in caught.value.problems}
    assert {"id", "title", "created", "type", "status"} <= fields


def test_decay_halves_ephemeral_confidence_every_half_life() -> None:
    progress = sample(type="progress", confidence=0.8)
    later = NOW + timedelta(days=7)
    assert decayed_confidence(progress, later, 7.0) == pytest.approx(0.4)
    assert decayed_confidence(progress, NOW + timedelta(days=14), 7.0) == pytest.approx(0.2)
    assert decayed_confidence(sample(confidence=0.8), later, 7.0) == 0.8  # permanent type
    assert decayed_confidence(progress, NOW - timedelta(days=3), 7.0) == 0.8  # clock skew


# --- property: the codec round-trips every valid observation -------------------------------------

_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
    ),
    max_size=40,
)
_title = _text.map(lambda t: " ".join(t.split())[:100]).filter(bool)
_ident = st.from_regex(ID_PATTERN, fullmatch=True)
_moment = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
_item = _text.map(str.strip).filter(bool)
_path = st.from_regex(r"[a-z][a-z0-9_]{0,8}(/[a-z0-9_.-]{1,10}){0,3}", fullmatch=True)
_body = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x85\u2028\u2029"),
    max_size=200,
).map(normalize_body)


@st.composite
def observations(draw: st.DrawFn) -> Observation:
    created = draw(_moment)
    return Observation(
        id=draw(_ident),
        type=draw(st.sampled_from(TYPES)),
        title=draw(_title),
        created=created,
        updated=created + timedelta(seconds=draw(st.integers(0, 10**8))),
        body=draw(_body),
        status=draw(st.sampled_from(STATUSES)),
        confidence=draw(st.floats(0, 1, allow_nan=False)),
        supersedes=tuple(draw(st.lists(_ident, max_size=3))),
        superseded_by=draw(st.none() | _ident),
        files=tuple(draw(st.lists(_path, max_size=3))),
        tags=tuple(draw(st.lists(_item, max_size=3))),
        session=draw(st.none() | _item),
        branch=draw(st.none() | _item),
        commit=draw(st.none() | st.from_regex(r"[0-9a-f]{40}", fullmatch=True)),
        source=draw(
            st.none() | st.sampled_from(["heuristic", "manual", "anthropic:claude-haiku-4-5"])
        ),
    )


@settings(max_examples=300, deadline=None)
@given(observations())
def test_codec_round_trips(obs: Observation) -> None:
    text = render_observation(obs)
    parsed = parse_observation(text)
    assert parsed == obs
    assert render_observation(parsed) == text
