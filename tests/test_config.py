from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from memgit.api import template_dir
from memgit.config import Config, load_config
from memgit.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_template_lists_every_setting_with_its_default() -> None:
    raw = yaml.safe_load((template_dir() / "config.yaml").read_text(encoding="utf-8"))
    raw.pop("version")
    assert raw == Config().to_dict()


def test_template_comments_every_setting() -> None:
    """Each setting line sits under a comment (a comment may cover a few adjacent settings)."""
    lines = (template_dir() / "config.yaml").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped.endswith(":"):
            continue
        above = number - 1
        while above >= 0 and lines[above].strip() and not lines[above].strip().startswith("#"):
            above -= 1
        assert above >= 0
        assert lines[above].strip().startswith("#"), f"no comment above {line!r}"


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "absent.yaml", environ={}) == Config()


def test_values_from_file_environment_and_arguments_in_that_order(tmp_path: Path) -> None:
    path = write(tmp_path, "extractor: heuristic\ndedupe:\n  threshold: 0.5\n")
    config = load_config(path, environ={})
    assert config.extractor == "heuristic"
    assert config.dedupe.threshold == 0.5
    config = load_config(
        path, environ={"MEMGIT_DEDUPE_THRESHOLD": "0.8", "MEMGIT_EXTRACTOR": "anthropic"}
    )
    assert config.dedupe.threshold == 0.8
    assert config.extractor == "anthropic"
    config = load_config(
        path, environ={"MEMGIT_EXTRACTOR": "anthropic"}, overrides={"extractor": "claude-cli"}
    )
    assert config.extractor == "claude-cli"


def test_environment_lists(tmp_path: Path) -> None:
    config = load_config(None, environ={"MEMGIT_LIFECYCLE_EPHEMERAL_TYPES": "progress,gotcha"})
    assert config.lifecycle.ephemeral_types == ("progress", "gotcha")


@pytest.mark.parametrize(
    ("text", "key", "phrase"),
    [
        ("extractor: gpt\n", "extractor", "choose from auto, heuristic, anthropic, claude-cli"),
        (
            "dedupe:\n  treshold: 0.5\n",
            "dedupe.treshold",
            "is not a setting (allowed here: threshold)",
        ),
        ("colour: blue\n", "colour", "is not a setting"),
        ("dedupe:\n  threshold: 2\n", "dedupe.threshold", "between 0.0 and 1.0"),
        ("context:\n  section_lines: many\n", "context.section_lines", "whole number"),
        ("dedupe: 0.6\n", "dedupe", "mapping"),
        (
            "lifecycle:\n  ephemeral_types: [progress, todo]\n",
            "lifecycle.ephemeral_types",
            "'todo'",
        ),
        ("version: 7\n", "version", "not supported"),
    ],
)
def test_bad_settings_name_the_file_and_key(
    tmp_path: Path, text: str, key: str, phrase: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={}, strict=True)
    assert caught.value.key == key
    assert str(path) in str(caught.value)
    assert phrase in str(caught.value)
    # Without strict, the same setting falls back to its default and is reported.
    config = load_config(path, environ={})
    (problem,) = config.problems
    assert (problem.source, problem.key) == (str(path), key if key != "version" else "version")
    assert phrase in str(problem)
    assert "default" in str(problem) or "ignored" in str(problem)


def test_bad_environment_value_names_the_environment(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"environment: dedupe\.threshold"):
        load_config(None, environ={"MEMGIT_DEDUPE_THRESHOLD": "lots"}, strict=True)
    config = load_config(None, environ={"MEMGIT_DEDUPE_THRESHOLD": "lots"})
    assert config.dedupe.threshold == 0.6
    assert [str(p) for p in config.problems] == [
        "environment: dedupe.threshold: must be a number, not 'lots'; using the default 0.6"
    ]


def test_not_yaml_and_not_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, "a: [\n"), environ={}, strict=True)
    with pytest.raises(ConfigError, match="mapping of settings"):
        load_config(write(tmp_path, "- a\n"), environ={}, strict=True)
    path = tmp_path / "config.yaml"
    path.write_bytes(b"extractor: \xff\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path, environ={}, strict=True)
    config = load_config(path, environ={})
    assert config == load_config(None, environ={})
    assert "not UTF-8" in str(config.problems[0])
    assert "using the defaults for every setting" in str(config.problems[0])
