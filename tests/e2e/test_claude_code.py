"""memgit driven by the real Claude Code CLI against the scripted model server.

Each route (project hooks with the anthropic extractor, project hooks with the claude-cli
extractor, the plugin route) plays ``scenario.play`` once; these tests read what the CLI sent to
the model, what the hooks received, and what landed in the repository.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from memgit.config import ContextConfig
from memgit.errors import ExtractorError
from memgit.extract.base import ChunkInput
from memgit.extract.claude_cli import ClaudeCliExtractor, parse_output, reply_data
from memgit.extract.prompt import build_prompt
from memgit.model import Observation, parse_observation
from tests.claude_code import claude_or_skip
from tests.e2e import accounting, scenario
from tests.e2e.conftest import Route
from tests.e2e.harness import API_KEY, Project
from tests.e2e.model_server import Knowledge, ModelServer, blocks, result_text, session_part

pytestmark = pytest.mark.slow

BUDGETS = ContextConfig()


def observations(project: Project) -> dict[str, Observation]:
    found = {}
    for path in project.observations():
        obs = parse_observation(path.read_text(encoding="utf-8"), path)
        found[obs.title] = obs
    return found


def ids_by_title(project: Project) -> dict[str, str]:
    return {title: obs.id for title, obs in observations(project).items()}


def section_ids(project: Project) -> set[str]:
    text = (project.root / "CLAUDE.md").read_text(encoding="utf-8")
    begin, end = text.index("<!-- memgit:begin -->"), text.index("<!-- memgit:end -->")
    return set(re.findall(r"\[m:([a-z0-9]+)\]", text[begin:end]))


# --- what the hooks receive ----------------------------------------------------------------------


def test_real_hook_payloads_carry_the_fields_memgit_reads(anthropic_route: Route) -> None:
    project = anthropic_route.project
    payloads = project.payloads()
    events = Counter(p["hook_event_name"] for p in payloads)
    # Four `claude -p` runs: each starts, takes one prompt, stops and ends.
    assert events["SessionStart"] == events["UserPromptSubmit"] == 4
    assert events["Stop"] == events["SessionEnd"] == 4
    assert events["PostToolUse"] == 6  # Read, Bash, Edit, Edit; ToolSearch, the memgit search
    sessions = anthropic_route.played.sessions
    for payload in payloads:
        assert payload["cwd"] == str(project.root)
        assert payload["session_id"] in sessions
        transcript = Path(payload["transcript_path"])
        assert transcript.name == f"{payload['session_id']}.jsonl"
        assert transcript.is_file()
        assert transcript.is_relative_to(project.home / ".claude" / "projects")
    starts = [p for p in payloads if p["hook_event_name"] == "SessionStart"]
    assert [p["source"] for p in starts] == ["startup", "resume", "startup", "resume"]
    prompts = [p["prompt"] for p in payloads if p["hook_event_name"] == "UserPromptSubmit"]
    assert prompts == [
        scenario.PROMPT_FIX,
        scenario.PROMPT_RETRIES,
        scenario.PROMPT_ASK,
        scenario.PROMPT_THANKS,
    ]
    tools = [p for p in payloads if p["hook_event_name"] == "PostToolUse"]
    assert [p["tool_name"] for p in tools] == [
        "Read",
        "Bash",
        "Edit",
        "Edit",
        "ToolSearch",
        "mcp__memgit__search",
    ]
    parser = str(project.root / "harbor" / "parse.py")
    assert tools[0]["tool_input"] == {"file_path": parser}  # absolute, as memgit expects
    assert tools[2]["tool_input"]["file_path"] == parser
    # tool_response is an object for built-in tools, a list of content blocks for MCP tools.
    assert isinstance(tools[1]["tool_response"], dict)
    assert {"stdout", "stderr", "interrupted"} <= set(tools[1]["tool_response"])
    assert isinstance(tools[5]["tool_response"], list)
    assert tools[5]["mcp_server"] == {"name": "memgit", "source": "project"}
    stops = [p for p in payloads if p["hook_event_name"] == "Stop"]
    assert stops[0]["last_assistant_message"] == scenario.FIX_ANSWER
    assert {p["reason"] for p in payloads if p["hook_event_name"] == "SessionEnd"} == {"other"}
    # --resume and --continue append to the same transcript as the run they continue.
    runs = anthropic_route.played.runs
    assert [anthropic_route.played.session_of(r) for r in runs] == [
        sessions[0],
        sessions[0],
        sessions[1],
        sessions[1],
    ]


def test_each_hook_runs_once_per_event(anthropic_route: Route) -> None:
    log = [line.split()[1] for line in anthropic_route.project.hook_log()]
    assert Counter(log) == {"SessionStart": 4, "UserPromptSubmit": 4, "Stop": 4, "SessionEnd": 4}
    assert all(line.endswith(" ok") for line in anthropic_route.project.hook_log())


# --- context in the model requests ---------------------------------------------------------------


def test_first_session_on_empty_memory_gets_no_context(anthropic_route: Route) -> None:
    first = anthropic_route.played.session_requests(anthropic_route.server, 0)
    assert first
    for record in first:
        assert accounting.all_contexts(record) == []
        assert "## Project memory (memgit)" not in record.all_text


def test_session_start_and_prompt_context_reach_the_model_within_budget(
    anthropic_route: Route,
) -> None:
    project, server = anthropic_route.project, anthropic_route.server
    played = anthropic_route.played
    ids = set(ids_by_title(project).values())
    in_section = section_ids(project)
    assert len(in_section) == 1, "section_lines=10 leaves one of the two out of the section"
    (shown,) = in_section
    (left_out,) = ids - in_section

    request = played.session_requests(server, 2)[0]
    contexts = accounting.hook_contexts(request)
    assert [c.hook for c in contexts] == ["SessionStart", "UserPromptSubmit"]
    # Nothing of memgit's outside its wrapper: every wrapper found is one a hook gave.
    assert len(accounting.all_contexts(request)) == 2
    start, prompt = contexts[0].text, contexts[1].text
    assert len(start) <= BUDGETS.session_start_chars
    assert len(prompt) <= BUDGETS.prompt_chars
    assert "Last session summary:" in start
    assert scenario.PROMPT_FIX.rstrip(".?! ")[:40] in start
    assert scenario.UTC_DECISION.title in start  # learned in the last session
    # Next to the prompt: the relevant observation the section does not show, not the other one.
    assert f"[m:{left_out}]" in prompt
    assert f"[m:{shown}]" not in prompt
    # The section itself arrives through CLAUDE.md.
    assert f"[m:{shown}]" in request.all_text.split("hook additional context")[0]

    # The resumed run of session 1 is not told about session 1 as if it were an earlier one.
    resumed = played.session_requests(server, 1)[0]
    for context in accounting.hook_contexts(resumed):
        assert "Last session summary" not in context.text


def test_mcp_search_returns_memgit_hits_to_the_model(anthropic_route: Route) -> None:
    project, server = anthropic_route.project, anthropic_route.server
    played = anthropic_route.played
    requests = played.session_requests(server, 2)
    # The CLI defers MCP tools: it names them in a system message and sends a schema only once
    # ToolSearch loads it. (The server may still be starting at a run's first request: under
    # load `memgit mcp` needs seconds to import the mcp package, and `claude -p` does not wait.)
    listed = [r for r in played.session_requests(server, 0) if "mcp__memgit__search" in r.all_text]
    assert listed, "session 1 never saw memgit's MCP tools"
    assert re.search(r"^mcp__memgit__search$", listed[-1].all_text, re.M)
    assert "mcp__memgit__search" not in [t["name"] for t in listed[-1].body["tools"]]  # type: ignore[index]
    last = requests[-1]
    assert "## memgit\nmemgit is this repository's" in last.all_text
    loaded = {t["name"]: t for t in last.body["tools"]}  # type: ignore[index]
    assert "query" in loaded["mcp__memgit__search"]["input_schema"]["properties"]
    messages = last.body["messages"]  # type: ignore[index]
    calls = [
        b
        for m in messages
        for b in blocks(m)
        if b.get("type") == "tool_use" and b.get("name") == "mcp__memgit__search"
    ]
    assert len(calls) == 1
    results = [
        b
        for m in messages
        for b in blocks(m)
        if b.get("type") == "tool_result" and b.get("tool_use_id") == calls[0]["id"]
    ]
    assert len(results) == 1
    assert not results[0].get("is_error")
    answer = result_text(results[0])
    for title, ident in ids_by_title(project).items():
        assert f"[m:{ident}]" in answer
        assert title in answer


# --- capture -------------------------------------------------------------------------------------


def test_capture_runs_from_the_real_transcript(anthropic_route: Route) -> None:
    project, played = anthropic_route.project, anthropic_route.played
    found = observations(project)
    assert set(found) == {scenario.UTC_DECISION.title, scenario.RETRY_GOTCHA.title}
    decision = found[scenario.UTC_DECISION.title]
    assert decision.type == "decision"
    assert decision.files == ("harbor/parse.py",)
    assert decision.session == played.sessions[0]
    assert decision.source == "anthropic:claude-haiku-4-5"
    assert decision.branch == "main"
    gotcha = found[scenario.RETRY_GOTCHA.title]
    assert gotcha.session == played.sessions[0]  # the resumed run

    summaries = {p.read_text(encoding="utf-8"): p for p in project.sessions()}
    assert len(summaries) == 2
    first = next(t for t in summaries if f"session: {played.sessions[0]}" in t)
    assert scenario.FIX_ANSWER.split(",")[0] in first
    assert decision.id in first
    assert gotcha.id in first
    assert any(f"session: {played.sessions[1]}" in t for t in summaries)

    # SessionEnd regenerated the CLAUDE.md section from the new memory.
    claude_md = (project.root / "CLAUDE.md").read_text(encoding="utf-8")
    assert "<!-- memgit:begin -->" in claude_md
    assert section_ids(project) <= {decision.id, gotcha.id}
    assert len(section_ids(project)) == 1
    assert "1 more observation not shown" in claude_md
    assert project.memgit("generate", "--check", check=False).returncode == 0


def test_memgit_context_is_not_captured_again(anthropic_route: Route) -> None:
    extractions = anthropic_route.server.of("extract-anthropic")
    assert len(extractions) == 4  # one per run: each ends with Stop and SessionEnd
    for record in extractions:
        part = session_part(record.body or {})
        assert "memgit-context" not in part
        assert "hook additional context" not in part
        assert "Project memory (memgit)" not in part
        assert "matches for" not in part  # the MCP search result is memgit's own memory
    # Session 2 repeated what memory said; nothing new was recorded from it.
    assert len(anthropic_route.project.observations()) == 2


def test_secret_and_private_span_reach_no_memgit_request_and_no_file(
    anthropic_route: Route,
) -> None:
    server, project = anthropic_route.server, anthropic_route.project
    typed = anthropic_route.played.session_requests(server, 1)
    assert any(scenario.SECRET in r.all_text for r in typed), "the prompt did carry them"
    memgit_requests = server.of("extract-anthropic")
    resumed = next(r for r in memgit_requests if "uploader retries" in r.all_text)
    assert "[REDACTED" in resumed.all_text
    assert "[private]" in resumed.all_text
    for record in memgit_requests:
        assert scenario.SECRET not in record.all_text
        assert scenario.PRIVATE not in record.all_text
        assert "plum-4417" not in record.all_text
    written = project.memory_text() + (project.root / "CLAUDE.md").read_text(encoding="utf-8")
    assert scenario.SECRET not in written
    assert "plum-4417" not in written
    state = "\n".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in project.state.rglob("*")
        if p.is_file() and p.suffix in (".json", ".jsonl", ".log", ".md")
    )
    assert scenario.SECRET not in state
    assert "plum-4417" not in state


def test_anthropic_extractor_uses_key_and_url_from_the_environment(anthropic_route: Route) -> None:
    for record in anthropic_route.server.of("extract-anthropic"):
        # The SDK (2.16) sends the key as a bearer token; older ones sent x-api-key.
        sent = record.headers.get("x-api-key") or record.headers.get("authorization", "")
        assert sent in (API_KEY, f"Bearer {API_KEY}")
        assert record.body is not None
        assert record.body["model"] == "claude-haiku-4-5"
        assert record.body["tool_choice"] == {"type": "tool", "name": "record_memory"}
        assert not record.body.get("stream")
        assert record.headers["user-agent"].startswith("Anthropic/Python")


# --- the claude-cli extractor --------------------------------------------------------------------


def test_claude_cli_extractor_runs_isolated_against_the_same_server(cli_route: Route) -> None:
    project, server = cli_route.project, cli_route.server
    extractions = server.of("extract-cli")
    assert len(extractions) == 4
    assert not server.of("extract-anthropic")
    for record in extractions:
        body = record.body or {}
        assert record.headers["user-agent"].startswith("claude-cli/")
        assert body["model"] == "claude-haiku-4-5"
        assert [t["name"] for t in body["tools"]] == ["StructuredOutput"]  # no tools, no MCP
        around = record.all_text.replace(session_part(body), "")
        assert "mcp__" not in around
        assert "memgit-context" not in record.all_text
        assert "Project memory (memgit)" not in around  # no CLAUDE.md loaded
        assert str(project.root) not in around  # it ran in a throwaway folder
    # No hook fired inside the nested runs (the recorder in HOME sees every hook of every run).
    assert {p["cwd"] for p in project.payloads()} == {str(project.root)}
    assert len(project.payloads()) == 22
    # No transcript of the nested runs (--no-session-persistence).
    projects = project.home / ".claude" / "projects"
    transcripts = sorted(p.name for p in projects.rglob("*.jsonl"))
    assert transcripts == sorted(f"{s}.jsonl" for s in cli_route.played.sessions)
    sources = {obs.source for obs in observations(project).values()}
    assert sources == {"claude-cli:claude-haiku-4-5"}
    assert set(observations(project)) == {scenario.UTC_DECISION.title, scenario.RETRY_GOTCHA.title}
    for record in extractions:
        assert scenario.SECRET not in record.all_text
        assert "plum-4417" not in record.all_text


def test_claude_p_json_schema_output_shape(tmp_path: Path) -> None:
    """What ``claude -p --json-schema`` prints for memgit's exact command line."""
    claude = claude_or_skip()
    knowledge = Knowledge("gotcha", "The API bans clients after 5 failures", "bans clients")
    server = ModelServer(knowledge=[knowledge]).start()
    try:
        project = Project(tmp_path, claude, server.url)
        env = project.environment()
        extractor = ClaudeCliExtractor("haiku", executable=str(project.bin / "claude"), environ=env)
        prompt = build_prompt(ChunkInput(text="USER: the API bans clients after 5 failures"), [])
        with tempfile.TemporaryDirectory() as folder:
            done = subprocess.run(
                extractor.command(prompt),
                input=prompt.user,
                capture_output=True,
                text=True,
                env=extractor.child_environment(),
                cwd=folder,
                timeout=120,
            )
        server.check()
    finally:
        server.stop()
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert isinstance(data, dict)  # one result object, not an array of messages
    assert (data["type"], data["subtype"], data["is_error"]) == ("result", "success", False)
    sent = server.of("extract-cli")[0].reply["content"][0]["input"]  # type: ignore[index]
    assert data["structured_output"] == sent
    assert json.loads(data["result"]) == sent  # the same object, as compact JSON text
    assert data["num_turns"] == 2
    assert data["stop_reason"] == "tool_use"
    assert data["usage"]["input_tokens"] > 0
    # The alias goes to the CLI, which names its own current model in the request.
    assert server.of("extract-cli")[0].body["model"].startswith("claude-haiku-")  # type: ignore[index]
    result = parse_output(done.stdout, done.stderr, done.returncode, extractor.source)
    assert reply_data(result, prompt, extractor.source) == sent


