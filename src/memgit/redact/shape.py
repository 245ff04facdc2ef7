"""What a secret value looks like, and what only stands for one.

A value that points at a secret (``$VAR``, ``${VAR}``, ``{{ var }}``, ``<your-key>``, ``xxxx``,
``***``, ``changeme``, ``your-key-here``, an earlier ``[REDACTED:…]``) is a placeholder and never
redacted, which keeps redaction idempotent. A generated secret has the shape of one: long enough,
several character classes, or high entropy.
"""

from __future__ import annotations

import math
import re
from collections import Counter

__all__ = ["entropy", "has_secret_shape", "is_placeholder", "looks_random"]

_REFERENCE = re.compile(
    r"""\$(?:\{\{|\(|\{[A-Za-z_]\w*(?::?[-?=][^}]*)?(?:\}|$)|[A-Za-z_]\w*$)  # ${{ }}, $(cmd), ${V}
    |\{\{ | \{%                                                          # templates
    |%[A-Za-z_]\w*%$ | %\([a-z_]+\)[sd]$                                  # %VAR%, %(name)s
    |<.*>$ | <%                                                          # <your-key>, ERB
    |\[REDACTED:[\w-]*\]? | \[private\]                                  # already redacted
    |\{[A-Za-z_]\w*\}$                                                   # f"{masked}"
    |your[-_ ] | replace[-_ ]?me$ | (?:insert|enter|put)[-_ ]your        # your-api-key-here
    """,
    re.IGNORECASE | re.VERBOSE,
)
# Words that make a whole value a stand-in: changeme, dummy-token, example_secret.
_STAND_IN = re.compile(
    r"(?:^|[^a-z])(?:change[-_]?(?:me|it|this)|dummy|placeholder|example|sample|fake|redacted"
    r"|not[-_]?a[-_]?(?:real[-_]?)?(?:secret|token|key|password)|todo|fixme)(?:[^a-z]|$)",
    re.IGNORECASE,
)
_FILLER = frozenset("xX*.…•#0_-/")
# An earlier redaction inside a value is not the value's own word: "s3cr3t…=[REDACTED:x]" is real.
_MARKER = re.compile(r"\[REDACTED:[\w-]*\]?|\[private\]", re.IGNORECASE)


def is_placeholder(value: str) -> bool:
    """True for values that stand for a secret without being one (see the module notes)."""
    value = value.strip()
    if not value:
        return True
    tail = value[-16:]  # sk-ant-api03-xxxxxxxx..., ":****", "<your-key>"
    filled = len(tail) >= 3 and sum(c not in _FILLER for c in tail) <= 1
    return filled or _REFERENCE.match(value) is not None


def is_stand_in(value: str) -> bool:
    """A value made of words that say it is not real: ``changeme``, ``dummy-secret-123``."""
    return _STAND_IN.search(_MARKER.sub(" ", value)) is not None


_LOWER = re.compile(r"[a-z]")
_UPPER = re.compile(r"[A-Z]")
_DIGIT = re.compile(r"[0-9]")


def looks_random(value: str) -> bool:
    """At least two of lower case, upper case and digits, as every generated token has."""
    classes = (_LOWER.search(value), _UPPER.search(value), _DIGIT.search(value))
    return sum(found is not None for found in classes) >= 2


def entropy(value: str) -> float:
    """Shannon entropy of ``value`` in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    size = len(value)
    return -sum(n / size * math.log2(n / size) for n in counts.values())


def has_secret_shape(value: str, *, password: bool) -> bool:
    """Whether an assigned value is shaped like a secret rather than a word or a setting.

    A password may be anything four characters or longer (people choose them); a token, key or
    secret is generated: at least eight characters, no spaces, and mixed classes or high entropy.
    """
    if password:
        return len(value) >= 4
    if len(value) < 8 or any(c.isspace() for c in value):
        return False
    return looks_random(value) or (len(value) >= 12 and entropy(value) >= 3.0)


def has_digit(value: str) -> bool:
    return _DIGIT.search(value) is not None


def has_upper(value: str) -> bool:
    return _UPPER.search(value) is not None
