"""Resolve the one frozen configuration: argument > ``MEMGIT_*`` environment > file > defaults.

The dataclasses below are the schema: every setting, its type, its default and its allowed values
live here once. ``.memory/config.yaml`` is checked against them; ``MEMGIT_<SECTION>_<KEY>`` (or
``MEMGIT_<KEY>`` for top-level keys) overrides a single setting from the environment, for example
``MEMGIT_EXTRACTOR=heuristic`` or ``MEMGIT_DEDUPE_THRESHOLD=0.7``.

A bad setting is local: an unknown key is ignored and an invalid value falls back to its default,
for that key only (a file that is not YAML at all: every default). Each such ``ConfigProblem``
names the file, the key, the value and what is allowed; they are on ``Config.problems`` (all of
them, for ``memgit doctor``) and go once per process to the sink ``set_problem_sink`` installs
(the CLI prints them on stderr). ``strict=True`` raises the first one instead; settings given as
arguments are always strict.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from memgit.errors import ConfigError
from memgit.fileio import atomic_write
from memgit.model import EPHEMERAL_TYPES, TYPES, yaml_codec

EXTRACTORS = ("auto", "heuristic", "anthropic", "claude-cli")
#: The agents' instruction files memgit can write (``memgit.section.TARGETS``).
TARGET_NAMES = ("claude", "agents", "cursor", "copilot")


def _choice(*allowed: str) -> dict[str, Any]:
    return {"choices": allowed}


def _range(low: float, high: float | None = None) -> dict[str, Any]:
    return {"range": (low, high)}


@dataclass(frozen=True)
class CaptureConfig:
    chunk_chars: int = field(default=6000, metadata=_range(500))
    tool_output_chars: int = field(default=1200, metadata=_range(100))


@dataclass(frozen=True)
class DedupeConfig:
    threshold: float = field(default=0.6, metadata=_range(0.0, 1.0))


@dataclass(frozen=True)
class LifecycleConfig:
    half_life_days: float = field(default=7.0, metadata=_range(0.0))
    ephemeral_types: tuple[str, ...] = field(default=EPHEMERAL_TYPES, metadata=_choice(*TYPES))
    expire_below: float = field(default=0.1, metadata=_range(0.0, 1.0))
    prune_after_days: int = field(default=180, metadata=_range(0))


@dataclass(frozen=True)
class ContextConfig:
    section_lines: int = field(default=150, metadata=_range(10, 1000))
    session_start_chars: int = field(default=4000, metadata=_range(0, 9000))
    prompt_chars: int = field(default=1500, metadata=_range(0, 9000))
    prompt_items: int = field(default=5, metadata=_range(0, 50))
    quality_floor: float = field(default=0.4, metadata=_range(0.0, 1.0))


@dataclass(frozen=True)
class BudgetConfig:
    session_tokens: int = field(default=200_000, metadata=_range(0))
    daily_tokens: int = field(default=2_000_000, metadata=_range(0))


@dataclass(frozen=True)
class RedactConfig:
    patterns: tuple[str, ...] = field(default=(), metadata={"regex": True})


@dataclass(frozen=True)
class IndexConfig:
    lock_timeout: float = field(default=10.0, metadata=_range(0.0))


@dataclass(frozen=True)
class StalenessConfig:
    enabled: bool = True
    changed_fraction: float = field(default=0.5, metadata=_range(0.0, 1.0))
    min_changed_lines: int = field(default=10, metadata=_range(0))


@dataclass(frozen=True)
class ReviewConfig:
    #: New captured memory waits as ``pending`` until ``memgit review`` accepts it.
    pending: bool = False


@dataclass(frozen=True)
class Config:
    extractor: str = field(default="auto", metadata=_choice(*EXTRACTORS))
    model: str = "claude-haiku-4-5"
    capture: CaptureConfig = CaptureConfig()
    dedupe: DedupeConfig = DedupeConfig()
    lifecycle: LifecycleConfig = LifecycleConfig()
    context: ContextConfig = ContextConfig()
    budget: BudgetConfig = BudgetConfig()
    redact: RedactConfig = RedactConfig()
    index: IndexConfig = IndexConfig()
    targets: tuple[str, ...] = field(default=("claude",), metadata=_choice(*TARGET_NAMES))
    staleness: StalenessConfig = StalenessConfig()
    review: ReviewConfig = ReviewConfig()
    #: Where the settings came from, for messages (not a setting).
    origin: str = field(default="defaults", compare=False, metadata={"internal": True})
    #: The settings that were ignored or fell back to their default (not a setting).
    problems: tuple[ConfigProblem, ...] = field(
        default=(), compare=False, metadata={"internal": True}
    )

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("origin", None)
        data.pop("problems", None)
        result: dict[str, Any] = _lists(data)
        return result


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_lists(v) for v in value]
    return value


@dataclass(frozen=True)
class ConfigProblem:
    """One setting memgit could not use: where, which key, and what it did instead."""

    source: str  # the file, or "environment"
    key: str  # "dedupe.threshold"; "" for the whole file
    message: str  # the value, what is allowed, and the fallback

    def __str__(self) -> str:
        return (
            f"{self.source}: {self.key}: {self.message}"
            if self.key
            else (f"{self.source}: {self.message}")
        )


_Sink = Callable[[ConfigProblem], None]
_sink: _Sink | None = None
_reported: set[ConfigProblem] = set()


def set_problem_sink(sink: _Sink | None) -> None:
    """Where ``load_config`` reports problems, each once per process (None: nowhere)."""
    global _sink
    _sink = sink
    _reported.clear()


def _report(problems: Sequence[ConfigProblem]) -> None:
    if _sink is None:
        return
    for problem in problems:
        if problem not in _reported:
            _reported.add(problem)
            _sink(problem)


def load_config(
    config_file: Path | None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    cache: Path | None = None,
    *,
    strict: bool = False,
) -> Config:
    """Read ``config_file`` (absent is fine), apply environment and explicit overrides, validate.

    Bad settings in the file or the environment fall back to their defaults and are listed on
    ``problems`` (``strict``: the first raises ``ConfigError``); bad ``overrides`` always raise.
    """
    source = str(config_file) if config_file is not None else "defaults"
    problems: list[ConfigProblem] | None = None if strict else []
    data: dict[str, Any] = {}
    if config_file is not None and config_file.exists():
        try:
            data = read_config_mapping(config_file, cache)
        except ConfigError as exc:
            if problems is None:
                raise
            problems.append(_problem(exc, "using the defaults for every setting"))
    data.pop("version", None)
    config: Config = _build(Config, data, source, prefix="", problems=problems)
    env_data = _from_environ(os.environ if environ is None else environ)
    if env_data:
        config = _merge(config, env_data, "environment", problems)
    if overrides:
        config = _merge(config, _nest(overrides), "arguments", None)
    found = tuple(problems or ())
    if cache is not None and config_file is not None and problems is not None:
        _save_problems(cache.parent, config_file, found)
    _report(found)
    return dataclasses.replace(config, origin=source, problems=found)


def _problem(error: ConfigError, fallback: str) -> ConfigProblem:
    message = " ".join(str(error).split())  # YAML errors span lines: one line each
    where = f"{error.source}: {error.key}: " if error.key else f"{error.source}: "
    return ConfigProblem(error.source, error.key, f"{message.removeprefix(where)}; {fallback}")


PROBLEMS_FILE = "config-problems.json"


def file_key(config_file: Path) -> list[int]:
    """What identifies one version of the file (for the copies the hooks read)."""
    stat = config_file.stat()
    return [stat.st_mtime_ns, stat.st_size]


def _save_problems(state: Path, config_file: Path, problems: Sequence[ConfigProblem]) -> None:
    """The file's problems, for the hooks (``memgit.hooks.confignotice``), written when new."""
    try:
        key = file_key(config_file) if config_file.exists() else [0, 0]
    except OSError:
        return
    texts = [str(p) for p in problems if p.source != "environment"]
    payload = json.dumps({"key": key, "problems": texts})
    target = state / PROBLEMS_FILE
    with contextlib.suppress(OSError):
        if target.read_text(encoding="utf-8") == payload:
            return
    with contextlib.suppress(OSError):
        atomic_write(target, payload, fsync=False)


