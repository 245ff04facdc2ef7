"""The observation value type and its pure frontmatter codec.

An observation file is YAML frontmatter between two ``---`` lines, then a markdown body::

    ---
    id: k3f9a2c1dx
    type: decision
    title: Parse harbor timestamps as UTC
    ...
    ---

    Narrative, then facts as bullets.

``parse_observation`` and ``render_observation`` do no I/O. For every valid observation ``o``,
``parse_observation(render_observation(o)) == o``; for every file memgit wrote,
``render_observation(parse_observation(text)) == text``. Problems are reported per field, with the
allowed values, so the person fixing the file knows what to write.
"""

from __future__ import annotations

import functools
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from memgit.errors import FieldProblem, InvalidObservation

PERMANENT_TYPES = ("architecture", "decision", "pattern", "gotcha")
EPHEMERAL_TYPES = ("progress", "coordination")
TYPES = PERMANENT_TYPES + EPHEMERAL_TYPES
#: ``pending``: captured while review is required (``review.pending`` in config.yaml); searchable,
#: but kept out of CLAUDE.md and the hooks' context until ``memgit review`` accepts it.
STATUSES = ("active", "pending", "superseded", "expired")
TITLE_MAX = 100
REASON_MAX = 300

#: Frontmatter keys in the order they are written; stable so that diffs stay small.
KEYS = (
    "id",
    "type",
    "title",
    "status",
    "confidence",
    "created",
    "updated",
    "supersedes",
    "superseded_by",
    "reason",
    "files",
    "tags",
    "session",
    "branch",
    "commit",
    "source",
)
REQUIRED_KEYS = ("id", "type", "title", "created")
DEFAULT_CONFIDENCE = 0.7

# Crockford's base32 without the letters that read like digits; ids start with a letter so that
# YAML never reads one as a number and a hand-edited file cannot turn it into one.
_ID_LETTERS = "abcdefghjkmnpqrstvwxyz"
_ID_ALPHABET = "0123456789" + _ID_LETTERS
ID_LENGTH = 10
ID_PATTERN = re.compile(r"^[a-z][0-9a-z]{3,39}$")


@functools.cache
def yaml_codec() -> tuple[Any, Any, Any]:
    """``(yaml, loader, dumper)``, imported on first use: the hooks that only read the index
    never pay for PyYAML (~20 ms). libyaml's classes are ~8x faster per frontmatter block."""
    import yaml

    try:
        return yaml, yaml.CSafeLoader, yaml.CSafeDumper
    except AttributeError:  # pragma: no cover - only without libyaml
        return yaml, yaml.SafeLoader, yaml.SafeDumper


