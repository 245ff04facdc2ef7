"""Privacy tags and secret redaction: what must never be stored, sent to a model or indexed.

Every captured text goes through ``Redactor.clean`` before it is written, indexed or sent anywhere:

1. ``strip_private`` removes each ``<private>…</private>`` region (tag case-insensitive,
   attributes allowed, several per text, nested regions count depth) and leaves the marker
   ``[private]`` in its place, so a reader or a model knows something was withheld and the text
   around it does not run together. An unclosed ``<private>`` drops everything to the end of the
   text. A closing tag without an opening one is left as it is: strip before chunking, not after.
2. ``Redactor.redact`` replaces each secret with ``[REDACTED:<kind>]``: provider keys and tokens,
   JWTs, PEM private key blocks (whole block), the password of ``scheme://user:<password>@host``
   (``connection-string`` for database and broker schemes, ``url-password`` otherwise),
   ``Authorization`` headers, and values assigned to secret-looking names in env files, shell, YAML,
   JSON and code (the name is kept: ``DB_PASSWORD=[REDACTED:assignment]``).

The patterns are curated, not entropy-based, so git SHAs, UUIDs and lock-file hashes pass through.
Values that only point at a secret (``$VAR``, ``${VAR}``, ``{{ var }}``, ``<your-key>``, ``xxxx``,
``***``, an empty value, an earlier ``[REDACTED:…]``) are left alone, which makes redaction
idempotent: ``redact(redact(t)) == redact(t)``. Each rule starts with a literal where it can, and
runs only when its literal occurs in the text, so megabytes of ordinary text are cheap to clean.
"""

from __future__ import annotations

import functools
import re
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from memgit.errors import ConfigError

__all__ = ["PRIVATE_MARKER", "Finding", "Redactor", "default_redactor", "strip_private"]

PRIVATE_MARKER = "[private]"

_TAG = re.compile(r"<\s*(?P<close>/)?\s*private(?:\s[^<>]*)?>", re.IGNORECASE)


def strip_private(text: str) -> str:
    """Replace every ``<private>`` region of ``text`` with ``[private]`` (see the module notes)."""
    parts: list[str] = []
    depth = 0
    pos = 0
    for tag in _TAG.finditer(text):
        if tag.group("close") is None:
            if depth == 0:
                parts.append(text[pos : tag.start()])
            depth += 1
        elif depth > 0:
            depth -= 1
            if depth == 0:
                parts.append(PRIVATE_MARKER)
                pos = tag.end()
    if not parts:
        return text
    parts.append(PRIVATE_MARKER if depth else text[pos:])
    return "".join(parts)


@dataclass(frozen=True)
class Finding:
    """One secret in a text: its kind and the span ``text[start:end]`` that gets replaced."""

    kind: str
    start: int
    end: int


# -- what a secret value is not ---------------------------------------------------------------


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _is_name_char(c: str) -> bool:
    return c.isalnum() or c in "_.-"


_REFERENCE = re.compile(
    r"""\$(?:\{\{|\(|\{[A-Za-z_]\w*(?::?\?[^}]*)?(?:\}|$)|[A-Za-z_]\w*$)  # ${{ }}, $(cmd), ${V}, $V
    |\{\{ | \{%                                                          # templates
    |%[A-Za-z_]\w*%$ | %\([a-z_]+\)[sd]$                                  # %VAR%, %(name)s
    |<.*>$ | <%                                                          # <your-key>, ERB
    |\[REDACTED:[\w-]*\]? | \[private\]                                  # already redacted
    |\{[A-Za-z_]\w*\}$                                                   # f"{masked}"
    |your[-_ ] | replace[-_ ]?me$                                        # your-api-key-here
    """,
    re.IGNORECASE | re.VERBOSE,
)
_FILLER = frozenset("xX*.…•#0_-/")


def _is_placeholder(value: str) -> bool:
    """True for values that stand for a secret without being one (see the module notes)."""
    value = value.strip()
    if not value:
        return True
    tail = value[-16:]  # sk-ant-api03-xxxxxxxx..., ":****", "<your-key>"
    filled = len(tail) >= 3 and sum(c not in _FILLER for c in tail) <= 1
    return filled or _REFERENCE.match(value) is not None


_LOWER = re.compile(r"[a-z]")
_UPPER = re.compile(r"[A-Z]")
_DIGIT = re.compile(r"[0-9]")


