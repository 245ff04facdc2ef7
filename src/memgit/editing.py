"""Editing one observation by hand (``memgit edit ID``): check the edited text, then save it.

The person edits a copy (``<git dir>/memgit/edits/<id>.md``), never the file itself, so a
half-written or invalid edit can't break memory. ``check_edit`` parses the copy like any memory
file (errors name the field) and refuses a changed ``id``; ``save_edit`` writes it over the
original file under the store lock, keeping the file name, ``created`` and the id, and moving
``updated`` forward when anything changed. The copy is deleted only once the edit is saved, so
nothing the person typed is lost.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from memgit.errors import FieldProblem, InvalidObservation
from memgit.fileio import atomic_write
from memgit.model import Observation, parse_observation, render_observation, utcnow

if TYPE_CHECKING:
    from memgit.api import Memory


def edit_copy(memory: Memory, obs: Observation, original_text: str) -> Path:
    """The copy the editor opens: an unsaved earlier edit of ``obs`` if there is one."""
    copy = memory.paths.state / "edits" / f"{obs.id}.md"
    if not copy.exists():
        copy.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(copy, original_text)
    return copy


def check_edit(original: Observation, text: str, path: str) -> Observation:
    """The edited observation, or ``InvalidObservation`` naming each field that is wrong."""
    edited = parse_observation(text, path)
    if edited.id != original.id:
        raise InvalidObservation(
            path,
            [
                FieldProblem(
                    "id",
                    f"was changed to {edited.id!r}; an observation keeps its id "
                    f"({original.id}) so that citations and history still find it",
                )
            ],
        )
    return edited


def save_edit(memory: Memory, original: Observation, text: str, path: str) -> Observation | None:
    """Write the checked edit over the observation's file; None when nothing changed."""
    edited = check_edit(original, text, path)
    if edited == original:
        return None
    moment = utcnow()
    edited = replace(edited, created=original.created, updated=max(moment, edited.updated))
    with memory.store.lock():
        target = memory.store.path_for(original)
        atomic_write(target, render_observation(edited))
    memory._refresh_index()
    return edited