def new_id() -> str:
    """A random 10-character id: 50 bits, so clones never need to coordinate.

    At 100,000 observations the chance that two ever collide is about 1 in 250,000; the store
    also refuses to write over an existing id.
    """
    # os.urandom directly: the ``secrets`` module costs ~8 ms to import on every command.
    # 32 divides 256, so ``byte % 32`` is uniform; 22 does not, so the first letter comes from a
    # byte below 242 (11 x 22), drawn by rejection.
    letter = next(b for b in os.urandom(64) if b < 242) % len(_ID_LETTERS)
    rest = "".join(_ID_ALPHABET[b % 32] for b in os.urandom(ID_LENGTH - 1))
    return _ID_LETTERS[letter] + rest


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: object) -> datetime:
    """ISO-8601 (a string, or what YAML made of an unquoted timestamp) to an aware UTC datetime."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        moment = datetime.fromisoformat(text)
    else:
        raise ValueError(f"expected an ISO-8601 date-time, got {type(value).__name__}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class Observation:
    """One thing worth remembering about the code. Immutable; ``replace()`` makes changed copies."""

    id: str
    type: str
    title: str
    created: datetime
    updated: datetime
    body: str = ""
    status: str = "active"
    confidence: float = DEFAULT_CONFIDENCE
    supersedes: tuple[str, ...] = ()
    superseded_by: str | None = None
    #: Why it was expired by hand (``memgit forget --reason``); written only when set.
    reason: str | None = None
    files: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    session: str | None = None
    branch: str | None = None
    commit: str | None = None
    source: str | None = None
    #: Keys this version does not know, kept so that a newer writer's fields survive a rewrite.
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=True)

    @property
    def ephemeral(self) -> bool:
        return self.type in EPHEMERAL_TYPES

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def pending(self) -> bool:
        return self.status == "pending"

    def file_name(self) -> str:
        """``2026-11-24-parse-harbor-timestamps-as-utc-k3f9a2c1dx.md``: readable in a PR diff."""
        slug = slugify(self.title, 48)
        stem = f"{self.created:%Y-%m-%d}-{slug}" if slug else f"{self.created:%Y-%m-%d}"
        return f"{stem}-{self.id}.md"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of DESIGN.md §7 (``path`` and ``score`` are added by the caller)."""
        return {
            "id": self.id,
            "type": self.type,
            "title": self.title,
            "status": self.status,
            "confidence": self.confidence,
            "created": format_time(self.created),
            "updated": format_time(self.updated),
            "supersedes": list(self.supersedes),
            "superseded_by": self.superseded_by,
            "reason": self.reason,
            "files": list(self.files),
            "tags": list(self.tags),
            "session": self.session,
            "branch": self.branch,
            "commit": self.commit,
            "source": self.source,
            "body": self.body,
        }


def new_observation(
    type: str,
    title: str,
    body: str = "",
    *,
    now: datetime | None = None,
    ident: str | None = None,
    **fields: Any,
) -> Observation:
    """A fresh observation, validated like one read from disk."""
    moment = now or utcnow()
    draft = {
        "id": ident or new_id(),
        "type": type,
        "title": title,
        "created": moment,
        "updated": moment,
        **fields,
    }
    return observation_from_mapping(draft, body, path="<new observation>")


def slugify(text: str, limit: int) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] or slug[:limit]
    return slug.strip("-")


def normalize_id(text: str) -> str:
    """An id as people cite it (``[m:k3f9a2c1dx]``, ``m:k3f9``, `` k3f9 ``) to the bare id."""
    return text.strip().removeprefix("[").removesuffix("]").strip().removeprefix("m:").strip()


def id_from_file_name(name: str) -> str | None:
    """The id at the end of a memory file name, or None for a name memgit did not make."""
    if not name.endswith(".md"):
        return None
    candidate = name[:-3].rsplit("-", 1)[-1]
    return candidate if ID_PATTERN.match(candidate) else None


def compose_body(narrative: str, facts: Iterable[str] = ()) -> str:
    """The conventional body: a short narrative, a blank line, then one bullet per fact."""
    parts = [narrative.strip()] if narrative.strip() else []
    bullets = [f"- {fact.strip()}" for fact in facts if fact.strip()]
    if bullets:
        parts.append("\n".join(bullets))
    return "\n\n".join(parts)


# --- codec ---------------------------------------------------------------------------------------