def _looks_random(value: str) -> bool:
    """At least two of lower case, upper case and digits, as every generated token has."""
    classes = (_LOWER.search(value), _UPPER.search(value), _DIGIT.search(value))
    return sum(found is not None for found in classes) >= 2


# -- rules -------------------------------------------------------------------------------------

_Check = Callable[[re.Match[str]], bool]


@dataclass(frozen=True)
class _Rule:
    """A compiled pattern; the named group ``secret`` (or the whole match) is what gets replaced."""

    kind: str
    pattern: re.Pattern[str]
    # Lower case; the rule runs only if one occurs in the text. Patterns that start with a
    # literal need none: the regex engine already skips ahead to that literal.
    needles: tuple[bytes, ...] = ()
    check: _Check | None = None
    standalone: bool = True  # the match must not continue a longer word on its left
    anchored: bool = False  # match only where a needle occurs: no regex scan at all

    def spans(self, text: str, low: bytes) -> Iterator[tuple[str, int, int]]:
        if self.needles and not any(n in low for n in self.needles):
            return
        group = "secret" if "secret" in self.pattern.groupindex else 0
        pos = 0
        while (m := self._next_match(text, low, pos)) is not None:
            start, end = m.span(group)
            if self.check is not None and not self.check(m):
                pos = m.end()  # nothing inside a rejected match would pass the check either
            elif start >= end or _is_placeholder(text[start:end]) or self._continues_word(text, m):
                pos = m.start() + 1  # a secret may start inside this match
            else:
                yield self.kind, start, end
                pos = m.end()

    def _continues_word(self, text: str, m: re.Match[str]) -> bool:
        return self.standalone and m.start() > 0 and _is_word_char(text[m.start() - 1])

    def _next_match(self, text: str, low: bytes, pos: int) -> re.Match[str] | None:
        if not self.anchored:
            return self.pattern.search(text, pos)
        found: re.Match[str] | None = None
        for needle in self.needles:
            at = low.find(needle, pos)
            while at >= 0 and (found is None or at < found.start()):
                m = self.pattern.match(text, at)
                if m is not None:
                    found = m
                    break
                at = low.find(needle, at + 1)
        return found


def _rule(
    kind: str,
    pattern: str,
    *needles: str,
    check: _Check | None = None,
    anchored: bool = False,
    standalone: bool = True,
) -> _Rule:
    lowered = tuple(n.lower().encode() for n in needles)
    return _Rule(kind, re.compile(pattern), lowered, check, standalone, anchored)


def _random_group(name: str | int) -> _Check:
    return lambda m: _looks_random(m.group(name))


_B64URL = r"[A-Za-z0-9_-]"
_END = r"(?![A-Za-z0-9_-])"
_PEM_LABEL = r"(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
_PEM_KEY_DATA = re.compile(r"[A-Za-z0-9+/]{16}")  # a bare BEGIN line is no secret yet
_PEM_BODY = r"[A-Za-z0-9+/=\s\\:,.()-]"
_PEM_BLOCK = (  # to the END line; a block cut off by trimming ends where the key data ends
    rf"-----BEGIN {_PEM_LABEL}"
    rf"(?:{_PEM_BODY}{{0,16384}}?(?:-----END {_PEM_LABEL}|(?!{_PEM_BODY}))|{_PEM_BODY}{{16384}})"
)

