"""How a sample of each secret format is built: literal parts and runs of random characters.

The kinds table (``memgit.redact.providers``) describes each format's sample as a recipe such as
``("dop_v1_", HEX * 64)``. No sample secret is written out anywhere in the project: tests, the
benchmark corpus and the generated list of kinds build them from recipes with a seeded generator,
so every committed line stays free of anything that looks like a real key.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

__all__ = ["ALNUM", "B64", "B64URL", "DIGITS", "HEX", "HEX_UPPER", "LOWER_ALNUM", "UPPER_ALNUM"]


@dataclass(frozen=True)
class Chars:
    """``length`` random characters from ``alphabet``; ``HEX * 32`` reads as "32 hex digits"."""

    name: str
    alphabet: str
    length: int = 1

    def __mul__(self, length: int) -> Chars:
        return Chars(self.name, self.alphabet, length)

    def describe(self) -> str:
        return f"{self.length} {self.name}"


Part = str | Chars
Recipe = tuple[Part, ...]

ALNUM = Chars("alphanumeric", string.ascii_letters + string.digits)
LETTERS = Chars("letters", string.ascii_letters)
LOWER_ALNUM = Chars("lower-case alphanumeric", string.ascii_lowercase + string.digits)
UPPER_ALNUM = Chars("upper-case alphanumeric", string.ascii_uppercase + string.digits)
HEX = Chars("hex", "0123456789abcdef")
HEX_UPPER = Chars("upper-case hex", "0123456789ABCDEF")
DIGITS = Chars("digits", string.digits)
B64 = Chars("base64", string.ascii_letters + string.digits + "+/")
B64URL = Chars("base64url", string.ascii_letters + string.digits + "-_")
BECH32 = Chars("bech32", "qpzry9x8gf2tvdw0s3jn54khce6mua7l".upper())


def build(recipe: Recipe, seed: str) -> str:
    """The sample ``recipe`` describes, the same for the same ``seed``."""
    return "".join(build_parts(recipe, seed))


def build_parts(recipe: Recipe, seed: str) -> list[str]:
    """The sample's parts, literal and random, in order."""
    rng = random.Random(seed)
    out: list[str] = []
    for part in recipe:
        if isinstance(part, str):
            out.append(part.replace("{uuid}", _uuid(rng)))
        else:
            out.append("".join(rng.choice(part.alphabet) for _ in range(part.length)))
    return out


def secret_part(recipe: Recipe, seed: str) -> str:
    """The longest random part of the sample: what must not survive redaction."""
    parts = build_parts(recipe, seed)
    generated = [p for part, p in zip(recipe, parts, strict=True) if isinstance(part, Chars)]
    return max(generated, key=len) if generated else parts[-1][-12:]


def near_miss(recipe: Recipe, seed: str) -> str:
    """A look-alike of the format: its prefix and the first few random characters, too short to
    be a key of that kind."""
    parts = build_parts(recipe, seed)
    for i, part in enumerate(recipe):
        if isinstance(part, Chars):
            return "".join(parts[:i]) + parts[i][: min(8, part.length - 1)]
    return "".join(parts)[:-8]  # a format with a uuid: cut into the uuid


def describe(recipe: Recipe) -> str:
    """``dop_v1_`` + 64 hex, for the list of kinds."""
    parts = []
    for part in recipe:
        if isinstance(part, str):
            parts.append(f"`{part.replace('{uuid}', '<uuid>')}`")
        else:
            parts.append(part.describe())
    return " + ".join(parts)


def _length(part: Part) -> int:
    return part.length if isinstance(part, Chars) else 0


def _uuid(rng: random.Random) -> str:
    h = "".join(rng.choice("0123456789abcdef") for _ in range(32))
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"