def read_config_mapping(config_file: Path, cache: Path | None = None) -> dict[str, Any]:
    """The file's settings as a mapping. With ``cache``, a JSON copy keyed by the file's size and
    mtime spares the hooks the YAML parser while the file is unchanged."""
    key = file_key(config_file)
    if cache is not None:
        try:
            cached = json.loads(cache.read_text(encoding="utf-8"))
            if cached.get("key") == key and isinstance(cached.get("data"), dict):
                return dict(cached["data"])
        except (OSError, ValueError, AttributeError):
            pass
    mapping = _parse_config(config_file)
    if cache is not None:
        with contextlib.suppress(OSError, TypeError, ValueError):
            atomic_write(cache, json.dumps({"key": key, "data": mapping}), fsync=False)
    return mapping


def _parse_config(config_file: Path) -> dict[str, Any]:
    try:
        text = config_file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(str(config_file), "", "is not UTF-8 text") from None
    yaml, loader, _ = yaml_codec()
    try:
        raw = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise ConfigError(str(config_file), "", f"is not valid YAML: {exc}") from None
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(str(config_file), "", "must be a mapping of settings")
    mapping: dict[str, Any] = raw
    version = mapping.get("version", 1)
    if version != 1:
        raise ConfigError(
            str(config_file),
            "version",
            f"{version!r} is not supported: this memgit reads version 1",
        )
    return raw


def _merge(
    config: Config, data: dict[str, Any], source: str, problems: list[ConfigProblem] | None
) -> Config:
    base = config.to_dict()
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    merged: Config = _build(Config, base, source, prefix="", problems=problems)
    return merged


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    """``{"dedupe.threshold": 0.7}`` → ``{"dedupe": {"threshold": 0.7}}``."""
    nested: dict[str, Any] = {}
    for key, value in flat.items():
        if value is None:
            continue
        head, _, tail = key.partition(".")
        if tail:
            nested.setdefault(head, {})[tail] = value
        else:
            nested[head] = value
    return nested


