"""Look-alikes of secrets that must pass redaction untouched, generated from a seed.

Each generator returns one realistic line of developer text around a value that has the length,
alphabet or prefix of a secret without being one: git SHAs, UUIDs, sha256 and npm integrity hashes,
base64 images, ARNs, semver, identifiers, minified JS, lockfile lines, URLs with ids, public keys,
cloud resource ids, and public or example-only values some providers publish.
"""

from __future__ import annotations

import base64
import random
import string
from collections.abc import Callable

HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
WORDS = (
    "user session order invoice payment token refresh cache client server worker queue event "
    "message account profile config setting build deploy release commit branch report metric"
).split()

Maker = Callable[[random.Random], str]


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(HEX) for _ in range(n))


def _b64(rng: random.Random, size: int) -> str:
    return base64.b64encode(rng.randbytes(size)).decode()


def _alnum(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(ALNUM) for _ in range(n))


def _uuid(rng: random.Random) -> str:
    h = _hex(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def _word(rng: random.Random) -> str:
    return rng.choice(WORDS)


def _words(rng: random.Random, n: int, sep: str = "_") -> str:
    return sep.join(_word(rng) for _ in range(n))


def _camel(rng: random.Random, n: int) -> str:
    first, *rest = (_word(rng) for _ in range(n))
    return first + "".join(w.capitalize() for w in rest)


MAKERS: dict[str, Maker] = {
    "git SHA in a log": lambda r: f"commit {_hex(r, 40)}\nAuthor: Dana <dana@example.com>",
    "short SHAs": lambda r: f"{_hex(r, 7)} Fix {_word(r)} handling ({_hex(r, 12)})",
    "git rev-parse": lambda r: f"$ git rev-parse HEAD\n{_hex(r, 40)}",
    "UUID field": lambda r: f'"sessionId": "{_uuid(r)}", "parentUuid": "{_uuid(r)}"',
    "UUID in a URL": lambda r: f"GET /api/v1/{_word(r)}s/{_uuid(r)}/history HTTP/1.1",
    "sha256 checksum": lambda r: f"{_hex(r, 64)}  dist/memgit-{r.randint(0, 9)}.1.0.tar.gz",
    "docker digest": lambda r: f"image: ghcr.io/acme/{_word(r)}@sha256:{_hex(r, 64)}",
    "npm integrity": lambda r: f'"integrity": "sha512-{_b64(r, 64)}",',
    "yarn.lock line": lambda r: (
        f'  resolved "https://registry.yarnpkg.com/{_word(r)}/-/'
        f'{_word(r)}-1.{r.randint(0, 9)}.0.tgz#{_hex(r, 40)}"'
    ),
    "poetry.lock hash": lambda r: (
        f'{{file = "{_word(r)}-2.{r.randint(0, 30)}.0.tar.gz", hash = "sha256:{_hex(r, 64)}"}},'
    ),
    "go.sum line": lambda r: f"github.com/acme/{_word(r)} v1.{r.randint(0, 9)}.0 h1:{_b64(r, 32)}",
    "Cargo.lock checksum": lambda r: f'checksum = "{_hex(r, 64)}"',
    "pip hash": lambda r: f"{_word(r)}==3.{r.randint(0, 9)}.1 --hash=sha256:{_hex(r, 64)}",
    "base64 image": lambda r: f"![chart](data:image/png;base64,{_b64(r, r.randint(300, 900))})",
    "base64 font in CSS": lambda r: (
        f"@font-face{{src:url(data:font/woff2;base64,{_b64(r, 200)}) format('woff2')}}"
    ),
    "AWS ARN": lambda r: f"arn:aws:iam::{r.randint(10**11, 10**12 - 1)}:role/{_words(r, 2, '-')}",
    "AWS resource ids": lambda r: f"i-0{_hex(r, 16)} vpc-{_hex(r, 8)} sg-0{_hex(r, 16)}",
    "semver and ranges": lambda r: (
        f'"{_word(r)}": "^{r.randint(0, 20)}.{r.randint(0, 40)}.'
        f'{r.randint(0, 9)}", "engines": {{"node": ">=18.0.0"}}'
    ),
    "snake_case identifiers": lambda r: f"def test_{_words(r, 5)}() -> None:",
    "camelCase identifiers": lambda r: f"const {_camel(r, 5)} = use{_camel(r, 3).capitalize()}();",
    "constant names": lambda r: f"{_words(r, 3).upper()}_TOKEN_LIMIT = {r.randint(1, 9) * 1024}",
    "minified JS": lambda r: (
        "!function(e,t){var n="
        + ",".join(f"{c}=e.{_camel(r, 2)}" for c in "abcdefg")
        + f';return n("{_hex(r, 8)}")}}(window,document);'
    ),
    "GitHub URL with a SHA": lambda r: f"https://github.com/acme/{_word(r)}/commit/{_hex(r, 40)}",
    "URL with ids": lambda r: (
        f"https://app.example.com/{_word(r)}/{r.randint(10**6, 10**9)}"
        f"?ref={_hex(r, 10)}&page={r.randint(1, 50)}"
    ),
    "YouTube-style ids": lambda r: (
        "https://www.youtube.com/watch?v=" + "".join(r.choice(ALNUM + "-_") for _ in range(11))
    ),
    "ssh public key": lambda r: (
        f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{_b64(r, 32)[:43]} dana@laptop"
    ),
    "ssh-rsa public key": lambda r: f"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ{_b64(r, 380)} dana@ci",
    "PEM public key": lambda r: (
        "-----BEGIN PUBLIC KEY-----\n"
        + "\n".join(_b64(r, 48) for _ in range(5))
        + "\n-----END PUBLIC KEY-----"
    ),
    "certificate": lambda r: (
        "-----BEGIN CERTIFICATE-----\n"
        + "\n".join(_b64(r, 48) for _ in range(6))
        + "\n-----END CERTIFICATE-----"
    ),
    "GPG fingerprint": lambda r: (
        f"gpg: key {_hex(r, 16).upper()}: public key imported\n"
        f"      {' '.join(_hex(r, 4).upper() for _ in range(10))}"
    ),
    "thinking signature": lambda r: f'"signature": "{_b64(r, 300)}"',
    "Stripe publishable key": lambda r: "pk_" + "live_" + _alnum(r, 99),
    "Twilio account SID": lambda r: f"account_sid = 'AC{_hex(r, 32)}'",
    "Google OAuth client id": lambda r: (
        f"{r.randint(10**11, 10**12)}-{_hex(r, 32)[:32]}.apps.googleusercontent.com"
    ),
    "Slack ids": lambda r: f"channel C0{_alnum(r, 9).upper()} user U0{_hex(r, 8).upper()}",
    "token usage counters": lambda r: (
        f'"usage": {{"input_tokens": {r.randint(1, 9999)}, '
        f'"output_tokens": {r.randint(1, 9999)}, "cache_read_input_tokens": {r.randint(0, 99999)}}}'
    ),
    "secret references": lambda r: (
        f"{_words(r, 2).upper()}_SECRET=${{{_words(r, 2).upper()}}}\n"
        f"password: ${{{{ secrets.{_words(r, 2).upper()} }}}}"
    ),
    "env without secrets": lambda r: (
        f"NODE_ENV=production\nPORT={r.randint(1000, 9999)}\n"
        f"BUILD_SHA={_hex(r, 40)}\nREGION=eu-west-{r.randint(1, 3)}"
    ),
    "Kubernetes ConfigMap": lambda r: (
        f"kind: ConfigMap\ndata:\n  mode: {_word(r)}\n"
        f"  checksum: {_hex(r, 64)}\n  payload: {_b64(r, 24)}"
    ),
    "hex colours and CSS": lambda r: (
        f".{_word(r)} {{ color: #{_hex(r, 6)}; background: #{_hex(r, 3)}; }}"
    ),
    "timestamps and ids": lambda r: (
        f"2026-0{r.randint(1, 9)}-1{r.randint(0, 9)}T10:"
        f"{r.randint(10, 59)}:00Z req_id={_hex(r, 24)} span={_hex(r, 16)}"
    ),
    "email and paths": lambda r: (
        f"{_word(r)}.{_word(r)}@example.com /home/dana/src/{_words(r, 3, '/')}.py"
    ),
    "placeholders": lambda r: r.choice(
        [
            "OPENAI_API_KEY=your-api-key-here",
            "API_TOKEN=<token>",
            "password: changeme",
            "SECRET_KEY=xxxxxxxxxxxxxxxxxxxxxxxx",
            "AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY}",
            'token = "***"',
        ]
    ),
    "bearer in docs": lambda r: (
        f'curl -H "Authorization: Bearer $TOKEN" https://api.example.com/{_word(r)}'
    ),
    "pytest ids": lambda r: f"tests/test_{_word(r)}.py::test_{_words(r, 4)}[{_hex(r, 8)}] PASSED",
    "random base64 not in a secret context": lambda r: f'"etag": "{_b64(r, 18)}"',
    "high-entropy cache key": lambda r: f"cache-key: {_word(r)}-{_hex(r, 40)}",
}


def lookalikes(count_per_maker: int = 12, seed: int = 17) -> list[tuple[str, str]]:
    """``(label, text)`` pairs: ``count_per_maker`` of each kind, the same for the same seed."""
    rng = random.Random(seed)
    return [(label, make(rng)) for label, make in MAKERS.items() for _ in range(count_per_maker)]
