"""Resolve the one frozen configuration: argument > ``MEMGIT_*`` environment > file > defaults.

The dataclasses below are the schema: every setting, its type, its default and its allowed values
live here once. ``.memory/config.yaml`` is checked against them with errors that name the file,
the key and what is allowed; ``MEMGIT_<SECTION>_<KEY>`` (or ``MEMGIT_<KEY>`` for top-level keys)
overrides a single setting from the environment, for example ``MEMGIT_EXTRACTOR=heuristic`` or
``MEMGIT_DEDUPE_THRESHOLD=0.7``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import types
from collections.abc import Mapping
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
    patterns: tuple[str, ...] = ()


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

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data.pop("origin", None)
        result: dict[str, Any] = _lists(data)
        return result


def _lists(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _lists(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_lists(v) for v in value]
    return value


def load_config(
    config_file: Path | None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    cache: Path | None = None,
) -> Config:
    """Read ``config_file`` (absent is fine), apply environment and explicit overrides, validate."""
    source = str(config_file) if config_file is not None else "defaults"
    data: dict[str, Any] = {}
    if config_file is not None and config_file.exists():
        data = read_config_mapping(config_file, cache)
    data.pop("version", None)
    config: Config = _build(Config, data, source, prefix="")
    env_data = _from_environ(os.environ if environ is None else environ)
    if env_data:
        config = _merge(config, env_data, "environment")
    if overrides:
        config = _merge(config, _nest(overrides), "arguments")
    return dataclasses.replace(config, origin=source)


def read_config_mapping(config_file: Path, cache: Path | None = None) -> dict[str, Any]:
    """The file's settings as a mapping. With ``cache``, a JSON copy keyed by the file's size and
    mtime spares the hooks the YAML parser while the file is unchanged."""
    stat = config_file.stat()
    key = [stat.st_mtime_ns, stat.st_size]
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


def _merge(config: Config, data: dict[str, Any], source: str) -> Config:
    base = config.to_dict()
    for key, value in data.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = {**base[key], **value}
        else:
            base[key] = value
    merged: Config = _build(Config, base, source, prefix="")
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


def _build(cls: type[Any], data: Mapping[str, Any], source: str, prefix: str) -> Any:
    if not isinstance(data, Mapping):
        raise ConfigError(source, prefix.rstrip("."), "must be a mapping of settings")
    hints = get_type_hints(cls)
    known = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}
    for key in data:
        if key not in known:
            allowed = ", ".join(known)
            raise ConfigError(
                source, f"{prefix}{key}", f"is not a setting (allowed here: {allowed})"
            )
    values: dict[str, Any] = {}
    for name, item in known.items():
        if name not in data:
            continue
        values[name] = _coerce(hints[name], item, data[name], source, f"{prefix}{name}")
    return cls(**values)


def _coerce(kind: Any, item: dataclasses.Field[Any], value: Any, source: str, key: str) -> Any:
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _build(kind, value if value is not None else {}, source, key + ".")
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
