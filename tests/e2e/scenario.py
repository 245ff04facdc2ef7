"""The scripted work the end-to-end tests and ``bench/tokens.py`` play through the real CLI.

Session 1 (two prompts: ``claude -p``, then ``--resume`` of the same session) fixes a time-zone
bug with Read, Bash and Edit, and states a constraint while the user types a secret and a
``<private>`` span. Session 2 (a new session) asks about the parser: memgit's SessionStart and
UserPromptSubmit context should carry what session 1 taught, and the model searches memory
through the MCP tool (loaded first with ToolSearch, as the CLI defers MCP tools).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.e2e.harness import Project, Run
from tests.e2e.model_server import Knowledge, ModelServer, Recorded, Turn, text, tool

PARSER = """\
from datetime import datetime


def parse_row(row):
    ts = datetime.strptime(row["time"], "%Y-%m-%d %H:%M")
    return ts, float(row["level_m"])
"""
UPLOADER = """\
RETRIES = 3


def upload(client, rows):
    for attempt in range(RETRIES):
        if client.send(rows):
            return True
    return False
"""
FILES = {"harbor/parse.py": PARSER, "harbor/upload.py": UPLOADER, "README.md": "# harbor\n"}

#: Typed by the user in session 1: a redactable secret and a private span.
SECRET = "sk-ant-api03-" + "Zq8Rw2Lm5Xv7Np3Kd9Tb6Hc4Gf1Js0Ya8Ue2Io5Wr7Ty3Qp"
PRIVATE = "the staging password is plum-4417-heron"

PROMPT_FIX = "Why are harbor timestamps off by an hour in the CSV parser? Please fix it."
PROMPT_RETRIES = (
    f"Also keep in mind the uploader retries. My deploy key is {SECRET} and "
    f"<private>{PRIVATE}</private>; do not change the retry count."
)
PROMPT_ASK = (
    "How does the harbor CSV parser treat timestamps, and why do uploader retries stay at 3?"
)

FIX_ANSWER = (
    "Fixed: parse_row now tags the naive harbor timestamps as UTC, because reading them as "
    "local time shifted them by an hour on DST days."
)
RETRY_ANSWER = (
    "Understood: the uploader keeps RETRIES at 3 because the harbor API bans clients after "
    "five failed calls in a row."
)
PROMPT_THANKS = "Thanks, nothing else to change for now."
THANKS_ANSWER = "Good: nothing else changes."
ASK_ANSWER = "The parser reads harbor timestamps as UTC, and the retries stay as they are."
#: Lines of the CLAUDE.md section: small enough that one of the two observations is left out of
#: it, so that UserPromptSubmit has something to recall that the section does not already say.
SECTION_LINES = 10

UTC_DECISION = Knowledge(
    type="decision",
    title="Harbor CSV timestamps are parsed as UTC since local time shifted them on DST days",
    evidence="shifted them by an hour on DST days",
    narrative="parse_row tags naive timestamps with timezone.utc.",
    facts=("parse_row calls .replace(tzinfo=timezone.utc)",),
    files=("harbor/parse.py",),
    tags=("timezone", "parser"),
)
RETRY_GOTCHA = Knowledge(
    type="gotcha",
    title="The harbor API bans clients after five failed calls, so uploader retries stay at 3",
    evidence="bans clients after five failed calls",
    files=("harbor/upload.py",),
    tags=("uploader", "retries"),
)
KNOWLEDGE = [UTC_DECISION, RETRY_GOTCHA]


def script(root: str, search_tool: str = "mcp__memgit__search") -> list[Turn]:
    parser = f"{root}/harbor/parse.py"
    fix = Turn(
        PROMPT_FIX,
        (
            (text("Let me read the parser."), tool("Read", file_path=parser)),
            (tool("Bash", command="grep -n strptime harbor/parse.py", description="Find it"),),
            (
                tool(
                    "Edit",
                    file_path=parser,
                    old_string='ts = datetime.strptime(row["time"], "%Y-%m-%d %H:%M")',
                    new_string='ts = datetime.strptime(row["time"], "%Y-%m-%d %H:%M")'
                    ".replace(tzinfo=timezone.utc)",
                ),
            ),
            (
                tool(
                    "Edit",
                    file_path=parser,
                    old_string="from datetime import datetime",
                    new_string="from datetime import datetime, timezone",
                ),
            ),
            (text(FIX_ANSWER),),
        ),
    )
    retries = Turn(PROMPT_RETRIES, ((text(RETRY_ANSWER),),))
    ask = Turn(
        PROMPT_ASK,
        (
            (tool("ToolSearch", query=f"select:{search_tool}", max_results=1),),
            (tool(search_tool, query="harbor timestamps UTC"),),
            (text(ASK_ANSWER),),
        ),
    )
    thanks = Turn(PROMPT_THANKS, ((text(THANKS_ANSWER),),))
    return [fix, retries, ask, thanks]


@dataclass
class Played:
    """What one play of the scenario left: the runs, their session ids, request counts."""

    runs: list[Run] = field(default_factory=list)
    sessions: list[str] = field(default_factory=list)
    #: Index into ``server.requests`` where each ``claude -p`` run started.
    marks: list[int] = field(default_factory=list)

    def session_requests(self, server: ModelServer, index: int) -> list[Recorded]:
        """The user's model requests of run ``index`` (0: prompt 1, 1: resumed, 2: session 2,
        3: session 2 continued)."""
        end = self.marks[index + 1] if index + 1 < len(self.marks) else None
        return [r for r in server.requests[self.marks[index] : end] if r.kind == "session"]

    def session_of(self, run: Run) -> str:
        data: dict[str, Any] = run.json()
        return str(data["session_id"])


def prepare(project: Project, *, plugin: bool = False) -> None:
    """The repository after ``memgit init`` (hooks in .claude/settings.json, or none on the
    plugin route, where the plugin brings hooks and the MCP server), committed."""
    project.create_repo(FILES)
    project.record_hook_payloads()
    project.memgit("init", *(["--no-hooks"] if plugin else []))
    assert (project.root / ".mcp.json").exists() != plugin
    config = project.root / ".memory" / "config.yaml"
    text = config.read_text(encoding="utf-8")
    assert "  section_lines: 150\n" in text
    config.write_text(text.replace("  section_lines: 150\n", f"  section_lines: {SECTION_LINES}\n"))
    project.git("add", "-A")
    project.git("commit", "-q", "-m", "memgit init")


def play(project: Project, server: ModelServer, *, plugin: bool = False) -> Played:
    """Session 1 (prompt, then ``--resume``), session 2 (prompt, then ``--continue``), waiting
    for capture after each run."""
    extra = ("--plugin-dir", str(project.plugin_dir)) if plugin else ()
    search = "mcp__plugin_memgit_memgit__search" if plugin else "mcp__memgit__search"
    tools = (*project.allowed_tools, search, search.replace("__search", "__get"))
    server.turns[:] = script(str(project.root), search)
    server.knowledge[:] = KNOWLEDGE
    played = Played()

    def run(prompt: str, *args: str) -> Run:
        played.marks.append(len(server.requests))
        result = project.claude_p(prompt, *args, *extra, tools=tools)
        server.check()
        played.runs.append(result)
        return result

    first = run(PROMPT_FIX)
    session = played.session_of(first)
    played.sessions.append(session)
    project.wait_for_worker(lambda: len(project.sessions()) >= 1, what="capture of prompt 1")
    run(PROMPT_RETRIES, "--resume", session)
    project.wait_for_worker(
        lambda: len(project.observations()) >= 2, what="capture of the resumed session"
    )
    second = run(PROMPT_ASK)
    played.sessions.append(played.session_of(second))
    project.wait_for_worker(lambda: len(project.sessions()) >= 2, what="capture of session 2")
    continued = run(PROMPT_THANKS, "--continue")
    assert played.session_of(continued) == played.sessions[1]
    project.wait_for_worker(lambda: True, what="capture of the continued session")
    return played
