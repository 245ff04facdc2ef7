"""Secrets recognised by where they sit: URLs, HTTP headers and cookies, command lines, netrc,
Kubernetes Secrets and docker ``auths``.

- the password of ``scheme://user:<password>@host`` (``connection-string`` for database and
  broker schemes, ``url-password`` otherwise), or a token used as the user name;
- ``Authorization: Bearer …`` / ``Basic …`` / ``token …``, and session cookies in ``Cookie:``,
  ``Set-Cookie:`` and ``curl -b``;
- ``--password VALUE``, ``--token VALUE`` and the short flags that take a password
  (``mysql -pVALUE``, ``sshpass -p``, ``docker login -p``, ``redis-cli -a``, ``curl -u user:pass``);
- every value in the ``data:`` and ``stringData:`` blocks of a ``kind: Secret`` (YAML or JSON), and
  the ``auth`` / ``identitytoken`` values of a docker ``config.json``.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator

from memgit.redact.assign import describes_a_secret, secret_name
from memgit.redact.providers import Kind
from memgit.redact.recipe import ALNUM, B64, B64URL, DIGITS, LETTERS
from memgit.redact.rules import Span, lowered
from memgit.redact.shape import entropy, is_placeholder, is_stand_in, looks_random

__all__ = [
    "CONTEXT_KINDS",
    "HEADER_KINDS",
    "cli_spans",
    "cookie_spans",
    "docker_spans",
    "kubernetes_spans",
    "url_spans",
]

GENERIC = "generic, by context"

# Rows in the providers' shape, so that the list of kinds and the tests treat them alike.
HEADER_KINDS: tuple[Kind, ...] = (
    Kind("bearer-token", GENERIC, "Opaque bearer tokens after `Bearer`",
         r"(?i:bearer)\s+(?P<secret>[A-Za-z0-9._~+/-]{16,4096}=*)",
         (("Authorization: Bearer ", ALNUM * 40),), needles=("bearer",), check="random",
         decoys=(("Authorization: Bearer ${API_TOKEN}",), ("Use Bearer authentication for the ",
                                                          LETTERS * 5, " API"))),
    Kind("authorization", GENERIC,
         "`Authorization:` Basic, token, bot, digest, SSWS and key credentials",
         r"(?i:authorization)\\?[\"']?\s*[:=]\s*\\?[\"']?\s*"
         r"(?i:basic|token|bot|digest|apikey|api-key|ssws|key|sso-key)\s+"
         r"(?P<secret>[A-Za-z0-9._~+/:-]{8,4096}=*)",
         (("Authorization: Basic ", B64 * 32, "=="), ("Authorization: SSWS 00", B64URL * 40)),
         needles=("auth",), decoys=(("Authorization: Basic $CREDENTIALS",),
                                    ("Authorization: token <your-token>",))),
    Kind("netrc-password", GENERIC, "Passwords in `.netrc` / `_netrc` entries",
         r"machine[ \t]+\S+[ \t\r\n]+login[ \t]+\S+[ \t\r\n]+password[ \t]+"
         r"(?P<secret>[^\s\\\"'`]{4,})",
         (("machine api.example.com\n  login dana\n  password ", ALNUM * 16),),
         needles=("machine",),
         decoys=(("machine api.example.com login dana password <password>",),
                 ("the machine ", LETTERS * 6, " has no login",))),
)  # fmt: skip

# Kinds found by the functions below; the samples show the context they need.
CONTEXT_KINDS: tuple[Kind, ...] = (
    Kind("connection-string", GENERIC, "Passwords in database and broker URLs", "",
         (("postgres://app:", ALNUM * 16, "@db.internal:5432/app"),),
         decoys=(("postgres://user:password@host:5432/db",), ("postgres://app@db.internal/app",))),
    Kind("url-password", GENERIC, "Passwords and tokens in other URLs' user info", "",
         (("https://deploy:", ALNUM * 16, "@registry.example.com/v2/"),),
         decoys=(("https://user:pass@host/path",), ("https://git@github.com/acme/",
                                                     LETTERS * 6, ".git"))),
    Kind("cookie", GENERIC, "Session cookies in `Cookie:`, `Set-Cookie:` and `curl -b`", "",
         (("Cookie: theme=dark; sessionid=", ALNUM * 32),),
         decoys=(("Set-Cookie: theme=dark; Path=/; Max-Age=3600; HttpOnly",),
                 ("Cookie: sessionid=${SESSION}; lang=en",))),
    Kind("cli-password", GENERIC, "Passwords and tokens passed as command-line flags", "",
         (("mysql -u root -p", ALNUM * 16, " shop"), ("deploy --token ", ALNUM * 32)),
         decoys=(("mysql -u root -p shop",), ("deploy --token $DEPLOY_TOKEN",),
                 ("docker run -p 8080:80 nginx",), ("ssh -p 2222 dana@host",))),
    Kind("kubernetes-secret", GENERIC, "Values in the `data:` / `stringData:` of a `kind: Secret`",
         "",
         (("kind: Secret\ndata:\n  password:", " ", B64 * 24, "==\n"),),
         decoys=(("kind: ConfigMap\ndata:\n  mode: ", LETTERS * 12, "\n"),
                 ("kind: Secret\ndata:\n  password: <base64>\n",))),
    Kind("docker-auth", GENERIC, "Registry credentials in a docker `config.json` (`auths`)", "",
         (('{"auths": {"ghcr.io": {"auth": "', B64 * 40, '"}}}'),),
         decoys=(('{"auths": {"ghcr.io": {}}, "credsStore": "desktop"}',),)),
    Kind("assignment", GENERIC, "Values assigned to secret names (`*_KEY`, `*_TOKEN`, `*_SECRET`, "
         "password, passwd, pwd, auth, credential) in env, shell, YAML, JSON, TOML, HCL, INI", "",
         (("DB_PASSWORD", "=", ALNUM * 14, DIGITS * 2), ("api_key", ": ", ALNUM * 30, DIGITS * 2)),
         decoys=(("DB_PASSWORD=${DB_PASSWORD}",), ("TOKEN_LIMIT=4096",), ("API_KEY=changeme",))),
)  # fmt: skip

# -- URLs ----------------------------------------------------------------------------------------

_DB_SCHEMES = frozenset(
    "postgres postgresql mysql mariadb mongodb mongodb+srv redis rediss amqp amqps mssql "
    "sqlserver oracle clickhouse cockroachdb couchdb neo4j memcached rabbitmq jdbc".split()
)
_URL_USERINFO = re.compile(
    r"://(?P<user>[^\s:/@?#\"'<>\\\[\]]{0,256})(?::(?P<password>[^\s/?#\"'<>\\]{1,256}))?"
    r"@(?=[\w\[.-])"
)
_SCHEME_BEFORE = re.compile(r"[A-Za-z][A-Za-z0-9+.:-]*\Z")


def url_spans(text: str, low: bytes) -> Iterator[Span]:
    """The password in ``scheme://user:<password>@host``, or a token used as the user name."""
    for at in lowered(low).positions(b"://"):
        m = _URL_USERINFO.match(text, at)
        if m is None:
            continue
        if m.group("password") is not None:
            start, end = m.span("password")
        elif len(m.group("user")) >= 20 and looks_random(m.group("user")):
            start, end = m.span("user")
        else:
            continue
        value = urllib.parse.unquote(text[start:end])
        if is_placeholder(value) or describes_a_secret(value):
            continue  # scheme://user:password@host in documentation
        scheme = _SCHEME_BEFORE.search(text, max(0, m.start() - 40), m.start())
        names = scheme.group().lower().replace(":", "+").split("+") if scheme else []
        kind = "connection-string" if _DB_SCHEMES.intersection(names) else "url-password"
        yield kind, start, end