def test_claude_p_json_schema_when_the_model_never_calls_the_tool(tmp_path: Path) -> None:
    """The CLI insists once ("[structured-output-enforce]"), then reports success with the text
    and no ``structured_output``: memgit must not take that for an extraction."""
    claude = claude_or_skip()
    server = ModelServer(structured_refusal="I would rather chat about the weather.").start()
    try:
        project = Project(tmp_path, claude, server.url)
        extractor = ClaudeCliExtractor(
            "haiku", executable=str(project.bin / "claude"), environ=project.environment()
        )
        with pytest.raises(ExtractorError, match="holds no JSON object"):
            extractor.extract(ChunkInput(text="USER: the API bans clients after 5 failures"), [])
        server.check()
    finally:
        server.stop()
    requests = server.of("extract-cli")
    assert len(requests) == 2
    last_user = requests[1].body["messages"][-1]  # type: ignore[index]
    assert "[structured-output-enforce]" in result_text({"content": last_user["content"]})


# --- the plugin route ----------------------------------------------------------------------------


def test_plugin_route_hooks_fire_once_and_serve_memory(plugin_route: Route) -> None:
    project, server, played = plugin_route.project, plugin_route.server, plugin_route.played
    assert not (project.root / ".claude" / "settings.json").exists()
    log = [line.split()[1] for line in project.hook_log()]
    assert Counter(log) == {"SessionStart": 4, "UserPromptSubmit": 4, "Stop": 4, "SessionEnd": 4}
    assert set(observations(project)) == {scenario.UTC_DECISION.title, scenario.RETRY_GOTCHA.title}
    assert len(project.sessions()) == 2
    request = played.session_requests(server, 2)[0]
    assert [c.hook for c in accounting.hook_contexts(request)] == [
        "SessionStart",
        "UserPromptSubmit",
    ]
    last = played.session_requests(server, 2)[-1]
    name = "mcp__plugin_memgit_memgit__search"
    calls = [
        b["id"]
        for m in last.body["messages"]  # type: ignore[index]
        for b in blocks(m)
        if b.get("type") == "tool_use" and b.get("name") == name
    ]
    answers = [
        result_text(b)
        for m in last.body["messages"]  # type: ignore[index]
        for b in blocks(m)
        if b.get("type") == "tool_result" and b.get("tool_use_id") in calls
    ]
    assert len(answers) == 1
    for ident in ids_by_title(project).values():
        assert f"[m:{ident}]" in answers[0]
    tools = [p for p in project.payloads() if p["hook_event_name"] == "PostToolUse"]
    assert tools[-1]["tool_name"] == name
    assert tools[-1]["mcp_server"]["name"] == "plugin:memgit:memgit"