_PROVIDER_RULES = (
    _rule("anthropic-key", rf"sk-ant-[a-z]{{2,10}}\d{{2}}-{_B64URL}{{32,1024}}", "sk-ant-"),
    _rule(
        "openai-key",
        rf"sk-(?:(?:proj|svcacct|admin)-{_B64URL}{{32,1024}}|(?P<body>[A-Za-z0-9]{{32,256}})){_END}",
        "sk-",
        check=lambda m: m.group("body") is None or _looks_random(m.group("body")),
    ),
    _rule("github-token", rf"gh[pousr]_[A-Za-z0-9]{{36,255}}{_END}"),
    _rule("github-token", rf"github_pat_[A-Za-z0-9_]{{50,255}}{_END}", "github_pat_"),
    _rule("gitlab-token", rf"gl(?:pat|ptt|dt|rt|cbt|soat|ft|imt)-{_B64URL}{{20,256}}"),
    _rule("aws-access-key-id", r"A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16}(?![A-Za-z0-9])"),
    _rule(
        "aws-secret-key",
        r"(?i:secret_?access_?key)\\?[\"']?\s*[:=]\s*\\?[\"']?(?P<secret>[A-Za-z0-9/+]{40})"
        r"(?![A-Za-z0-9/+=])",
        "secret_access_key",
        "secretaccesskey",
        anchored=True,
        standalone=False,
    ),
    _rule(
        "netrc-password",
        r"machine[ \t]+\S+[ \t\r\n]+login[ \t]+\S+[ \t\r\n]+password[ \t]+(?P<secret>[^\s\\]+)",
        "machine",
        anchored=True,
    ),
    _rule("slack-token", r"xox[abposre]-[A-Za-z0-9-]{10,256}", "xox"),
    _rule(
        "slack-webhook",
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[\w/-]{20,256})",
        "hooks.slack.com",
    ),
    _rule("stripe-key", r"sk_(?:live|test)_[A-Za-z0-9]{16,256}", "_live_", "_test_"),
    _rule("stripe-key", r"rk_(?:live|test)_[A-Za-z0-9]{16,256}", "_live_", "_test_"),
    _rule("stripe-key", r"whsec_[A-Za-z0-9]{24,256}", "whsec_"),
    _rule("google-api-key", rf"AIza{_B64URL}{{35}}{_END}", "AIza"),
    _rule("npm-token", r"npm_[A-Za-z0-9]{36}(?![A-Za-z0-9])", "npm_"),
    _rule("pypi-token", rf"pypi-AgE{_B64URL}{{50,1024}}", "pypi-AgE"),
    _rule(
        "huggingface-token", r"hf_[A-Za-z0-9]{34,256}(?![A-Za-z0-9])", "hf_", check=_random_group(0)
    ),
    _rule("sendgrid-key", rf"SG\.{_B64URL}{{22}}\.{_B64URL}{{43}}{_END}", "SG."),
    _rule("twilio-key", r"SK[0-9a-fA-F]{32}(?![A-Za-z0-9])"),
    _rule("jwt", rf"eyJ{_B64URL}{{8,4096}}\.ey{_B64URL}{{8,16384}}\.{_B64URL}{{16,1024}}", "eyJ"),
    _rule(
        "private-key",
        _PEM_BLOCK,
        "PRIVATE KEY",
        check=lambda m: len(_PEM_KEY_DATA.findall(m.group())) > 0,
        standalone=False,
    ),
)

_DB_SCHEMES = _words(
    "postgres postgresql mysql mariadb mongodb mongodb+srv redis rediss amqp amqps mssql "
    "sqlserver oracle clickhouse cockroachdb couchdb neo4j memcached rabbitmq"
)
_URL_USERINFO = re.compile(
    r"://(?P<user>[^\s:/@?#\"'<>\\\[\]]{0,256})(?::(?P<password>[^\s/?#\"'<>\\]{1,256}))?"
    r"@(?=[\w\[.-])"
)
_SCHEME_BEFORE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*\Z")


def _url_spans(text: str, low: bytes) -> Iterator[tuple[str, int, int]]:
    """The password in ``scheme://user:<password>@host``, or a token used as the user name."""
    if b"://" not in low:
        return
    for m in _URL_USERINFO.finditer(text):
        if m.group("password") is not None:
            start, end = m.span("password")
        elif len(m.group("user")) >= 20 and _looks_random(m.group("user")):
            start, end = m.span("user")
        else:
            continue
        value = urllib.parse.unquote(text[start:end])
        if _is_placeholder(value) or _describes_a_secret(value):
            continue  # scheme://user:password@host in documentation
        scheme = _SCHEME_BEFORE.search(text, max(0, m.start() - 40), m.start())
        base = scheme.group().lower().split("+")[0] if scheme else ""
        kind = "connection-string" if base in _DB_SCHEMES else "url-password"
        yield kind, start, end


_HEADER_RULES = (
    _rule(
        "bearer-token",
        r"(?i:bearer)\s+(?P<secret>[A-Za-z0-9._~+/-]{16,4096}=*)",
        "bearer",
        check=_random_group("secret"),
        anchored=True,
    ),
    _rule(
        "authorization",
        r"(?i:authorization)\\?[\"']?\s*[:=]\s*\\?[\"']?\s*"
        r"(?i:basic|token|bot|digest|apikey)\s+(?P<secret>[A-Za-z0-9._~+/-]{8,4096}=*)",
        "authorization",
        anchored=True,
    ),
)

