"""The cue table: phrases that mark a sentence as a decision, a gotcha, a rule, architecture,
progress or coordination, with how sure each one makes us.

Each cue is a regular expression, the observation kind it signals (progress is split into
``done`` and ``next``), a weight, whose words it applies to (the user's or the assistant's: "we
never X" from the user is a project rule, from the assistant it is an aside), and trigger words
(prefixes of which one must occur for the pattern to have a chance), so that a sentence only
meets the few patterns it could match. Written from how people talk in coding sessions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("decision", "gotcha", "pattern", "architecture", "done", "next", "coordination")
USER = frozenset({"user"})
ASSISTANT = frozenset({"assistant"})
ANYONE = frozenset({"user", "assistant"})

_NAME = r"(?:@?[A-Z][a-z]+(?:\s[A-Z][a-z]+)?|@[\w-]+|the [\w-]+ team|[A-Z]{2,})"
"""A person or team as people write them: Priya, Dana Kim, @dkim, the infra team, QA."""


@dataclass(frozen=True)
class Cue:
    kind: str
    weight: float
    pattern: re.Pattern[str]
    triggers: tuple[str, ...]
    """Word prefixes of which one must occur for the pattern to match (a cheap gate)."""
    roles: frozenset[str] = ANYONE
    folded: bool = True
    """Matched against the lower-cased sentence (case-insensitive, and several times faster
    than ``re.IGNORECASE``); cues that care about capitals (names) see the sentence as written."""

    @property
    def name(self) -> str:
        return self.pattern.pattern[:48]


def _cue(
    kind: str, weight: float, triggers: str, pattern: str, roles: frozenset[str] = ANYONE
) -> Cue:
    if pattern.startswith("(?-i)"):
        compiled = re.compile(pattern.removeprefix("(?-i)"))
        return Cue(kind, weight, compiled, tuple(triggers.split()), roles, folded=False)
    if "(?-i" in pattern or re.search(r"[A-Z]", re.sub(r"\\.", "", pattern)):
        compiled = re.compile(pattern, re.IGNORECASE)
        return Cue(kind, weight, compiled, tuple(triggers.split()), roles, folded=False)
    return Cue(kind, weight, re.compile(pattern), tuple(triggers.split()), roles)


_VERBS_DONE = (
    "published added fixed implemented updated created removed replaced moved wrote rewrote "
    "changed "
    "refactored renamed migrated ported merged deployed released bumped upgraded converted "
    "switched extracted consolidated cleaned"
)

CUES: tuple[Cue, ...] = (
    # --- decisions: choices made, with what was rejected and why -------------------------------
    _cue(
        "decision",
        0.85,
        "decided agreed chose opted settled",
        r"\b(?:we|i|they|everyone|the (?:\w+ )?team)(?:'ve| have)? (?:decided|agreed|chose|opted|"
        r"settled)\b"
        r"(?! on\s*(?:[,.;:!]|$))",  # "the spec we agreed on, ..." names a thing, decides nothing
    ),
    _cue(
        "decision",
        0.8,
        "decision decided",
        r"\b(?:the )?decision (?:is|was|here)\b|\bdecided (?:to|on|against)\b",
    ),
    _cue(
        "decision",
        0.8,
        "go",
        r"\b(?:let'?s|we'?ll|we will|i'?d|we should) go (?:with|for)\b(?! (?:it|that|this|them)\b)|"
        r"^go with\b(?! (?:it|that|this|them)\b)",
    ),
    _cue(
        "decision",
        0.8,
        "let",
        r"\blet'?s (?:also |just |now |then |instead |actually )?(?:use|switch|move|migrate|drop|"
        r"remove|rip|replace|keep|stick|adopt|stop|"
        r"standardi[sz]e|do|try|pin|vendor|revert|split|merge|rename)\b"
        r"(?! (?:on|it|this|that|them|things|everything)\b)",
        USER,
    ),
    _cue(
        "decision",
        0.6,
        "let",
        r"\blet'?s (?:also |just |now |then |instead |actually )?(?!see\b|look\b|check\b|figure\b|"
        r"start\b|begin\b|think\b|talk\b|discuss\b|debug\b|find\b|first\b|wait\b|continue\b|"
        r"get\b|dig\b|investigate\b|explore\b|review\b|read\b|run\b|verify\b|confirm\b|"
        r"make\b|be\b|not\b|hope\b|fix\b|add\b|have\b|finish\b|commit\b|push\b|ship\b|update\b|"
        r"write\b|create\b|build\b|implement\b|clean\b|go\b|test\b|work\b|focus\b|handle\b)"
        r"[a-z]{2,}\b",
        USER,
    ),
    _cue(
        "decision",
        0.7,
        "let",
        r"^(?:\w+[,!.]\s+)?let'?s (?:now |then |instead )?(?:use|switch|migrate|move \S+ to|drop|"
        r"replace|keep|stick|adopt|pin|standardi[sz]e)\b(?! (?:it|this|that|them)\b)",
        ASSISTANT,
    ),
    _cue(
        "decision",
        0.75,
        "we",
        r"\bwe(?:'ll| will|'re going to| are going to| should) (?:use|switch|move|migrate|keep|"
        r"stick|adopt|drop|replace|standardi[sz]e|pin|stay)\b",
    ),
    _cue(
        "decision",
        0.8,
        "chose choose picked pick prefer went",
        r"\b(?:chose|choose|picked|pick|prefer(?:red)?|went for) [\w.+#/-]+(?: [\w.+#/-]+){0,3} "
        r"over\b",
    ),
    _cue(
        "decision",
        0.75,
        "went",
        r"\b(?:we|i) went (?:with|for)\b|\bwe(?:'ve| have) gone with\b",
    ),
    _cue(
        "decision",
        0.65,
        "instead rather favor favour",
        r"\b(?:use|using|used|go|went|switch\w*|mov\w*|chose|choose|prefer\w*|pick\w*|replac\w*|"
        r"keep|stick|write|wrote|call|run|store|put|do|drop\w*)\b[^.;]{0,60}\b(?:instead of|rather"
        r" than|"
        r"in favou?r of)\b|\b(?:instead of|rather than)\b[^.;]{0,60}\b(?:use|go with|switch|stick)"
        r"\b",
    ),
    _cue("decision", 0.7, "rule", r"\brule[sd]? (?:\w+ )?out\b"),
    _cue(
        "decision",
        0.6,
        "switch migrat mov port",
        r"\b(?:switch(?:ed|ing)?|migrat(?:e|ed|ing)|mov(?:e|ed|ing)|port(?:ed|ing)?)"
        r"(?: [\w.+#/-]+){0,4} (?:over )?(?:from [\w.+#/-]+ )?to\b",
        USER,
    ),
    _cue(
        "decision",
        0.6,
        "longer going won",
        r"\b(?:no longer|not going to|won'?t) (?:use|need|support)\b",
    ),
    _cue("decision", 0.6, "we no", r"\bwe (?:don'?t|do not) need\b|\bno need (?:for|to)\b"),
    _cue(
        "decision",
        0.75,
        "i'd id rather",
        r"\bi'?d (?:much )?rather (?:not|we|you|use|go|keep|avoid|stick|stay|do|have)\b|"
        r"\bi'?d prefer\b",
        USER,
    ),
    _cue(
        "decision",
        0.75,
        "we",
        r"\bwe(?:'re| are)? (?:stay(?:ing)? (?:on|with)|stick(?:ing)? with|pin(?:ning)?|"
        r"target(?:ing)?|go(?:ing)? with|settle on)\b",
    ),
    _cue(
        "decision",
        0.7,
        "pin lock freeze hold",
        r"\b(?:pin|pinned|pinning|lock|locked|freeze|frozen|hold|holding)\b[^.;]{0,40}\b(?:at|to|"
        r"on)\s+"
        r"v?\d+(?:\.\d+|\.x)+",
    ),
    _cue(
        "decision",
        0.7,
        "go use switch stick keep pick choose drop vectori",
        r"^(?:go with|use|switch to|stick with|keep|pick|choose|drop|vectori[sz]e) "
        r"(?!(?:it|this|that|them|things|everything)\b)\S",
        USER,
    ),
    _cue(
        "decision",
        0.7,
        "so then",
        r"^(?:(?:ok(?:ay)?|right|alright|fine|good|yes|yeah)[,.!]?\s+)?(?:so|then)\s*[:\u2014\u2013]"
        r"\s*\S",
        USER,
    ),
    _cue(
        "decision",
        0.75,
        "no nope nah whoa hold stop",
        r"^(?:no|nope|nah|whoa|hold on|stop)\s*[,.!:\u2014\u2013-]",
        USER,
    ),
    _cue("decision", 0.7, "actually wait", r"^actually\b|^wait\s*[,.!\u2014\u2013-]", USER),
    _cue(
        "decision",
        0.8,
        "wrong right incorrect what",
        r"\b(?:that'?s|this is|that is|you'?re) (?:wrong|not right|incorrect|not what)\b",
        USER,
    ),
    _cue(
        "decision",
        0.65,
        "don do never please",
        r"^(?:don'?t|do not|please don'?t|never) (?:keep|use|add|do|go|call|make)\b",
        USER,
    ),
    # --- gotchas: surprises, causes of failures, and how they were fixed ---------------------
    _cue(
        "gotcha",
        0.85,
        "root underlying culprit",
        r"\b(?:root cause|underlying (?:cause|problem|issue)|culprit)\b",
    ),
    _cue(
        "gotcha",
        0.75,
        "cause issue problem bug reason catch gotcha snag trap trick",
        r"\b(?:the|a|one) (?:cause|issue|problem|bug|reason|catch|gotcha|snag|trap|trick)"
        r"(?: here| with (?:this|that|it))?(?: (?:is|was))?(?: that)?\s*[:\u2014\u2013-]|"
        r"\b(?:the|a) (?:cause|issue|problem|bug|catch|gotcha|snag|trap)"
        r"(?: here| with (?:this|that|it))? (?:is|was) (?:that|a|the|in)\b|"
        r"\bthat'?s the (?:catch|problem|issue|gotcha|trap|bug)\b",
    ),
    _cue(
        "gotcha",
        0.7,
        "found there",
        r"\bfound (?:it|the (?:\w+ )?(?:problem|issue|bug|cause|culprit))\b|\bthere it is\b",
    ),
    _cue("gotcha", 0.8, "turn", r"\bturn(?:s|ed) out\b"),
    _cue(
        "gotcha",
        0.7,
        "n+1 race deadlock memory off stack infinite thundering cache classic",
        r"\bn\+1\b|\brace condition\b|\bdeadlock\b|\bmemory leak\b|\boff-by-one\b|"
        r"\bstack overflow\b|\binfinite loop\b|\bthundering herd\b|\bcache stampede\b|"
        r"\bclassic (?:bug|mistake|trap|problem|issue|\w+ bug)\b",
    ),
    _cue(
        "gotcha",
        0.8,
        "is was",
        r"\b(?:is|was|'s) (?:the|our) (?:real )?(?:problem|issue|culprit|cause|bug|root cause)\b",
    ),
    _cue(
        "gotcha",
        0.75,
        "bit bites bitten tripped trips caught burned burnt",
        r"\b(?:bit|bites|bitten|tripped(?: up)?|trips(?: up)?|caught|burned|burnt) (?:me|us|you|"
        r"them|everyone)\b",
    ),
    _cue(
        "gotcha",
        0.75,
        "watch careful caveat pitfall gotcha keep beware aware note important warning",
        r"\b(?:watch out|be careful|careful with|caveat|pitfall|gotcha|keep in mind|beware|"
        r"be aware|note that|important:|warning:)",
    ),
    _cue(
        "gotcha",
        0.65,
        "doesn does won will can never",
        r"\b(?:does(?:n'?t| not)|won'?t|will not|can(?:'?t|not)|never) (?:actually )?(?:work|match|"
        r"fire|run|load|resolve|deserialize|serialize|parse|pickle|import|compile|persist|survive|"
        r"propagate|apply|trigger|see|find|pick up|expose|support|accept|allow|handle|include|"
        r"return|provide|respect|honou?r|preserve|exist)s?\b",
    ),
    _cue(
        "gotcha",
        0.7,
        "never doesn does won will refuse reject",
        r"\b(?:never|doesn'?t|does not|won'?t|will not) (?:let|allow|permit)s? (?:you|us|it|anyone"
        r")\b|"
        r"\brefuses? (?:to|an?|the|any)\b|\brejects?\b",
    ),
    _cue(
        "gotcha",
        0.6,
        "but",
        r"\bbut (?:it |they |that |this )?(?:doesn'?t|does not|won'?t|will not|isn'?t|is not|never|"
        r"can'?t|cannot|didn'?t|did not|wasn'?t)\b",
    ),
    _cue(
        "gotcha",
        0.75,
        "hiccup gotcha lesson takeaway caveat pitfall surprise warning",
        r"^(?:hiccup|gotcha|lessons?(?: learned)?|takeaway|caveat|pitfall|surprise|warning)\b[^:]{"
        r"0,30}:",
    ),
    _cue(
        "gotcha",
        0.7,
        "deprecated",
        r"\b(?:is|are|was|got) deprecated\b|\bdeprecated in favou?r of\b",
    ),
    _cue(
        "gotcha",
        0.65,
        "silently quietly implicitly under behind",
        r"\b(?:silently|quietly|implicitly|under the hood|behind the scenes)\b",
    ),
    _cue(
        "gotcha",
        0.7,
        "fixed solved resolved worked avoided fix workaround solution",
        r"\b(?:fixed|solved|resolved|worked around|avoided) (?:it |this |that |the \w+ )?by\b|"
        r"\bthe (?:fix|workaround|solution) (?:is|was)\b|\bworkaround\b",
    ),
    _cue(
        "gotcha",
        0.65,
        "fail break broke crash hang blow error time",
        r"\b(?:fails?|failing|failed|breaks?|broke|crash(?:es|ed)?|hangs?|blows? up|errors? out|"
        r"times? out) (?:\w+ ){0,2}(?:when|if|because|whenever|unless|as soon as)\b",
    ),
    _cue(
        "gotcha",
        0.7,
        "why explains",
        r"\bthat(?:'?s| is) why\b|\bwhich (?:is )?why\b|\bwhich explains\b|\bexplains why\b",
    ),
    _cue(
        "gotcha", 0.65, "only", r"\bonly (?:works|happens|fails|shows up) (?:when|if|on|with|in)\b"
    ),
    _cue(
        "gotcha",
        0.65,
        "not one",
        r", not (?:per |by |on |in )?[\w .'-]{2,30}, so\b|"
        r"\bone (?:query|request|call|round[- ]trip|http call|lookup) per\b",
    ),
    _cue(
        "gotcha",
        0.6,
        "default unless",
        r"\bby default\b|\bunless (?:you|the \w+|it|they) (?:says?|sets?|configures?|tells?|"
        r"passes?|opts?)\b",
    ),
    _cue(
        "gotcha",
        0.6,
        "never only safe robust right",
        r"\bnever (?:showed|shows) up\b|\bthe (?:only|safe|robust|right) way\b",
    ),
    _cue(
        "gotcha",
        0.7,
        "race deadlock off regression leak flake flaky typo",
        r"\b(?:is|was) (?:a|an) (?:race|deadlock|off-by-one|regression|memory leak|leak|typo)\b|"
        r"\brace condition\b|\b(?:the|this) flake\b|\bflaky because\b",
    ),
    # --- patterns: rules and conventions of the project --------------------------------------
    _cue(
        "pattern",
        0.85,
        "always never",
        r"(?<!\bi )(?<!i've )(?<!i have )(?<!i'd )(?<!i had )(?<!can )(?<!could )(?<!will )"
        r"(?<!would )(?<!'ll )\b(?:always|never)\b",
        USER,
    ),
    _cue("pattern", 0.5, "always never", r"\b(?:always|never)\b", ASSISTANT),
    _cue(
        "pattern",
        0.85,
        "now forward here future",
        r"\bfrom now on\b|\bgoing forward\b|\bfrom here on\b|\bin (?:the )?future\b",
    ),
    _cue(
        "pattern",
        0.8,
        "convention rule polic standard guideline style",
        r"\b(?:our|the|a|house|team|project) (?:convention|rule|policy|standard|guideline|style)s?"
        r"\b|"
        r"\bby convention\b",
    ),
    _cue(
        "pattern",
        0.85,
        "banned forbidden allowed prohibited off",
        r"\b(?:is|are) (?:banned|forbidden|not allowed|prohibited|off[- ]limits)\b",
    ),
    _cue("pattern", 0.7, "make", r"\bmake sure (?:to|that|you|we|it|every|all)\b"),
    _cue(
        "pattern",
        0.7,
        "we",
        r"\bwe (?:always|never|prefer|only|use \S+ for|(?:don'?t|do not) (?!need\b|have\b|know\b|"
        r"want\b|see\b|get\b|think\b))\b",
    ),
    _cue(
        "pattern",
        0.7,
        "every each all no none",
        r"^(?:every|each|all(?: the| our)?|no|none of the)\s+(?!time\b|once\b|one of\b|day\b|"
        r"other\b|\d|(?:two|three|four|five|six|seven|eight|nine|ten)\b)[\w`'./:-]+"
        r"(?:\s+[\w`'./:()-]+){0,6}?\s+(?:goes|go|uses|use|runs|run|logs|log|returns|return|"
        r"has to|have to|must|should|lives|live|writes|write|reads|read|calls|call|stays|stay|"
        r"needs|need|belongs|belong|imports|import|talks|talk|sends|send|follows|follow|"
        r"passes|pass through|gets|get|has|have)\b(?!.*\bnow\b)",
    ),
    _cue(
        "pattern",
        0.65,
        "every each all",
        r"^(?:every|each|all(?: the| our)?)\s+(?!time\b|\d|(?:two|three|four|five|six)\b)"
        r"[\w`'./:-]+(?:\s+[\w`'./:()-]+){0,4}?\s+(?:is|are) (?!(?:done|green|passing|fixed|"
        r"complete|finished|merged|gone|broken|failing|now|still)\b)(?![a-z]+ing\b)",
    ),
    _cue(
        "pattern",
        0.75,
        "we",
        r"^(?:\w+[,.]?\s+){0,2}?we (?!(?:need|want|have|had|got|saw|know|think|tried|should|could|"
        r"can|will|would|might|are|were)\b)[a-z]+(?:s)? (?:[\w`'./:-]+ ){0,6}?(?:every|all|each|"
        r"always|only|never|by hand|here|in this (?:repo|codebase|project|team))\b",
        USER,
    ),
    _cue(
        "pattern",
        0.6,
        "we",
        r"^we (?!(?:need|want|have|had|got|saw|know|think|tried|should|could|can|will|would|"
        r"might|are|were)\b)[a-z]+ (?:[\w`'./:-]+ ){0,6}?(?:every|all|each|always|only|never)\b",
        ASSISTANT,
    ),
    _cue(
        "pattern",
        0.8,
        "we",
        r"\bwe (?:don'?t|do not|never) use\b",
        USER,
    ),
    _cue(
        "decision",
        0.7,
        "we",
        r"^we(?:'ll| will|'re going to| are going to) (?!(?:see|need|have|get|look|check|find|want|"
        r"know|try|probably|likely|also need|be|make|do|start|begin|run|go|continue|take|"
        r"wait)\b)[a-z]+\b",
        ASSISTANT,
    ),
    _cue("pattern", 0.6, "prefer", r"\bprefer(?:s|red|ably)?\b"),
    _cue(
        "pattern",
        0.7,
        "should must",
        r"\b(?:should|must) (?!not\b|be\b)[a-z]+ (?:[\w`'.-]+ ){0,5}?[\w`'.-]+, "
        r"not (?:a |an |the )?[\w`'.-]+",
    ),
    _cue("pattern", 0.75, "must should", r"\b(?:must|should) (?:always|never|not)\b|\bmust be\b"),
    _cue(
        "pattern",
        0.7,
        "don do please no nobody",
        r"(?:^|[,;:]\s*|\b(?:so|and|but|please|just|also)\s+)(?:don'?t|do not|never|no one should|"
        r"nobody should) \w+",
        USER,
    ),
    _cue(
        "pattern",
        0.7,
        "only",
        r"\b(?:is|are|stays?) [\w.+#-]+ only\b|\bonly [\w.+#-]+ (?:here|in this)\b",
        USER,
    ),
    _cue(
        "pattern",
        0.6,
        "this our",
        r"\b(?:in|for) (?:this|our) (?:repo|codebase|project|team|monorepo)\b",
    ),
    _cue(
        "pattern", 0.8, "full exception", r"\bfull stop\b|\bno exceptions\b|\bwithout exception\b"
    ),
    _cue("pattern", 0.8, "rule for team", r"\brule of thumb\b|\bfor everyone\b|\bteam rule\b"),
    _cue(
        "pattern",
        0.7,
        "only",
        r"^only [\w-]+ (?:\w+ ){0,3}(?:once|after|when|if|before|with)\b",
        USER,
    ),
    _cue(
        "pattern",
        0.75,
        "no",
        r"(?:^|[,;:]\s*|\b(?:so|and|but|also|then|just)\s+)no [\w-]+ing\b|\bno [\w-]+(?: [\w-]+)? "
        r"(?:anywhere|ever|in (?:the|this|our) (?:repo|codebase|code))\b",
        USER,
    ),
    _cue("pattern", 0.6, "ever", r"\bever[.!]*$", USER),
    _cue(
        "pattern",
        0.7,
        "we",
        r"\bwe (?:keep|put|store|run|avoid|require) (?!it\b|going\b)",
        USER,
    ),
    _cue(
        "pattern",
        0.8,
        "we",
        r"\bwe (?:always|generally|usually|normally|never|typically|tend to|try to|prefer to)\b",
    ),
    _cue(
        "pattern",
        0.55,
        "has have need",
        r"\b(?:has|have|need|needs) to (?:be|opt|use|go|run|live|stay|happen|call|come|pass)\b",
        ASSISTANT,
    ),
    _cue(
        "pattern",
        0.6,
        "other existing",
        r"\b(?:other|existing) [\w -]{0,25}(?:already|all) (?:do|use|follow)\b",
    ),
    # --- architecture: how the parts fit together ---------------------------------------------
    _cue(
        "architecture",
        0.7,
        "talk communicat connect speak",
        r"\b(?:talks?|communicates?|connects?|speaks?) (?:to|with)\b",
    ),
    _cue(
        "architecture",
        0.75,
        "responsible",
        r"\b(?:is|are) (?:solely |only |the one )?responsible for\b",
    ),
    _cue(
        "architecture",
        0.7,
        "data flow",
        r"\bdata flows?\b|\b(?:request|data|the) flow (?:is|goes)\b|\bflows? through\b",
    ),
    _cue(
        "architecture",
        0.7,
        "built backed fits",
        r"\b(?:is|are) built (?:on|on top of|around|with)\b|\bbacked by\b|\bfits together\b",
    ),
    _cue("architecture", 0.6, "sit", r"\bsits? (?:behind|in front of|on top of|between)\b"),
    _cue(
        "architecture",
        0.65,
        "go goes format pass rout",
        r"\b(?:go|goes|format|formats|pass|passes|route|routes|(?:is|are) routed) through "
        r"(?:`[^`]+`|the [\w-]+|[\w./-]+\.\w+|\w+\(\))",
    ),
    _cue(
        "architecture",
        0.7,
        "has have consist made split divided",
        r"\b(?:has|have|consists? of|is made (?:up )?of|is split into|is divided into) "
        r"(?:\w+ )?(?:two|three|four|five|six|\d+) (?:stages|steps|layers|parts|services|modules|"
        r"components|jobs|phases|tiers|processes|queues|workers)\b",
    ),
    _cue("architecture", 0.6, "only", r"\bonly runs? (?:for|on|when|if|in|after|before)\b"),
    _cue(
        "architecture",
        0.7,
        "go goes sent uploaded stored written",
        r"\b(?:go|goes|are sent|is sent|are uploaded|is uploaded|are stored|is stored|"
        r"are written|is written) (?:directly |straight )?(?:to|in|into) (?:s3|gcs|redis|"
        r"postgres\w*|kafka|nats|sqs|the \w+|a \w+ (?:table|bucket|queue|topic))\b",
    ),
    _cue(
        "gotcha",
        0.65,
        "read loaded evaluated computed cached resolved parsed",
        r"\b(?:is|are|gets?) (?:read|loaded|evaluated|computed|cached|resolved|parsed) "
        r"(?:only )?(?:once|at (?:startup|start-?up|import(?: time)?|boot|build time|compile time|"
        r"module load))\b",
    ),
    _cue(
        "pattern",
        0.7,
        "run runs use uses go goes live lives talk talks read reads write writes",
        r"^(?!(?:i|we|you|it|this|that)\b)[\w`'./-]+(?: [\w`'./-]+){0,3} (?:run|runs|use|uses|go|"
        r"goes|live|lives|talk|talks|read|reads|write|writes)\b[^.;]{3,60}, (?:and )?never "
        r"[\w`'./-]+",
    ),
    _cue(
        "architecture",
        0.6,
        "live located defined implemented land",
        r"\b(?:lives?|located|defined|implemented|lands?) in\b",
    ),
    _cue(
        "architecture",
        0.7,
        "via over through",
        r"\b(?:via|over|through) (?:grpc|http|https|rest|graphql|websockets?|a queue|kafka|nats|"
        r"rabbitmq|sqs|pub/?sub|ipc|a socket|the [\w-]+ (?:client|api|queue|bus|layer|service|sdk)"
        r")\b",
    ),
    _cue(
        "architecture",
        0.6,
        "forward prox rout dispatch delegat publish push send hand pass map emit",
        r"\b(?:forwards?|proxies|proxy|routes?|dispatches|delegates?|publishes|pushes|sends|hands|"
        r"passes|maps|emits) (?:\S+ ){0,6}to\b",
    ),
    _cue(
        "architecture",
        0.75,
        "only nothing no",
        r"\bis the only (?:\w+ ){0,2}?(?:place|service|module|thing|component|layer|code|one|"
        r"process|class|function|file|package|crate|job|worker|handler|caller|writer|reader|"
        r"consumer|producer|owner|entry ?point)s?\b|\bnothing else\b|"
        r"\bno other (?:module|service|code|place|component|layer|class)\b|"
        r"\bonly (?:ever )?(?:sees|reads|writes|talks|calls)\b",
    ),
    _cue(
        "architecture",
        0.75,
        "stored kept persisted cached live",
        r"\b(?:stored|kept|persisted|cached|live|lives) in (?:redis|postgres\w*|mysql|sqlite|s3|"
        r"memory|the database|dynamo\w*|mongo\w*|elastic\w*|a \w+ table|the \w+ table)\b",
    ),
    _cue(
        "architecture",
        0.6,
        "win precedence overrid flag option argument variable env config setting file layer value",
        r"\b(?:flag|option|argument|variable|env|config|setting|file|layer|"
        r"value)s? (?:always )?wins?\b|"
        r"\bwins? over\b|\btakes? precedence\b|\boverrides? (?:the|a|any|every)\b",
    ),
    _cue(
        "architecture",
        0.5,
        "entry layer architecture pipeline middleware",
        r"\b(?:entry ?point|layers?|layering|architecture|pipeline|middleware)\b",
    ),
    _cue("architecture", 0.55, "owns wraps exposes", r"\b(?:owns|wraps|exposes) (?:the|a|all)\b"),
    # --- progress: done ------------------------------------------------------------------------
    _cue(
        "done",
        0.75,
        "all done fixed implemented added completed finished shipped merged published deployed "
        "released resolved complete",
        r"^(?:all )?(?:done|fixed|implemented|added|completed|finished|shipped|merged|published|"
        r"deployed|released|resolved|complete)\b\s*[:;!.,\u2014\u2013-]",
    ),
    _cue(
        "done",
        0.65,
        "i've ive i we've weve we",
        r"^(?:i'?ve|i have|we'?ve|we have) (?:now |also )?(?:successfully )?(?:\w+ed|built|made|"
        r"written|rewritten|set up|put|split|run|done)\b",
        ASSISTANT,
    ),
    _cue("done", 0.6, _VERBS_DONE, r"^(?:" + _VERBS_DONE.replace(" ", "|") + r")\b", ASSISTANT),
    _cue(
        "done",
        0.6,
        "is are",
        r"\b(?:is|are) (?:now )?(?:done|complete|completed|finished|merged|deployed|published|live|"
        r"rotated|green)\b",
    ),
    _cue(
        "done",
        0.45,
        "pass",
        r"\b(?:tests?|suite|specs?|checks?|ci|build) (?:now )?pass(?:es|ed)?\b",
    ),
    _cue(
        "done",
        0.45,
        "passed passing out runs tests",
        r"\b\d+ (?:tests? )?(?:passed|passing)\b|\b\d+ out of \d+ runs\b|\b\d+/\d+ (?:runs|tests)"
        r"\b",
    ),
    _cue(
        "done",
        0.55,
        "now",
        r"\bnow (?:run|runs|work|works|pass|passes|handle|handles|use|uses|return|returns|support|"
        r"supports|do|does|tag|tags|reuse|reuses|go|goes|live|lives)\b",
    ),
    # --- progress: what remains -------------------------------------------------------------------
    _cue(
        "next",
        0.75,
        "todo to-do",
        r"\b(?:todo|to-do)(?:\s*:|\s+[\u2014\u2013-]\s)|(?-i:\bTODO\b)(?! app| list| items?\b)",
    ),
    _cue(
        "next",
        0.7,
        "next",
        r"\bnext steps?\b|\bnext up\b|\bnext,? (?:i'?d|we'?d|we should|i should)\b|\bnext:",
    ),
    _cue(
        "next",
        0.75,
        "still",
        r"\bstill (?:need|needs|needed|to do|missing|has to|have to|open|pending|todo|to be done|"
        r"starts|uses|runs|points|reads|calls|has|references|used|in use|in place|around)\b|"
        r"\bstill to do\b",
    ),
    _cue(
        "next",
        0.7,
        "remaining what left not outstanding follow",
        r"\bremaining(?: work| items| tasks| steps| issues)?\s*:|\bthe remaining (?:work|items|"
        r"tasks|"
        r"steps|issues)\b|\bwhat'?s left\b|\bleft to do\b|\bnot (?:yet )?done\b|\boutstanding\b|"
        r"\bfollow[- ]ups?\s*:",
    ),
    _cue(
        "next",
        0.7,
        "still gap issue problem bug thing piece part item",
        r"\bstill (?:wrong|broken|failing|missing|open|unfixed|unsupported|pending|buggy|off)\b|"
        r"\b(?:gap|issue|problem|bug|thing|piece|part|item)s? remains?\b",
    ),
    _cue(
        "next", 0.6, "before", r"\bbefore (?:this|it|we) can (?:ship|merge|land|go out|release)\b"
    ),
    _cue(
        "next",
        0.7,
        "worth do doing tackle handle look next",
        r"\b(?:worth doing|do(?:ing)?|tackle|handle|look at|fix) (?:that |this |it )?next\b|"
        r"\bnext time\b",
    ),
    _cue(
        "next",
        0.6,
        "still",
        r"\bstill (?!works\b|passes\b|holds\b|applies\b|exists\b|compiles\b|builds\b|"
        r"matters\b|makes\b|seems\b|looks\b)[a-z]+s\b",
    ),
    _cue(
        "next",
        0.55,
        "should needs need",
        r"\bshould get the same\b|\bneeds? the same (?:fix|change)\b",
    ),
    # --- coordination: who owns what, who waits for whom -----------------------------------------
    _cue(
        "coordination",
        0.85,
        "owns maintains responsible charge owner taking takes take handling owned",
        r"(?-i)\b"
        + _NAME
        + r"(?:'s team| team)? (?:owns|own|maintains|is responsible for|is in charge of|"
        r"is the owner of|"
        r"is taking over|takes over|will take over|is handling)\b|\bowned by " + _NAME,
    ),
    _cue(
        "coordination",
        0.8,
        "ask ping check talk loop coordinate sync run get",
        r"\b(?:ask|ping|check with|talk to|loop in|coordinate with|sync with|run it by|"
        r"get (?:an? )?(?:ok|approval|sign-?off) from) (?-i:" + _NAME + r")",
    ),
    _cue(
        "coordination",
        0.85,
        "don do please no nobody never",
        r"(?:^|[,;:]\s*|\bplease\s+|\bso\s+)(?:don'?t|do not|please don'?t|no one should|"
        r"nobody should|"
        r"never) (?:\w+ ){0,2}(?:touch|merge|change|edit|deploy|push|release|modify|refactor)\w*\b"
        r".*?\b(?:until|without|before|unless)\b",
    ),
    _cue(
        "coordination",
        0.8,
        "blocked blocker",
        r"\bblocked (?:on|by|until)\b|\bblocker\b|\bis blocked\b",
    ),
    _cue(
        "coordination",
        0.75,
        "is 's are",
        r"(?-i)\b"
        + _NAME
        + r"(?:'s team)? (?:is|'s|are) (?:rewriting|refactoring|reworking|redoing|"
        r"migrating|replacing|working on|touching|changing|redesigning|rebuilding|porting)\b",
    ),
    _cue(
        "coordination",
        0.75,
        "until",
        r"\buntil (?:(?-i:"
        + _NAME
        + r")(?:'s team)?|the \w+ team|\w+'s team) (?:merges?|approves?|"
        r"reviews?|signs? off|lands?|ships?|deploys?|fixes|finishes|releases?|updates?|allows?)\b",
    ),
    _cue(
        "coordination",
        0.7,
        "that's thats it's its is",
        r"\b(?:that'?s|it'?s|is) (?-i:[A-Z][a-z]+)'s (?:service|module|code|area|team|repo|package|"
        r"component|domain|baby|project)\b",
    ),
    _cue(
        "coordination",
        0.75,
        "waiting",
        r"\bwaiting (?:for|on) (?:(?-i:"
        + _NAME
        + r")|\w+'s|review|approval|sign-?off|the \w+ team)",
    ),
    _cue(
        "coordination",
        0.8,
        "hand handing handed handoff hand-off handover taking takes take picking",
        r"\bhand(?:s|ing|ed)? (?:it |this |that |\w+ )?(?:over|off) (?:\w+ ){0,3}to\b|"
        r"\b(?:handoff|hand-off|handover) (?:note|doc|to|from)\b|\bhanding (?:it |this )?(?:over|"
        r"off)\b|"
        r"\b(?:is|am|are|'s|'m) taking over\b|\btakes? over (?:the|from|as)\b|\bpicking (?:this|it"
        r") up\b",
    ),
    _cue(
        "coordination",
        0.6,
        "sign signs signed code frozen",
        r"\bsigns? off\b|\bsign-?off\b|\bsigned off\b|\bcode freeze\b|\bfrozen\b",
    ),
    _cue(
        "coordination",
        0.6,
        "i'm im i is",
        r"\b(?:i'?m|i am|(?-i:[A-Z][a-z]+) is) (?:off|out|away|on leave|on vacation|ooo)\b",
        USER,
    ),
    _cue(
        "coordination",
        0.75,
        "call on-call ping",
        r"\b(?:is|are|'s) on[- ]call\b|\bping (?:him|her|them) (?:before|first)\b",
    ),
    _cue(
        "coordination",
        0.6,
        "halfway mid middle",
        r"\bhalfway through\b|\bmid-?(?:migration|refactor|rewrite)\b|\bin the middle of\b",
    ),
)
