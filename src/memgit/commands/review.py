"""``memgit review``, ``memgit forget`` and ``memgit edit``: a person's say over memory.

``review`` walks the memory changed since the last commit one observation at a time on a
terminal (accept / edit / reject / skip), or acts on ids (``--accept``, ``--reject``), or lists
(``--json``, or plain text when not on a terminal). ``edit`` opens ``$VISUAL``/``$EDITOR`` on a
copy of the file and saves it only once it is valid. The work is done by ``memgit.review`` and
``memgit.editing``; this module asks, prints and runs the editor.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
from collections.abc import Callable

from memgit.api import Memory
from memgit.commands.common import Subparsers, add_command
from memgit.errors import InvalidObservation, MemgitError
from memgit.output import print_json
from memgit.review import Outcome, ReviewBatch, ReviewItem

Ask = Callable[[str], str]


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask(prompt: str) -> str:
    try:
        return input(prompt).strip().lower()
    except EOFError:
        return "q"


# --- memgit edit ---------------------------------------------------------------------------------


def editor_command() -> list[str]:
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    return shlex.split(command)


def edit_observation(memory: Memory, ident: str, ask: Ask | None = None) -> int:
    """Edit one observation in the editor until it is valid, or the person stops."""
    from memgit.editing import edit_copy, save_edit

    obs, path = memory.get(ident)
    original = (memory.paths.root / path).read_text(encoding="utf-8")
    copy = edit_copy(memory, obs, original)
    if copy.read_text(encoding="utf-8") != original:
        print(f"resuming your unsaved edit of [m:{obs.id}] ({copy})")
    while True:
        try:
            finished = subprocess.run([*editor_command(), str(copy)], check=False)
        except OSError as exc:
            raise MemgitError(
                f"cannot start the editor {editor_command()[0]!r}: {exc.strerror}. Set $EDITOR "
                f"(your edit, if any, is kept in {copy})"
            ) from None
        if finished.returncode != 0:
            print(
                f"memgit: the editor exited with status {finished.returncode}; nothing saved. "
                f"Your edit is kept in {copy}: `memgit edit {obs.id}` opens it again.",
                file=sys.stderr,
            )
            return 1
        text = copy.read_text(encoding="utf-8")
        try:
            saved = save_edit(memory, obs, text, path)
        except InvalidObservation as exc:
            print(f"memgit: your edit is not valid: {exc}", file=sys.stderr)
            answer = (ask or _ask)("[e]dit again, [k]eep your edit aside and stop, [d]iscard it? ")
            if answer.startswith("e"):
                continue
            if answer.startswith("d"):
                copy.unlink()
                print(f"discarded; {path} is unchanged")
                return 1
            print(
                f"kept your edit in {copy}; {path} is unchanged. `memgit edit {obs.id}` opens "
                "it again.",
                file=sys.stderr,
            )
            return 1
        copy.unlink()
        if saved is None:
            print(f"[m:{obs.id}] unchanged")
            return 0
        print(f"saved [m:{saved.id}] {saved.type}: {saved.title} ({path})")
        _regenerate(memory)
        return 0


def run_edit(args: argparse.Namespace) -> int:
    memory = Memory.open()
    ask: Ask | None = None if _interactive() else (lambda _prompt: "k")
    return edit_observation(memory, args.id, ask)


# --- memgit forget -------------------------------------------------------------------------------


def run_forget(args: argparse.Namespace) -> int:
    memory = Memory.open()
    outcomes = memory.forget(args.ids, args.reason)
    if args.json:
        print_json([o.to_dict() for o in outcomes])
    else:
        _print_outcomes(outcomes)
    if any(o.action == "forgotten" for o in outcomes):
        _regenerate(memory, quiet=args.json)
    return 0


# --- memgit review -------------------------------------------------------------------------------


def describe(item: ReviewItem, position: str = "") -> str:
    obs = item.observation
    head = f"{position}{item.kind:<10} {obs.type:<12} [m:{obs.id}] {obs.title}"
    lines = [head]
    details = [f"status: {obs.status}"]
    if obs.files:
        details.append("files: " + ", ".join(obs.files))
    if obs.source:
        details.append(f"source: {obs.source}")
    if obs.supersedes:
        details.append("supersedes: " + ", ".join(f"[m:{i}]" for i in obs.supersedes))
    if obs.superseded_by:
        details.append(f"superseded by: [m:{obs.superseded_by}]")
    if obs.reason:
        details.append(f"reason: {obs.reason}")
    lines.append("    " + "    ".join(details))
    lines.append(f"    file: {item.path}")
    for conflict in item.conflicts:
        other = conflict.other(obs.id)
        lines.append(
            f"    ! contradicts [m:{other.id}] {other.title} ({conflict.rule}: {conflict.detail})"
        )
    return "\n".join(lines)


def _print_outcomes(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        obs = outcome.observation
        note = f" ({outcome.note})" if outcome.note else ""
        print(f"{outcome.action} [m:{obs.id}] {obs.type}: {obs.title}{note}")


def _regenerate(memory: Memory, *, quiet: bool = False) -> None:
    for path, changed in memory.regenerate():
        if changed and not quiet:
            print(f"{memory.paths.relative(path)}: memory section updated")


def _summary(batch: ReviewBatch) -> str:
    counts: dict[str, int] = {}
    for item in batch.items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    parts = ", ".join(f"{n} {kind}" for kind, n in counts.items())
    flagged = sum(1 for i in batch.items if i.conflicts)
    text = f"{len(batch.items)} memory changes {batch.label}: {parts}"
    return text + (f"; {flagged} contradict other memory" if flagged else "")


def _walk(memory: Memory, batch: ReviewBatch, range_text: str | None) -> int:
    items = [i for i in batch.items if i.actionable]
    print(_summary(batch))
    done: dict[str, int] = {}
    index = 0
    while index < len(items):
        fresh = memory.review(range_text).find(items[index].observation.id)
        if fresh is None:  # an earlier answer already settled it (a restored supersession)
            done["settled"] = done.get("settled", 0) + 1
            index += 1
            continue
        item = items[index] = fresh
        print()
        print(describe(item, f"[{index + 1}/{len(items)}] "))
        if item.observation.body:
            print()
            print("\n".join("    " + line for line in item.observation.body.splitlines()))
        print()
        answer = _ask("[a]ccept  [e]dit  [r]eject  [s]kip  [q]uit ? ")
        if answer.startswith("q"):
            break
        if answer.startswith("a"):
            _print_outcomes(memory.accept([item.observation.id]))
            done["accepted"] = done.get("accepted", 0) + 1
        elif answer.startswith("r"):
            _print_outcomes(memory.reject([item.observation.id], range_text))
            done["rejected"] = done.get("rejected", 0) + 1
        elif answer.startswith("e"):
            edit_observation(memory, item.observation.id)
            continue  # show it again, edited: accept, reject or skip it now
        elif answer.startswith("s") or answer == "":
            done["skipped"] = done.get("skipped", 0) + 1
        else:
            print("answer a, e, r, s or q")
            continue
        index += 1
    left = len(items) - sum(done.values())
    summary = ", ".join(f"{n} {k}" for k, n in done.items()) or "nothing changed"
    print()
    print(f"review: {summary}" + (f", {left} not reviewed" if left > 0 else ""))
    if done.get("accepted") or done.get("rejected"):
        _regenerate(memory)
    return 0


def run_review(args: argparse.Namespace) -> int:
    memory = Memory.open()
    if args.accept or args.reject:
        outcomes: list[Outcome] = []
        both = set(args.accept or ()) & set(args.reject or ())
        if both:
            raise MemgitError(f"{', '.join(sorted(both))}: both accepted and rejected; pick one")
        if args.accept:
            outcomes += memory.accept(args.accept)
        if args.reject:
            outcomes += memory.reject(args.reject, args.range)
        if args.json:
            print_json([o.to_dict() for o in outcomes])
        else:
            _print_outcomes(outcomes)
        _regenerate(memory, quiet=args.json)
        return 0
    batch = memory.review(args.range)
    if args.json:
        print_json(
            {"range": batch.label, "items": [item.to_dict() for item in batch.items]},
        )
        return 0
    if not batch.items:
        print(f"nothing to review {batch.label}")
        return 0
    if _interactive() and not args.list:
        return _walk(memory, batch, args.range)
    print(_summary(batch))
    for item in batch.items:
        print(describe(item))
    print()
    print("act on them with `memgit review --accept ID...` / `--reject ID...`, or run")
    print("`memgit review` in a terminal to go through them one at a time")
    return 0


def register(sub: Subparsers) -> None:
    p = add_command(
        sub,
        "review",
        "review memory changed since the last commit: accept, edit, reject or skip each",
        run_review,
    )
    p.add_argument(
        "range", nargs="?", help="a range of commits instead (main..HEAD, HEAD~3, A...B)"
    )
    p.add_argument("--accept", nargs="+", metavar="ID", action="extend", help="accept these")
    p.add_argument(
        "--reject",
        nargs="+",
        metavar="ID",
        action="extend",
        help="reject these: an added one is removed and not captured again",
    )
    p.add_argument("--list", action="store_true", help="list, even on a terminal")
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = add_command(
        sub, "forget", "expire observations, keeping the reason in the file", run_forget
    )
    p.add_argument("ids", nargs="+", metavar="ID", help="observation ids (or unique prefixes)")
    p.add_argument("--reason", required=True, help="why: kept in the file, so history shows it")
    p.add_argument("--json", action="store_true", help="print as JSON")

    p = add_command(
        sub, "edit", "edit one observation in $EDITOR (checked before saving)", run_edit
    )
    p.add_argument("id", help="the observation id (or a unique prefix)")