# -- NAME=value, NAME: value, "name": "value" --------------------------------------------------

# Found with bytes.find in the lowered text, far faster than a case-insensitive alternation.
_NAME_WORDS = (b"pass", b"pw", b"secret", b"token", b"key", b"credential", b"auth")
_AFTER_NAME_WORD = re.compile(
    rb"[a-z0-9_.-]*(?P<quote>\\?[\"']\]?|)(?P<sep>[ \t]*(?:=>|:=|[:=](?!=))[ \t]*)"
)
# Values are looked at through bounded patterns, so that a long run of names and separators
# costs linear time; an accepted value that reaches the bound is then followed to its end.
_VALUE_LIMIT = 256
_QUOTED = re.compile(  # "value", 'value', and \"value\" inside a JSON-encoded string
    r"""\\"(?P<escaped>(?:[^"\\\n]|\\[^"\n]){0,4096})\\"
    |"(?P<double>(?:[^"\\\n]|\\.){0,4096})"
    |'(?P<single>[^'\n]{0,4096})'""",
    re.VERBOSE,
)
_SHELL_CHAR = r"[^\s\"'`;&|,)\]}\\]"  # NAME=value in env files, shell, query strings
_ENTRY_CHAR = r"[^\s\"'`;,)\]}\\]"  # name: value, name = value, alone in an entry
_SHELL_WORD = re.compile(rf"{_SHELL_CHAR}{{1,{_VALUE_LIMIT}}}")
_ENTRY_WORD = re.compile(rf"{_ENTRY_CHAR}{{1,{_VALUE_LIMIT}}}")
_WORD_REST = {
    _SHELL_WORD: re.compile(f"{_SHELL_CHAR}*"),
    _ENTRY_WORD: re.compile(f"{_ENTRY_CHAR}*"),
}
_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
_SECRET_WORDS = _words(
    "password passwd passphrase pass pwd pw secret token apikey authtoken accesstoken "
    "refreshtoken secretkey privatekey accesskey credential credentials auth"
)
_SECRET_ENDINGS = ("password", "passwd", "passphrase", "secret", "token", "apikey")
_PASSWORD_WORDS = _words("password passwd passphrase pass pwd pw")
_KEY_QUALIFIERS = _words(
    "api private access secret auth signing encryption master client app license session "
    "service role ssh deploy webhook account consumer admin"
)
# A name such as TOKEN_LIMIT or PASSWORD_FILE describes a secret without holding one.
_NOT_SECRET_AFTER = _words(
    "path file filename dir directory folder url uri endpoint host hostname port limit limits "
    "type kind count length len size ttl expiry expires expiration timeout lifetime name env var "
    "field header prefix suffix format id min max policy rotation version location region "
    "provider mode enabled required usage used budget label description hint pattern regex "
    "scope scopes audience issuer algorithm method manager source arn ref store ids number "
    "verifier cache handler callback func factory separator delimiter query"
)
_NOT_SECRET_BEFORE = _words("max min num total show use is has enable require")
_UNSET = _words("true false yes no on off none null nil undefined")
_NUMBER = re.compile(r"[+-]?\d{1,6}(?:\.\d+)?")
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3,4}){1,2}")
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")  # ANTHROPIC_API_KEY: a name, not a value
_CODE = re.compile(r"[A-Za-z_][A-Za-z_.]*[(\[]|[{(\[]")  # get_password(), os.environ[, {...}
_CALL = re.compile(r"[A-Za-z_][\w.]*[(\[]")  # b64encode(...), where a digit cannot be a password
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")  # settings.API_KEY, self.token
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")
_CAMEL = re.compile(r"[a-z][A-Z]")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_PATH = re.compile(r"(?:~|\.{1,2})?/(?:[\w.-]+/)*[\w.-]+/?")
_EXPRESSION = re.compile(r"[ \t]*[-+%*.\[]")  # "Basic " + creds, "%s:%s" % pair, "x".encode()
_LINE_END = re.compile(r"[ \t]*(?:\r?\n|\Z|#|\\[nr])")
_ENTRY_END = re.compile(r"[ \t]*(?:\r?\n|\Z|#|,|\}|\\[nr\"']|[\"'])")
_ENTRY_START = re.compile(r"(?:\n|\\n|[{,\"'])[ \t]*(?:-[ \t]+)?\\?[\"']?\Z")


