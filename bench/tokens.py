"""What memgit adds to the user's model requests, and what its extractor spends, with the real CLI.

    python bench/tokens.py [--extractor anthropic|claude-cli|both] [--claude PATH] [--out FILE]

Plays the end-to-end scenario (``tests/e2e/scenario.py``: session 1 with two prompts, the second
through ``--resume``, then session 2) with the real Claude Code CLI against the scripted model
server, and measures from the requests the server recorded:

- per prompt: the characters memgit put into that prompt's model requests, by part, each part
  counted once (SessionStart context, UserPromptSubmit context, the CLAUDE.md section, the MCP
  server's instructions and deferred tool names, loaded MCP tool schemas, MCP calls and results),
  next to the size of the prompt's first request; and whether memgit's MCP server was already
  connected when the CLI sent that first request (``claude -p`` does not wait for it);
- per session: the same in the session's last request (what sits in the context window at the
  end) and summed over all of the session's requests (sent, before any prompt caching);
- the extractor: tokens in and out of memgit's own model requests, per token of conversation in
  the transcripts it read (prompts, replies, tool calls and results; the CLI's transcript file
  also holds request snapshots and bookkeeping, reported separately as file tokens).

Characters are exact. Tokens are estimated at 4 characters per token (no Claude tokenizer works
offline); the server bills its ``usage`` by the same rule, so memgit's own spend ledger agrees.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.claude_code import FOUND  # noqa: E402
from tests.e2e import accounting, scenario  # noqa: E402
from tests.e2e.harness import Project  # noqa: E402
from tests.e2e.model_server import ModelServer  # noqa: E402

RUNS = (
    "session 1, prompt 1",
    "session 1, prompt 2 (--resume)",
    "session 2, prompt 1",
    "session 2, prompt 2 (--continue)",
)
SESSIONS = {"session 1": (0, 1), "session 2": (2, 3)}


def measure(claude: str, extractor: str, base: Path) -> dict[str, Any]:
    server = ModelServer().start()
    try:
        project = Project(base, claude, server.url)
        project.extra_env["MEMGIT_EXTRACTOR"] = extractor
        scenario.prepare(project)
        played = scenario.play(project, server)
        server.check()
    finally:
        server.stop()

    prompts = []
    for index, label in enumerate(RUNS):
        records = played.session_requests(server, index)
        parts = accounting.added_in_run(records).as_dict()
        prompts.append(
            {
                "run": label,
                "requests": len(records),
                "memgit_chars": parts,
                "memgit_tokens": accounting.estimate(parts["total"]),
                "first_request_chars": records[0].input_chars,
                "mcp_in_first_request": accounting.added(records[0]).mcp_tool_names > 0,
            }
        )
    sessions = []
    for label, runs in SESSIONS.items():
        records = [r for i in runs for r in played.session_requests(server, i)]
        last = accounting.added(records[-1]).as_dict()
        sent = sum(accounting.added(r).total for r in records)
        sessions.append(
            {
                "session": label,
                "requests": len(records),
                "in_context_chars": last,
                "in_context_tokens": accounting.estimate(last["total"]),
                "sent_chars": sent,
                "sent_tokens": accounting.estimate(sent),
                "request_chars": sum(r.input_chars for r in records),
            }
        )
    kind = "extract-anthropic" if extractor == "anthropic" else "extract-cli"
    spend = accounting.extractor_spend(server.of(kind))
    transcripts = sorted((project.home / ".claude" / "projects").rglob("*.jsonl"))
    conversation = sum(accounting.conversation_chars(t) for t in transcripts)
    file_chars = sum(len(t.read_text(encoding="utf-8")) for t in transcripts)
    spent = spend.input_tokens + spend.output_tokens
    conversation_tokens = accounting.estimate(conversation)
    file_tokens = accounting.estimate(file_chars)
    return {
        "extractor": extractor,
        "prompts": prompts,
        "sessions": sessions,
        "extraction": {
            "requests": spend.requests,
            "input_tokens": spend.input_tokens,
            "output_tokens": spend.output_tokens,
            "transcript_conversation_tokens": conversation_tokens,
            "transcript_file_tokens": file_tokens,
            "session_text_tokens": spend.part_tokens,
            "fixed_tokens_per_request": round(
                (spend.input_tokens - spend.part_tokens) / max(1, spend.requests)
            ),
            "per_conversation_token": round(spent / conversation_tokens, 2),
            "per_file_token": round(spent / file_tokens, 3),
        },
    }


def report(result: dict[str, Any]) -> str:
    lines = [f"### extractor: {result['extractor']}", ""]
    lines.append(
        "| prompt | SessionStart | prompt context | section | MCP instructions + names "
        "| MCP schemas + calls | memgit total chars (≈tokens) | first request chars "
        "| MCP listed in first request |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for p in result["prompts"]:
        c = p["memgit_chars"]
        lines.append(
            f"| {p['run']} | {c['session_start']} | {c['prompt']} | {c['section']} "
            f"| {c['mcp_instructions'] + c['mcp_tool_names']} "
            f"| {c['mcp_schemas'] + c['mcp_calls']} | {c['total']} (≈{p['memgit_tokens']}) "
            f"| {p['first_request_chars']} | {'yes' if p['mcp_in_first_request'] else 'no'} |"
        )
    lines += ["", "| session | requests | memgit chars in context at the end (≈tokens) "]
    lines[-1] += "| memgit chars sent over all requests (≈tokens) | all request chars sent |"
    lines.append("|---|---:|---:|---:|---:|")
    for s in result["sessions"]:
        lines.append(
            f"| {s['session']} | {s['requests']} | {s['in_context_chars']['total']} "
            f"(≈{s['in_context_tokens']}) | {s['sent_chars']} (≈{s['sent_tokens']}) "
            f"| {s['request_chars']} |"
        )
    e = result["extraction"]
    lines += [
        "",
        f"Extraction: {e['requests']} requests, {e['input_tokens']} tokens in, "
        f"{e['output_tokens']} out, for {e['transcript_conversation_tokens']} tokens of "
        f"conversation ({e['transcript_file_tokens']} tokens of transcript file): "
        f"**{e['per_conversation_token']} tokens per conversation token** "
        f"({e['per_file_token']} per transcript-file token). Of the input, "
        f"{e['session_text_tokens']} tokens are the session text itself; each request repeats "
        f"≈{e['fixed_tokens_per_request']} tokens of instructions, schema and known memories.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extractor", choices=("anthropic", "claude-cli", "both"), default="both")
    parser.add_argument("--claude", default=FOUND, help="the Claude Code CLI (default: found)")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here too")
    args = parser.parse_args(argv)
    if not args.claude:
        parser.error("no Claude Code CLI: set MEMGIT_TEST_CLAUDE or pass --claude")
    chosen = ("anthropic", "claude-cli") if args.extractor == "both" else (args.extractor,)
    results = []
    for extractor in chosen:
        with tempfile.TemporaryDirectory(prefix="memgit-tokens-") as folder:
            results.append(measure(args.claude, extractor, Path(folder)))
        print(report(results[-1]))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
