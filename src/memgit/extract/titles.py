"""Titles that stand alone: the rule a title must meet, and the repairs tried before giving up.

A title is read without its body (in the CLAUDE.md section, in search results), so it must name
its subject and say the fact in one line. ``problem`` says why a title fails that rule:

- fewer than three words ("Use", "Keep that");
- a leading pronoun or connective ("It re-runs ...", "This client ...", "But the ...", "Since"),
  whose subject is in another sentence ("this repo" is fine: memory belongs to one repo);
- a dangling end: a trailing colon, comma, open bracket, or little word ("... goes through the");
- a first-person opening that narrates instead of stating ("I'll ...", "Let me ...").

The repairs compose a title from the sentence's own parts: the statement after an announcing
colon ("That test caught a serde limitation: X" is X), the main clause before the reason ("Since
A, B" is "B (A)"), the choice without the speaker ("I'll add X instead" is "Add X instead").
``heuristic`` tries the sentence before when the title's subject is a pronoun, and keeps the
observation out when nothing stands alone. Pure functions.
"""

from __future__ import annotations

import re

_PRONOUN = re.compile(
    r"^(?:it|its|it's|this|that|these|those|they|them|their|theirs|he|she|his|her|one|"
    r"there's|here's|which|who)\b(?!-)"
    r"(?! (?:repo|repository|project|codebase|app|application|monorepo|workspace|team)\b)",
    re.IGNORECASE,
)
"""A subject that lives in another sentence; "this repo" (the memory's own repo) is named."""
_CONNECTIVE = re.compile(
    r"^(?:and|but|or|so|also|then|because|since|whereas|although|though|however|thus|hence|"
    r"therefore|otherwise|plus|instead|meanwhile|anyway|still)\b(?!-)",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(
    r"^(?:i'?ll|i will|i'?m|i am|let me|i'?ve|i have|i need|i can|i could|i should)\b",
    re.IGNORECASE,
)
_LITTLE = frozenset(
    """the a an to of and or but with for in at by from as that which so because since is are
    was were be it its this these those when if then than via into our your their my""".split()
)
_ANNOUNCE = re.compile(r"^(?P<head>[^:`]{3,70}?):\s+(?P<rest>\S.{20,})$")
_SINCE = re.compile(r"^(?:since|because|as|given that) (?P<why>[^,]{8,}?), (?P<what>.{12,})$", re.I)
_SPEAKER = re.compile(
    r"^(?:i'?d rather not|we'?d rather not) (?P<verb>\w+)|"
    r"^(?:i'?m|i am|we'?re|we are) (?:now |also |just )?(?P<doing>\w+ing\b.*)$|"
    r"^(?:i'?ll|i will|i'?d|i would|we'?ll|we will|we'?d|we would|i'?m going to|we'?re going to|"
    r"i am going to|we are going to|i suggest(?: we)?|i propose(?: we)?|i recommend(?: we)?)"
    r"(?: rather| instead| just)?\s+(?P<rest>\w.*)$",
    re.IGNORECASE,
)


def problem(title: str) -> str | None:
    """Why ``title`` cannot stand alone, or ``None`` when it can."""
    text = title.strip()
    words = text.split()
    if len(words) < 3:
        return "too short"
    if _PRONOUN.match(text):
        return "pronoun"
    if _CONNECTIVE.match(text):
        return "connective"
    if _FIRST_PERSON.match(text):
        return "first person"
    if text[-1] in ":,(-\u2014\u2013" or text.count("(") > text.count(")"):
        return "dangling"
    last = words[-1].lower().strip(".!…")
    if last in _LITTLE:
        return "dangling"
    return None


_DEMONSTRATIVE = re.compile(r"^(?:this|that|these|those) (?P<noun>[a-z][\w-]{2,})\b", re.I)
_IT = re.compile(r"^(?:it|they) (?=[a-z]+s?\b)", re.IGNORECASE)
_CODE = re.compile(r"`([^`\s]{2,60})`")
_LEADING_NAME = re.compile(r"^(?:the )?(`[^`]+`|[A-Z][\w.]+(?:\.[\w]+)*)(?= )")


_FILE_NOUNS = frozenset({"file", "module", "script", "config", "folder", "directory", "package"})
_PATHLIKE = re.compile(
    r"(?<![\w/])((?:[\w.-]+/)+[\w.-]+\.\w+|[\w-]+\.(?:py|ts|tsx|js|go|rs|rb|"
    r"java|kt|yaml|yml|toml|json|sql|tf|sh|cs|swift|ex|exs))\b"
)


def resolved(text: str, before: str) -> str:
    """The title with its pronoun subject named from the sentence before, when that sentence
    names it: "This client retries ..." after "... builds on `stripe_lite.HttpClient`." is
    "stripe_lite.HttpClient retries ...". ``""`` when the subject cannot be found."""
    spans = _CODE.findall(before)
    match = _DEMONSTRATIVE.match(text)
    if match is not None:
        noun = match.group("noun").lower().rstrip("s")
        named = next((s for s in spans if noun in s.lower()), None)
        if named is None and noun in _FILE_NOUNS:
            named = next(iter(_PATHLIKE.findall(before)), None)  # "that file" after a path
        return f"{named}{text[match.end() :]}" if named else ""
    match = _IT.match(text)
    if match is None:
        return ""
    lead = _LEADING_NAME.match(before.strip().lstrip("-*+\u2022 "))
    subject = lead.group(1).strip("`") if lead else ""
    if not subject or subject.lower() in _LITTLE or not (spans or subject[0].isupper()):
        return ""
    return f"{subject} {text[match.end() :]}"


def announced(text: str) -> str:
    """ "That test caught a serde limitation: X does Y" states X does Y: the part after a short
    announcing clause, when that part is a statement of its own."""
    match = _ANNOUNCE.match(text)
    if match is None:
        return text
    head, rest = match.group("head"), match.group("rest")
    if len(head.split()) > 9 or len(rest.split()) < 5 or re.search(r"\d|/|_", head):
        return text
    return rest


def reason_last(text: str) -> tuple[str, str]:
    """ "Since A, B" as (B, A): the statement first, its reason after."""
    match = _SINCE.match(text)
    if match is None:
        return text, ""
    return match.group("what"), match.group("why")


def unspoken(text: str) -> str:
    """A choice without its speaker: "I'll add X instead" is "add X instead"."""
    match = _SPEAKER.match(text)
    if match is None:
        return text
    if match.group("verb"):
        return f"do not {match.group('verb')}{text[match.end() :]}"
    if match.group("doing"):
        return match.group("doing")  # "I'm adding a partial index": "adding a partial index"
    return match.group("rest")
