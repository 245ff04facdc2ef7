"""Labelled statements: "Decision: ...", "Gotcha: ...", "Architecture noted: ...".

People and assistants announce what kind of statement follows with a label and a colon at the
start of a line: the label is the strongest sign of an observation's type there is, whoever
writes it. ``labelled`` reads the label, the kind it names and the statement after it; the
statement must say something (three words or more), so a bare "Next:" is nothing. Progress
labels ("Progress:", "Status:") name what is left when the statement says so, else what is done;
labels that only say "worth keeping" ("Heads-up:", "Note:") give ``notable``: the statement's own
cues decide its type.
Pure functions.
"""

from __future__ import annotations

import re

_KINDS: tuple[tuple[str, float, str], ...] = (
    ("decision", 0.9, r"decisions?|decided|the decision|chosen approach|choice|resolution"),
    (
        "gotcha",
        0.9,
        r"gotcha|root cause|cause|pitfall|caveat|lessons?(?: learned)?|takeaway|watch out|"
        r"warning|careful|trap|surprise|hiccup|known issue|why it (?:failed|broke)",
    ),
    (
        "pattern",
        0.9,
        r"conventions?|rules?|house rule|team rule|rule of thumb|policy|guidelines?|standard",
    ),
    ("architecture", 0.85, r"architecture|design|structure|data flow|how it works|topology"),
    ("coordination", 0.85, r"owner|ownership|hand-?off|handover|blocked|blocker"),
    ("progress", 0.8, r"progress|status|state of play|where we are"),
    ("notable", 0.75, r"heads[- ]up|important|note|nb|tip|fyi|reminder|worth knowing"),
    (
        "next",
        0.8,
        r"next steps?|remaining|still to do|todo|to-do|left to do|open items|follow-?ups?",
    ),
)
_LABEL = re.compile(
    r"^(?:\*\*|__)?(?P<label>"
    + "|".join(f"(?P<k{i}>{pattern})" for i, (_, _, pattern) in enumerate(_KINDS))
    + r")(?: noted| note| here| so far| for now| found)?(?:\*\*|__)?\s*[:\u2014\u2013]\s*"
    r"(?:\*\*|__)?\s*(?P<rest>\S.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ASIDE = re.compile(
    r"^(?:please\s+)?(?:heads[- ]up|remember(?: that)?|keep in mind(?: that)?|note that|"
    r"fwiw|fyi)\s*[,:\u2014\u2013-]?\s+(?=\S)",
    re.IGNORECASE,
)
"""Asides that ask for something to be kept ("remember that ...", "heads up, ..."): notable."""
_JOINED = re.compile(
    r"^(?:(?:also|and|oh|plus|btw|ps|one more thing|by the way)\b[,.]?\s+)+(?=\w)", re.IGNORECASE
)
"""A connective before the label ("also, reminder: ..."): the label still leads the statement."""
_TO_YOU = re.compile(r"^(?:also |too |to )?(?:you|your|yourself)\b", re.IGNORECASE)
_LEFT = re.compile(
    r"\b(?:remain\w*|left|still|todo|to do|next|pending|missing|open|not (?:yet )?done)\b",
    re.IGNORECASE,
)


def labelled(text: str) -> tuple[str, float, str] | None:
    """(kind, weight, statement) for ``Label: statement`` lines; ``None`` for anything else.

    Kinds are the extractor's draft kinds: progress becomes ``next`` when the statement names
    what is left and ``done`` otherwise."""
    text = _JOINED.sub("", text.strip(), count=1)
    aside = _ASIDE.match(text)
    if aside is not None:
        rest = text[aside.end() :].strip()
        if _TO_YOU.match(rest) or len(rest.split()) < 3:
            return None  # "remember, you have LSP access": said to the assistant, for this task
        return "notable", 0.75, rest
    match = _LABEL.match(text)
    if match is None:
        return None
    rest = match.group("rest").strip()
    if len(rest.split()) < 3:
        return None
    index = next(i for i in range(len(_KINDS)) if match.group(f"k{i}") is not None)
    kind, weight, _ = _KINDS[index]
    if kind == "progress":
        kind = "next" if _LEFT.search(rest) else "done"
    return kind, weight, rest