# -- cookies -------------------------------------------------------------------------------------

_COOKIE_HEADER = re.compile(  # Cookie: …, Set-Cookie: …, curl --cookie '…'
    r"cookie(?:\\?[\"']?[ \t]*:|(?<=--cookie)[ \t=]+[\"']?)[ \t]*(?P<body>[^\r\n\"']{1,4096})",
    re.IGNORECASE,
)
_COOKIE_PAIR = re.compile(r"(?P<name>[^=;,\s]{1,128})=(?P<value>[^;,\s\"'\\]{1,4096})")
_COOKIE_ATTRIBUTES = frozenset(
    "path domain expires max-age samesite secure httponly priority partitioned version comment "
    "theme lang locale".split()
)
_SESSION_WORDS = ("sess", "sid", "token", "auth", "remember", "jwt", "login", "csrf", "xsrf")


def cookie_spans(text: str, low: bytes) -> Iterator[Span]:
    for at in lowered(low).positions(b"cookie"):
        line = _COOKIE_HEADER.match(text, at)
        if line is not None:
            yield from _cookie_values(text, *line.span("body"))


def _cookie_values(text: str, start: int, end: int) -> Iterator[Span]:
    for pair in _COOKIE_PAIR.finditer(text, start, end):
        name, value = pair.group("name").lower(), pair.group("value")
        if name in _COOKIE_ATTRIBUTES or is_placeholder(value) or is_stand_in(value):
            continue
        session = any(w in name for w in _SESSION_WORDS)
        if (session and len(value) >= 8 and looks_random(value)) or (
            len(value) >= 20 and looks_random(value) and entropy(value) >= 3.5
        ):
            yield "cookie", pair.start("value"), pair.end("value")