def _from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    hints = get_type_hints(Config)
    result: dict[str, Any] = {}
    for item in dataclasses.fields(Config):
        if item.metadata.get("internal"):
            continue
        kind = hints[item.name]
        if dataclasses.is_dataclass(kind):
            for sub in dataclasses.fields(kind):
                name = f"MEMGIT_{item.name}_{sub.name}".upper()
                if name in environ:
                    result.setdefault(item.name, {})[sub.name] = _env_value(environ[name])
        else:
            name = f"MEMGIT_{item.name}".upper()
            if name in environ:
                result[item.name] = _env_value(environ[name])
    return result


def _env_value(text: str) -> Any:
    """Environment values are YAML scalars or comma-separated lists: ``0.7``, ``true``, ``a,b``."""
    if "," in text:
        return [part.strip() for part in text.split(",") if part.strip()]
    yaml, loader, _ = yaml_codec()
    try:
        return yaml.load(text, Loader=loader) if text.strip() else ""
    except yaml.YAMLError:
        return text


def _build(
    cls: type[Any],
    data: Any,
    source: str,
    prefix: str,
    problems: list[ConfigProblem] | None = None,
) -> Any:
    """``cls`` from ``data``. With ``problems`` (a list), a bad key is recorded and skipped so
    its default stands; without, the first bad key raises."""
    if not isinstance(data, Mapping):
        shown = repr(data)
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        raise ConfigError(source, prefix.rstrip("."), f"must be a mapping of settings, not {shown}")
    hints = get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    for key in data:
        if key not in known:
            allowed = ", ".join(known)
            error = ConfigError(
                source, f"{prefix}{key}", f"is not a setting (allowed here: {allowed})"
            )
            if problems is None:
                raise error
            problems.append(_problem(error, "ignored"))
    values: dict[str, Any] = {}
    for name, item in known.items():
        if name not in data:
            continue
        try:
            values[name] = _coerce(
                hints[name], item, data[name], source, f"{prefix}{name}", problems
            )
        except ConfigError as error:
            if problems is None:
                raise
            default = _default_text(item)
            problems.append(_problem(error, f"using the default{default}"))
    return cls(**values)


def _default_text(item: dataclasses.Field[Any]) -> str:
    if item.default is not dataclasses.MISSING and not dataclasses.is_dataclass(item.default):
        value = _lists(item.default)
        return f" {json.dumps(value)}" if not isinstance(value, str) else f" {value!r}"
    return "s of that section"


def _coerce(
    kind: Any,
    item: dataclasses.Field[Any],
    value: Any,
    source: str,
    key: str,
    problems: list[ConfigProblem] | None = None,
) -> Any:
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _build(kind, value if value is not None else {}, source, key + ".", problems)
    origin = get_origin(kind)
    if origin is tuple:
        (element,) = {a for a in get_args(kind) if a is not Ellipsis}
        if value is None:
            value = []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ConfigError(source, key, f"must be a list, not {value!r}")
        items = tuple(_scalar(element, v, source, key) for v in value)
        if item.metadata.get("regex"):
            items = _patterns(items, source, key, problems)
        choices = item.metadata.get("choices")
        for v in items:
            if choices and v not in choices:
                raise ConfigError(
                    source, key, f"{v!r} is not allowed (choose from {', '.join(choices)})"
                )
        return items
    if isinstance(kind, types.UnionType):
        raise TypeError(f"unsupported config type for {key}")  # pragma: no cover
    result = _scalar(kind, value, source, key)
    choices = item.metadata.get("choices")
    if choices and result not in choices:
        raise ConfigError(
            source, key, f"{result!r} is not allowed (choose from {', '.join(choices)})"
        )
    bounds = item.metadata.get("range")
    if bounds is not None:
        low, high = bounds
        if result < low or (high is not None and result > high):
            limit = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise ConfigError(source, key, f"{result} is out of range: must be {limit}")
    return result


def _patterns(
    items: tuple[str, ...], source: str, key: str, problems: list[ConfigProblem] | None
) -> tuple[str, ...]:
    """The regular expressions that compile; each one that does not is dropped on its own (a
    secret pattern lost to a typo in another would be worse than a warning)."""
    import re

    kept: list[str] = []
    for pattern in items:
        try:
            re.compile(pattern)
        except re.error as exc:
            error = ConfigError(source, key, f"{pattern!r} is not a regular expression: {exc}")
            if problems is None:
                raise error from None
            problems.append(_problem(error, "that pattern is ignored, the others apply"))
            continue
        kept.append(pattern)
    return tuple(kept)


def _scalar(kind: Any, value: Any, source: str, key: str) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise ConfigError(source, key, f"must be true or false, not {value!r}")
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ConfigError(source, key, f"must be a whole number, not {value!r}")
    if kind is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raise ConfigError(source, key, f"must be a number, not {value!r}")
    if kind is str:
        if isinstance(value, str) and value.strip():
            return value.strip()
        raise ConfigError(source, key, f"must be non-empty text, not {value!r}")
    raise TypeError(f"unsupported config type {kind!r} for {key}")  # pragma: no cover
