"""What Claude reads first, measured on the real transcripts against labels written by hand.

    python bench/what_claude_reads.py [--fixtures ../shared/fixtures/transcripts] [--show]
                                      [--src OTHER_CHECKOUT/src] [--json]

Each group of fixtures is ingested through the CLI (``memgit init``, ``memgit ingest --extractor
heuristic``) into a fresh repository. Two shares are printed per group:

* **titles that stand alone**: of the observations captured (every status), the share whose
  title a reader can use as it stands, judged by ``bench/what_claude_reads/titles.tsv``;
* **section lines kept**: of the first 20 observation lines of the generated CLAUDE.md section,
  the share a developer would keep, judged by ``bench/what_claude_reads/section.tsv``.

The labels are ``yes``/``no``, a tab, then the title (or the section line without its
``[m:<id>]``). They were written by judging each title or line on its own, never to move a
figure. Titles or lines no label covers are counted apart (and printed with ``--show``), never
guessed. The ``tuned`` group holds the fixtures looked at while the quality score and the section
lines were designed; ``held-out`` holds the others, run only to report; ``all`` is the 13 at once.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FIXTURES = ROOT.parent / "shared" / "fixtures" / "transcripts"
LABELS = Path(__file__).resolve().parent / "what_claude_reads"
#: Fixtures (by name prefix) looked at while tuning; the rest are held out.
TUNED_PREFIXES = ("daaain__", "constructed__")
SECTION_LINES = 20
_ID = re.compile(r"\s*\[m:[0-9a-z]+\]\s*$")


@dataclass
class Share:
    yes: int = 0
    no: int = 0
    unlabelled: list[str] = field(default_factory=list)

    @property
    def labelled(self) -> int:
        return self.yes + self.no

    @property
    def share(self) -> float | None:
        return self.yes / self.labelled if self.labelled else None

    def cell(self) -> str:
        if self.share is None:
            return "n/a"
        extra = f", {len(self.unlabelled)} unlabelled" if self.unlabelled else ""
        return f"{self.share:.0%} ({self.yes}/{self.labelled}{extra})"


def normalise(text: str) -> str:
    return " ".join(text.split())


def load_labels(path: Path) -> dict[str, bool]:
    labels: dict[str, bool] = {}
    if not path.is_file():
        return labels
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        verdict, sep, text = raw.partition("\t")
        if not sep or verdict not in ("yes", "no"):
            raise SystemExit(f"{path}:{number}: expected 'yes' or 'no', a tab, then the text")
        labels[normalise(text)] = verdict == "yes"
    return labels


def judge(texts: Sequence[str], labels: dict[str, bool]) -> Share:
    share = Share()
    for text in texts:
        verdict = labels.get(normalise(text))
        if verdict is None:
            share.unlabelled.append(text)
        elif verdict:
            share.yes += 1
        else:
            share.no += 1
    return share


def _env(home: Path, src: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "MEMGIT_"))}
    env.update(
        PYTHONPATH=str(src),
        HOME=str(home),
        GIT_AUTHOR_NAME="bench",
        GIT_AUTHOR_EMAIL="bench@example.invalid",
        GIT_COMMITTER_NAME="bench",
        GIT_COMMITTER_EMAIL="bench@example.invalid",
        MEMGIT_EXTRACTOR="heuristic",
    )
    env.pop("ANTHROPIC_API_KEY", None)
    return env


def ingest(
    fixtures: Sequence[Path], repo: Path, src: Path = ROOT / "src"
) -> tuple[list[str], list[str]]:
    """(every captured title, the section's observation lines without ids) for one fresh repo."""
    repo.mkdir(parents=True)
    env = _env(repo.parent / f"{repo.name}-home", src)
    Path(env["HOME"]).mkdir()

    def memgit(*args: str, allowed: tuple[int, ...] = (0,)) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "memgit", *args],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode not in allowed:
            raise SystemExit(f"memgit {' '.join(args[:2])} failed: {done.stderr.strip()}")
        return done.stdout

    subprocess.run(["git", "init", "-q"], cwd=repo, env=env, check=True)
    memgit("init")
    # ingest exits 1 for a file that is not a transcript (the fixtures hold 0-byte and stub
    # session files, as real ~/.claude/projects do) and still ingests the others; any other
    # failure stops the measurement.
    report = json.loads(
        memgit("ingest", "--json", "--extractor", "heuristic", *map(str, fixtures), allowed=(0, 1))
    )
    for item in report.get("transcripts", []):
        error = str(item.get("error") or "")
        if not item.get("ok") and "is not a Claude Code transcript" not in error:
            raise SystemExit(f"memgit ingest failed: {error}")
    listed = json.loads(memgit("list", "--status", "all", "--json"))
    items = listed if isinstance(listed, list) else listed.get("observations", [])
    titles = [str(item["title"]) for item in items]
    text = (repo / "CLAUDE.md").read_text(encoding="utf-8")
    lines = [_ID.sub("", line[2:]) for line in text.splitlines() if line.startswith("- ")]
    return titles, lines


def groups(fixtures: Path) -> dict[str, list[Path]]:
    files = sorted(fixtures.glob("*.jsonl"))
    tuned = [f for f in files if f.name.startswith(TUNED_PREFIXES)]
    held = [f for f in files if f not in tuned]
    return {"tuned": tuned, "held-out": held, "all": files}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--show", action="store_true", help="print what no label covers")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--src",
        type=Path,
        default=ROOT / "src",
        help="the memgit source to measure (another checkout's src/, for a before figure)",
    )
    args = parser.parse_args(argv)
    if not args.fixtures.is_dir():
        raise SystemExit(f"no fixtures at {args.fixtures}; pass --fixtures DIR")
    title_labels = load_labels(args.labels / "titles.tsv")
    line_labels = load_labels(args.labels / "section.tsv")
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="memgit-reads-") as work:
        for name, files in groups(args.fixtures).items():
            titles, lines = ingest(files, Path(work) / name, args.src.resolve())
            stand = judge(titles, title_labels)
            kept = judge(lines[:SECTION_LINES], line_labels)
            results[name] = {
                "fixtures": len(files),
                "observations": len(titles),
                "titles": stand,
                "section": kept,
                "section_lines": len(lines),
            }
    if args.json:
        print(
            json.dumps(
                {
                    name: {
                        "fixtures": r["fixtures"],
                        "observations": r["observations"],
                        "titles_stand_alone": _as_json(r["titles"]),
                        "section_first_20_kept": _as_json(r["section"]),
                    }
                    for name, r in results.items()
                },
                indent=2,
            )
        )
    else:
        print("| group | fixtures | observations | titles that stand alone | first 20 lines kept |")
        print("|---|---|---|---|---|")
        for name, r in results.items():
            stand, kept = r["titles"], r["section"]
            assert isinstance(stand, Share)
            assert isinstance(kept, Share)
            print(
                f"| {name} | {r['fixtures']} | {r['observations']} | {stand.cell()} "
                f"| {kept.cell()} |"
            )
    if args.show:
        for name, r in results.items():
            for key, label in (("titles", "title"), ("section", "section line")):
                share = r[key]
                assert isinstance(share, Share)
                for text in share.unlabelled:
                    print(f"unlabelled {label} ({name}):\t{text}", file=sys.stderr)
    return 0


def _as_json(share: object) -> dict[str, object]:
    assert isinstance(share, Share)
    return {
        "share": share.share,
        "yes": share.yes,
        "labelled": share.labelled,
        "unlabelled": share.unlabelled,
    }


if __name__ == "__main__":
    raise SystemExit(main())
