"""Wording for offline observations: plain text, fact-stating titles, files and tags.

A sentence from a session becomes a title by dropping markdown, the conversational lead-in
("So,", "Found it:", "The problem was that", "let's") and the trailing punctuation, then
shortening at a clause boundary to ``TITLE_MAX`` characters. Repo paths come from the words of
the sentence (matched against the files the chunk's tool calls touched); tags are the salient
words: identifiers, names and file stems. Pure functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from memgit.dedupe import STOP_WORDS
from memgit.model import TITLE_MAX

_LINK = re.compile(r"\[([^\]]+)\]\((?:[^)\s]+)\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)")
_IMAGE = re.compile(r"\[image(?: #\d+)?\]", re.IGNORECASE)
_EMOJI = re.compile("[\u2600-\u27bf\U0001f300-\U0001faff\u2705\u274c\u2714\u2716\ufe0f]")


def plain(text: str) -> str:
    """Text without markdown emphasis, links, emoji or line breaks; code spans keep backticks."""
    if "[" in text:
        text = _IMAGE.sub("", _LINK.sub(r"\1", text))
    if "*" in text or "_" in text:
        text = _EMPHASIS.sub("", text)
    if not text.isascii():
        text = _EMOJI.sub("", text)
    return " ".join(text.split())


def unticked(text: str) -> str:
    return text.replace("`", "")


# Conversational openings that carry no fact. Applied repeatedly, case-insensitively.
_LEAD_INS = re.compile(
    r"^(?:"
    r"(?:so|ok|okay|and|but|also|plus|btw|by the way|fyi|fwiw|oh|well|right|yes|yeah|yep|hmm|ugh|"
    r"alright|great|good|perfect|nice|cool|fine|thanks|honestly|basically|anyway|currently|now|"
    r"mind you|ah|right|makes sense|understood|sounds good|got it|"
    r"one more thing|(?:while|when) you'?re (?:at it|in there|there)"
    r"(?: you won'?t see in the code)?|in short|tl;?dr|that said|importantly|ideally|first|second|"
    r"third|finally|heads up|note|important|warning|careful with this one|careful|summary|"
    r"in summary|to summari[sz]e|result|outcome)\s*[,:;.!\u2014\u2013-]+\s*"
    r"|(?:so|and|but|also|plus|oh|well|ok|okay|then|btw|fyi|fwiw|anyway|basically|honestly)\s+"
    # "Heads up before you start:", "Some context:", "One more thing you won't see in the code:"
    r"|[\w' ,\u2014\u2013-]{0,50}?\b(?:heads up|note|summary|cause|problem|issue|catch|reason|"
    r"result|tl;?dr|"
    r"update|status|fyi|important|gotcha|takeaway|lesson|hiccup|context|background|orientation|"
    r"overview|reminder|thing|explanation|short version|bottom line|consideration|caveat|clear|"
    r"noting|aside|remains|gap|left|missing|open)\b[\w' ,\u2014\u2013-]{0,50}?:\s+"
    r"|here(?:'?s| is) [\w' ]{0,40}:\s+"
    r"|(?:the |this )?(?:test|error|output|log|trace|failure|stack trace|traceback|diff) "
    r"(?:shows|says|tells us|means|confirms)(?: that)?\s+"
    r"|(?:you|we) (?:can|could|should) (?:just )?(?=[a-z])"
    r"|just (?=[a-z])"
    r"|(?:no|nope|nah|wait|whoa|hold on|stop|actually)\s*[,.!:;\u2014\u2013-]+\s*"
    r"|actually\s+"
    r"|found (?:it|the (?:\w+ )?(?:problem|issue|bug|cause|culprit))\s*[:.!\u2014\u2013-]*\s*"
    r"|got it\s*[.!:]+\s*"
    r"|there it is\s*[.!:]+\s*"
    r"|that'?s the (?:catch|problem|issue|gotcha) (?:with (?:the \w+|this|that|it)\s*)?[:.!\u2014"
    r"\u2013-]+\s*"
    r"|(?:the |a |one )?(?:root cause|underlying (?:cause|problem|issue)|cause|issue|problem|bug|"
    r"reason|catch|gotcha|culprit|fix|workaround|solution|trick)(?: here| with (?:this|that|it))?"
    r"(?: (?:is|was))?(?: that)?\s*[:\u2014\u2013-]+\s*"
    r"|(?:the |a )?(?:root cause|cause|issue|problem|bug|catch|culprit|reason) (?:here )?"
    r"(?:is|was) that\s+"
    r"|(?:it )?turn(?:s|ed) out(?: that)?,?\s+"
    r"|(?:please\s+)?(?:note|keep in mind|be aware|remember)(?: that)?,?\s+"
    r"|watch out(?: for)?[:,]?\s+(?=\w)"
    r"|(?:the )?(?:usual|house|team|golden) rule\s*[:,\u2014\u2013-]*\s*"
    r"|(?:from now on|going forward|from here on|in (?:the )?future)\s*[:,\u2014\u2013-]*\s*"
    r"|(?:we|i) (?:have )?(?:decided|agreed)(?: to| that| on)?\s+"
    r"|(?:the )?decision(?: is| was)?\s*[:\u2014\u2013-]+\s*"
    r"|let'?s\s+"
    r"|please\s+(?!don)"
    r"|(?:todo|to-do|next steps?|next up|what'?s left|not done|still to do|remaining|left to do|"
    r"follow[- ]ups?)\s*[:\u2014\u2013-]+\s*"
    r"|(?:i'?ve|i have|we'?ve|we have)\s+(?:now\s+|also\s+)?(?:successfully\s+)?(?=\w+ed\b|built|"
    r"made|written|set up|put|split)"
    r")",
    re.IGNORECASE,
)
_DONE_LEAD = re.compile(
    r"^(?:all )?(?:done|fixed|implemented|added|completed|finished|shipped|merged|published|"
    r"deployed|released|resolved)\s*[:;!.,\u2014\u2013-]+\s*",
    re.IGNORECASE,
)
_TRAILING = " \t\n,;:.!\u2014\u2013-"
_POLITE = ("please", "thanks", "thank you", "pls")
_DANGLING = frozenset(
    """the a an to of and or but with for in at by from as that which so because since is are was
    were be it its this these those when if then than via into""".split()
)


def strip_lead(text: str) -> str:
    """``text`` without its conversational opening (repeatedly: "ok so, actually, ...")."""
    for _ in range(6):
        stripped = _LEAD_INS.sub("", text, count=1)
        if stripped == text:
            break
        text = stripped
    return text


def done_lead(text: str) -> tuple[str, str]:
    """Split a progress line's "Fixed:" / "Done:" label from its content."""
    match = _DONE_LEAD.match(text)
    if not match:
        return "", text
    label = match.group(0).strip(" :;!.,\u2014\u2013-").capitalize()
    return label, text[match.end() :]


