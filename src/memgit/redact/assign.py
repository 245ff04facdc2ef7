"""Values assigned to names that mean a secret: ``NAME=value``, ``name: value``, ``"n": "value"``.

Env files, shell ``export``, YAML, JSON, TOML, HCL, INI, properties, query strings and code: the
name is kept and the value replaced (``DB_PASSWORD=[REDACTED:assignment]``). A name means a
secret when one of its words does (``password``, ``passwd``, ``pwd``, ``secret``, ``token``,
``credential``, ``auth``, or ``key`` after ``api``/``private``/``access``/…), and not when a later
word says it only describes one (``TOKEN_LIMIT``, ``PASSWORD_FILE``). The value must have the
shape of a secret (``memgit.redact.shape``) and be a literal, not code, a reference, a switch or
a placeholder.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from memgit.redact.rules import lowered
from memgit.redact.shape import has_secret_shape, is_placeholder, is_stand_in, looks_random

__all__ = ["assignment_spans", "describes_a_secret", "secret_name"]


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


def _is_name_char(c: str) -> bool:
    return c.isalnum() or c in "_.-"


_DIGIT = re.compile(r"[0-9]")
_UPPER = re.compile(r"[A-Z]")
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
    "service role ssh deploy webhook account consumer admin subscription function functions "
    "storage shared primary secondary hmac jwt cookie csrf gpg pgp"
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
def secret_name(name: str) -> str | None:
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


def describes_a_secret(value: str) -> bool:
    """``my-client-secret``, ``refresh_token``, ``password``: words about a secret, no digits."""
    if len(value) > 64 or _DIGIT.search(value):
        return False
    words = {w.lower() for w in _WORD.findall(value)}
    return bool(words & _SECRET_WORDS) or "key" in words


def _literal_is_secret(value: str, word: str) -> bool:
    """Whether an assigned literal can be a secret: not a switch, a small number, a colour, the
    name of a variable, words about a secret or a stand-in, and shaped like a secret."""
    if len(value) < 4 or value.lower() in _UNSET or _COLOUR.fullmatch(value):
        return False
    if _NUMBER.fullmatch(value):
        return word in _PASSWORD_WORDS
    if _CONSTANT.fullmatch(value) or describes_a_secret(value) or is_stand_in(value):
        return False
    is_password = word in _PASSWORD_WORDS
    return has_secret_shape(value, password=is_password)


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
            and not looks_random(value)
        )
        return -1 if code else end
    if op != ":":
        return end if _LINE_END.match(text, end) else -1
    before = text[max(0, name_start - 40) : name_start]
    if not _ENTRY_START.search(before if name_start > 40 else "\n" + before):
        return -1
    return end if _ENTRY_END.match(text, end) else -1


# Names whose values are one provider's secret: reported as that kind.
_NAMED_KINDS = (
    ("secretaccesskey", "aws-secret-key"),
    ("accountkey", "azure-storage-key"),
    ("sharedaccesskey", "azure-storage-key"),
)
_NOT_NAME = re.compile(r"[^a-z0-9]")


def assignment_spans(text: str, low: bytes) -> Iterator[tuple[str, int, int]]:
    index = lowered(low)
    done: set[int] = set()
    for name_word in _NAME_WORDS:
        covered = 0  # the end of the last value found: a name inside it is part of the secret
        for at in index.positions(name_word):
            after = _AFTER_NAME_WORD.match(low, at + len(name_word)) if at >= covered else None
            if after is None or after.end() in done:
                continue
            done.add(after.end())
            found = _assigned_value(text, at, after)
            if found is not None:
                name, start, end = found
                covered = end
                yield _kind_of(name), start, end


def _kind_of(name: str) -> str:
    squashed = _NOT_NAME.sub("", name.lower())
    return next((kind for tail, kind in _NAMED_KINDS if squashed.endswith(tail)), "assignment")


def _assigned_value(text: str, at: int, after: re.Match[bytes]) -> tuple[str, int, int] | None:
    """The name around ``text[at]`` and the span of the secret assigned to it, if it names one."""
    start = at
    while start > 0 and at - start < 80 and _is_name_char(text[start - 1]):
        start -= 1
    name = text[start : after.start("quote")]
    word = secret_name(name)
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
        if after.group("quote") and _NUMBER.fullmatch(text[value_start:end]):
            return None  # "password": 5630 is a JSON number (a vocabulary, a count), not a secret
        span = (value_start, end)
    return None if is_placeholder(text[span[0] : span[1]]) else (name, span[0], span[1])
