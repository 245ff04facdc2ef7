"""Terminal output shared by the commands: observation lines, JSON, a progress bar on stderr."""

from __future__ import annotations

import json
import shutil
import sys
import time
from typing import Any, TextIO

from memgit.model import Observation


def observation_json(obs: Observation, path: str, score: float | None = None) -> dict[str, Any]:
    data = obs.to_dict()
    data["path"] = path
    if score is not None:
        data["score"] = round(score, 4)
    return data


def print_json(data: Any, out: TextIO | None = None) -> None:
    stream = out or sys.stdout
    json.dump(data, stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def observation_line(obs: Observation, *, score: float | None = None) -> str:
    status = "" if obs.status == "active" else f" ({obs.status})"
    prefix = f"{score:6.2f}  " if score is not None else ""
    return f"{prefix}[m:{obs.id}] {obs.type:<12} {obs.updated:%Y-%m-%d}  {obs.title}{status}"


class ProgressBar:
    """A one-line progress bar on stderr, drawn only on a terminal and at most 10 times a second."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        width = max(10, min(40, shutil.get_terminal_size().columns - len(self.label) - 30))
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