# -- command lines -------------------------------------------------------------------------------

_LONG_FLAG = re.compile(
    r"--(?P<name>[A-Za-z][A-Za-z0-9-]{0,40})[ \t]+"
    r"(?P<q>[\"']?)(?P<secret>[^\s\"'`;|&]{4,1024})(?P=q)"
    r"(?=[\s;|&)]|$)"
)
_PASSWORD_WORDS = frozenset(("password", "passwd", "pass", "pwd", "passphrase"))
# `` -p``, `` -a``, `` -u``, `` -b``: what they take depends on the command at the line's start.
_SHORT_FLAG = re.compile(
    r" -(?:(?P<attached>p)(?P<glued>[^\s\"'`-][^\s\"'`;|&)]{3,255})"
    r"|(?P<flag>[paub])[ \t]+(?P<q>[\"']?)(?P<value>[^\s\"'`;|&)]{4,4096})(?P=q))"
)
_USER_PASS = re.compile(r"[^\s:\"'@]{1,128}:(?P<secret>[^\s\"'@]{4,255})\Z")
_COMMANDS = {  # flag -> the commands (first words of a shell command) where it takes a secret
    "p": re.compile(
        r"(?:sudo\s+)?(?:sshpass|(?:docker|podman|nerdctl|buildah|skopeo|oras|helm\s+registry)"
        r"\s+login)\b"
    ),
    "a": re.compile(r"(?:sudo\s+)?redis-cli\b"),
    "u": re.compile(r"curl\b"),
    "b": re.compile(r"curl\b"),
    "glued": re.compile(r"(?:sudo\s+)?(?:mysql(?:dump|admin|sh|import)?|mariadb)\b"),
}
_COMMAND_START = re.compile(r"(?:\n|\\n|&&|\|\||[;|(`])[ \t]*(?:\$[ \t]+)?")


def _command_at(text: str, at: int) -> str:
    """The shell command that ``text[at]`` is part of, from its first word."""
    segment = text[max(0, at - 300) : at]
    starts = [m.end() for m in _COMMAND_START.finditer(segment)]
    return segment[starts[-1] :] if starts else segment.lstrip()


_METAVAR = re.compile(r"[A-Z][A-Z0-9_]*|\.\.\.|…")  # --token TOKEN, -pVALUE in help text
_WORD_OR_WORDS = re.compile(r"[a-z]+(?:[-_][a-z]+)*")  # "--password options", "--token-file"


def _flag_value_is_secret(value: str) -> bool:
    return not (
        _METAVAR.fullmatch(value)
        or _WORD_OR_WORDS.fullmatch(value)
        or is_placeholder(value)
        or is_stand_in(value)
        or describes_a_secret(value)
    )


