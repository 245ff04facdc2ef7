"""Merge drivers: git calls these when both sides changed a memory file or a generated section.

``merge_observation`` merges one observation file field by field, three ways, so two branches that
supersede, expire or edit the same observation never leave conflict markers in YAML:

* a field only one side changed takes that side's value;
* ``status``: when both changed it, ``expired`` beats ``superseded`` beats ``active`` beats
  ``pending`` (accepting in review on one side and editing the waiting file on the other gives
  the accepted, edited observation);
* ``superseded_by``: when both set it, the smaller id (the same answer on every clone);
* ``files``, ``tags``, ``supersedes``: what either side removed goes, what either added stays;
* ``created`` the earliest, ``updated`` the latest; any other field both changed takes the
  newer side's value (by ``updated``; a tie goes to the value that sorts first).

Every rule is symmetric, so merging A into B and B into A give the same file.

``merge_section_text`` merges an agent's instructions file (CLAUDE.md...): the user's text
outside the memgit markers three ways with ``git merge-file`` (a real conflict there is the
user's to resolve), and the section as the union of both sides' items, minus what either side
dropped. That section is provisional: the post-merge hook regenerates it from the merged memory.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from memgit.context import GROUP_TITLES, SECTION_TYPE_ORDER
from memgit.errors import MemgitError
from memgit.model import Observation, parse_observation, render_observation
from memgit.section import extract_section, splice

T = TypeVar("T")
#: A review decision beats a wait: ``pending`` ranks below every other status.
_STATUS_RANK = {"pending": 0, "active": 1, "superseded": 2, "expired": 3}
_LIST_FIELDS = ("supersedes", "files", "tags")
_SPECIAL = ("id", "status", "superseded_by", "created", "updated", "extra", *_LIST_FIELDS)
_PLACEHOLDER = "memgit section (merged separately)"
_ITEM_ID = re.compile(r"\[m:([0-9a-z]+)\]\s*$")


# --- observations --------------------------------------------------------------------------------


def _three_way(base: T, ours: T, theirs: T, both: Callable[[T, T], T]) -> T:
    if ours == theirs:
        return ours
    if ours == base:
        return theirs
    if theirs == base:
        return ours
    return both(ours, theirs)


def _merge_list(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> tuple[str, ...]:
    def both(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
        kept = [x for x in base if x in a and x in b]
        added = sorted({x for x in (*a, *b) if x not in base})
        return (*kept, *added)

    return _three_way(tuple(base), tuple(ours), tuple(theirs), both)


def merge_observation(
    base: Observation | None, ours: Observation, theirs: Observation
) -> Observation:
    """The three-way merge of one observation (``base`` None when both sides added it)."""
    if ours.id != theirs.id:
        raise MemgitError(f"cannot merge observation {ours.id} with {theirs.id}: ids differ")
    if base is None or base.id != ours.id:
        base = replace(ours, status="", superseded_by=None, supersedes=(), files=(), tags=())

    def newer(mine: Any, other: Any) -> Any:
        """Both sides changed it: the newer side's value; on a tie, the one that sorts first."""
        if ours.updated != theirs.updated:
            return mine if ours.updated > theirs.updated else other
        return min(mine, other, key=repr)

    changes: dict[str, Any] = {}
    for item in fields(Observation):
        if item.name in _SPECIAL:
            continue
        changes[item.name] = _three_way(
            getattr(base, item.name), getattr(ours, item.name), getattr(theirs, item.name), newer
        )

    status = _three_way(
        base.status,
        ours.status,
        theirs.status,
        lambda a, b: max(a, b, key=lambda s: _STATUS_RANK.get(s, -1)),
    )
    superseded_by = _three_way(
        base.superseded_by,
        ours.superseded_by,
        theirs.superseded_by,
        lambda a, b: min((x for x in (a, b) if x), default=None),
    )
    if status in ("active", "pending"):
        superseded_by = None
    extra_keys = sorted({k for k, _ in (*ours.extra, *theirs.extra)})
    base_extra, ours_extra, theirs_extra = dict(base.extra), dict(ours.extra), dict(theirs.extra)
    extra = []
    for key in extra_keys:
        value = _three_way(base_extra.get(key), ours_extra.get(key), theirs_extra.get(key), newer)
        if value is not None:
            extra.append((key, value))
    return replace(
        ours,
        **changes,
        status=status,
        superseded_by=superseded_by,
        supersedes=_merge_list(base.supersedes, ours.supersedes, theirs.supersedes),
        files=_merge_list(base.files, ours.files, theirs.files),
        tags=_merge_list(base.tags, ours.tags, theirs.tags),
        created=min(ours.created, theirs.created),
        updated=max(ours.updated, theirs.updated),
        extra=tuple(extra),
    )


def merge_observation_text(base: str, ours: str, theirs: str, path: str) -> str:
    """``merge_observation`` on file texts (an empty ``base``: added on both sides)."""
    old = parse_observation(base, path) if base.strip() else None
    return render_observation(
        merge_observation(old, parse_observation(ours, path), parse_observation(theirs, path))
    )


