"""Pick the extractor from the configured name and the environment.

``auto`` means: the Anthropic API when ``ANTHROPIC_API_KEY`` is set, else ``claude -p`` when a
``claude`` executable is on PATH, else the offline heuristic. Extractor modules are imported only
for the one chosen, so choosing stays cheap and the SDK loads only when it is used.
"""

from __future__ import annotations

import importlib
import shutil
from collections.abc import Callable, Mapping

from memgit.config import EXTRACTORS
from memgit.errors import ConfigError
from memgit.extract.base import Extractor

CLAUDE_EXECUTABLE = "claude"
#: What ``claude -p --model`` gets when no model is configured.
CLAUDE_CLI_DEFAULT_MODEL = "haiku"
ANTHROPIC_DEFAULT_MODEL = "claude-haiku-4-5"


def resolve_extractor_name(
    name: str,
    environ: Mapping[str, str],
    which: Callable[[str], str | None] = shutil.which,
) -> str:
    """The concrete extractor for ``name``: ``heuristic``, ``anthropic`` or ``claude-cli``."""
    if name not in EXTRACTORS:
        raise ConfigError(
            "configuration", "extractor", f"{name!r} is not one of {', '.join(EXTRACTORS)}"
        )
    if name != "auto":
        return name
    if environ.get("ANTHROPIC_API_KEY", "").strip():
        return "anthropic"
    if which(CLAUDE_EXECUTABLE) is not None:
        return "claude-cli"
    return "heuristic"


def choose_extractor(
    name: str,
    config_model: str,
    environ: Mapping[str, str],
    which: Callable[[str], str | None] = shutil.which,
) -> Extractor:
    """Build the extractor ``name`` resolves to, with ``config_model`` for the model-based ones.

    The model is passed to both as is: full ids such as ``claude-haiku-4-5`` work for the API
    and for ``claude --model`` alike.
    """
    chosen = resolve_extractor_name(name, environ, which)
    model = config_model.strip()
    if chosen == "anthropic":
        from memgit.extract.anthropic import AnthropicExtractor

        key = environ.get("ANTHROPIC_API_KEY", "").strip() or None
        return AnthropicExtractor(model or ANTHROPIC_DEFAULT_MODEL, api_key=key)
    if chosen == "claude-cli":
        from memgit.extract.claude_cli import ClaudeCliExtractor

        return ClaudeCliExtractor(model or CLAUDE_CLI_DEFAULT_MODEL, environ=environ)
    # Imported by name: the heuristic module is loaded only when it is the one chosen.
    heuristic = importlib.import_module("memgit.extract.heuristic")
    extractor: Extractor = heuristic.HeuristicExtractor()
    return extractor