def cli_spans(text: str, low: bytes) -> Iterator[Span]:
    index = lowered(low)
    for at in index.positions(b"--"):
        m = _LONG_FLAG.match(text, at)
        if m is None or (at and text[at - 1] not in " \t\n'\""):
            continue
        word = secret_name(m.group("name"))
        value = m.group("secret")
        if word is None or value.startswith(("-", "$", "<")) or not _flag_value_is_secret(value):
            continue
        if (word in _PASSWORD_WORDS and len(value) >= 6) or (
            len(value) >= 12 and looks_random(value) and entropy(value) >= 3.0
        ):
            yield "cli-password", m.start("secret"), m.end("secret")
    for at in index.positions(b" -"):
        m = _SHORT_FLAG.match(text, at)
        if m is None:
            continue
        command = _command_at(text, at)
        if m.group("attached"):
            glued = m.group("glued")
            if _COMMANDS["glued"].match(command) and _flag_value_is_secret(glued):
                yield "cli-password", m.start("glued"), m.end("glued")
            continue
        flag, value = m.group("flag"), m.group("value")
        if not _COMMANDS[flag].match(command) or not _flag_value_is_secret(value):
            continue
        if flag == "b":
            yield from _cookie_values(text, *m.span("value"))
        elif flag == "u":
            pair = _USER_PASS.search(value)
            if pair is not None and _flag_value_is_secret(pair.group("secret")):
                yield "cli-password", m.start("value") + pair.start("secret"), m.end("value")
        elif not value.startswith("-"):
            yield "cli-password", m.start("value"), m.end("value")


# -- Kubernetes Secrets and docker config ----------------------------------------------------------

_K8S_KIND = re.compile(rb"kind\"?[ \t]*:[ \t]*\"?secret\b")
_YAML_BLOCK = re.compile(r"(?m)^(?P<indent>[ \t]*)(?:data|stringData):[ \t]*\r?$")
_YAML_ENTRY = re.compile(
    r"(?P<indent>[ \t]+)[\w.-]+:[ \t]+"
    r"(?P<q>[\"']?)(?P<secret>[^\s\"'#][^\r\n\"']*?)(?P=q)[ \t]*\r?$",
    re.MULTILINE,
)
_JSON_BLOCK = re.compile(r"\"(?:data|stringData)\"[ \t]*:[ \t]*\{(?P<body>[^{}]{1,65536})\}")
_JSON_ENTRY = re.compile(r"\"[\w.-]+\"[ \t]*:[ \t]*\"(?P<secret>[^\"\\]{1,65536})\"")
_WINDOW = 16_384
_DOCKER_ENTRY = re.compile(
    r"\"(?:auth|identitytoken|registrytoken|password)\"[ \t]*:[ \t]*"
    r"\"(?P<secret>[A-Za-z0-9+/=._-]{8,8192})\""
)


def kubernetes_spans(text: str, low: bytes) -> Iterator[Span]:
    done = 0  # the end of the last document looked at: a dump of many Secrets is read once
    for kind in _K8S_KIND.finditer(low):
        if kind.start() < done:
            continue
        start = max(0, kind.start() - _WINDOW, done)
        doc_start = text.rfind("\n---", start, kind.start())
        start = doc_start + 1 if doc_start >= 0 else start
        doc_end = text.find("\n---", kind.end(), kind.end() + _WINDOW)
        end = doc_end if doc_end >= 0 else min(len(text), kind.end() + _WINDOW)
        done = end
        for block in _YAML_BLOCK.finditer(text, start, end):
            indent = len(block.group("indent"))
            pos = block.end() + 1
            while (entry := _YAML_ENTRY.match(text, pos, end)) is not None:
                if len(entry.group("indent")) <= indent:
                    break
                if not is_placeholder(entry.group("secret")):
                    yield "kubernetes-secret", entry.start("secret"), entry.end("secret")
                pos = entry.end() + 1
        for block in _JSON_BLOCK.finditer(text, start, end):
            for entry in _JSON_ENTRY.finditer(text, *block.span("body")):
                if not is_placeholder(entry.group("secret")):
                    yield "kubernetes-secret", entry.start("secret"), entry.end("secret")


def docker_spans(text: str, low: bytes) -> Iterator[Span]:
    at = low.find(b'"auths"')
    while at >= 0:
        for entry in _DOCKER_ENTRY.finditer(text, at, min(len(text), at + _WINDOW)):
            value = entry.group("secret")
            if not is_placeholder(value) and looks_random(value):
                yield "docker-auth", entry.start("secret"), entry.end("secret")
        at = low.find(b'"auths"', at + 1)