@functools.lru_cache(maxsize=4096)
def _secret_name(name: str) -> str | None:
    """The word that makes ``name`` the name of a secret (``DB_PASSWORD`` -> ``password``)."""
    words: list[str] = [w.lower() for w in _WORD.findall(name.rsplit(".", 1)[-1])]
    for i, word in enumerate(words):
        qualified_key = word == "key" and i > 0 and words[i - 1] in _KEY_QUALIFIERS
        if word not in _SECRET_WORDS and not qualified_key:
            # Run-together names: PGPASSWORD, CSRFTOKEN, CLIENTSECRET.
            word = next((w for w in _SECRET_ENDINGS if word.endswith(w)), "")
            if not word:
                continue
        if word == "pwd" and len(words) == 1:  # the shell's working directory
            return None
        if _NOT_SECRET_AFTER.intersection(words[i + 1 :]):
            return None
        if _NOT_SECRET_BEFORE.intersection(words[:i]):
            return None
        return word
    return None


def _describes_a_secret(value: str) -> bool:
    """``my-client-secret``, ``refresh_token``, ``password``: words about a secret, no digits."""
    if len(value) > 64 or _DIGIT.search(value):
        return False
    words = {w.lower() for w in _WORD.findall(value)}
    return bool(words & _SECRET_WORDS) or "key" in words


def _literal_is_secret(value: str, word: str) -> bool:
    """Whether an assigned literal can be a secret: not a switch, a small number, a colour, the
    name of a variable or words about a secret."""
    if len(value) < 4 or value.lower() in _UNSET or _COLOUR.fullmatch(value):
        return False
    if _NUMBER.fullmatch(value):
        return word in _PASSWORD_WORDS
    return not (_CONSTANT.fullmatch(value) or _describes_a_secret(value))


def _bare_is_secret(value: str, word: str, tight: bool) -> bool:
    """Whether an unquoted value is a literal secret rather than code or a reference.

    A digit-free identifier is code (``token = Name``, ``auth: AuthType``) unless it directly
    follows ``NAME=`` as in env files; even there ``password=db_password`` and
    ``token=accessToken`` pass a variable along.
    """
    if _SCHEME.match(value) or _CODE.match(value) or _DOTTED.fullmatch(value):
        return False
    if not tight and _CALL.match(value):
        return False
    if _IDENTIFIER.fullmatch(value) and not _DIGIT.search(value):
        camel = _CAMEL.search(value) is not None
        if not tight or "_" in value or camel:
            return False
    if _PATH.fullmatch(value):  # a file holding the secret; /9j/4AAQSk... is base64, not a path
        return _DIGIT.search(value) is not None and _UPPER.search(value) is not None
    return _literal_is_secret(value, word)


def _bare_value(text: str, name_start: int, sep: str, value_start: int, word: str) -> int:
    """The end of the unquoted secret at ``value_start``, or -1 where the value is not one.

    ``NAME=value`` (env files, shell, query strings) counts as written; ``name = value`` (INI) and
    ``name: value`` (YAML, headers) only as a single word that ends the entry, so prose and code
    such as ``the token: it expires`` or ``token = make_token()`` do not count.
    """
    op = sep.strip()
    if op == "=>":
        return -1
    tight = op == "=" and sep[0] not in " \t"
    if tight and sep[-1] in " \t":  # `NAME= cmd` sets NAME to the empty string
        return -1
    pattern = _SHELL_WORD if tight else _ENTRY_WORD
    word_match = pattern.match(text, value_start)
    if word_match is None or not _bare_is_secret(word_match.group(), word, tight):
        return -1
    end = word_match.end()
    rest = _WORD_REST[pattern].match(text, end) if end - value_start == _VALUE_LIMIT else None
    end = rest.end() if rest else end
    if tight:  # token=value, in a call's arguments, passes a variable along
        value = word_match.group()
        code = (
            text[end : end + 1] in (",", ")")
            and _IDENTIFIER.fullmatch(value) is not None
            and not _looks_random(value)
        )
        return -1 if code else end
    if op != ":":
        return end if _LINE_END.match(text, end) else -1
    before = text[max(0, name_start - 40) : name_start]
    if not _ENTRY_START.search(before if name_start > 40 else "\n" + before):
        return -1
    return end if _ENTRY_END.match(text, end) else -1