# --- generated sections --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Body:
    head: tuple[str, ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...]
    tail: tuple[str, ...]

    def keys(self) -> set[str]:
        return {_item_key(line) for _, items in self.groups for line in items}


def _item_key(line: str) -> str:
    match = _ITEM_ID.search(line)
    return match[1] if match else line


def _heading_rank(heading: str) -> int:
    titles = [f"### {GROUP_TITLES[t]}" for t in SECTION_TYPE_ORDER]
    return titles.index(heading) if heading in titles else len(titles)


def _parse_body(body: str | None) -> _Body:
    head: list[str] = []
    groups: list[tuple[str, list[str]]] = []
    tail: list[str] = []
    for line in (body or "").split("\n"):
        if line.startswith("### "):
            groups.append((line, []))
        elif groups and line.startswith("- ") and not tail:
            groups[-1][1].append(line)
        elif not groups:
            head.append(line)
        elif line.strip() or tail:
            tail.append(line)
    return _Body(tuple(head), tuple((h, tuple(i)) for h, i in groups), tuple(tail))


def merge_section_bodies(base: str | None, ours: str | None, theirs: str | None) -> str | None:
    """The union of both sides' items, minus the items either side dropped since ``base``."""
    if ours == theirs or theirs == base:
        return ours
    if ours == base:
        return theirs
    parsed_base, parsed_ours, parsed_theirs = (
        _parse_body(base),
        _parse_body(ours),
        _parse_body(theirs),
    )
    dropped = parsed_base.keys() - (parsed_ours.keys() & parsed_theirs.keys())
    merged: dict[str, list[str]] = {}
    seen: set[str] = set()
    for heading, items in (*parsed_ours.groups, *parsed_theirs.groups):
        bucket = merged.setdefault(heading, [])
        for line in items:
            key = _item_key(line)
            if key not in dropped and key not in seen:
                seen.add(key)
                bucket.append(line)
    lines: list[str] = list(parsed_ours.head or parsed_theirs.head)
    while lines and not lines[-1].strip():
        lines.pop()
    for heading, bucket_items in sorted(merged.items(), key=lambda kv: _heading_rank(kv[0])):
        if bucket_items:
            lines += ["", heading, *bucket_items]
    tail = parsed_ours.tail or parsed_theirs.tail
    if tail:
        lines += ["", *tail]
    return "\n".join(lines)


def _outside(text: str, source: str) -> str:
    """``text`` with its section replaced by a fixed placeholder (unchanged without a section)."""
    if extract_section(text, source=source) is None:
        return text
    return splice(text, _PLACEHOLDER, source=source)


MergeText = Callable[[str, str, str], tuple[str, int]]


def merge_section_text(
    base: str, ours: str, theirs: str, path: str, merge_text: MergeText
) -> tuple[str, int]:
    """Merge an instructions file; the text and the number of conflicts left in the user's text.

    ``merge_text(base, ours, theirs)`` is a three-way text merge (``git merge-file``).
    """
    body = merge_section_bodies(
        extract_section(base, source=path),
        extract_section(ours, source=path),
        extract_section(theirs, source=path),
    )
    outside = [_outside(text, path) for text in (base, ours, theirs)]
    if outside[1] == outside[2] or outside[2] == outside[0]:
        merged, conflicts = outside[1], 0
    elif outside[1] == outside[0]:
        merged, conflicts = outside[2], 0
    else:
        merged, conflicts = merge_text(*outside)
    if body is not None and extract_section(merged, source=path) is not None:
        merged = splice(merged, body, source=path)
    return merged, conflicts


# --- the driver entry ----------------------------------------------------------------------------


def run_driver(
    kind: str, base: Path, ours: Path, theirs: Path, path: str, merge_text: MergeText
) -> int:
    """Merge the files git gave (``%O %A %B``) into ``ours``; 0 when clean, 1 on conflicts.

    Whatever memgit cannot read (not UTF-8, invalid frontmatter, broken markers) is merged as
    plain text by ``merge_text``, exactly as git would without the driver.
    """
    texts = [p.read_bytes() for p in (base, ours, theirs)]
    try:
        old, mine, other = (t.decode("utf-8") for t in texts)
        if kind == "memory":
            result, conflicts = merge_observation_text(old, mine, other, path), 0
            if parse_observation(result, path).pending:
                print(
                    f"memgit: {path} is still pending review after this merge: it stays out of "
                    "CLAUDE.md until `memgit review` accepts it",
                    file=sys.stderr,
                )
        elif kind == "section":
            result, conflicts = merge_section_text(old, mine, other, path, merge_text)
        else:
            raise ValueError(f"unknown merge driver kind {kind!r}")
    except (UnicodeDecodeError, MemgitError):
        old, mine, other = (t.decode("utf-8", "surrogateescape") for t in texts)
        result, conflicts = merge_text(old, mine, other)
    ours.write_bytes(result.encode("utf-8", "surrogateescape"))
    return 1 if conflicts else 0