def tidy(text: str) -> str:
    """Trim the trailing punctuation and politeness, capitalise the first word of prose."""
    text = text.strip()
    lower = text.lower().rstrip(" .!")
    for word in _POLITE:
        if lower.endswith(word) and (
            len(lower) == len(word) or not lower[-len(word) - 1].isalnum()
        ):
            text = text[: len(lower) - len(word)]
            break
    text = _clean_end(text)
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    if text and text[0].islower() and _plain_word(text):
        text = text[0].upper() + text[1:]
    return text


def _plain_word(text: str) -> bool:
    """Whether the first word is an ordinary word (not an identifier that must keep its case)."""
    first = text.split(" ", 1)[0].replace("'", "").replace("-", "")
    return first.isalpha() and first.islower()


_BOUNDARIES = (
    "; ",
    " \u2014 ",
    " \u2013 ",
    " - ",
    ": ",
    ", so ",
    ", which ",
    ", because ",
    " because ",
    ", since ",
    ", but ",
    ", and ",
    " so that ",
    " so ",
    ", then ",
    ", ",
    " and ",
    " (",
)


def shorten(text: str, limit: int = TITLE_MAX) -> str:
    """``text`` within ``limit`` characters, cut at the latest clause boundary that keeps sense."""
    text = text.strip()
    if len(text) <= limit:
        return text
    without = re.sub(r"\s*\([^()]+\)", "", text)
    if len(without) <= limit and len(without) >= 30:
        return without.rstrip(_TRAILING)
    text = without if len(without) >= 30 else text
    # A clause that fills most of the line is best. A short clean clause beats a cut mid-clause,
    # unless the text is only a little too long: then the cut loses less than the clause would.
    for floor in (limit * 11 // 20, min(30, limit // 3)):
        if floor < limit // 2 and len(text) <= limit * 13 // 10:
            break
        for sep in _BOUNDARIES:
            cut = text.rfind(sep, floor, limit)
            if cut > 0:
                return _clean_end(text[:cut])
    cut = text.rfind(" ", limit // 3, limit - 1)
    cut = cut if cut > 0 else limit - 1
    return _clean_end(text[:cut]) + "…"


def _clean_end(text: str) -> str:
    """No trailing punctuation, dangling little word, open bracket or open code span."""
    text = text.rstrip(_TRAILING)
    for _ in range(3):
        head, _, last = text.rpartition(" ")
        if not head or last.lower() not in _DANGLING:
            break
        text = head.rstrip(_TRAILING)
    if text.count("(") > text.count(")"):
        text = text[: text.rfind("(")].rstrip()
    if text.count("`") % 2:
        text = text[: text.rfind("`")].rstrip()
    return text.rstrip(_TRAILING)


def with_reason(title: str, reason: str, limit: int = TITLE_MAX) -> str:
    """``title (reason)`` when both fit in ``limit``; otherwise the title alone."""
    reason = reason.strip().rstrip(_TRAILING)
    if reason and reason[0].isupper() and _plain_word(reason[0].lower() + reason[1:]):
        reason = reason[0].lower() + reason[1:]
    joined = f"{title} ({reason})"
    return joined if reason and len(joined) <= limit else title


# --- files --------------------------------------------------------------------------------------

_EXTENSIONS = (
    "py|pyi|ts|tsx|js|jsx|mjs|cjs|go|rs|rb|java|kt|kts|scala|swift|c|h|cc|cpp|hpp|cs|php|ex|"
    "exs|erl|clj|lua|dart|vue|svelte|md|mdx|rst|yaml|yml|toml|json|jsonl|ini|cfg|conf|env|sql|"
    "sh|bash|zsh|ps1|css|scss|sass|less|html|xml|proto|graphql|gql|tf|hcl|lock|txt|csv|gradle|"
    "mod|sum|ipynb|dockerfile"
)
_PATH = re.compile(
    r"(?<![\w@/.:-])((?:\.{0,2}/)?(?:[\w@.+-]+/)+[\w@.+-]+/?|[\w.+-]+\.(?:" + _EXTENSIONS + r"))"
    r"(?![\w/-]|\.\w)",
    re.IGNORECASE,
)
_NOT_PATH = re.compile(
    r"^(?:\d+(?:\.\d+)*|[a-z]\.[a-z]|e\.g|i\.e|n/a|and/or|i/o|w/o|km/h|\d+/\d+)$", re.I
)


_FILE_NAME = re.compile(r"/[\w@+-][\w@.+-]*\.[A-Za-z]\w*$|/(?:Dockerfile|Makefile|Procfile)$")


def mentioned_paths(text: str) -> list[str]:
    """Path-like words in ``text`` (``src/x.py``, ``deploy/``, ``settings.toml``), in order."""
    found = []
    for match in _PATH.finditer(text):
        start = match.start()
        if text[max(0, start - 3) : start] == "://" or text[max(0, start - 1) : start] == "#":
            continue
        word = match.group(1).rstrip("/.")
        if not word or _NOT_PATH.match(word) or "//" in word or word.startswith("www."):
            continue
        if "/" not in word and "." not in word:
            continue
        found.append(word)
    return found


def resolve_files(words: Iterable[str], known: Sequence[str]) -> list[str]:
    """Repo paths for path-like ``words``, using ``known`` (the chunk's files) to complete them."""
    out: list[str] = []
    for word in words:
        path = word.removeprefix("./")
        match = next(
            (k for k in known if k == path or k.endswith("/" + path) or path.endswith("/" + k)),
            None,
        )
        if match is not None:
            out.append(match)
        elif "/" in path and not path.startswith(("/", "~", "http")) and _FILE_NAME.search(path):
            out.append(path)
    return list(dict.fromkeys(out))


# --- tags ----------------------------------------------------------------------------------------

_TAG = re.compile(r"^[a-z][a-z0-9_.+#-]*$|^[0-9][a-z0-9_.+#-]*[a-z][a-z0-9_.+#-]*$")
_MARKED = re.compile(r"[_.+#\d-]")
_TICKED = re.compile(r"`([^`\s]{2,40})`")
_WORD = re.compile(r"[A-Za-z][\w.+#/-]*[\w+#]|[A-Za-z]")
GENERIC = frozenset(
    """able add added adding again already also always anything around back bad because before
    better big bit case change changed changes check code come comes could current data day
    default different does doesn done dont else even every everything example explicitly fail
    failed failing fails file files find first fix fixed fixes full get gets getting give go goes
    going good got great happen happens has have here instead issue issues just keep know last
    later least let like line lines little look looks lot made make makes many may mean means
    might more most much must need needed needs never new next nothing now number off old one
    only other others out over part pass passed passes place point problem problems put rather
    really right run runs same say see seems set should show shows side since small something
    still stuff sure take test tests than thing things think time today too true try trying turn
    two under until use used uses using want way ways well went whole why without won work works
    would wrong yes yet created updated currently successfully comprehensive properly actually
    existing complete completed working simple instead""".split()
)


def tags(text: str, files: Sequence[str] = (), limit: int = 5) -> tuple[str, ...]:
    """Salient keywords: code identifiers, names and tools, file stems, then longer words."""
    scored: dict[str, float] = {}

    def add(word: str, score: float) -> None:
        word = word.split("(", 1)[0].strip(".,:;()[]{}'\"-+").lower()
        if len(word) < 3 or len(word) > 30 or word in STOP_WORDS or word in GENERIC:
            return
        if not _TAG.match(word):
            return
        scored[word] = max(scored.get(word, 0.0), score)

    for match in _TICKED.finditer(text):
        ident = match.group(1)
        if "/" not in ident:
            add(ident.rstrip("()"), 3.0)
    for path in files:
        stem = path.rsplit("/", 1)[-1].split(".", 1)[0]
        add(stem, 1.5)
    words = _WORD.findall(unticked(text[:1200]))
    seen: set[str] = set()
    for i, word in enumerate(words):
        if "/" in word or word in seen or len(word) < 3:
            continue
        seen.add(word)
        inner_caps = word[1:] != word[1:].lower()
        marked = _MARKED.search(word) is not None
        if inner_caps or marked:
            add(word, 2.5)
        elif word[0].isupper() and i > 0 and not words[i - 1].endswith("."):
            add(word, 2.0)
        elif len(word) >= 6:
            add(word, 1.0 + len(word) / 100)
    order = {word: i for i, word in enumerate(scored)}
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], order[kv[0]]))
    return tuple(word for word, _ in ranked[:limit])