def _assignment_spans(text: str, low: bytes) -> Iterator[tuple[str, int, int]]:
    done: set[int] = set()
    for name_word in _NAME_WORDS:
        at = low.find(name_word)
        covered = 0  # the end of the last value found: a name inside it is part of the secret
        while at >= 0:
            after = _AFTER_NAME_WORD.match(low, at + len(name_word)) if at >= covered else None
            if after is not None and after.end() not in done:
                done.add(after.end())
                span = _assigned_value(text, at, after)
                if span is not None:
                    covered = span[1]
                    yield "assignment", span[0], span[1]
            at = low.find(name_word, at + 1)


def _assigned_value(text: str, at: int, after: re.Match[bytes]) -> tuple[int, int] | None:
    """The span of the secret assigned to the name around ``text[at]``, if it names one."""
    start = at
    while start > 0 and at - start < 80 and _is_name_char(text[start - 1]):
        start -= 1
    word = _secret_name(text[start : after.start("quote")])
    if word is None:
        return None
    value_start = after.end()
    quoted = _QUOTED.match(text, value_start)
    if quoted is not None:
        span = quoted.span(quoted.lastgroup or 0)
        literal = text[span[0] : span[1]]
        if _EXPRESSION.match(text, quoted.end()) or not _literal_is_secret(literal, word):
            return None
    else:
        sep = text[after.start("sep") : value_start]
        end = _bare_value(text, start, sep, value_start, word)
        if end < 0:
            return None
        span = (value_start, end)
    return None if _is_placeholder(text[span[0] : span[1]]) else span


# -- the redactor ------------------------------------------------------------------------------

_SpanFinder = Callable[[str, bytes], Iterator[tuple[str, int, int]]]

# Earlier finders win when two find the same span: a provider key assigned to PASSWORD= is
# reported as the provider key.
_BUILT_IN: tuple[_SpanFinder, ...] = (
    *(rule.spans for rule in _PROVIDER_RULES),
    _url_spans,
    *(rule.spans for rule in _HEADER_RULES),
    _assignment_spans,
)


class Redactor:
    """The built-in secret patterns plus a team's own (``redact.patterns`` in the config).

    A pattern of one's own replaces its named group ``secret`` if it has one, else the whole match,
    with ``[REDACTED:custom]``; placeholders are skipped as for the built-in patterns. ``find``
    reports secrets only: private regions are ``strip_private``'s business.
    """

    def __init__(self, extra_patterns: Sequence[str] = ()) -> None:
        finders = list(_BUILT_IN)
        for source in extra_patterns:
            try:
                pattern = re.compile(source)
            except re.error as exc:
                raise ConfigError(
                    ".memory/config.yaml", "redact.patterns", f"{source}: {exc}"
                ) from None
            finders.append(_Rule("custom", pattern, standalone=False).spans)
        self._finders = tuple(finders)

    def find(self, text: str) -> list[Finding]:
        """The secrets in ``text``: sorted, non-overlapping (overlapping matches are merged)."""
        # One byte per code point, ASCII lowered: positions in ``low`` are positions in ``text``.
        low = text.encode("ascii", "replace").lower()
        candidates = sorted(
            (start, -end, rank, kind)
            for rank, finder in enumerate(self._finders)
            for kind, start, end in finder(text, low)
        )
        findings: list[Finding] = []
        for start, neg_end, _rank, kind in candidates:
            end = -neg_end
            if findings and start < findings[-1].end:
                last = findings[-1]
                if end > last.end:
                    findings[-1] = Finding(last.kind, last.start, end)
                continue
            findings.append(Finding(kind, start, end))
        return findings

    def redact(self, text: str) -> str:
        """``text`` with each secret replaced by ``[REDACTED:<kind>]``."""
        findings = self.find(text)
        if not findings:
            return text
        parts: list[str] = []
        pos = 0
        for finding in findings:
            parts += (text[pos : finding.start], f"[REDACTED:{finding.kind}]")
            pos = finding.end
        parts.append(text[pos:])
        return "".join(parts)

    def clean(self, text: str) -> str:
        """What capture stores or sends: private regions stripped, then secrets redacted."""
        return self.redact(strip_private(text))


@functools.cache
def default_redactor() -> Redactor:
    """The built-in patterns only, compiled once per process."""
    return Redactor()
