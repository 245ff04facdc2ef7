"""Choosing the extractor from the configured name and the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from memgit.errors import ConfigError
from memgit.extract.anthropic import AnthropicExtractor
from memgit.extract.claude_cli import ClaudeCliExtractor
from memgit.extract.select import choose_extractor, resolve_extractor_name

SRC = Path(__file__).resolve().parents[2] / "src"


def on_path(name: str) -> str | None:
    return f"/usr/bin/{name}" if name == "claude" else None


def nowhere(name: str) -> str | None:
    return None


@pytest.mark.parametrize(
    ("environ", "which", "expected"),
    [
        ({"ANTHROPIC_API_KEY": "sk-ant-x"}, on_path, "anthropic"),
        ({"ANTHROPIC_API_KEY": "sk-ant-x"}, nowhere, "anthropic"),
        ({"ANTHROPIC_API_KEY": "  "}, on_path, "claude-cli"),
        ({}, on_path, "claude-cli"),
        ({}, nowhere, "heuristic"),
    ],
)
def test_auto_prefers_the_api_then_the_cli_then_the_heuristic(
    environ: dict[str, str], which: Callable[[str], str | None], expected: str
) -> None:
    assert resolve_extractor_name("auto", environ, which) == expected


@pytest.mark.parametrize("name", ["heuristic", "anthropic", "claude-cli"])
def test_an_explicit_name_is_kept_whatever_the_environment(name: str) -> None:
    assert resolve_extractor_name(name, {"ANTHROPIC_API_KEY": "k"}, on_path) == name
    assert resolve_extractor_name(name, {}, nowhere) == name


def test_an_unknown_name_is_a_config_error_listing_the_choices() -> None:
    with pytest.raises(ConfigError, match="auto, heuristic, anthropic, claude-cli"):
        resolve_extractor_name("gpt", {}, nowhere)


def test_anthropic_gets_the_configured_model_and_the_key_from_the_environment() -> None:
    extractor = choose_extractor("auto", "claude-haiku-4-5", {"ANTHROPIC_API_KEY": "sk-ant-x"})
    assert isinstance(extractor, AnthropicExtractor)
    try:
        assert extractor.source == "anthropic:claude-haiku-4-5"
        assert extractor._client.api_key == "sk-ant-x"
    finally:
        extractor.close()


def test_claude_cli_passes_the_configured_model_id_as_is() -> None:
    extractor = choose_extractor("auto", "claude-haiku-4-5", {}, which=on_path)
    assert isinstance(extractor, ClaudeCliExtractor)
    assert extractor.source == "claude-cli:claude-haiku-4-5"
    assert extractor.model == "claude-haiku-4-5"
    blank = choose_extractor("claude-cli", " ", {}, which=nowhere)
    assert isinstance(blank, ClaudeCliExtractor)
    assert blank.model == "haiku"


def test_auto_without_key_or_cli_builds_the_heuristic_extractor() -> None:
    pytest.importorskip("memgit.extract.heuristic", reason="the heuristic extractor is not here")
    assert choose_extractor("auto", "claude-haiku-4-5", {}, which=nowhere).source == "heuristic"


def test_choosing_loads_no_sdk_and_importing_the_extractors_neither() -> None:
    code = (
        "import sys\n"
        "import memgit.extract.select, memgit.extract.anthropic, memgit.extract.claude_cli\n"
        "from memgit.extract.select import choose_extractor\n"
        "choose_extractor('claude-cli', 'haiku', {})\n"
        "assert 'anthropic' not in sys.modules, 'anthropic SDK imported'\n"
        "import memgit.nested\n"
    )
    environment = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_the_nested_marker_module_imports_nothing_from_memgit() -> None:
    code = (
        "import sys\n"
        "import memgit.nested\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('memgit.'))\n"
        "assert loaded == ['memgit.nested'], loaded\n"
        "assert 'yaml' not in sys.modules\n"
    )
    environment = dict(os.environ, PYTHONPATH=str(SRC))
    done = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