def split_frontmatter(text: str, path: str) -> tuple[str, str]:
    """Split a memory file into its YAML text and its body. Fences must be whole lines."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InvalidObservation(path, [FieldProblem("", "the file is empty")])
    lines = text.splitlines(keepends=True)
    if lines[0].rstrip("\r\n") != "---":
        raise InvalidObservation(
            path,
            [FieldProblem("", "no frontmatter: the file must start with a line '---'")],
        )
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip("\r\n") == "---":
            return "".join(lines[1:number]), "".join(lines[number + 1 :])
    raise InvalidObservation(
        path, [FieldProblem("", "the frontmatter is never closed: add a line '---' after it")]
    )


def load_frontmatter(text: str, path: str) -> tuple[dict[str, Any], str]:
    """Parse the frontmatter into a mapping; reject YAML errors and non-mappings."""
    head, body = split_frontmatter(text, path)
    yaml, loader, _ = yaml_codec()
    try:
        data = yaml.load(head, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (frontmatter line {mark.line + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InvalidObservation(
            path, [FieldProblem("", f"the frontmatter is not valid YAML{where}: {problem}")]
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InvalidObservation(
            path,
            [FieldProblem("", f"the frontmatter must be a mapping of keys, not a {_kind(data)}")],
        )
    return data, body


def parse_observation(text: str, path: str = "<text>") -> Observation:
    """Parse an observation file. Raises ``InvalidObservation`` listing every problem at once."""
    data, body = load_frontmatter(text, path)
    return observation_from_mapping(data, _body_from_file(body), path=path)


def observation_from_mapping(data: Mapping[Any, Any], body: str, path: str) -> Observation:
    problems: list[FieldProblem] = []
    for key in data:
        if not isinstance(key, str):
            problems.append(FieldProblem(str(key), "keys must be strings"))
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, ""):
            problems.append(FieldProblem(key, "is required"))

    def text_field(key: str, required: bool = False) -> str | None:
        value = data.get(key)
        if value is None or (value == "" and not required):
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            problems.append(FieldProblem(key, f"must be text, not a {_kind(value)}"))
            return None
        return str(value)

    ident = text_field("id", required=True) or ""
    if ident and not ID_PATTERN.match(ident):
        problems.append(
            FieldProblem(
                "id",
                f"{ident!r} is not a valid id: 4-40 lowercase letters and digits, starting "
                "with a letter",
            )
        )
    kind = text_field("type", required=True) or ""
    if kind and kind not in TYPES:
        problems.append(
            FieldProblem("type", f"{kind!r} is not a type (allowed: {', '.join(TYPES)})")
        )
    title = (text_field("title", required=True) or "").strip()
    if "\n" in title or "\r" in title:
        problems.append(FieldProblem("title", "must be a single line"))
    elif len(title) > TITLE_MAX:
        problems.append(
            FieldProblem("title", f"is {len(title)} characters long; the limit is {TITLE_MAX}")
        )
    status = text_field("status") or "active"
    if status not in STATUSES:
        problems.append(
            FieldProblem("status", f"{status!r} is not a status (allowed: {', '.join(STATUSES)})")
        )

    def time_field(key: str) -> datetime | None:
        value = data.get(key)
        if value in (None, ""):
            return None
        try:
            return parse_time(value)
        except (ValueError, TypeError, OverflowError):
            problems.append(
                FieldProblem(
                    key, f"{value!r} is not an ISO-8601 date-time like 2026-11-24T09:30:00Z"
                )
            )
            return None

    created = time_field("created")
    updated = time_field("updated") or created
    if created and updated and updated < created:
        problems.append(FieldProblem("updated", "is earlier than created"))

    confidence = DEFAULT_CONFIDENCE
    raw_confidence = data.get("confidence")
    if raw_confidence is not None:
        if isinstance(raw_confidence, bool) or not isinstance(raw_confidence, int | float):
            problems.append(FieldProblem("confidence", "must be a number between 0 and 1"))
        elif not (0.0 <= float(raw_confidence) <= 1.0) or math.isnan(raw_confidence):
            problems.append(
                FieldProblem("confidence", f"{raw_confidence} is outside the range 0 to 1")
            )
        else:
            confidence = float(raw_confidence)

    def list_field(key: str, pattern: re.Pattern[str] | None = None) -> tuple[str, ...]:
        value = data.get(key)
        if value in (None, ""):
            return ()
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list | tuple) or not all(
            isinstance(item, str | int | float) and not isinstance(item, bool) for item in items
        ):
            problems.append(FieldProblem(key, "must be a list of text items"))
            return ()
        result = tuple(str(item).strip() for item in items if str(item).strip())
        for item in result:
            if pattern is not None and not pattern.match(item):
                problems.append(FieldProblem(key, f"{item!r} is not a valid id"))
        return result

    supersedes = list_field("supersedes", ID_PATTERN)
    superseded_by = text_field("superseded_by")
    if superseded_by and not ID_PATTERN.match(superseded_by):
        problems.append(FieldProblem("superseded_by", f"{superseded_by!r} is not a valid id"))
    reason = text_field("reason")
    if reason is not None and ("\n" in reason.strip() or len(reason) > REASON_MAX):
        problems.append(
            FieldProblem("reason", f"must be one line of at most {REASON_MAX} characters")
        )
    files = list_field("files")
    for item in files:
        if item.startswith("/") or "\\" in item or item.split("/")[0] == "..":
            problems.append(
                FieldProblem("files", f"{item!r} must be a repository-relative path with '/'")
            )
    tags = list_field("tags")

    if problems:
        raise InvalidObservation(path, problems)
    assert created is not None
    assert updated is not None
    extra = tuple((str(k), v) for k, v in data.items() if k not in KEYS)
    return Observation(
        id=ident,
        type=kind,
        title=title,
        created=created,
        updated=updated,
        body=normalize_body(body),
        status=status,
        confidence=confidence,
        supersedes=supersedes,
        superseded_by=superseded_by,
        reason=reason.strip() if reason else None,
        files=files,
        tags=tags,
        session=text_field("session"),
        branch=text_field("branch"),
        commit=text_field("commit"),
        source=text_field("source"),
        extra=extra,
    )


def render_observation(obs: Observation) -> str:
    """The canonical file text for an observation: block-style YAML in ``KEYS`` order."""
    data: dict[str, Any] = {
        "id": obs.id,
        "type": obs.type,
        "title": obs.title,
        "status": obs.status,
        "confidence": obs.confidence,
        "created": format_time(obs.created),
        "updated": format_time(obs.updated),
        "supersedes": list(obs.supersedes),
        "superseded_by": obs.superseded_by,
        **({"reason": obs.reason} if obs.reason else {}),
        "files": list(obs.files),
        "tags": list(obs.tags),
        "session": obs.session,
        "branch": obs.branch,
        "commit": obs.commit,
        "source": obs.source,
    }
    data.update(obs.extra)
    return render_document(data, obs.body)


def render_document(data: Mapping[str, Any], body: str) -> str:
    yaml, _, dumper = yaml_codec()
    head = yaml.dump(
        dict(data),
        Dumper=dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1_000_000,
    )
    text = f"---\n{head}---\n"
    if body:
        text += f"\n{body}\n"
    return text


def normalize_body(body: str) -> str:
    """Bodies are stored without surrounding blank lines and with ``\\n`` line ends."""
    return body.replace("\r\n", "\n").replace("\r", "\n").strip("\n").rstrip()


def _body_from_file(body: str) -> str:
    return normalize_body(body)


def _kind(value: object) -> str:
    return {
        list: "list",
        dict: "mapping",
        str: "text",
        int: "number",
        float: "number",
        bool: "true/false value",
    }.get(type(value), type(value).__name__)


# --- lifecycle arithmetic (pure) -----------------------------------------------------------------


def decayed_confidence(
    obs: Observation,
    now: datetime,
    half_life_days: float,
    ephemeral_types: Iterable[str] = EPHEMERAL_TYPES,
) -> float:
    """Confidence at ``now``: ephemeral types halve every ``half_life_days`` since ``updated``.

    Computed at read time, so files are never rewritten just because time passed.
    """
    if obs.type not in tuple(ephemeral_types) or half_life_days <= 0:
        return obs.confidence
    age_days = max(0.0, (now - obs.updated).total_seconds() / 86400.0)
    return float(obs.confidence * 0.5 ** (age_days / half_life_days))


def with_status(obs: Observation, status: str, now: datetime, **changes: Any) -> Observation:
    return replace(obs, status=status, updated=max(now, obs.updated), **changes)