# --- token accounting ----------------------------------------------------------------------------


@pytest.mark.parametrize("route", ["anthropic_route", "cli_route"])
def test_spend_ledger_matches_what_the_server_billed(
    route: str, request: pytest.FixtureRequest
) -> None:
    played: Route = request.getfixturevalue(route)
    kind = "extract-anthropic" if route == "anthropic_route" else "extract-cli"
    spend = accounting.extractor_spend(played.server.of(kind))
    ledger = json.loads((played.project.state / "spend.json").read_text(encoding="utf-8"))
    assert sum(ledger["days"].values()) == spend.input_tokens + spend.output_tokens
    assert set(ledger["sessions"]) == set(played.played.sessions)


def test_memgit_additions_per_prompt_are_measured_part_by_part(anthropic_route: Route) -> None:
    server, played = anthropic_route.server, anthropic_route.played
    first_session = accounting.added_in_run(played.session_requests(server, 0))
    assert (first_session.session_start, first_session.prompt, first_session.section) == (0, 0, 0)
    records = played.session_requests(server, 2)
    second = accounting.added_in_run(records)
    contexts = {c.hook: c.text for c in accounting.hook_contexts(records[0])}
    assert second.session_start == len(contexts["SessionStart"])
    assert second.prompt == len(contexts["UserPromptSubmit"])
    section = (anthropic_route.project.root / "CLAUDE.md").read_text(encoding="utf-8")
    assert 0 < second.section < len(section)
    assert second.mcp_instructions > 0
    assert second.mcp_calls > 0  # the search call and its result
    assert second.total < records[0].input_chars / 4  # a small share of what the CLI sends
