"""JSONL bytes to JSON objects with their byte offsets, surviving every malformed line.

A line may be blank, not UTF-8, not JSON, a JSON value that is not an object, or two objects
written without a newline between them (both are recovered with ``raw_decode``). A last line
without newline is left for a later read unless the file is final. Every repair is counted in
``LineCounts``; nothing here raises on bad input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n\ufeff"


@dataclass(frozen=True)
class RawRecord:
    """One JSON object and the byte span ``[start, end)`` of the line that held it."""

    data: dict[str, Any]
    start: int
    end: int


@dataclass
class LineCounts:
    """Mutable tallies while splitting; frozen into ``ReadStats`` by the reader."""

    lines: int = 0
    records: int = 0
    blank_lines: int = 0
    bad_json: int = 0
    bad_utf8: int = 0
    not_object: int = 0
    joined_objects: int = 0
    truncated_tail: int = 0
    pending_bytes: int = 0


def split_records(
    data: bytes, base: int, *, start: int = 0, final: bool, counts: LineCounts
) -> tuple[list[RawRecord], int]:
    """The records in ``data[start:]`` (``data`` starts at file offset ``base``), and the file
    offset consumed, which stops before an unterminated last line unless ``final``.
    """
    records: list[RawRecord] = []
    pos = start
    size = len(data)
    while pos < size:
        newline = data.find(b"\n", pos)
        if newline < 0:
            if not final:
                counts.pending_bytes = size - pos
                break
            end = size
        else:
            end = newline + 1
        line = data[pos:end]
        counts.lines += 1
        objects, ok = _parse_line(line, counts)
        if not ok and newline < 0:
            counts.bad_json -= 1
            counts.truncated_tail += 1
        for obj in objects:
            records.append(RawRecord(obj, base + pos, base + end))
        pos = end
    counts.records += len(records)
    return records, base + pos


def _parse_line(line: bytes, counts: LineCounts) -> tuple[list[dict[str, Any]], bool]:
    """The objects on one line; ``ok`` is false when some of it was not JSON."""
    if not line.strip():
        counts.blank_lines += 1
        return [], True
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        counts.bad_utf8 += 1
        text = line.decode("utf-8", errors="replace")
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        return _parse_joined(text, counts)
    if isinstance(value, dict):
        return [value], True
    counts.not_object += 1
    return [], True


def _parse_joined(text: str, counts: LineCounts) -> tuple[list[dict[str, Any]], bool]:
    """Several JSON values on one line, as some writers leave them; stops at the first bad one."""
    objects: list[dict[str, Any]] = []
    values = 0
    index = 0
    ok = True
    while True:
        while index < len(text) and text[index] in _SPACE:
            index += 1
        if index >= len(text):
            break
        try:
            value, index = _DECODER.raw_decode(text, index)
        except json.JSONDecodeError:
            counts.bad_json += 1
            ok = False
            break
        values += 1
        if isinstance(value, dict):
            objects.append(value)
        else:
            counts.not_object += 1
    counts.joined_objects += max(0, values - 1)
    return objects, ok
