"""Write the labelled eval scenarios: realistic Claude Code sessions plus what they should teach.

    python bench/eval/build_scenarios.py   # rewrites bench/eval/scenarios/*.jsonl, labels.json

Each scenario is a session as Claude Code records it (prompts, assistant messages split per
block, tool calls with their results, failing commands, edits) in which a few facts worth
remembering are stated the way people state them, among the usual narration, listings and
tool output. The labels say which facts were planted (type, and groups of terms of which one
each must appear in a captured observation), which statements must not become memory
(distractors: hedges, questions, chit-chat, code), and the questions someone would ask later.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from builder import Session

HERE = Path(__file__).resolve().parent
SCENARIOS = HERE / "scenarios"


@dataclass(frozen=True)
class Fact:
    id: str
    type: str
    terms: list[list[str]]
    """Groups of alternatives: one term of every group must appear in the observation."""
    note: str = ""


@dataclass(frozen=True)
class Distractor:
    terms: list[list[str]]
    note: str


@dataclass(frozen=True)
class Extra:
    """Knowledge worth keeping that is not a planted fact (a progress line, a stack note): an
    observation matching one is not counted as noise."""

    terms: list[list[str]]
    note: str


@dataclass(frozen=True)
class Question:
    text: str
    fact: str


@dataclass
class Scenario:
    session: Session
    description: str
    facts: list[Fact] = field(default_factory=list)
    distractors: list[Distractor] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    acceptable: list[Extra] = field(default_factory=list)


# --- 1. replacing celery with rq ------------------------------------------------------------------


def celery_to_rq() -> Scenario:
    s = Session(
        "celery-to-rq", "/home/maya/code/tidewater", "chore/drop-celery", "2026-03-02T09:14:00"
    )
    s.user(
        "ok so the celery workers on staging are at 2.3GB RSS again and beat fired the nightly "
        "digest twice after yesterday's deploy. I'm done babysitting it. we already run redis for "
        "the cache, so let's rip celery out and move the jobs over to RQ + rq-scheduler. "
        "there are only five jobs, see jobs/"
    )
    s.say("Got it. Let me look at how the jobs are defined and scheduled today.")
    s.grep(
        "shared_task|periodic_task", ["jobs/tasks.py", "jobs/schedule.py", "tidewater/celery.py"]
    )
    s.read(
        "jobs/schedule.py",
        "from celery.schedules import crontab\n\nfrom tidewater.celery import app\n\n"
        "def register_jobs():\n    def send_digest():\n        from jobs.tasks import digest\n"
        "        digest.delay()\n\n    app.conf.beat_schedule = {\n"
        "        'nightly-digest': {'task': 'jobs.tasks.digest', 'schedule': crontab(hour=2)},\n"
        "        # always keep the cleanup last\n"
        "        'cleanup': {'task': 'jobs.tasks.cleanup', 'schedule': crontab(minute=0)},\n    }"
        "\n",
    )
    s.read(
        "jobs/tasks.py",
        "from celery import shared_task\n\n@shared_task\ndef digest():\n    ...\n\n"
        "@shared_task(bind=True, max_retries=3)\ndef cleanup(self):\n    ...\n",
    )
    s.todos(
        [
            ("in_progress", "Replace celery tasks with plain functions enqueued through RQ"),
            ("pending", "Port beat schedule to rq-scheduler"),
            ("pending", "Remove celery from dependencies and deploy config"),
        ]
    )
    s.say(
        "The tasks are thin wrappers, so the port is mostly mechanical. I'll turn them into plain "
        "functions and add a small `jobs/queue.py` that owns the Redis connection and the queues."
    )
    s.write(
        "jobs/queue.py",
        "import os\n\nfrom redis import Redis\nfrom rq import Queue\n\n"
        "redis = Redis.from_url(os.environ['REDIS_URL'])\n"
        "default = Queue('default', connection=redis)\nslow = Queue('slow', connection=redis)\n",
    )
    s.edit(
        "jobs/tasks.py",
        "from celery import shared_task\n\n@shared_task\ndef digest():",
        "def digest():",
    )
    s.edit(
        "jobs/schedule.py",
        "    app.conf.beat_schedule = {",
        "    scheduler.cron('0 2 * * *', func=send_digest, queue_name='default')\n"
        "    app.conf.beat_schedule = {",
    )
    s.bash(
        "python -m pytest tests/jobs -q",
        "..F.\n=================================== FAILURES ===================================\n"
        "____________________________ test_digest_is_scheduled ____________________________\n"
        "    def test_digest_is_scheduled(scheduler):\n        register_jobs()\n"
        ">       worker.work(burst=True)\n"
        "E       ValueError: Functions from the __main__ module cannot be processed by workers\n"
        "rq/job.py:512: ValueError\n1 failed, 3 passed in 0.84s",
        code=1,
    )
    s.say(
        "That failure is RQ telling us something important. It doesn't pickle the function "
        "object; it stores the dotted import path and the worker imports it again. "
        "`send_digest` is defined inside `register_jobs()`, so there is no importable path for it "
        "and the worker refuses it. Anything we enqueue or schedule with RQ has to be a top-level "
        "function in an importable module. I'll schedule `jobs.tasks.digest` directly."
    )
    s.edit(
        "jobs/schedule.py",
        "    scheduler.cron('0 2 * * *', func=send_digest, queue_name='default')",
        "    scheduler.cron('0 2 * * *', func='jobs.tasks.digest', queue_name='default')",
    )
    s.bash("python -m pytest tests/jobs -q", "....\n4 passed in 0.79s")
    s.user(
        "nice. maybe we could look at dramatiq at some point too, I heard good things, but not now"
    )
    s.say(
        "Sure, noted as a possible follow-up only. Let me finish porting the remaining jobs and "
        "the dependency list."
    )
    s.edit(
        "pyproject.toml",
        '    "celery[redis]>=5.3",\n',
        '    "rq>=1.16",\n    "rq-scheduler>=0.13",\n',
    )
    s.bash("python -m pytest -q", "........................................\n40 passed in 3.12s")
    s.todos(
        [
            ("completed", "Replace celery tasks with plain functions enqueued through RQ"),
            ("completed", "Port beat schedule to rq-scheduler"),
            ("pending", "Remove celery from dependencies and deploy config"),
        ]
    )
    s.say(
        "All five jobs now run through RQ, and the nightly digest is scheduled with rq-scheduler "
        "(one scheduler process, so no more double fires after a deploy). The full suite passes "
        "(40 tests).\n\nWhat's left: the helm chart still starts `celery worker` and `celery beat` "
        "in deploy/helm/values.yaml; those two deployments need to become `rq worker default slow` "
        "and `rqscheduler` before this can ship."
    )
    return Scenario(
        s,
        "Replace celery with RQ: the decision and its reasons, an RQ gotcha found through a "
        "failing test, progress with remaining work, and a hedge that must not become a decision.",
        facts=[
            Fact(
                "drop-celery",
                "decision",
                [["celery"], ["rq", "rq-scheduler"]],
                "Move background jobs from celery to RQ (memory growth, double-firing beat).",
            ),
            Fact(
                "rq-toplevel",
                "gotcha",
                [
                    ["rq", "worker", "workers"],
                    ["top-level", "module level", "__main__", "importable", "nested"],
                ],
                "RQ workers import jobs by dotted path: nested functions cannot be enqueued.",
            ),
            Fact(
                "helm-remaining",
                "progress",
                [["helm", "values.yaml", "deploy"], ["celery", "rq", "rqscheduler"]],
                "Remaining: the helm chart still starts celery worker and beat.",
            ),
        ],
        distractors=[
            Distractor([["dramatiq"]], "a hedge about maybe trying dramatiq later"),
            Distractor([["always keep the cleanup last"]], "a comment inside a file listing"),
        ],
        questions=[
            Question("why did we drop celery?", "drop-celery"),
            Question("what background job queue do we use?", "drop-celery"),
            Question(
                "Functions from the __main__ module cannot be processed by workers", "rq-toplevel"
            ),
            Question("what is left to do for the celery removal?", "helm-remaining"),
        ],
    )


# --- 2. harbor timestamps ------------------------------------------------------------------------


def harbor_timestamps() -> Scenario:
    s = Session("harbor-utc", "/home/dana/code/tidepool", "fix/harbor-tz", "2026-03-03T14:02:00")
    s.user(
        "The harbor import is off by an hour for Lars (he's in Oslo) but fine on CI. The harbor "
        "CSVs are exported in UTC, it says so in the header. can you figure out what's going on"
    )
    s.say("I'll look at how the CSV rows are parsed first.")
    s.read(
        "tests/test_parse.py",
        "from tidepool.parse import parse_row\n\n# TODO: cover the DST switch weekend\n"
        "def test_parse_row_utc():\n"
        "    row = {'time': '2024-03-10 02:00', 'level_m': '1.25'}\n"
        "    # note that the expected value is epoch seconds in UTC\n"
        "    assert parse_row(row)[0] == 1710036000.0\n"
        + "".join(
            f"\n\ndef test_level_{n}():\n    assert parse_row({{'time': '2024-01-0{n} 00:00', "
            f"'level_m': '{n}.5'}})[1] == {n}.5\n"
            for n in range(1, 9)
        ),
    )
    s.read(
        "tidepool/parse.py",
        "from datetime import datetime\n\n\ndef parse_row(row):\n"
        '    ts = datetime.strptime(row["time"], "%Y-%m-%d %H:%M")\n'
        '    return ts.timestamp(), float(row["level_m"])\n',
    )
    s.bash(
        "TZ=Europe/Oslo python -m pytest -q tests/test_parse.py",
        "F...\n___________________________ test_parse_row_utc ___________________________\n"
        "E       assert 1710036000.0 == 1710039600.0\n"
        "tests/test_parse.py:14: AssertionError\n1 failed, 3 passed in 0.19s",
        code=1,
    )
    s.say(
        "Reproduced it by running the tests with `TZ=Europe/Oslo`. The cause: `strptime` gives a "
        "naive datetime and `.timestamp()` interprets naive datetimes in the machine's local zone. "
        "CI runs in UTC so it never showed up there; on Lars's laptop every reading moves by his "
        "offset. Since the files are UTC by contract, the parser should attach UTC explicitly "
        "instead of relying on the local zone."
    )
    s.edit(
        "tidepool/parse.py",
        '    ts = datetime.strptime(row["time"], "%Y-%m-%d %H:%M")',
        '    ts = datetime.strptime(row["time"], "%Y-%m-%d %H:%M").replace(tzinfo=UTC)',
    )
    s.edit(
        "tidepool/parse.py", "from datetime import datetime", "from datetime import UTC, datetime"
    )
    s.bash(
        "TZ=Europe/Oslo python -m pytest -q tests/test_parse.py && python -m pytest -q",
        "....\n4 passed in 0.18s\n..........................\n26 passed in 1.02s",
    )
    s.say(
        "Fixed: `parse_row` now tags the harbor timestamps as UTC, and the tests pass both in "
        "UTC and with `TZ=Europe/Oslo`."
    )
    s.user(
        "great. and going forward: no naive datetimes anywhere in ingest/, full stop. everything "
        "gets a tzinfo when it's created. can you add a test that runs the parser tests under a "
        "non-UTC TZ so this can't sneak back?"
    )
    s.say("Good idea. I'll add a fixture that forces a non-UTC zone for the parser tests.")
    s.write(
        "tests/conftest.py",
        "import os\nimport time\n\nimport pytest\n\n\n@pytest.fixture(autouse=True)\n"
        "def oslo_tz(monkeypatch):\n    monkeypatch.setenv('TZ', 'Europe/Oslo')\n    time.tzset()\n"
        "    yield\n    time.tzset()\n",
    )
    s.bash("python -m pytest -q", "..........................\n26 passed in 1.07s")
    s.say(
        "Added `tests/conftest.py` with an autouse fixture that sets `TZ=Europe/Oslo` for every "
        "test, so a naive datetime shows up as a failure on any machine, CI included."
    )
    s.user("thanks! 🙏")
    s.say("You're welcome!")
    return Scenario(
        s,
        "A timezone bug in a CSV parser found by reproducing with TZ, the fix, and a project rule "
        "stated by the user; a thank-you exchange that must not become memory.",
        facts=[
            Fact(
                "utc-parse",
                "gotcha",
                [["utc"], ["naive", "local zone", "local time", "tzinfo"]],
                "Harbor CSV times are UTC; naive datetimes were read in the local zone.",
            ),
            Fact(
                "no-naive",
                "pattern",
                [["naive", "tzinfo", "timezone-aware"], ["ingest", "datetime", "datetimes"]],
                "No naive datetimes in ingest/: every datetime gets a tzinfo when created.",
            ),
            Fact(
                "tz-test",
                "pattern",
                [["tz", "europe/oslo", "non-utc"], ["test", "tests", "fixture", "conftest"]],
                "Tests run under TZ=Europe/Oslo (autouse fixture) so naive datetimes fail.",
            ),
        ],
        distractors=[
            Distractor([["welcome"]], "thanks / you're welcome"),
            Distractor([["dst"]], "a TODO comment inside a file listing"),
            Distractor([["epoch seconds"]], "a 'note that' comment inside a file listing"),
        ],
        questions=[
            Question("how are harbor timestamps parsed?", "utc-parse"),
            Question("why was the harbor import off by an hour?", "utc-parse"),
            Question("can I use naive datetimes in ingest?", "no-naive"),
            Question("why do the tests set TZ to Oslo?", "tz-test"),
        ],
    )


# --- 3. monorepo conventions ---------------------------------------------------------------------


def web_monorepo() -> Scenario:
    s = Session("web-export-csv", "/Users/sam/src/atlas", "feat/export-csv", "2026-03-04T10:30:00")
    s.user(
        'Add an "Export CSV" button to the invoices table. Some orientation first since you '
        "haven't worked in this repo: apps/web is the Next app, and it only talks to the backend "
        "through the generated client in packages/api-client. Components never call fetch "
        "themselves. If you need a new endpoint in the client, regenerate it from openapi.yaml "
        "with `pnpm gen:api`, don't hand-edit the generated files."
    )
    s.say(
        "Understood. Let me look at the invoices table and check whether the client already has "
        "an export endpoint."
    )
    s.grep("exportInvoices|/invoices/export", ["packages/api-client/openapi.yaml"])
    s.read(
        "apps/web/src/invoices/InvoiceTable.tsx",
        "import { useInvoices } from '@atlas/api-client';\n\nexport function InvoiceTable() {\n"
        "  const { data } = useInvoices();\n  return <Table rows={data} />;\n}\n",
    )
    s.say(
        "The export endpoint is in the spec. I need papaparse for the CSV formatting, installing i"
        "t."
    )
    s.bash(
        "npm install papaparse",
        "npm warn EBADENGINE Unsupported engine\nadded 1 package, and audited 1422 packages in 9s",
    )
    s.user(
        "whoa, no npm in here please. It writes a package-lock.json and the workspace links break. "
        "this repo is pnpm only (`pnpm add --filter web ...`). also we don't need papaparse, the "
        "export endpoint already returns CSV"
    )
    s.say(
        "You're right, sorry about that. I'll remove the lockfile npm created and use the "
        "endpoint's CSV directly."
    )
    s.bash(
        "rm package-lock.json && git checkout package.json apps/web/package.json && pnpm install",
        "Lockfile is up to date\nDone in 2.1s",
    )
    s.edit(
        "apps/web/src/invoices/InvoiceTable.tsx",
        "  return <Table rows={data} />;",
        "  const exportCsv = useExportInvoices();\n"
        "  return (\n    <>\n      <Button onClick={() => exportCsv.download()}>Export CSV</Button"
        ">\n"
        "      <Table rows={data} />\n    </>\n  );",
    )
    s.write(
        "apps/web/src/invoices/InvoiceTable.test.tsx",
        "import { render, screen } from '@testing-library/react';\n"
        "import { InvoiceTable } from './InvoiceTable';\n\ntest('shows the export button', () => {"
        "\n"
        "  render(<InvoiceTable />);\n  expect(screen.getByText('Export CSV')).toBeTruthy();\n});"
        "\n",
    )
    s.bash(
        "pnpm --filter web test InvoiceTable",
        " FAIL  src/invoices/InvoiceTable.test.tsx > shows the export button\n"
        "ReferenceError: document is not defined\n"
        " ❯ render node_modules/@testing-library/react/dist/pure.js:257:5\n"  # noqa: RUF001
        " Test Files  1 failed (1)\n      Tests  1 failed (1)",
        code=1,
    )
    s.read(
        "apps/web/vitest.config.ts",
        "import { defineConfig } from 'vitest/config';\n\nexport default defineConfig({\n"
        "  test: { environment: 'node', include: ['src/**/*.test.{ts,tsx}'] },\n});\n",
    )
    s.say(
        "Found the problem. The vitest config for apps/web runs everything in the `node` "
        "environment, so there is no DOM and React Testing Library blows up with `document is "
        "not defined`. Component tests have to opt into jsdom with a "
        "`// @vitest-environment jsdom` comment at the top of the file; the other UI tests in "
        "the repo already do that."
    )
    s.edit(
        "apps/web/src/invoices/InvoiceTable.test.tsx",
        "import { render, screen } from '@testing-library/react';",
        "// @vitest-environment jsdom\nimport { render, screen } from '@testing-library/react';",
    )
    s.bash(
        "pnpm --filter web test InvoiceTable",
        " ✓ src/invoices/InvoiceTable.test.tsx (1 test) 41ms\n Test Files  1 passed (1)",
    )
    s.user("should we maybe switch the whole web app to bun at some point? just thinking out loud")
    s.say(
        "It could speed up installs, but the workspace tooling (changesets, the pnpm filters in CI"
        ") "
        "would all need changing, so I'd treat it as a separate discussion."
    )
    s.say(
        "Done: the invoices table has an Export CSV button that downloads from the existing "
        "`/invoices/export` endpoint via the generated client, with a component test. The e2e "
        "check for the download is still missing; I'd add it to `apps/web/e2e/invoices.spec.ts` "
        "next."
    )
    return Scenario(
        s,
        "Orientation in a pnpm monorepo (architecture and rules from the user), a correction about "
        "the package manager, a vitest/jsdom gotcha, and a what-if question about bun.",
        facts=[
            Fact(
                "api-client",
                "architecture",
                [["api-client", "generated client"], ["fetch", "backend", "apps/web", "talks"]],
                "apps/web reaches the backend only through the generated packages/api-client.",
            ),
            Fact(
                "gen-api",
                "pattern",
                [
                    ["gen:api", "regenerate", "openapi.yaml", "openapi"],
                    ["client", "generated", "api-client"],
                ],
                "Regenerate the client from openapi.yaml with pnpm gen:api; never hand-edit.",
            ),
            Fact(
                "pnpm-only",
                "pattern",
                [["pnpm"], ["npm", "package-lock", "lockfile"]],
                "pnpm only: npm writes package-lock.json and breaks workspace links.",
            ),
            Fact(
                "jsdom",
                "gotcha",
                [["jsdom"], ["vitest", "environment", "document is not defined"]],
                "Component tests need // @vitest-environment jsdom (config defaults to node).",
            ),
        ],
        distractors=[
            Distractor([["bun"]], "a what-if question about switching to bun"),
            Distractor([["papaparse"]], "a library that turned out unnecessary"),
        ],
        questions=[
            Question("how does the web app call the API?", "api-client"),
            Question("how do I add an endpoint to the api client?", "gen-api"),
            Question("can I use npm install in this repo?", "pnpm-only"),
            Question("component test fails with document is not defined", "jsdom"),
        ],
    )


# --- 4. payments: ownership and a retry bug ------------------------------------------------------


def payments_retry() -> Scenario:
    s = Session(
        "payments-retry", "/home/ko/work/paygate", "fix/double-charge", "2026-03-05T16:20:00"
    )
    s.user(
        "Support says a handful of customers got charged twice last night, all around the time "
        "the Stripe API was flaky. Please find out why. Heads up before you start: Priya owns "
        "internal/ledger and she's halfway through moving it to the double-entry schema, so "
        "check with her before changing anything in there."
    )
    s.say("Understood, I'll keep out of internal/ledger. Let me start with the charge path.")
    s.bash(
        "git log --oneline -8 -- internal/charge",
        "9c1e2aa fix: always retry on 502 from the card network\n"
        "71b0d3e charge: add request timeout\n4f5a8c1 refactor: split doRequest out of Charge\n"
        "0a9e7b2 never log full card numbers\n3b7d1f0 charge: initial client",
    )
    s.read(
        "internal/charge/charge.go",
        "func (c *Client) Charge(ctx context.Context, req ChargeRequest) (*Charge, error) {\n"
        '\treturn c.doRequest(ctx, "POST", "/v1/charges", req)\n}\n\n'
        "func (c *Client) doRequest(ctx context.Context, method, path string, body any) (*Charge, "
        "error) {\n"
        "\tfor attempt := 0; attempt < c.maxAttempts; attempt++ {\n"
        "\t\treq := c.newRequest(method, path, body)\n"
        '\t\treq.Header.Set("Idempotency-Key", uuid.NewString())\n'
        "\t\tresp, err := c.http.Do(req)\n\t\tif retryable(resp, err) { continue }\n"
        "\t\treturn decode(resp)\n\t}\n\treturn nil, ErrGaveUp\n}\n",
    )
    s.write(
        "internal/charge/charge_test.go",
        "func TestChargeRetryUsesOneIdempotencyKey(t *testing.T) {\n"
        "\tsrv := flakyServer(t, 502, 200)\n\tc := newTestClient(srv)\n"
        "\t_, err := c.Charge(ctx, ChargeRequest{Amount: 500})\n\trequire.NoError(t, err)\n"
        "\trequire.Len(t, srv.keys(), 1)\n}\n",
    )
    s.bash(
        "go test ./internal/charge/ -run TestChargeRetry",
        "--- FAIL: TestChargeRetryUsesOneIdempotencyKey (0.01s)\n"
        "    charge_test.go:9: \n"
        '        Error: "[3f1c... 9ab2...]" should have 1 item(s), but has 2\n'
        "FAIL\nFAIL\tgithub.com/ko/paygate/internal/charge\t0.021s",
        code=1,
    )
    s.say(
        "There it is. `doRequest` generates a new Idempotency-Key on every attempt, so when the "
        "first POST actually went through but came back as a 502, the retry looked like a brand "
        "new charge to Stripe. The key has to be created once per logical charge, in `Charge()`, "
        "and reused by every retry of that request."
    )
    s.edit(
        "internal/charge/charge.go",
        '\treturn c.doRequest(ctx, "POST", "/v1/charges", req)',
        "\tkey := uuid.NewString() // one key for every attempt of this charge\n"
        '\treturn c.doRequest(ctx, "POST", "/v1/charges", req, key)',
    )
    s.edit(
        "internal/charge/charge.go",
        '\t\treq.Header.Set("Idempotency-Key", uuid.NewString())',
        '\t\treq.Header.Set("Idempotency-Key", key)',
    )
    s.bash("go test ./internal/charge/...", "ok  \tgithub.com/ko/paygate/internal/charge\t0.034s")
    s.user(
        "good find. can we also put a unique constraint on (charge_id) in the ledger table so this "
        "can never write two entries again?"
    )
    s.say(
        "That table lives in internal/ledger, which Priya is migrating. Adding the constraint now "
        "would collide with her schema change, so I haven't touched it. The constraint is blocked "
        "until her double-entry migration lands; I left a note in the PR description so she can "
        "fold it into her migration."
    )
    s.say(
        "Summary:\n- Fixed: retries of a charge now reuse one Idempotency-Key created in "
        "`Charge()`, so a retried POST can't create a second charge.\n- Added "
        "`TestChargeRetryUsesOneIdempotencyKey`.\n- Not done: unique constraint on the ledger's "
        "charge_id, waiting for Priya's ledger migration."
    )
    return Scenario(
        s,
        "Ownership of a package (coordination), an idempotency-key bug found through a failing "
        "Go test, and work blocked on another person's migration.",
        facts=[
            Fact(
                "priya-ledger",
                "coordination",
                [["priya"], ["ledger"]],
                "Priya owns internal/ledger; ask her before changing it.",
            ),
            Fact(
                "idempotency",
                "gotcha",
                [["idempotency"], ["retry", "retries", "attempt", "every attempt"]],
                "A new idempotency key per retry made Stripe see retries as new charges.",
            ),
            Fact(
                "constraint-blocked",
                "coordination",
                [["constraint"], ["ledger", "migration", "priya"]],
                "The unique constraint on ledger charge_id waits for Priya's migration.",
            ),
        ],
        distractors=[
            Distractor([["card numbers", "card network"]], "commit subjects in git log output"),
        ],
        questions=[
            Question("who owns the ledger package?", "priya-ledger"),
            Question("why were customers charged twice?", "idempotency"),
            Question("how are idempotency keys generated for stripe charges?", "idempotency"),
            Question(
                "what is the unique constraint on charge_id waiting for?", "constraint-blocked"
            ),
        ],
    )


# --- 5. a rust CLI's config format ----------------------------------------------------------------


def rust_config() -> Scenario:
    s = Session("tack-config", "/home/ines/dev/tack", "feat/config-file", "2026-03-06T08:45:00")
    s.user("tack needs a config file. right now everything is flags. what format should we use?")
    s.say(
        "A few options:\n\n1. **TOML**: the Rust ecosystem default (Cargo, rustfmt, clippy), "
        "with mature serde support via the `toml` crate.\n2. **YAML**: familiar from CI tools, "
        "but `serde_yaml` is archived and the forks are still settling.\n3. **JSON**: no "
        "comments, unpleasant to edit by hand.\n\nI'd lean towards TOML, but it's your call."
    )
    s.user(
        "TOML. the serde_yaml situation alone rules yaml out, and people expect toml from a rust "
        "tool anyway. I wonder if we should support JSON as well? nah, not now."
    )
    s.say("TOML it is. Let me look at how the flags are parsed today.")
    s.read(
        "src/cli.rs",
        '#[derive(Parser)]\npub struct Cli {\n    #[arg(long, default_value = "30s")]\n'
        "    pub timeout: String,\n    #[arg(long)]\n    pub remote: Option<String>,\n}\n",
    )
    s.write(
        "src/config.rs",
        "use serde::Deserialize;\nuse std::time::Duration;\n\n#[derive(Deserialize, Default)]\n"
        "pub struct FileConfig {\n    pub timeout: Option<Duration>,\n    pub remote: Option<Strin"
        "g>,\n}\n",
    )
    s.bash(
        "cargo test",
        "   Compiling tack v0.4.0 (/home/ines/dev/tack)\n"
        "error[E0277]: the trait bound `Duration: Deserialize<'_>` is not satisfied in a way "
        'that accepts "30s"\n  --> src/config.rs:6:18\n'
        "test config::tests::reads_timeout ... FAILED\n"
        "---- config::tests::reads_timeout stdout ----\n"
        "thread 'config::tests::reads_timeout' panicked at src/config.rs:31:\n"
        'called `Result::unwrap()` on an `Err` value: Error { message: "invalid type: string '
        '\\"30s\\", expected struct Duration" }',
        code=101,
    )
    s.say(
        "The test shows that serde's built-in `Duration` format is a struct of secs and nanos, so "
        "a "
        'human string like `"30s"` in the TOML file doesn\'t deserialize. Adding '
        '`humantime-serde` and annotating the field with `#[serde(with = "humantime_serde")]` '
        "makes `30s`, `2m` and `1h30m` work the same way they do on the command line."
    )
    s.edit(
        "src/config.rs",
        "    pub timeout: Option<Duration>,",
        '    #[serde(default, with = "humantime_serde")]\n    pub timeout: Option<Duration>,',
    )
    s.bash(
        "cargo add humantime-serde && cargo test",
        "    Finished test [unoptimized + debuginfo]\nrunning 12 tests\ntest result: ok. 12 passed"
        "; 0 failed",
    )
    s.write(
        "src/settings.rs",
        "/// Defaults, then ~/.config/tack/config.toml, then ./tack.toml, then flags.\n"
        "pub fn load(cli: &Cli) -> Result<Settings> {\n    let mut s = Settings::default();\n"
        "    s.merge(FileConfig::read(home_config())?);\n"
        '    s.merge(FileConfig::read("tack.toml")?);\n'
        "    s.merge(cli.into());\n    Ok(s)\n}\n",
    )
    s.bash("cargo test", "running 15 tests\ntest result: ok. 15 passed; 0 failed")
    s.say(
        "How it fits together now: `settings::load` builds the effective `Settings` by layering "
        "the built-in defaults, then `~/.config/tack/config.toml`, then a project-level "
        "`./tack.toml`, and finally the command-line flags, so a flag always wins. The rest of the "
        "program only ever sees the merged `Settings` struct and never reads files or flags "
        "itself."
    )
    return Scenario(
        s,
        "Choosing TOML over YAML/JSON with reasons, a serde Duration gotcha found through a failin"
        "g "
        "cargo test, and how config layers are merged; a what-if about JSON.",
        facts=[
            Fact(
                "toml",
                "decision",
                [["toml"], ["yaml", "serde_yaml", "config", "format"]],
                "Config file in TOML (serde_yaml archived, Rust convention).",
            ),
            Fact(
                "humantime",
                "gotcha",
                [["humantime", "humantime-serde", "humantime_serde"], ["duration", "30s"]],
                "Duration needs humantime-serde to parse '30s' from TOML.",
            ),
            Fact(
                "layers",
                "architecture",
                [
                    ["settings", "settings::load", "layer", "layering", "merged"],
                    ["flag", "flags", "tack.toml", "config.toml"],
                ],
                "Settings = defaults < ~/.config/tack/config.toml < ./tack.toml < flags.",
            ),
        ],
        distractors=[
            Distractor([["json as well", "support json"]], "a passing what-if about JSON")
        ],
        questions=[
            Question("why did we choose TOML for the config file?", "toml"),
            Question("how do I parse a duration like 30s from the config?", "humantime"),
            Question("which config source wins, the file or the command line flags?", "layers"),
        ],
    )


# --- 6. a big-table migration --------------------------------------------------------------------


def django_backfill() -> Scenario:
    s = Session(
        "events-archived-at", "/srv/dev/ledgerly", "feat/archive-events", "2026-03-09T11:05:00"
    )
    s.user(
        "I need an archived_at timestamp on Event so we can hide old events from the feed. keep in "
        "mind events is our biggest table, ~40M rows in prod. and the usual rule: never edit a "
        "migration that's already on main, always add a new one."
    )
    s.say("Let me look at the model and the latest migration.")
    s.read(
        "events/models.py",
        "class Event(models.Model):\n    project = models.ForeignKey(Project, on_delete=models.CAS"
        "CADE)\n"
        "    kind = models.CharField(max_length=40)\n    created = models.DateTimeField(auto_now_a"
        "dd=True)\n",
    )
    s.bash(
        "ls events/migrations | tail -3",
        "0041_event_kind_index.py\n0042_event_payload_json.py\n__init__.py",
    )
    s.edit(
        "events/models.py",
        "    created = models.DateTimeField(auto_now_add=True)\n",
        "    created = models.DateTimeField(auto_now_add=True)\n"
        "    archived_at = models.DateTimeField(default=timezone.now)\n",
    )
    s.bash(
        "python manage.py makemigrations events && python manage.py sqlmigrate events 0043",
        "Migrations for 'events':\n  events/migrations/0043_event_archived_at.py\n"
        "    - Add field archived_at to event\nBEGIN;\n"
        'ALTER TABLE "events_event" ADD COLUMN "archived_at" timestamp with time zone '
        "DEFAULT '2026-03-09T11:07:12.532Z'::timestamptz NOT NULL;\n"
        'ALTER TABLE "events_event" ALTER COLUMN "archived_at" DROP DEFAULT;\nCOMMIT;',
    )
    s.say(
        "Careful with this one. With `default=timezone.now` Django computes the value in Python an"
        "d "
        "the migration adds a NOT NULL column; on the 40M-row events table that holds an ACCESS "
        "EXCLUSIVE lock on the table while Postgres fills every row, which would stall writes in "
        "prod for minutes. The safe shape for a big table is a nullable column with no default, "
        "then a backfill in batches."
    )
    s.edit(
        "events/models.py",
        "    archived_at = models.DateTimeField(default=timezone.now)\n",
        "    archived_at = models.DateTimeField(null=True, blank=True)\n",
    )
    s.bash(
        "rm events/migrations/0043_event_archived_at.py && python manage.py makemigrations events",
        "Migrations for 'events':\n  events/migrations/0043_event_archived_at.py\n    - Add field "
        "archived_at to event",
    )
    s.user("ok. how do we backfill it? a data migration?")
    s.say(
        "I'd rather not: a RunPython data migration runs inside the deploy and in one transaction. "
        "I'll write a management command instead, `backfill_archived_at`, that updates 10,000 rows "
        "per batch by primary key range and sleeps briefly between batches, so it can run on prod "
        "after the deploy and be resumed with `--start-id` if it's interrupted."
    )
    s.user("yep, go with the command, batches of 10k sounds right")
    s.write(
        "events/management/commands/backfill_archived_at.py",
        "class Command(BaseCommand):\n    def add_arguments(self, parser):\n"
        "        parser.add_argument('--start-id', type=int, default=0)\n"
        "        parser.add_argument('--batch', type=int, default=10_000)\n",
    )
    s.bash("python -m pytest events -q", "...................\n19 passed in 4.51s")
    s.say(
        "Done:\n- `0043_event_archived_at`: nullable `archived_at`, no default (no table rewrite)."
        "\n"
        "- `backfill_archived_at` management command, 10k rows per batch, resumable with "
        "`--start-id`.\n\nNext step: run the backfill on staging, then prod after Thursday's "
        "deploy; only after that can the feed query filter on `archived_at`."
    )
    return Scenario(
        s,
        "Adding a column to a 40M-row Postgres table: the lock gotcha, the migration rule, the "
        "backfill decision, and the remaining rollout.",
        facts=[
            Fact(
                "never-edit-migration",
                "pattern",
                [
                    ["migration", "migrations"],
                    ["never edit", "new one", "already on main", "add a new"],
                ],
                "Never edit a migration already on main; add a new one.",
            ),
            Fact(
                "lock",
                "gotcha",
                [
                    ["lock", "locks", "rewrite", "access exclusive"],
                    ["default", "not null", "nullable", "40m"],
                ],
                "NOT NULL column with a Python default locks the 40M-row table; add nullable.",
            ),
            Fact(
                "backfill-command",
                "decision",
                [
                    ["backfill", "backfill_archived_at"],
                    ["batch", "batches", "10k", "10,000", "management command"],
                ],
                "Backfill with a resumable management command in 10k batches, not a data migration"
                ".",
            ),
            Fact(
                "rollout",
                "progress",
                [["backfill"], ["staging", "thursday", "prod"]],
                "Next: run the backfill on staging, then prod after Thursday's deploy.",
            ),
        ],
        questions=[
            Question("how should I add a column to the events table?", "lock"),
            Question("can I edit an existing migration?", "never-edit-migration"),
            Question("how is archived_at backfilled?", "backfill-command"),
            Question("when does the archived_at backfill run in prod?", "rollout"),
        ],
    )


# --- 7. a flaky end-to-end test, after a compaction ----------------------------------------------


def flaky_e2e() -> Scenario:
    s = Session(
        "checkout-flake", "/home/teo/code/shopfront", "fix/checkout-flake", "2026-03-10T13:00:00"
    )
    s.user("the checkout e2e spec fails maybe 1 in 5 runs on CI. can you dig into it?")
    s.say("Let me run it in a loop locally to see whether it reproduces.")
    s.bash(
        "npx playwright test e2e/checkout.spec.ts --repeat-each=20 --reporter=line",
        "  ✘  e2e/checkout.spec.ts:31:3 › saves the shipping address (run 7)\n"  # noqa: RUF001
        '    Error: expect(received).toHaveText(expected)\n    Expected: "12 Rue Oberkampf"\n'
        '    Received: "12 Rue Oberkam"\n  4 failed\n  16 passed (1.2m)',
        code=1,
    )
    s.read(
        "e2e/checkout.spec.ts",
        "test('saves the shipping address', async ({ page }) => {\n"
        "  await page.fill('#street', '12 Rue Oberkampf');\n"
        "  await page.waitForTimeout(300);\n  await page.click('text=Save');\n"
        "  await page.reload();\n  await expect(page.locator('#street')).toHaveText('12 Rue Oberka"
        "mpf');\n});\n",
    )
    s.compact(
        "1. Primary request: the user asked to investigate the flaky checkout e2e spec "
        "(e2e/checkout.spec.ts) that fails about 1 in 5 CI runs.\n"
        "2. Key technical concepts: Playwright, autosave with a debounce in AddressForm.\n"
        "3. Decisions so far: we decided to keep Playwright's retries at 0 on CI so flakes stay "
        "visible.\n4. Current work: reading AddressForm.tsx to understand the autosave timing."
    )
    s.read(
        "src/checkout/AddressForm.tsx",
        "const save = useDebouncedCallback((v) => api.saveAddress(v), 500);\n"
        '<input id="street" onChange={(e) => save({ street: e.target.value })} />\n'
        "<button onClick={() => api.saveAddress(form)}>Save</button>\n",
    )
    s.say(
        "Got it. The flake is a race between two PUTs. Typing triggers the debounced autosave "
        "500 ms after the last keystroke, and the test clicks Save 300 ms in, so there are two "
        "requests in flight: the explicit save with the full street and the autosave that fired "
        "with a partial value. Whichever reaches the server last wins, and sometimes it's the "
        "stale autosave. The `waitForTimeout(300)` only made the timing look deterministic. The "
        "robust way is to wait for the save response itself with `page.waitForResponse` before "
        "reloading, and to cancel the pending autosave when Save is clicked."
    )
    s.edit(
        "e2e/checkout.spec.ts",
        "  await page.waitForTimeout(300);\n  await page.click('text=Save');",
        "  await Promise.all([\n    page.waitForResponse((r) => r.url().includes('/address') && r."
        "request().method() === 'PUT'),\n"
        "    page.click('text=Save'),\n  ]);",
    )
    s.edit(
        "src/checkout/AddressForm.tsx",
        "<button onClick={() => api.saveAddress(form)}>Save</button>",
        "<button onClick={() => { save.cancel(); api.saveAddress(form); }}>Save</button>",
    )
    s.bash(
        "npx playwright test e2e/checkout.spec.ts --repeat-each=20 --reporter=line",
        "  20 passed (1.1m)",
    )
    s.user(
        "perfect. btw waitForTimeout is banned in our e2e tests from now on, please grep for any "
        "others and replace them with proper waits. I'll add an eslint rule later"
    )
    s.grep("waitForTimeout", ["e2e/cart.spec.ts", "e2e/login.spec.ts"])
    s.edit(
        "e2e/cart.spec.ts",
        "  await page.waitForTimeout(1000);",
        "  await expect(page.locator('.cart-count')).toHaveText('2');",
    )
    s.edit(
        "e2e/login.spec.ts",
        "  await page.waitForTimeout(500);",
        "  await page.waitForURL('**/dashboard');",
    )
    s.bash("npx playwright test --reporter=line", "  48 passed (2.7m)")
    s.say(
        "Replaced the two remaining `waitForTimeout` calls (cart and login specs) with waits on "
        "the UI state or URL. The checkout spec passed 20 out of 20 runs, and the full e2e suite "
        "passes."
    )
    return Scenario(
        s,
        "A flaky Playwright test explained (race between autosave and save), a rule from the user, "
        "and a compaction summary whose content must not be re-extracted.",
        facts=[
            Fact(
                "race",
                "gotcha",
                [["race", "autosave", "debounce", "debounced"], ["save", "put", "waitforresponse"]],
                "Checkout flake: debounced autosave raced the explicit Save PUT.",
            ),
            Fact(
                "no-wait-timeout",
                "pattern",
                [["waitfortimeout"], ["banned", "never", "replace", "don't", "e2e"]],
                "waitForTimeout is banned in e2e tests; wait on responses or UI state.",
            ),
        ],
        distractors=[
            Distractor(
                [["retries"], ["0", "zero", "visible"]],
                "a decision stated only in the compaction summary",
            ),
        ],
        questions=[
            Question("why was the checkout e2e test flaky?", "race"),
            Question("can I use waitForTimeout in playwright tests?", "no-wait-timeout"),
        ],
    )


# --- 8. how auth works ---------------------------------------------------------------------------


def auth_architecture() -> Scenario:
    s = Session(
        "auth-keys", "/home/aki/src/platform", "chore/rotate-signing-key", "2026-03-11T09:30:00"
    )
    s.user(
        "I have to rotate the JWT signing key this week and I've never touched auth. before "
        "anything, walk me through how a login request flows through the system"
    )
    s.say("Let me read the gateway and auth service entry points first.")
    s.read(
        "services/gateway/routes.go",
        'r.Handle("/auth/", grpcProxy(authConn))\n'
        "r.Use(verifyJWT(jwks.NewCache(cfg.AuthJWKSURL, 10*time.Minute)))\n",
    )
    s.read(
        "services/auth/server.go",
        "func (s *Server) Login(ctx context.Context, req *pb.LoginRequest) (*pb.Token, error) {\n"
        "\tkey, err := s.vault.SigningKey(ctx)\n\t...\n\treturn sign(claims, key)\n}\n",
    )
    s.say(
        "Here's the flow:\n\n1. The **gateway** (`services/gateway`) terminates TLS and forwards "
        "everything under `/auth/` to the **auth service** over gRPC.\n2. The auth service checks "
        "the password and signs a JWT with the current signing key, which it reads from Vault.\n"
        "3. On every later request the gateway verifies the JWT itself using the public keys from "
        "auth's JWKS endpoint; it caches that key set for 10 minutes, so auth isn't called per "
        "request.\n\nSo auth is the only service that holds the private key, and the gateway is "
        "the only place that verifies tokens."
    )
    s.user(
        "ok that's clearer. one more thing you won't see in the code: sessions (refresh tokens) "
        "are kept in redis with a 14 day TTL, not in postgres. postgres only has the users table."
    )
    s.say(
        "Thanks, good to know. So for rotation the relevant pieces are the Vault key, the JWKS "
        "endpoint and the gateway's 10-minute cache."
    )
    s.bash(
        "./scripts/rotate-key.sh --env staging",
        "generated key kid=2026-03-11\npublished to vault: secret/auth/signing\n"
        "auth: signing with kid=2026-03-11\n"
        "gateway: 401 invalid signature (kid=2026-03-11 not in JWKS cache) x 1843",
        code=1,
    )
    s.say(
        "That's the catch with the cache: the script switched auth to the new key immediately, "
        "but the gateway keeps the old JWKS for up to 10 minutes, so every token signed with the "
        "new key was rejected until the cache expired. Rotation has to happen in two phases: "
        "first publish the new public key in JWKS next to the old one, wait at least the cache "
        "TTL (10 minutes), and only then start signing with the new key."
    )
    s.edit(
        "scripts/rotate-key.sh",
        'vault_put signing "$NEW"\nactivate "$NEW"',
        'vault_put signing-next "$NEW"   # phase 1: published in JWKS, not used\n'
        "echo 'wait >= 10 minutes (gateway JWKS cache), then run with --activate'",
    )
    s.bash(
        "./scripts/rotate-key.sh --env staging && sleep 660 && ./scripts/rotate-key.sh --env stagi"
        "ng --activate",
        "phase 1 done\nphase 2: auth signing with kid=2026-03-11\ngateway: 0 errors",
    )
    s.say(
        "Staging is rotated with no 401s. The script now does the two phases; prod rotation is "
        "still to do, and needs the same 10+ minute wait between the two runs."
    )
    return Scenario(
        s,
        "Explaining an auth architecture (gateway, auth service, Vault, JWKS cache), a fact only t"
        "he "
        "user knows (sessions in redis), and a rotation gotcha from a failed run.",
        facts=[
            Fact(
                "gateway-verifies",
                "architecture",
                [["gateway"], ["jwks", "verifies", "verify"]],
                "The gateway verifies JWTs itself with the JWKS keys (cached 10 minutes).",
            ),
            Fact(
                "sessions-redis",
                "architecture",
                [["redis"], ["session", "sessions", "refresh"]],
                "Sessions (refresh tokens) live in redis with a 14-day TTL, not postgres.",
            ),
            Fact(
                "two-phase",
                "gotcha",
                [
                    ["rotate", "rotation", "new key", "signing key"],
                    ["10 minutes", "cache", "jwks", "two phases", "phase"],
                ],
                "Publish the new key in JWKS, wait the 10-minute cache TTL, then sign with it.",
            ),
        ],
        questions=[
            Question("how does the gateway verify tokens?", "gateway-verifies"),
            Question("where are sessions stored?", "sessions-redis"),
            Question("how do we rotate the JWT signing key safely?", "two-phase"),
        ],
    )


# --- 9. a pandas report --------------------------------------------------------------------------


def pandas_report() -> Scenario:
    s = Session("zip-report", "/home/rui/analytics", "main", "2026-03-12T15:40:00")
    s.user(
        "the weekly region report takes 6 minutes now and the Boston numbers look wrong. can you "
        "speed it up and check the boston thing"
    )
    s.read(
        "reports/regions.py",
        "df = pd.read_csv(path)\n"
        "df['score'] = df.apply(lambda r: r.revenue * 0.7 if r.plan == 'pro' else r.revenue * 0.4,"
        " axis=1)\n"
        "boston = df[df.zip.astype(str).str.startswith('021')]\n",
    )
    s.say(
        "Two things jump out. The score is computed row by row with `df.apply(axis=1)`, which on "
        "3M rows is most of the runtime. And for Boston: let me check what the zip column looks "
        "like after loading."
    )
    s.bash(
        "python -c \"import pandas as pd; df = pd.read_csv('data/sample.csv'); print(df.zip.dtype,"
        ' df.zip.head(3).tolist())"',
        "int64 [2139, 2116, 94110]",
    )
    s.say(
        "Found the Boston problem: `read_csv` infers the zip column as int64, so `02139` becomes "
        "`2139` and the leading zero is gone. Then `startswith('021')` never matches Boston zips. "
        "Reading it with `dtype={'zip': str}` keeps zips as text."
    )
    s.edit(
        "reports/regions.py", "df = pd.read_csv(path)", "df = pd.read_csv(path, dtype={'zip': str})"
    )
    s.say(
        "For the score I could keep `apply` but cache the intermediate results in a dict per plan."
    )
    s.user(
        "no, don't keep apply at all, just vectorise it with np.where. apply over millions of rows "
        "is what made this slow in the first place"
    )
    s.say("You're right, vectorising is simpler and much faster.")
    s.edit(
        "reports/regions.py",
        "df['score'] = df.apply(lambda r: r.revenue * 0.7 if r.plan == 'pro' else r.revenue * 0.4,"
        " axis=1)",
        "df['score'] = df.revenue * np.where(df.plan == 'pro', 0.7, 0.4)",
    )
    s.bash(
        "time python -m reports.regions --week 2026-10",
        "wrote reports/out/regions-2026-10.csv\n\nreal\t0m41.2s",
    )
    s.user("could we cache the parsed csv as parquet too?")
    s.say(
        "We could, but at 41 seconds it's probably not worth another artifact to manage. Happy to "
        "do it if the runtime creeps up again."
    )
    s.say(
        "The report now runs in 41s instead of about 6 minutes, and the Boston rows are back "
        "(zips keep their leading zero).\n\nTODO: the monthly export in `reports/monthly.py` "
        "reads the same CSV without `dtype`, so it has the same zip bug; it should get the same "
        "fix."
    )
    return Scenario(
        s,
        "A pandas dtype gotcha (leading zeros), a user correction against df.apply, a TODO for "
        "the same bug elsewhere, and a what-if about parquet.",
        facts=[
            Fact(
                "zip-dtype",
                "gotcha",
                [["zip", "zips"], ["leading zero", "dtype", "int64"]],
                "read_csv turns zip codes into ints and drops leading zeros; use dtype str.",
            ),
            Fact(
                "no-apply",
                "decision",
                [["apply"], ["np.where", "vectorise", "vectorize", "vectorising"]],
                "Vectorise with np.where instead of df.apply over millions of rows.",
            ),
            Fact(
                "monthly-todo",
                "progress",
                [["monthly", "monthly.py"], ["dtype", "zip"]],
                "TODO: reports/monthly.py has the same zip dtype bug.",
            ),
        ],
        distractors=[
            Distractor([["parquet"]], "a question about caching as parquet"),
            Distractor([["dict per plan"]], "an idea the user rejected"),
        ],
        questions=[
            Question("why are boston zip codes missing?", "zip-dtype"),
            Question("should I use df.apply to compute the score?", "no-apply"),
            Question("does the monthly export have the zip bug too?", "monthly-todo"),
        ],
    )


# --- 10. a release handoff -----------------------------------------------------------------------


def release_handoff() -> Scenario:
    s = Session("release-2-4", "/Users/jo/code/quill", "release/2.4", "2026-03-13T17:10:00")
    s.user(
        "I'm off from tomorrow for two weeks and Marco is taking over the 2.4 release. Please "
        "don't merge anything into release/2.4 until QA has signed off, Marco will post in "
        "#release when that happens. Today I just want the package published: bump to 2.4.0, "
        "changelog, npm publish."
    )
    s.say("Got it. I'll start with the version bump and the changelog.")
    s.bash("npm version 2.4.0 --no-git-tag-version", "v2.4.0")
    s.edit("CHANGELOG.md", "## Unreleased", "## 2.4.0 (2026-03-13)")
    s.bash(
        "npm publish --access public",
        "npm notice Publishing to https://registry.npmjs.org/\n"
        "npm ERR! code E403\nnpm ERR! 403 403 Forbidden - PUT https://registry.npmjs.org/@quill%2f"
        "editor "
        "- You cannot publish over the previously published versions: 2.4.0.",
        code=1,
    )
    s.bash(
        "npm view @quill/editor time --json | tail -3", '  "2.4.0": "2026-03-13T09:12:44.381Z"\n}'
    )
    s.say(
        "2.4.0 was already published this morning (09:12 UTC), probably by the CI release job "
        "that ran on the tag push. npm never lets you publish the same version twice, even after "
        "an unpublish, so the only way forward is a new version number. Since the published 2.4.0 "
        "is missing the last two fixes, I'll publish them as 2.4.1."
    )
    s.bash(
        "npm version 2.4.1 --no-git-tag-version && npm publish --access public",
        "v2.4.1\n+ @quill/editor@2.4.1",
    )
    s.edit(
        "CHANGELOG.md",
        "## 2.4.0 (2026-03-13)",
        "## 2.4.1 (2026-03-13)\n\n- Fix caret jump on paste\n- Fix toolbar overflow\n\n## 2.4.0 (2"
        "026-03-13)",
    )
    s.user(
        "ugh, the CI job. ok whatever. leave a handoff note for Marco: the docs site still needs "
        "the 2.4 tag, and he should delete the release job's npm token once he's moved publishing "
        "to the trusted publisher setup"
    )
    s.write(
        "HANDOFF.md",
        "# 2.4 release handoff (Jo -> Marco)\n\n- 2.4.1 is on npm (2.4.0 was published by CI "
        "without the last two fixes).\n- Don't merge into release/2.4 until QA signs off "
        "(announced in #release).\n- Docs site: tag 2.4 still to do.\n- Remove the CI release "
        "job's npm token after moving to trusted publishing.\n",
    )
    s.say(
        "Published @quill/editor 2.4.1 and wrote HANDOFF.md for Marco with the open items: the "
        "docs site tag, and removing the CI job's npm token once publishing moves to trusted "
        "publishing. release/2.4 stays frozen until QA signs off."
    )
    return Scenario(
        s,
        "A release handed over to someone else (coordination), a merge freeze, an npm publish "
        "error, and the open items left for the next person.",
        facts=[
            Fact(
                "marco",
                "coordination",
                [["marco"], ["release", "2.4", "handoff", "taking over"]],
                "Marco takes over the 2.4 release while Jo is away.",
            ),
            Fact(
                "freeze",
                "coordination",
                [["release/2.4"], ["qa", "merge", "signed off", "signs off"]],
                "Don't merge into release/2.4 until QA signs off (#release).",
            ),
            Fact(
                "npm-republish",
                "gotcha",
                [
                    ["npm", "publish"],
                    ["same version", "previously published", "twice", "new version", "2.4.1"],
                ],
                "npm refuses to publish a version twice; 2.4.0 was already out, so 2.4.1.",
            ),
            Fact(
                "docs-tag",
                "progress",
                [["docs"], ["tag", "2.4"]],
                "Still to do: tag 2.4 on the docs site.",
            ),
        ],
        questions=[
            Question("who is handling the 2.4 release?", "marco"),
            Question("can I merge my PR into release/2.4?", "freeze"),
            Question("why did npm publish fail with 403?", "npm-republish"),
            Question("what is left to do for the 2.4 release?", "docs-tag"),
        ],
    )


# --- written after the extractor's first version, with phrasing chosen to differ from the first ten


def staging_crashloop() -> Scenario:
    s = Session(
        "staging-crashloop", "/home/lin/src/orders", "fix/staging-secrets", "2026-03-16T08:10:00"
    )
    s.user("staging deploy has been red since last night, orders-api pods are in CrashLoopBackOff")
    s.say("Checking the pod logs.")
    s.bash(
        "kubectl -n staging logs deploy/orders-api --previous | tail -5",
        "2026-03-16T08:11:02Z INFO booting orders-api 3.8.0\n"
        '2026-03-16T08:11:02Z FATAL config: secret "db-creds" not found in namespace staging\n'
        "panic: missing database credentials",
        code=1,
    )
    s.bash(
        "kubectl -n staging get secrets | grep -i cred",
        "database-credentials   Opaque   3   412d",
    )
    s.read(
        "deploy/chart/templates/deployment.yaml",
        "        envFrom:\n          - secretRef:\n"
        "              name: {{ if .Values.global.legacyNames }}database-credentials{{ else }}db-c"
        "reds{{ end }}\n",
    )
    s.say(
        "Ah, so the app wants `db-creds` but staging only has `database-credentials`. The chart "
        "picks the old name only when `global.legacyNames` is true, and yesterday's values cleanup "
        "dropped that flag from values-staging.yaml, so the pods went looking for the new name. "
        "Prod still sets the flag, which is why prod is fine."
    )
    s.user(
        "right. mind you, Omar's team owns the staging values, so open a PR on infra-config "
        "rather than patching the file in this repo. and until every env has the renamed secret "
        "we pin the chart at 4.2.x"
    )
    s.say("Makes sense. I'll prepare the change for infra-config and pin the chart version here.")
    s.edit("deploy/Chart.lock", "version: 4.3.0", "version: 4.2.7")
    s.bash(
        "gh pr create -R acme/infra-config --title 'staging: restore global.legacyNames' --body '."
        "..'",
        "https://github.com/acme/infra-config/pull/812",
    )
    s.say(
        "Opened acme/infra-config#812 to put `global.legacyNames: true` back for staging, and "
        "pinned the chart to 4.2.7 in Chart.lock. The deploy will stay red until Omar's team "
        "merges #812."
    )
    return Scenario(
        s,
        "Written late. A crash loop from a renamed secret (explained without cue words), ownership"
        " of "
        "staging values, a version pin, and a pending PR.",
        facts=[
            Fact(
                "legacy-names",
                "gotcha",
                [
                    ["legacynames", "legacy names", "database-credentials", "db-creds"],
                    ["secret", "staging", "flag"],
                ],
                "Staging needs global.legacyNames: true, or pods look for db-creds.",
            ),
            Fact(
                "omar",
                "coordination",
                [["omar"], ["staging", "values", "infra-config"]],
                "Omar's team owns staging values.",
            ),
            Fact(
                "pin",
                "decision",
                [["4.2", "4.2.x", "4.2.7"], ["chart", "pin", "pinned"]],
                "Chart pinned at 4.2.x.",
            ),
            Fact(
                "pr-812",
                "coordination",
                [["812", "infra-config"], ["merge", "merges", "red", "until", "waiting"]],
                "Deploy red until #812 merges.",
            ),
        ],
        questions=[
            Question("why are orders-api pods crashlooping on staging?", "legacy-names"),
            Question("who owns the staging helm values?", "omar"),
            Question("which chart version do we use?", "pin"),
        ],
    )


def ios_deeplinks() -> Scenario:
    s = Session(
        "ios-deeplinks", "/Users/mo/dev/Sprout", "bugfix/ios16-launch-crash", "2026-03-17T13:30:00"
    )
    s.user(
        "TestFlight 2.14 crashes on launch for everyone on iOS 16. 17 is fine. crash log attached "
        "in the ticket says EXC_BREAKPOINT in AppDelegate"
    )
    s.read(
        "Sprout/AppDelegate.swift",
        "func application(_ app: UIApplication, didFinishLaunchingWithOptions ...) -> Bool {\n"
        "    let callback = URL(string: Config.shared.authCallback)!\n"
        "    router.register(callback)\n    return true\n}\n",
    )
    s.read("Sprout/Config/Release.xcconfig", "AUTH_CALLBACK = sprout_app://auth/callback\n")
    s.bash(
        "xcrun simctl launch booted com.sprout.app --console | tail -3",
        "Fatal error: Unexpectedly found nil while unwrapping an Optional value\n"
        "Sprout/AppDelegate.swift:14",
        code=1,
    )
    s.say(
        "On iOS 16, `URL(string:)` gives back nil for `sprout_app://auth/callback` because an "
        "underscore isn't legal in a URL scheme, and the force-unwrap in AppDelegate turns that "
        "into a crash at launch. iOS 17 parses URLs with the newer RFC 3986 rules and accepts it, "
        "which is why only 16 crashes. I'll switch the scheme to `sprout-app` (hyphens are legal "
        "everywhere) and drop the force-unwrap."
    )
    s.edit(
        "Sprout/Config/Release.xcconfig",
        "AUTH_CALLBACK = sprout_app://auth/callback",
        "AUTH_CALLBACK = sprout-app://auth/callback",
    )
    s.edit(
        "Sprout/AppDelegate.swift",
        "    let callback = URL(string: Config.shared.authCallback)!",
        "    guard let callback = URL(string: Config.shared.authCallback) else {\n"
        '        Log.error("bad auth callback"); return true\n    }',
    )
    s.user(
        "good. iOS 16 stays supported through December, so no force-unwrapping anything that "
        "comes from config or the network, ever. also the backend's allowed redirect list needs "
        "the new scheme, that's Kemal's service"
    )
    s.say(
        "Understood. For orientation, since it matters here: deep links land in AppDelegate, which "
        "only hands the URL to `Router`; `Router.swift` maps the path to a coordinator and nothing "
        "else parses URLs."
    )
    s.bash(
        "xcodebuild test -scheme Sprout -destination 'platform=iOS Simulator,name=iPhone 14,OS=16."
        "4' | tail -2",
        "Test Suite 'All tests' passed\n** TEST SUCCEEDED **",
    )
    s.say(
        "Launch works on the iOS 16.4 simulator now and the test suite passes. Remaining: Kemal's "
        "auth service must allow `sprout-app://auth/callback` as a redirect before the next "
        "TestFlight build, otherwise login will fail."
    )
    return Scenario(
        s,
        "Written late. An iOS 16 URL parsing crash, a rule about force-unwrapping, routing archite"
        "cture, "
        "and a dependency on another person's service.",
        facts=[
            Fact(
                "underscore",
                "gotcha",
                [["underscore", "sprout_app"], ["ios 16", "url", "scheme", "nil"]],
                "Underscore in URL scheme parses to nil on iOS 16.",
            ),
            Fact(
                "no-force-unwrap",
                "pattern",
                [["force-unwrap", "force-unwrapping", "force unwrap"], ["config", "network"]],
                "No force-unwrapping of config/network values.",
            ),
            Fact(
                "router",
                "architecture",
                [
                    ["router", "router.swift"],
                    ["deep link", "deep links", "coordinator", "appdelegate"],
                ],
                "AppDelegate forwards deep links to Router.",
            ),
            Fact(
                "kemal",
                "coordination",
                [["kemal"], ["redirect", "scheme", "auth"]],
                "Kemal's auth service must allow the new redirect scheme.",
            ),
        ],
        questions=[
            Question("why does the app crash on launch on iOS 16?", "underscore"),
            Question("can I force unwrap a URL from config?", "no-force-unwrap"),
            Question("how are deep links handled?", "router"),
            Question("what does the backend need for the new callback scheme?", "kemal"),
        ],
    )


def go_json_pool() -> Scenario:
    s = Session(
        "go-json-pool", "/home/ana/go/src/feedgen", "perf/encoder-pool", "2026-03-18T10:00:00"
    )
    s.user(
        "feed generation got slow after we added the rich snippets. pprof says ~40% of CPU is in "
        "encoding/json. ideas?"
    )
    s.bash(
        "go test -bench=BenchmarkRender -benchmem ./render",
        "BenchmarkRender-8   \t     620\t   1912344 ns/op\t  812233 B/op\t   9120 allocs/op\nok  "
        "\tfeedgen/render\t2.1s",
    )
    s.say(
        "Options I see:\n\n- **easyjson**: generated marshalers, typically 3-4x faster, but adds a "
        "codegen step to the build.\n- **sonic**: very fast, but amd64-only and uses unsafe tricks"
        ".\n"
        "- **pooled encoders**: reuse `bytes.Buffer` + `json.Encoder` through a `sync.Pool`; small"
        "er "
        "win, no new dependency.\n\nI'd go with easyjson for the biggest gain."
    )
    s.user(
        "hmm, I'd rather not have codegen in the build, it bit us with protobuf last year. do the "
        "pooled encoders first and let's see the numbers"
    )
    s.write(
        "render/pool.go",
        "var encPool = sync.Pool{New: func() any { b := new(bytes.Buffer); return &enc{b, json.New"
        "Encoder(b)} }}\n",
    )
    s.bash(
        "go test -bench=BenchmarkRender -benchmem ./render",
        "BenchmarkRender-8   \t     910\t   1304551 ns/op\t  301927 B/op\t   3015 allocs/op\nok  "
        "\tfeedgen/render\t2.0s",
    )
    s.say(
        "With pooled encoders: 1.91 ms → 1.30 ms per render and 3x fewer allocations. One thing "
        "that bit me: `json.Encoder.Encode` appends a newline after every value, so the pooled "
        'path produced `"title":"x"\\n` inside the snippet and broke two golden tests until I '
        "trimmed the trailing newline."
    )
    s.bash("go test ./...", "ok  \tfeedgen/render\t0.31s\nok  \tfeedgen/feed\t0.12s")
    s.user("nice, 30% is plenty for now. we could also look at sonic later maybe")
    s.say(
        "Done: render uses pooled encoders (render/pool.go), all tests pass. The same pooling "
        "would help the access-log writer in `logx/writer.go`, which still allocates an encoder pe"
        "r "
        "line; worth doing next."
    )
    return Scenario(
        s,
        "Written late. A performance decision against codegen, a json.Encoder newline surprise, an"
        "d a "
        "follow-up; sonic stays a maybe.",
        facts=[
            Fact(
                "no-codegen",
                "decision",
                [["easyjson", "codegen"], ["pool", "pooled", "sync.pool"]],
                "Pooled encoders instead of easyjson: no codegen in the build.",
            ),
            Fact(
                "newline",
                "gotcha",
                [["newline"], ["encode", "encoder", "json.encoder"]],
                "json.Encoder.Encode appends a newline.",
            ),
            Fact(
                "logx-next",
                "progress",
                [["logx", "access-log", "writer.go", "log writer"], ["pool", "pooling", "encoder"]],
                "Next: pool the access-log writer's encoder.",
            ),
        ],
        distractors=[Distractor([["sonic"], ["later", "maybe"]], "a maybe-later about sonic")],
        questions=[
            Question("why didn't we use easyjson?", "no-codegen"),
            Question("why do pooled json encoders add a newline?", "newline"),
            Question("what else should use the encoder pool?", "logx-next"),
        ],
    )


def bf16_nan() -> Scenario:
    s = Session("bf16-nan", "/data/home/priyanka/llm-train", "fix/nan-loss", "2026-03-19T21:00:00")
    s.user(
        "loss goes to NaN around step 2k on the 1.3B run with bf16, fp32 is fine but doesn't fit "
        "in memory at our batch size"
    )
    s.read(
        "model/attention.py",
        "scores = q @ k.transpose(-2, -1) / math.sqrt(d)\nscores = scores.masked_fill(mask, -1e9)\n"
        "probs = scores.softmax(-1)\n",
    )
    s.bash(
        "python -m train --config configs/1b3.yaml --max-steps 2100 --detect-anomaly 2>&1 | tail -"
        "4",
        "step 2047 loss 3.118\nRuntimeError: Function 'SoftmaxBackward0' returned nan values in it"
        "s 0th output.\n"
        '  File "model/attention.py", line 3, in forward',
        code=1,
    )
    s.say(
        "The -1e9 fill is the problem. In bf16, -1e9 rounds to a huge value, and once a whole row "
        "is masked (padding-only rows, which start appearing when the curriculum switches to long "
        "sequences near step 2k), softmax gets inf - inf and returns NaN. Using the dtype's own "
        "minimum, `torch.finfo(scores.dtype).min`, keeps it finite in every precision."
    )
    s.edit(
        "model/attention.py",
        "scores = scores.masked_fill(mask, -1e9)",
        "scores = scores.masked_fill(mask, torch.finfo(scores.dtype).min)",
    )
    s.user(
        "makes sense. we stay on bf16 then, memory is the bottleneck, not precision. and please "
        "put that kind of numeric constant in configs/defaults.yaml if it's tunable, we keep magic "
        "numbers out of the model code"
    )
    s.bash(
        "python -m train --config configs/1b3.yaml --max-steps 3000 2>&1 | tail -2",
        "step 2999 loss 2.874\ntraining finished: 3000 steps, no anomalies",
    )
    s.say(
        "The 1.3B run now trains past step 3000 in bf16 without NaNs. The mask fill value isn't "
        "tunable (it's tied to the dtype), so it stays in code; I didn't add it to defaults.yaml."
    )
    return Scenario(
        s,
        "Written late. A bf16 NaN from a mask constant, the decision to stay on bf16, and a rule a"
        "bout "
        "where tunable constants live.",
        facts=[
            Fact(
                "finfo",
                "gotcha",
                [["1e9", "finfo", "mask"], ["nan", "bf16", "softmax"]],
                "-1e9 mask fill overflows in bf16; use finfo.min.",
            ),
            Fact(
                "stay-bf16",
                "decision",
                [["bf16"], ["memory", "fp32"]],
                "Stay on bf16: memory is the bottleneck.",
            ),
            Fact(
                "defaults-yaml",
                "pattern",
                [
                    ["defaults.yaml", "magic numbers", "magic"],
                    ["config", "configs", "model code", "constant", "constants"],
                ],
                "Tunable constants go in configs/defaults.yaml.",
            ),
        ],
        questions=[
            Question("why did the loss become NaN in bf16?", "finfo"),
            Question("why don't we train in fp32?", "stay-bf16"),
            Question("where should tunable constants go?", "defaults-yaml"),
        ],
    )


def rails_dashboard() -> Scenario:
    s = Session(
        "rails-dashboard", "/home/tomas/work/ledgerbook", "perf/dashboard", "2026-03-23T09:40:00"
    )
    s.user(
        "the projects dashboard takes like 8 seconds to load for the big accounts. can you see why"
    )
    s.bash(
        "tail -n 6 log/development.log",
        'Project Load (2.1ms)  SELECT "projects".* FROM "projects" WHERE "account_id" = $1\n'
        'User Load (0.4ms)  SELECT "users".* FROM "users" WHERE "id" = $1 LIMIT 1\n'
        'User Load (0.3ms)  SELECT "users".* FROM "users" WHERE "id" = $1 LIMIT 1\n'
        "USE eager loading detected\n  Project => [:owner]\n  Add to your query: .includes([:owner"
        "])",
    )
    s.read(
        "app/views/projects/_row.html.erb",
        "<td><%= project.name %></td>\n<td><%= project.owner.name %></td>\n",
    )
    s.say(
        "Classic N+1. Every row renders `project.owner.name`, and each of those is a separate "
        "query, so an account with 400 projects runs 401 queries. Loading the owners up front with "
        "`includes(:owner)` in the controller turns that into two queries."
    )
    s.edit(
        "app/controllers/projects_controller.rb",
        "    @projects = current_account.projects.order(:name)",
        "    @projects = current_account.projects.includes(:owner).order(:name)",
    )
    s.bash(
        "bin/rails test test/controllers/projects_controller_test.rb",
        "8 runs, 21 assertions, 0 failures, 0 errors, 0 skips",
    )
    s.say("Could also add fragment caching on the rows if it's still slow after this.")
    s.user(
        "nah, we generally don't do fragment caching in this app, the invalidation bugs we had "
        "last year were way worse than a slow page. also Sara is rewriting this dashboard in React "
        "next sprint so keep it minimal"
    )
    s.say(
        "Got it, no caching, and I'll leave the view alone for Sara's rewrite. The dashboard for "
        "the largest account is down from 8.1s to about 600ms with the eager loading."
    )
    return Scenario(
        s,
        "Written late (second batch). An N+1 query, the team's stance on fragment caching, and a "
        "rewrite someone else owns.",
        facts=[
            Fact(
                "n-plus-one",
                "gotcha",
                [["n+1", "includes", "eager"], ["owner", "query", "queries"]],
                "N+1 on project.owner; use includes(:owner).",
            ),
            Fact(
                "no-fragment-cache",
                "pattern",
                [["fragment caching", "caching", "cache"], ["invalidation", "don't", "no caching"]],
                "No fragment caching: invalidation bugs.",
            ),
            Fact(
                "sara-rewrite",
                "coordination",
                [["sara"], ["react", "rewrite", "rewriting", "dashboard"]],
                "Sara rewrites the dashboard in React next sprint.",
            ),
        ],
        questions=[
            Question("why was the projects dashboard slow?", "n-plus-one"),
            Question("should we add fragment caching?", "no-fragment-cache"),
            Question("who is rewriting the dashboard?", "sara-rewrite"),
        ],
    )


def terraform_lock() -> Scenario:
    s = Session("terraform-lock", "/home/ines/infra/platform-tf", "main", "2026-03-24T15:05:00")
    s.user(
        "terraform apply for the staging vpc has been sitting on 'Acquiring state lock' for 20 min"
        "utes"
    )
    s.bash(
        "terraform apply -lock-timeout=10s -target=module.vpc",
        "Acquiring state lock. This may take a few moments...\n\n"
        "Error: Error acquiring the state lock\n\nLock Info:\n  ID:        9b2f6d1e-5c1a-4e0b-a3f4"
        "-2d6c7e8f9a10\n"
        "  Path:      platform-tf-state/staging/terraform.tfstate\n  Operation: OperationTypeApply"
        "\n"
        "  Who:       ci@runner-12\n  Created:   2026-03-24 13:41:07 UTC",
        code=1,
    )
    s.bash(
        "gh run list --workflow apply.yml --limit 3",
        "cancelled  apply staging  main  2026-03-24T13:40:55Z\nsuccess    apply prod     main  202"
        "6-03-24T11:02:10Z",
    )
    s.say(
        "The lock belongs to the CI apply that was cancelled at 13:40. When a run is killed "
        "mid-apply, Terraform's DynamoDB lock is left behind, because releasing it is the job of "
        "the process that died; nothing expires it. Since that run is confirmed dead, "
        "`terraform force-unlock 9b2f6d1e-...` is safe here."
    )
    s.bash(
        "terraform force-unlock -force 9b2f6d1e-5c1a-4e0b-a3f4-2d6c7e8f9a10",
        "Terraform state has been successfully unlocked!",
    )
    s.user(
        "ok. rule of thumb for everyone: only force-unlock once you've checked the CI run is actua"
        "lly "
        "dead, and say so in #infra. and let's put the apply jobs into one concurrency group so tw"
        "o "
        "pipelines can never apply the same state at once"
    )
    s.edit(
        ".github/workflows/apply.yml",
        "jobs:\n  apply:",
        "concurrency:\n  group: terraform-apply-${{ inputs.env }}\n  cancel-in-progress: false\n\n"
        "jobs:\n  apply:",
    )
    s.say(
        "Added a `concurrency` group per environment to apply.yml with `cancel-in-progress: false`"
        ", "
        "so a second apply waits instead of running alongside or killing the first one."
    )
    return Scenario(
        s,
        "Written late (second batch). A stale Terraform lock from a cancelled CI run, a team rule "
        "about force-unlock, and a CI concurrency decision.",
        facts=[
            Fact(
                "stale-lock",
                "gotcha",
                [["lock"], ["cancelled", "killed", "died", "dynamodb", "force-unlock"]],
                "Cancelled CI applies leave the DynamoDB lock behind.",
            ),
            Fact(
                "unlock-rule",
                "pattern",
                [["force-unlock"], ["dead", "#infra", "checked", "ci run"]],
                "Force-unlock only after checking the CI run is dead; say so in #infra.",
            ),
            Fact(
                "concurrency",
                "decision",
                [["concurrency"], ["apply", "pipelines", "group"]],
                "One concurrency group per env for applies.",
            ),
        ],
        questions=[
            Question("terraform apply stuck acquiring state lock", "stale-lock"),
            Question("when is it ok to force-unlock terraform state?", "unlock-rule"),
            Question("can two pipelines apply terraform at the same time?", "concurrency"),
        ],
    )


def locale_dates() -> Scenario:
    s = Session(
        "locale-dates", "/Users/lea/code/kiosk-web", "fix/date-locale", "2026-03-25T11:20:00"
    )
    s.user(
        "German customers see dates like 3/25/2026 on the receipt screen. should be 25.03.2026 for "
        "them"
    )
    s.grep("toLocaleDateString", ["src/receipt/Receipt.tsx", "src/orders/OrderRow.tsx"])
    s.read(
        "src/receipt/Receipt.tsx", "<span>{new Date(order.paidAt).toLocaleDateString()}</span>\n"
    )
    s.say(
        "`toLocaleDateString()` with no arguments formats with the runtime's default locale. The "
        "kiosks run a Chromium build whose default is en-US no matter what the customer picked, so "
        "German customers get US dates. The customer's locale is already in the session store, it "
        "just isn't passed in."
    )
    s.read(
        "src/lib/format.ts",
        "export function formatDate(d: Date | string, locale = sessionStore.locale) {\n"
        "  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(d));\n}"
        "\n",
    )
    s.say(
        "There's already a `formatDate` helper in src/lib/format.ts that reads the locale from the "
        "session store; the receipt and order rows just bypass it."
    )
    s.edit(
        "src/receipt/Receipt.tsx",
        "<span>{new Date(order.paidAt).toLocaleDateString()}</span>",
        "<span>{formatDate(order.paidAt)}</span>",
    )
    s.edit(
        "src/orders/OrderRow.tsx",
        "{new Date(row.createdAt).toLocaleDateString()}",
        "{formatDate(row.createdAt)}",
    )
    s.user(
        "yes. please make that the rule: every date or number shown to a customer goes through "
        "src/lib/format.ts, nobody calls toLocale*String directly"
    )
    s.bash(
        "npm test -- --run src/receipt src/orders",
        " ✓ src/receipt/Receipt.test.tsx (3)\n ✓ src/orders/OrderRow.test.tsx (5)\n Test Files  2 "
        "passed (2)",
    )
    s.say(
        "Both screens now use `formatDate`. One gap remains: the PDF receipt is rendered on the "
        "server, which formats with the server's locale (en-US), so emailed receipts are still "
        "wrong for German customers."
    )
    return Scenario(
        s,
        "Written late (second batch). A default-locale gotcha, a formatting rule from the user, "
        "where formatting lives, and a remaining server-side gap.",
        facts=[
            Fact(
                "default-locale",
                "gotcha",
                [
                    ["tolocaledatestring", "default locale", "en-us"],
                    ["locale", "kiosk", "kiosks", "chromium"],
                ],
                "toLocaleDateString() uses the kiosk's en-US default.",
            ),
            Fact(
                "format-rule",
                "pattern",
                [["format.ts", "formatdate"], ["every date", "nobody", "rule", "customer"]],
                "All customer-facing dates/numbers go through src/lib/format.ts.",
            ),
            Fact(
                "pdf-gap",
                "progress",
                [["pdf"], ["server", "locale", "en-us"]],
                "PDF receipts still use the server locale.",
            ),
        ],
        questions=[
            Question("why do German customers see US dates?", "default-locale"),
            Question("how should I format a date for customers?", "format-rule"),
            Question("are emailed receipts formatted correctly?", "pdf-gap"),
        ],
    )


# --- round 3: sessions written for the held-out protocol (tuned half) -------------------------
# Written with their labels and committed before the extractor ran on them; their first-run
# figures are in README.md. Facts are stated by the assistant as often as by the user, in labelled
# lines ("Decision: ..."), plain present-tense conventions, a choice and its reason in separate
# sentences, pronoun subjects; around them the noise of real sessions: plan steps, task
# instructions, linter and compiler hints, a "Next:" with nothing after it, pasted outlines,
# subagent reports.


def fastapi_ratelimit() -> Scenario:
    s = Session(
        "fastapi-ratelimit", "/home/okan/src/parcel-api", "feat/rate-limit", "2026-04-02T08:31:00"
    )
    s.user(
        "we need per-API-key rate limiting on the public endpoints before the partner launch. "
        "keep it in line with the rest of the app, and don't add new infrastructure for it"
    )
    s.say("I'll look at how the middleware stack is assembled first.")
    s.read(
        "parcel_api/app.py",
        "from fastapi import FastAPI\n\nfrom parcel_api.middleware import RequestIdMiddleware, "
        "ProblemMiddleware\n\napp = FastAPI()\napp.add_middleware(RequestIdMiddleware)\n"
        "app.add_middleware(ProblemMiddleware)\n",
    )
    s.read(
        "parcel_api/errors.py",
        "from fastapi.responses import JSONResponse\n\n\ndef problem(status, title, detail=None):\n"
        "    body = {'type': 'about:blank', 'title': title, 'status': status}\n"
        "    if detail:\n        body['detail'] = detail\n"
        "    return JSONResponse(body, status_code=status,\n"
        "                        media_type='application/problem+json')\n",
    )
    s.say(
        "Every error response in this app goes through `problem()` in parcel_api/errors.py: the "
        "body is RFC 7807 problem JSON with the `application/problem+json` media type, and "
        "handlers never build error dicts by hand. The limiter will return its 429 the same way."
    )
    s.todos(
        [
            ("in_progress", "Phase 1: token bucket per API key"),
            ("pending", "Phase 2: Retry-After and rate limit headers"),
            ("pending", "Phase 3: per-plan limits from settings"),
        ]
    )
    s.say(
        "Decision: we keep the token buckets in-process, in a dict keyed by API key, because the "
        "API runs as a single replica behind the load balancer and a shared Redis would be new "
        "infrastructure for no gain today. If we ever scale out, the buckets have to move to "
        "Redis or each replica will allow the full rate."
    )
    s.write(
        "parcel_api/ratelimit.py",
        "import time\n\n\nclass TokenBucket:\n    def __init__(self, rate, burst):\n"
        "        self.rate, self.burst = rate, burst\n        self.tokens = burst\n"
        "        self.stamp = time.monotonic()\n",
    )
    s.bash(
        "ruff check parcel_api",
        "parcel_api/ratelimit.py:1:8: F401 [*] `os` imported but unused\nFound 1 error.\n"
        "[*] 1 fixable with the `--fix` option.",
        code=1,
    )
    s.say("Ruff flags an unused import; removing it.")
    s.edit("parcel_api/ratelimit.py", "import os\nimport time", "import time")
    s.bash("python -m pytest tests/test_ratelimit.py -q", "......\n6 passed in 0.41s")
    s.say("Now let's move on to Phase 2: the headers.")
    s.edit(
        "parcel_api/ratelimit.py",
        "        return problem(429, 'Too Many Requests')",
        "        response = problem(429, 'Too Many Requests')\n"
        "        response.headers['Retry-After'] = str(math.ceil(wait))\n        return response",
    )
    s.bash("python -m pytest -q", "..................................\n34 passed in 2.20s")
    s.say(
        "Progress: the token bucket and the `Retry-After` header are done and tested; per-plan "
        "limits from settings (Phase 3) remain.\n\nNext:"
    )
    return Scenario(
        s,
        "Round 3. A labelled decision with its reason stated by the assistant, a present-tense "
        "error convention stated by the assistant, a labelled progress line; noise: the user's "
        "task instruction, plan steps, a linter line, a bare 'Next:'.",
        facts=[
            Fact(
                "inprocess-buckets",
                "decision",
                [
                    ["in-process", "in process", "dict"],
                    ["bucket", "buckets", "rate limit", "limiter"],
                ],
                "Token buckets stay in-process: single replica, no new infrastructure.",
            ),
            Fact(
                "problem-json",
                "pattern",
                [["problem", "problem()", "7807"], ["error", "errors", "json"]],
                "Every error response goes through problem(): RFC 7807 problem JSON.",
            ),
            Fact(
                "plan-limits-left",
                "progress",
                [["per-plan", "phase 3", "plan"], ["remain", "remains", "settings", "left"]],
                "Per-plan limits from settings remain.",
            ),
        ],
        distractors=[
            Distractor([["in line with the rest"]], "the user's task instruction"),
            Distractor([["move on to phase"]], "a plan step"),
            Distractor([["unused import", "f401"]], "linter chatter"),
        ],
        questions=[
            Question("where are the rate limit buckets stored?", "inprocess-buckets"),
            Question("how should an endpoint return an error response?", "problem-json"),
            Question("what is left of the rate limiting work?", "plan-limits-left"),
        ],
    )


def go_outbox_worker() -> Scenario:
    s = Session("go-outbox", "/home/wen/go/src/ferry", "fix/retry-leak", "2026-04-03T13:12:00")
    s.user(
        "the dispatcher's memory climbs by ~40MB an hour in prod and never comes down. please make "
        "it stop, and add a regression test"
    )
    s.say("Let me look at the dispatcher loop and the worker setup.")
    s.read(
        "internal/dispatch/loop.go",
        "func (d *Dispatcher) Run(ctx context.Context) {\n\tfor {\n\t\tselect {\n"
        "\t\tcase <-ctx.Done():\n\t\t\treturn\n\t\tcase msg := <-d.in:\n\t\t\td.handle(msg)\n"
        "\t\tcase <-time.After(30 * time.Second):\n\t\t\td.flush()\n\t\t}\n\t}\n}\n",
    )
    s.read(
        "internal/outbox/outbox.go",
        "// Package outbox is the only writer of the outbox table.\npackage outbox\n",
    )
    s.say(
        "Architecture noted: the API never talks to the queue directly. Handlers write a row to "
        "the `outbox` table inside the request's transaction, and the dispatcher is the only "
        "process that reads the outbox and publishes to NATS."
    )
    s.say(
        "The leak is in the loop itself. `time.After` inside a `for`/`select` creates a new timer "
        "on every iteration, and each one stays alive until it fires 30 seconds later, so under "
        "load thousands of timers pile up. A single `time.NewTicker` created outside the loop "
        "fixes it."
    )
    s.edit(
        "internal/dispatch/loop.go",
        "\tfor {\n\t\tselect {",
        "\tticker := time.NewTicker(30 * time.Second)\n\tdefer ticker.Stop()\n"
        "\tfor {\n\t\tselect {",
    )
    s.bash(
        "go vet ./... && staticcheck ./...",
        "internal/dispatch/loop.go:14:2: should merge variable declaration with assignment on next "
        "line (S1021)\ninternal/dispatch/metrics.go:8:6: func unusedHelper is unused (U1000)",
        code=1,
    )
    s.say(
        "staticcheck: S1021 should merge variable declaration with assignment on next line, and "
        "U1000 func unusedHelper is unused. Both are pre-existing and unrelated; leaving them."
    )
    s.bash(
        "go test ./internal/dispatch/ -run TestNoTimerLeak -count=1",
        "ok  \tferry/internal/dispatch\t1.204s",
    )
    s.user("good. fwiw every worker logs JSON to stdout, don't add a file logger for the test")
    s.say(
        "Understood. Every worker logs JSON to stdout and nothing in the repo writes log files; "
        "the test uses the same slog JSON handler on a buffer."
    )
    return Scenario(
        s,
        "Round 3. An architecture line labelled by the assistant, a Go timer leak explained after "
        "reading code (no failing command), a convention stated by the user and restated; noise: "
        "staticcheck hints, the user's task request.",
        facts=[
            Fact(
                "outbox-only",
                "architecture",
                [["outbox"], ["queue", "nats", "dispatcher"]],
                "The API never talks to the queue; handlers write to the outbox, the "
                "dispatcher publishes.",
            ),
            Fact(
                "time-after-leak",
                "gotcha",
                [["time.after", "timer", "timers"], ["loop", "select", "ticker", "newticker"]],
                "time.After in a for/select loop allocates a timer per iteration: use one ticker.",
            ),
            Fact(
                "json-stdout",
                "pattern",
                [["json"], ["stdout"]],
                "Every worker logs JSON to stdout; no log files.",
            ),
        ],
        distractors=[
            Distractor([["s1021", "u1000", "unusedhelper"]], "staticcheck chatter"),
            Distractor([["40mb"]], "the symptom report alone is not the fact"),
        ],
        questions=[
            Question("how does the API publish messages to the queue?", "outbox-only"),
            Question("why did the dispatcher memory keep growing?", "time-after-leak"),
            Question("where should workers write their logs?", "json-stdout"),
        ],
    )


def kotlin_moshi_r8() -> Scenario:
    s = Session(
        "kotlin-moshi",
        "/Users/ana/dev/tramline-android",
        "fix/release-crash",
        "2026-04-06T10:05:00",
    )
    s.user(
        "release builds crash on launch with a JsonDataException, debug builds are fine. "
        "make sure the build still passes on CI when you're done"
    )
    s.bash(
        "./gradlew :app:assembleRelease && adb logcat -d | grep -A3 FATAL",
        "FATAL EXCEPTION: main\ncom.squareup.moshi.JsonDataException: Required value 'stopId' "
        "missing at $.stops[0]\n"
        "\tat com.squareup.moshi.internal.Util.missingProperty(Util.java:649)",
    )
    s.read(
        "app/proguard-rules.pro",
        "-keep class com.tramline.api.** { *; }\n-dontwarn okio.**\n",
    )
    s.say(
        "R8 renames the fields of the Kotlin model classes in release builds. Moshi's reflection "
        "adapter reads field names at runtime, so after minification `stopId` no longer exists "
        "under that name and every required property looks missing. The keep rule only covers "
        "com.tramline.api, but the models moved to com.tramline.model last month."
    )
    s.say(
        "We're going with Moshi's codegen (`@JsonClass(generateAdapter = true)`) for the models. "
        "It generates the adapters at compile time, so nothing depends on field names surviving "
        "R8, and we can drop the broad keep rule."
    )
    s.edit(
        "app/src/main/java/com/tramline/model/Stop.kt",
        "data class Stop(",
        "@JsonClass(generateAdapter = true)\ndata class Stop(",
    )
    s.bash(
        "./gradlew :app:assembleRelease :app:testReleaseUnitTest",
        "w: Stop.kt:3:5 Parameter 'legacyCode' is never used\n"
        "w: Route.kt:11:9 Variable 'total' is never reassigned, can be declared 'val'\n"
        "BUILD SUCCESSFUL in 1m 12s\n41 actionable tasks: 12 executed, 29 up-to-date",
    )
    s.say(
        "Release build passes and the unit tests run green. The two `w:` lines are Kotlin "
        "compiler hints ('Parameter is never used', 'Variable is never reassigned') from before "
        "this change."
    )
    s.user("👍 thanks")
    return Scenario(
        s,
        "Round 3. A release-only crash explained from a stack trace, a choice in one sentence "
        "with its reason in the next (pronoun subject 'It'); noise: the user's CI instruction, "
        "Kotlin compiler hints.",
        facts=[
            Fact(
                "r8-renames",
                "gotcha",
                [["r8", "minification", "minified", "release"], ["moshi", "reflection", "field"]],
                "R8 renames model fields in release builds; Moshi reflection then misses them.",
            ),
            Fact(
                "moshi-codegen",
                "decision",
                [
                    ["codegen", "generateadapter"],
                    ["compile time", "r8", "field names", "reflection"],
                ],
                "Use Moshi codegen: adapters at compile time, nothing depends on field names.",
            ),
        ],
        distractors=[
            Distractor([["never reassigned", "never used"]], "compiler hints"),
            Distractor([["passes on ci"]], "the user's instruction"),
        ],
        questions=[
            Question("why do release builds crash with JsonDataException?", "r8-renames"),
            Question("how are JSON adapters generated for the models?", "moshi-codegen"),
        ],
    )


def rust_thiserror() -> Scenario:
    s = Session("rust-errors", "/home/jo/code/quarry", "refactor/errors", "2026-04-07T16:40:00")
    s.user(
        "the quarry-core crate pulls in anyhow now and the error messages in the CLI got worse. "
        "can you clean up the error handling? look at how the other crates do it"
    )
    s.task(
        "Survey error types",
        "List every crate in the workspace and how it defines and returns errors. "
        "Report per crate.",
        "## Findings\n\n### Crates\n- quarry-core: `anyhow::Result` everywhere (since #212)\n"
        "- quarry-index: `IndexError` enum with thiserror\n- quarry-cli: anyhow, `main` prints "
        "the chain\n\n### Files\n1. crates/core/src/lib.rs\n2. crates/index/src/error.rs\n"
        "3. crates/cli/src/main.rs\n\n### Summary\nTwo of three crates follow the enum style.",
    )
    s.say(
        "The survey shows the pattern the workspace already follows in quarry-index.\n\n"
        "Convention: library crates return their own `thiserror` enum; only the binary "
        "(quarry-cli) uses `anyhow`, to add context and print the chain. quarry-core broke that "
        "in #212."
    )
    s.write(
        "crates/core/src/error.rs",
        '#[derive(Debug, thiserror::Error)]\npub enum CoreError {\n    #[error("config: {0}")]\n'
        "    Config(#[from] ConfigError),\n}\n",
    )
    s.bash(
        "cargo test -p quarry-core",
        "running 14 tests\ntest config::tests::rejects_unknown_keys ... FAILED\n\nfailures:\n\n"
        "---- config::tests::rejects_unknown_keys stdout ----\n"
        "thread 'config::tests::rejects_unknown_keys' panicked at crates/core/src/config.rs:88:9:\n"
        "expected an error for key 'colour'\n\n"
        "test result: FAILED. 13 passed; 1 failed",
        code=101,
    )
    s.say(
        "That test caught a serde limitation: `#[serde(deny_unknown_fields)]` has no effect on a "
        "struct that contains a `#[serde(flatten)]` field, so the typo'd key is silently accepted. "
        "I'll check unknown keys explicitly after deserializing instead."
    )
    s.edit(
        "crates/core/src/config.rs",
        "#[serde(deny_unknown_fields)]",
        "// unknown keys are checked in `validate()`:\n"
        "// deny_unknown_fields ignores flattened structs",
    )
    s.bash("cargo test --workspace", "test result: ok. 58 passed; 0 failed; 0 ignored")
    s.say(
        "Done: quarry-core now returns `CoreError`, the CLI keeps anyhow for context, and all 58 "
        "workspace tests pass."
    )
    return Scenario(
        s,
        "Round 3. A labelled convention stated by the assistant after a subagent survey, a serde "
        "gotcha from a failing test; noise: the subagent's report (outline, file list).",
        facts=[
            Fact(
                "thiserror-libs",
                "pattern",
                [["thiserror"], ["anyhow"]],
                "Library crates return thiserror enums; only the binary uses anyhow.",
            ),
            Fact(
                "flatten-deny",
                "gotcha",
                [["deny_unknown_fields"], ["flatten"]],
                "deny_unknown_fields does nothing with a flattened field.",
            ),
        ],
        distractors=[
            Distractor([["two of three crates"]], "the subagent's summary line"),
            Distractor([["crates/index/src/error.rs"]], "a file list from the subagent"),
        ],
        questions=[
            Question("should a library crate use anyhow?", "thiserror-libs"),
            Question("why are unknown config keys accepted?", "flatten-deny"),
        ],
    )


def monorepo_outline() -> Scenario:
    s = Session("pnpm-tsbuild", "/Users/kai/work/loom", "chore/project-refs", "2026-04-08T09:00:00")
    s.user(
        "Here's the spec we agreed on, implement step 1 today:\n\n"
        "# Build speed-up\n\n## Goals\n- Incremental builds under 10s\n"
        "- One tsconfig per package\n\n"
        "## Non-goals\n- Changing the bundler\n\n## Plan\n1. Project references for all packages\n"
        "2. Remove path aliases\n3. CI cache for tsbuildinfo\n\n## Risks\n- Stale declarations "
        "after branch switches\n- Editors resolving the wrong package\n\n## Open questions\n"
        "- Do we keep the root tsconfig?\n\n"
        "Also: we use pnpm workspaces; never run npm install inside a package folder, it writes a "
        "package-lock.json and breaks the workspace links."
    )
    s.say("Let me read the current tsconfig setup.")
    s.read(
        "tsconfig.base.json",
        '{\n  "compilerOptions": {\n    "paths": {\n'
        '      "@loom/*": ["packages/*/src"]\n    }\n  }\n}\n',
    )
    s.say(
        "The `paths` aliases point every import at the other packages' sources, so tsc "
        "type-checks each dependency again inside every package. With project references the "
        "aliases have to go; otherwise the editor and tsc resolve different files."
    )
    s.user(
        "ok let's drop the path aliases and depend on the packages through workspace:* instead. "
        "the aliases were a hack from before we had pnpm"
    )
    s.edit(
        "tsconfig.base.json",
        '    "paths": {\n      "@loom/*": ["packages/*/src"]\n    }\n',
        '    "composite": true\n',
    )
    s.bash(
        "pnpm -r exec tsc -b && git switch - && pnpm -r exec tsc -b",
        "packages/ui/src/Button.tsx(4,10): error TS2305: Module '\"@loom/tokens\"' has no exported "
        "member 'spacing'.",
        code=2,
    )
    s.say(
        "This is the stale-declaration risk from the spec, for real: `tsc -b` skips a referenced "
        "project whose `.tsbuildinfo` is newer than its sources, and a `git switch` can leave "
        "older sources with a newer tsbuildinfo, so @loom/tokens keeps its old `.d.ts`. "
        "`tsc -b --force` after switching branches rebuilds it."
    )
    s.bash("pnpm -r exec tsc -b --force", "")
    s.say("Step 1 is in: all seven packages build with project references.")
    return Scenario(
        s,
        "Round 3. A pasted spec outline (goals, plan, risks) that must not become memory, a rule "
        "the user states inside that paste, a decision by the user, a tsc -b gotcha from a "
        "failure.",
        facts=[
            Fact(
                "no-npm-install",
                "pattern",
                [["npm install"], ["pnpm", "workspace", "package-lock.json"]],
                "pnpm workspaces: never npm install in a package folder.",
            ),
            Fact(
                "drop-aliases",
                "decision",
                [["path aliases", "aliases", "paths"], ["workspace:*", "workspace", "drop"]],
                "Drop tsconfig path aliases; depend through workspace:*.",
            ),
            Fact(
                "tsbuildinfo-stale",
                "gotcha",
                [["tsbuildinfo", "tsc -b"], ["stale", "skips", "switch", "force", "older"]],
                "tsc -b trusts a newer tsbuildinfo: stale .d.ts after a branch switch.",
            ),
        ],
        distractors=[
            Distractor([["incremental builds under"]], "a goal line of the pasted outline"),
            Distractor([["changing the bundler"]], "a non-goal of the pasted outline"),
            Distractor([["root tsconfig"]], "an open question of the outline"),
            Distractor([["editors resolving"]], "a risk line of the outline"),
        ],
        questions=[
            Question("can I run npm install in a package?", "no-npm-install"),
            Question("how do packages import each other?", "drop-aliases"),
            Question(
                "tsc -b reports a missing export after switching branches", "tsbuildinfo-stale"
            ),
        ],
    )


def sidekiq_retries() -> Scenario:
    s = Session(
        "sidekiq-retries", "/home/bea/apps/invoicely", "fix/duplicate-emails", "2026-04-09T11:25:00"
    )
    s.user(
        "some customers got the same invoice email 4 or 5 times yesterday. it was during the "
        "postmark outage"
    )
    s.read(
        "app/jobs/invoice_email_job.rb",
        "class InvoiceEmailJob\n  include Sidekiq::Job\n\n  def perform(invoice_id)\n"
        "    invoice = Invoice.find(invoice_id)\n"
        "    InvoiceMailer.with(invoice:).sent.deliver_now\n"
        "    invoice.update!(emailed_at: Time.current)\n  end\nend\n",
    )
    s.say(
        "Sidekiq retries a failed job up to 25 times with backoff unless the job says otherwise. "
        "It re-runs the whole `perform`, so when Postmark accepted the message but the request "
        "timed out on our side, the retry sent the email again."
    )
    s.user(
        "right. from now on every job that talks to an outside service has to be idempotent, "
        "keyed on something we store before the call"
    )
    s.edit(
        "app/jobs/invoice_email_job.rb",
        "    invoice = Invoice.find(invoice_id)\n",
        "    invoice = Invoice.find(invoice_id)\n    return if invoice.emailed_at\n",
    )
    s.bash(
        "bundle exec rspec spec/jobs",
        "..........\n\nFinished in 0.61 seconds (files took 2.1 seconds to load)\n10 examples, 0 "
        "failures",
    )
    s.bash(
        "bundle exec rubocop app/jobs",
        "app/jobs/invoice_email_job.rb:6:5: C: Style/GuardClause: Use a guard clause instead of "
        "wrapping the code inside a conditional expression.\n1 file inspected, 1 offense detected",
        code=1,
    )
    s.say("Rubocop wants a guard clause style tweak; applied.")
    s.say(
        "Progress: the invoice and receipt email jobs are idempotent now (they check "
        "`emailed_at` first); the webhook delivery jobs still need the same treatment."
    )
    return Scenario(
        s,
        "Round 3. A gotcha whose second sentence has a pronoun subject, a rule from the user, a "
        "labelled progress line; noise: rubocop output and its restatement.",
        facts=[
            Fact(
                "sidekiq-25",
                "gotcha",
                [["sidekiq", "retry", "retries"], ["25", "again", "whole", "perform"]],
                "Sidekiq retries failed jobs up to 25 times, re-running perform: duplicate emails.",
            ),
            Fact(
                "idempotent-jobs",
                "pattern",
                [["idempotent"], ["job", "jobs"]],
                "Every job calling an outside service must be idempotent.",
            ),
            Fact(
                "webhook-jobs-left",
                "progress",
                [["webhook"], ["still", "need", "needs", "remain"]],
                "The webhook delivery jobs still need idempotency.",
            ),
        ],
        distractors=[
            Distractor([["guard clause"]], "rubocop chatter"),
        ],
        questions=[
            Question("why were invoice emails sent several times?", "sidekiq-25"),
            Question("what must a job that calls an external API do?", "idempotent-jobs"),
            Question("which jobs are not idempotent yet?", "webhook-jobs-left"),
        ],
    )


def flyway_versions() -> Scenario:
    s = Session(
        "flyway-order", "/home/raj/src/ledger-svc", "fix/missing-column", "2026-04-10T14:50:00"
    )
    s.user(
        "staging is missing the `settled_at` column even though V7__add_settled_at.sql is merged. "
        "prod is fine. what happened?"
    )
    s.bash(
        "./mvnw -q flyway:info -Dflyway.configFiles=staging.conf",
        "+-----------+---------+---------------------+------+---------------------+---------+\n"
        "| Category  | Version | Description         | Type | Installed On        | State   |\n"
        "| Versioned | 6       | add refunds         | SQL  | 2026-04-02 09:12:44 | Success |\n"
        "| Versioned | 7       | add settled at      | SQL  |                     | Ignored |\n"
        "| Versioned | 8       | index payouts       | SQL  | 2026-04-08 17:03:10 | Success |\n",
    )
    s.say(
        "Gotcha: Flyway applies versioned migrations in order and, by default, ignores any "
        "migration whose version is lower than the highest one already applied. V8 reached "
        "staging before V7 was merged, so V7 shows as Ignored there and never runs unless "
        "`outOfOrder` is enabled."
    )
    s.user(
        "ugh. ok so: we'll use timestamps as migration versions from now on "
        "(V20260410_1450__...), so two branches can't pick the same or a lower number. "
        "and turn on outOfOrder for staging only"
    )
    s.edit(
        "src/main/resources/staging.conf",
        "flyway.locations=classpath:db/migration",
        "flyway.locations=classpath:db/migration\nflyway.outOfOrder=true",
    )
    s.bash(
        "./mvnw -q flyway:migrate -Dflyway.configFiles=staging.conf",
        'Successfully applied 1 migration to schema "ledger", now at version v8',
    )
    s.say("Now let's move on to Phase 2: renaming the existing files.")
    s.say(
        "Next steps:\n- Rename V1..V8 to timestamp versions with `flyway repair`\n- Add a CI check "
        "that rejects new `V<n>__` names"
    )
    s.say("Next:")
    return Scenario(
        s,
        "Round 3. A labelled gotcha by the assistant, a convention and a config decision by the "
        "user, remaining steps; noise: a plan step, a bare 'Next:', a flyway info table.",
        facts=[
            Fact(
                "flyway-ignored",
                "gotcha",
                [["flyway", "migration", "v7"], ["ignored", "ignores", "lower", "outoforder"]],
                "Flyway ignores a migration lower than the highest applied unless outOfOrder.",
            ),
            Fact(
                "timestamp-versions",
                "pattern",
                [["timestamp", "timestamps"], ["version", "versions", "migration"]],
                "Timestamps as migration versions from now on.",
            ),
            Fact(
                "rename-next",
                "progress",
                [["rename", "repair"], ["timestamp", "v1", "versions"]],
                "Next: rename existing migrations to timestamp versions.",
            ),
        ],
        distractors=[
            Distractor([["move on to phase"]], "a plan step"),
            Distractor([["installed on"]], "a table header from tool output"),
        ],
        questions=[
            Question("why did a merged migration not run on staging?", "flyway-ignored"),
            Question("how should new migrations be numbered?", "timestamp-versions"),
            Question("what is left for the migration renaming?", "rename-next"),
        ],
    )


def phoenix_presence() -> Scenario:
    s = Session(
        "phoenix-presence", "/home/ines/dev/huddle", "feat/typing-indicator", "2026-04-13T15:10:00"
    )
    s.user("add a typing indicator to the channel view. Priya owns the presence module, fyi")
    s.read(
        "lib/huddle_web/live/channel_live.ex",
        'def mount(%{"id" => id}, _session, socket) do\n'
        "  if connected?(socket),\n"
        '    do: Phoenix.PubSub.subscribe(Huddle.PubSub, "org:#{socket.assigns.org_id}")\n'
        "  {:ok, assign(socket, channel_id: id)}\nend\n",
    )
    s.say(
        "Each LiveView subscribes to its org's topic when it mounts, and `Huddle.Broadcaster` is "
        "the only process that broadcasts on those topics; LiveViews never broadcast themselves. "
        "The typing events should go through the broadcaster too."
    )
    s.say(
        "Since presence is Priya's module, I'd rather not change `Huddle.Presence`; I'll add a "
        "`typing/2` function to the broadcaster instead."
    )
    s.user("yep, do that. and ask Priya before anything touches Huddle.Presence")
    s.edit(
        "lib/huddle/broadcaster.ex",
        "  def message(org_id, msg) do",
        "  def typing(org_id, user_id) do\n    broadcast(org_id, {:typing, user_id})\n  end\n\n"
        "  def message(org_id, msg) do",
    )
    s.bash(
        "mix test test/huddle_web/live/channel_live_test.exs",
        'warning: variable "socket" is unused (if the variable is not meant to be used, prefix '
        "it with an underscore)\n  lib/huddle_web/live/channel_live.ex:41\n\n.....\nFinished in "
        "0.3 seconds\n5 tests, 0 failures",
    )
    s.say("The typing indicator works and the channel tests pass.")
    return Scenario(
        s,
        "Round 3, short. Architecture in the assistant's present tense, ownership from the user, "
        "a proposal the user approves; noise: a compiler warning in output.",
        facts=[
            Fact(
                "broadcaster-only",
                "architecture",
                [["broadcaster"], ["only", "never broadcast", "topic", "topics"]],
                "Huddle.Broadcaster is the only process broadcasting on org topics.",
            ),
            Fact(
                "priya-presence",
                "coordination",
                [["priya"], ["presence"]],
                "Priya owns Huddle.Presence: ask her before touching it.",
            ),
            Fact(
                "typing-broadcaster",
                "decision",
                [["typing"], ["broadcaster"]],
                "Typing events go through a typing/2 function on the broadcaster.",
            ),
        ],
        distractors=[Distractor([["prefix it with an underscore"]], "a compiler warning")],
        questions=[
            Question("which process broadcasts on the org topics?", "broadcaster-only"),
            Question("who owns the presence module?", "priya-presence"),
            Question("where are typing events sent from?", "typing-broadcaster"),
        ],
    )


def pandas_decimal() -> Scenario:
    s = Session(
        "pandas-decimal", "/home/mo/analytics/recon", "fix/cent-drift", "2026-04-14T09:45:00"
    )
    s.user(
        "the monthly reconciliation is off by a cent or two against the bank statement, and some "
        "account ids in the output lost their leading zeros"
    )
    s.read(
        "recon/load.py",
        "import pandas as pd\n\n\ndef load(path):\n    return pd.read_csv(path)\n",
    )
    s.bash(
        "python -c \"import pandas as pd; print(pd.read_csv('samples/march.csv').dtypes)\"",
        "account_id     int64\namount       float64\nbooked_on     object\ndtype: object",
    )
    s.say(
        "Two separate problems come from the same call. `read_csv` infers `account_id` as an "
        "integer column, so `00123` becomes `123`. And `amount` becomes float64, where 0.1 + 0.2 "
        "is not 0.3, so summing thousands of rows drifts by cents."
    )
    s.say(
        "Decision: load every column as text (`dtype=str`) and convert amounts with `Decimal`. "
        "That keeps the ids exactly as the bank writes them, and Decimal sums match the statement "
        "to the cent."
    )
    s.user("agreed. the finance team wants amounts as Decimal everywhere, never floats")
    s.edit(
        "recon/load.py",
        "    return pd.read_csv(path)",
        "    frame = pd.read_csv(path, dtype=str)\n"
        "    frame['amount'] = frame['amount'].map(Decimal)\n    return frame",
    )
    s.bash("pytest -q tests/test_load.py", "...\n3 passed in 0.52s")
    return Scenario(
        s,
        "Round 3, short. Two gotchas in one explanation, a labelled decision with its reason in "
        "the next sentence, a rule from the user.",
        facts=[
            Fact(
                "leading-zeros",
                "gotcha",
                [["read_csv", "infers", "integer"], ["leading zeros", "00123", "account_id"]],
                "read_csv infers ids as integers and drops leading zeros.",
            ),
            Fact(
                "dtype-str-decimal",
                "decision",
                [["dtype=str", "text", "dtype"], ["decimal"]],
                "Load columns as str and amounts as Decimal.",
            ),
            Fact(
                "never-floats",
                "pattern",
                [["decimal"], ["float", "floats", "never"]],
                "Amounts are Decimal everywhere, never floats.",
            ),
        ],
        questions=[
            Question("why did account ids lose their leading zeros?", "leading-zeros"),
            Question("how do we load the bank CSV?", "dtype-str-decimal"),
            Question("can amounts be floats?", "never-floats"),
        ],
    )


def helm_probes() -> Scenario:
    s = Session("helm-probes", "/home/sam/infra/charts", "fix/readiness", "2026-04-15T07:55:00")
    s.user(
        "during the 2-minute db failover last night every api pod went unready at once and the "
        "whole site 503'd, even though the pods were fine. keep it in line with the other charts"
    )
    s.say("Sure, I'll keep it in line with the other charts. Let me look at the probes.")
    s.read(
        "charts/api/templates/deployment.yaml",
        "        readinessProbe:\n          httpGet:\n            path: /healthz\n"
        "            port: http\n          periodSeconds: 5\n          failureThreshold: 2\n",
    )
    s.read(
        "services/api/health.py",
        "@router.get('/healthz')\nasync def healthz(db: Database = Depends()):\n"
        "    await db.execute('select 1')\n    return {'ok': True}\n",
    )
    s.say(
        "Root cause: the readiness probe calls `/healthz`, and `/healthz` runs `select 1` against "
        "the database. A database blip fails the probe on every pod within ten seconds, and "
        "Kubernetes takes all of them out of the Service together."
    )
    s.say(
        "I'd split it: readiness only checks that the process can serve (`/livez`), and the "
        "database check moves to `/healthz/deep`, which the deploy gate and the alerts use."
    )
    s.user("sounds good, go with that")
    s.edit(
        "charts/api/templates/deployment.yaml",
        "            path: /healthz",
        "            path: /livez",
    )
    s.bash(
        "helm lint charts/api",
        "==> Linting charts/api\n[INFO] Chart.yaml: icon is recommended\n\n1 chart(s) linted, 0 "
        "chart(s) failed",
    )
    s.say(
        "helm lint passes (only the usual 'icon is recommended' info). The api chart now probes "
        "`/livez`.\n\nWhat's left: the worker and scheduler charts still point their readiness "
        "probes at `/healthz`."
    )
    return Scenario(
        s,
        "Round 3. A root cause labelled by the assistant, a proposal approved by the user, "
        "remaining work; noise: the user's instruction echoed by the assistant, helm lint info.",
        facts=[
            Fact(
                "probe-db",
                "gotcha",
                [["readiness", "probe", "healthz"], ["database", "db", "select 1"]],
                "Readiness hit /healthz, which checks the DB: a DB blip unreadies every pod.",
            ),
            Fact(
                "livez-split",
                "decision",
                [["livez", "healthz/deep"], ["readiness", "database", "deep", "deploy gate"]],
                "Readiness checks /livez; DB check moves to /healthz/deep.",
            ),
            Fact(
                "other-charts-left",
                "progress",
                [["worker", "scheduler"], ["healthz", "readiness", "still"]],
                "Worker and scheduler charts still probe /healthz.",
            ),
        ],
        distractors=[
            Distractor([["in line with the other charts"]], "the user's instruction, echoed"),
            Distractor([["icon is recommended"]], "helm lint info"),
        ],
        questions=[
            Question("why did all api pods go unready during the db failover?", "probe-db"),
            Question("what should the readiness probe check?", "livez-split"),
            Question("which charts still use /healthz for readiness?", "other-charts-left"),
        ],
    )


def swift_keychain() -> Scenario:
    s = Session(
        "swift-keychain",
        "/Users/noor/src/Waypoint",
        "fix/logout-after-update",
        "2026-04-16T12:30:00",
    )
    s.user(
        "after the 3.2 update a bunch of users got logged out. we changed the bundle id's team "
        "prefix in that release, could that be it?"
    )
    s.read(
        "Waypoint/Auth/TokenStore.swift",
        "let query: [String: Any] = [\n  kSecClass as String: kSecClassGenericPassword,\n"
        '  kSecAttrService as String: "com.waypoint.auth",\n'
        '  kSecAttrAccessGroup as String: "ABCD1234.com.waypoint.shared"\n]\n',
    )
    s.say(
        "Yes, that's it. Keychain items belong to an access group that starts with the team ID "
        "prefix. After the prefix changed, the app queries `NEWTEAM.com.waypoint.shared`, and the "
        "tokens saved under the old group are invisible to it, so the app thinks nobody is "
        "signed in."
    )
    s.say(
        "The token store reads from the old group once, writes the item to the new group, and "
        "deletes the old one. That migration runs at launch before the session check."
    )
    s.write(
        "Waypoint/Auth/KeychainMigration.swift",
        "enum KeychainMigration {\n  static func run() { /* read old group, write new, delete */ "
        "}\n}\n",
    )
    s.bash(
        "xcodebuild test -scheme Waypoint -destination 'platform=iOS Simulator,name=iPhone 16'",
        "Test Suite 'All tests' passed at 2026-04-16 12:41:07.\n\t Executed 112 tests, with 0 "
        "failures (0 unexpected) in 14.2 (14.9) seconds\n** TEST SUCCEEDED **",
    )
    s.user(
        "nice. Lena is doing the 3.2.1 release tomorrow, so hand it over to her once the PR is "
        "green"
    )
    s.say("Will do; I'll note in the PR description that Lena ships it in 3.2.1.")
    return Scenario(
        s,
        "Round 3. The assistant confirming the user's hypothesis (pronoun subjects: 'that', "
        "'it'), an architecture line in the present tense, a hand-off to a named person.",
        facts=[
            Fact(
                "keychain-team-prefix",
                "gotcha",
                [["keychain", "access group"], ["team", "prefix"]],
                "Keychain access groups start with the team prefix; changing it hides old tokens.",
            ),
            Fact(
                "keychain-migration",
                "architecture",
                [["migration", "migrates", "old group"], ["launch", "new group", "keychain"]],
                "At launch the token store moves the item from the old group to the new one.",
            ),
            Fact(
                "lena-release",
                "coordination",
                [["lena"], ["3.2.1", "release", "hand"]],
                "Lena ships the fix in 3.2.1.",
            ),
        ],
        questions=[
            Question("why were users logged out after the update?", "keychain-team-prefix"),
            Question("how are old keychain items moved to the new group?", "keychain-migration"),
            Question("who releases 3.2.1?", "lena-release"),
        ],
    )


def django_on_commit() -> Scenario:
    s = Session(
        "django-on-commit", "/home/lu/src/notifier", "fix/missing-row", "2026-04-20T10:10:00"
    )
    s.user(
        "the webhook worker sometimes logs DoesNotExist for an Outbound id that is definitely in "
        "the table a second later. don't touch the admin for now"
    )
    s.read(
        "notifier/signals.py",
        "@receiver(post_save, sender=Outbound)\ndef queue_outbound(sender, instance, created, "
        "**kw):\n    if created:\n        send_outbound.delay(instance.pk)\n",
    )
    s.say(
        "Heads-up: `post_save` fires inside the request's transaction, so the Celery worker can "
        "pick up the task before the row is committed and then finds nothing. Queueing it with "
        "`transaction.on_commit` runs it only after the commit."
    )
    s.edit(
        "notifier/signals.py",
        "        send_outbound.delay(instance.pk)",
        "        transaction.on_commit(lambda: send_outbound.delay(instance.pk))",
    )
    s.bash("pytest -q notifier/tests/test_signals.py", "....\n4 passed in 1.31s")
    s.user("good. btw we name every migration by hand here, no auto-generated names")
    s.say(
        "Noted. I'm adding a partial index on unsent rows rather than a full index. Only about 2% "
        "of rows are unsent at any time, so it stays tiny and the worker's query uses it."
    )
    s.write(
        "notifier/migrations/0031_outbound_unsent_partial_index.py",
        "class Migration(migrations.Migration):\n    operations = [AddIndex(...)]\n",
    )
    s.bash(
        "python manage.py makemigrations --check && pytest -q",
        "No changes detected\n..............................\n30 passed in 4.02s",
    )
    s.say("Step 3: the retry backoff.")
    return Scenario(
        s,
        "Round 3, second batch. A 'Heads-up:' gotcha with its fix, a naming rule from the user, "
        "a choice with its reason in the next sentence; noise: the user's task instruction, a "
        "plan step.",
        facts=[
            Fact(
                "on-commit",
                "gotcha",
                [["post_save", "on_commit", "transaction"], ["commit", "committed"]],
                "post_save fires inside the transaction: queue tasks with transaction.on_commit.",
            ),
            Fact(
                "hand-named-migrations",
                "pattern",
                [["migration", "migrations"], ["by hand", "name", "names", "auto-generated"]],
                "Every migration is named by hand.",
            ),
            Fact(
                "partial-index",
                "decision",
                [["partial index", "partial"], ["unsent", "2%", "tiny"]],
                "A partial index on unsent rows, not a full index.",
            ),
        ],
        distractors=[
            Distractor([["touch the admin"]], "the user's task instruction"),
            Distractor([["retry backoff"]], "a plan step"),
        ],
        questions=[
            Question("why does the worker get DoesNotExist for a new row?", "on-commit"),
            Question("how do we name migrations?", "hand-named-migrations"),
            Question("which index does the outbound table use for unsent rows?", "partial-index"),
        ],
    )


def vue_pinia_refs() -> Scenario:
    s = Session("vue-pinia", "/Users/sol/code/atlas-web", "fix/stale-list", "2026-04-21T14:20:00")
    s.user(
        "the project list doesn't refresh after I archive one, you have to reload the page. "
        "note for the future: stores never call the API directly, they go through src/services/"
    )
    s.read(
        "src/views/Projects.vue",
        "const { projects, archive } = storeToRefs(useProjects())\n",
    )
    s.bash(
        "npx eslint src/views/Projects.vue",
        "src/views/Projects.vue\n  12:7  warning  'unused' is assigned a value but never used  "
        "no-unused-vars\n\n1 problem (0 errors, 1 warning)",
    )
    s.say(
        "Found the cause of the stale list. Pinia's `storeToRefs` only wraps state and getters; "
        "an action destructured through it is undefined, so the view's `archive` call silently "
        "does nothing. Actions have to be taken from the store itself."
    )
    s.edit(
        "src/views/Projects.vue",
        "const { projects, archive } = storeToRefs(useProjects())",
        "const store = useProjects()\nconst { projects } = storeToRefs(store)\n"
        "const { archive } = store",
    )
    s.bash("npx vitest run src/views", " ✓ src/views/Projects.spec.ts (4)\n Test Files  1 passed")
    s.user("thanks. Marta is refactoring the auth store this week, so leave auth.ts alone")
    s.say("Understood, auth.ts stays as it is.")
    return Scenario(
        s,
        "Round 3, second batch, short. A rule the user adds after a bug report, a Pinia gotcha "
        "after an announcement, a coordination note; noise: eslint output, acknowledgements.",
        facts=[
            Fact(
                "stores-services",
                "pattern",
                [["store", "stores"], ["services", "src/services", "api"]],
                "Stores never call the API directly; they go through src/services/.",
            ),
            Fact(
                "storetorefs-actions",
                "gotcha",
                [["storetorefs"], ["action", "actions", "undefined"]],
                "storeToRefs only wraps state and getters: take actions from the store.",
            ),
            Fact(
                "marta-auth",
                "coordination",
                [["marta"], ["auth", "auth.ts"]],
                "Marta is refactoring the auth store: leave auth.ts alone.",
            ),
        ],
        distractors=[Distractor([["never used", "no-unused-vars"]], "eslint output")],
        questions=[
            Question("can a pinia store call the API?", "stores-services"),
            Question("why doesn't archiving a project refresh the list?", "storetorefs-actions"),
            Question("who is working on the auth store?", "marta-auth"),
        ],
    )


def efcore_tracking() -> Scenario:
    s = Session("efcore-import", "/home/tariq/src/Ledgerly", "perf/import", "2026-04-22T09:00:00")
    s.user(
        "the nightly import of 50k invoices took 40 minutes last night, it used to be 5. it gets "
        "slower the further it goes"
    )
    s.read(
        "src/Ledgerly.Import/InvoiceImporter.cs",
        "foreach (var row in rows) {\n    var customer = _db.Customers.Find(row.CustomerId);\n"
        "    _db.Invoices.Add(Map(row, customer));\n    _db.SaveChanges();\n}\n",
    )
    s.say(
        "Here's what's going on: EF Core's change tracker keeps every entity the context has "
        "loaded or added, and the importer uses one DbContext for all 50k rows. Every "
        "SaveChanges scans all tracked entities, so each row costs more than the one before."
    )
    s.user(
        "ok, so: read paths use AsNoTracking, and the importer gets a fresh context per batch of "
        "1000 rows"
    )
    s.edit(
        "src/Ledgerly.Import/InvoiceImporter.cs",
        "foreach (var row in rows) {",
        "foreach (var batch in rows.Chunk(1000)) {\n    using var db = _factory.CreateDbContext();",
    )
    s.bash(
        "dotnet build && dotnet test",
        "Build succeeded.\n    0 Warning(s)\n    0 Error(s)\n\n"
        "Passed!  - Failed:     0, Passed:    57, Skipped:     0, Total:    57",
    )
    s.say(
        "The import of the 50k sample now takes 3 min 40 s. Remaining work: the export job still "
        "uses one context for the whole run and will need the same batching."
    )
    return Scenario(
        s,
        "Round 3, second batch. A 'Here's what's going on:' explanation of a slowdown, a decision "
        "the user states as two rules, remaining work; noise: build output.",
        facts=[
            Fact(
                "change-tracker",
                "gotcha",
                [
                    ["change tracker", "tracked", "tracks", "dbcontext", "context"],
                    ["savechanges", "slower", "50k", "every"],
                ],
                "One DbContext tracks every entity: SaveChanges slows down row by row.",
            ),
            Fact(
                "notracking-batches",
                "decision",
                [["asnotracking", "batch", "1000"], ["context", "read"]],
                "AsNoTracking on reads; a fresh context per 1000-row batch.",
            ),
            Fact(
                "export-left",
                "progress",
                [["export"], ["still", "batching", "remaining"]],
                "The export job still uses one context.",
            ),
        ],
        distractors=[Distractor([["0 warning"]], "build output")],
        questions=[
            Question("why did the invoice import get slower and slower?", "change-tracker"),
            Question("how should the importer use DbContext?", "notracking-batches"),
            Question("what still needs the batching fix?", "export-left"),
        ],
    )


def actions_cache() -> Scenario:
    s = Session("actions-cache", "/home/ivo/dev/slate", "ci/cache", "2026-04-23T16:30:00")
    s.user("CI takes 14 minutes on every PR, most of it installing deps. can we cache them?")
    s.read(
        ".github/workflows/ci.yml",
        "jobs:\n  lint: ...\n  test:\n    needs: lint\n  deploy:\n    needs: test\n"
        "    if: startsWith(github.ref, 'refs/tags/')\n",
    )
    s.say(
        "The pipeline has three stages, lint, test and deploy, each waiting for the one before, "
        "and deploy only runs for tags."
    )
    s.edit(
        ".github/workflows/ci.yml",
        "    needs: lint",
        "    needs: lint\n    steps:\n      - uses: actions/cache@v4\n        with:\n"
        "          key: deps-${{ hashFiles('pnpm-lock.yaml') }}",
    )
    s.bash(
        "gh run watch --exit-status",
        "X test  ci.yml  #4412\nCache not found for input keys: deps-7f3a9c\n"
        "Run failed: test (14m 02s)",
        code=1,
    )
    s.say(
        "Why the first run stayed cold: a PR run can restore caches saved on its base branch, "
        "but nothing had ever saved one on main, since the cache step only existed on this "
        "branch. After the merge, main's first run saves it and PRs restore it."
    )
    s.user("makes sense. rule: cache keys always include the lockfile hash, nothing else")
    s.say("Agreed; the key is `deps-` plus the hash of pnpm-lock.yaml and nothing else.")
    return Scenario(
        s,
        "Round 3, second batch, short. Architecture of a pipeline in the present tense, a cache "
        "gotcha after a failed run, a labelled rule from the user; noise: the run output.",
        facts=[
            Fact(
                "pipeline-stages",
                "architecture",
                [["lint"], ["deploy"], ["tags", "stages", "tag"]],
                "Three stages lint, test, deploy; deploy only on tags.",
            ),
            Fact(
                "cache-base-branch",
                "gotcha",
                [["cache", "caches"], ["base branch", "main"]],
                "PRs restore caches saved on the base branch; none existed on main yet.",
            ),
            Fact(
                "cache-key-rule",
                "pattern",
                [["key", "keys"], ["lockfile", "pnpm-lock.yaml", "hash"]],
                "Cache keys include the lockfile hash and nothing else.",
            ),
        ],
        distractors=[Distractor([["14m 02s"]], "run output")],
        questions=[
            Question("what stages does CI have?", "pipeline-stages"),
            Question("why was the dependency cache not found on the PR?", "cache-base-branch"),
            Question("what goes into a cache key?", "cache-key-rule"),
        ],
    )


def terraform_modules() -> Scenario:
    s = Session("tf-modules", "/home/pia/infra/estate", "chore/module-audit", "2026-04-27T09:30:00")
    s.user("audit the terraform modules and tell me what's fragile before we add the eu region")
    s.say("First, I'll inventory the modules and how they depend on each other.")
    s.grep('module "', ["envs/prod/main.tf", "envs/staging/main.tf", "modules/app/main.tf"])
    s.read(
        "modules/app/main.tf",
        'data "terraform_remote_state" "network" {\n  backend = "s3"\n}\n'
        'resource "aws_instance" "web" {\n  count = length(var.hosts)\n}\n',
    )
    s.say("I'd suggest using workspaces for the new region so the code stays the same across envs.")
    s.user("no, we don't use workspaces. every env has its own state bucket and its own folder")
    s.say(
        "Got it, no workspaces.\n\n## Key findings\n\n"
        "- The `network` module is the only place that creates subnets; the app modules read "
        "them from remote state.\n"
        "- `count` over `var.hosts` in modules/app re-creates instances when the list order "
        "changes, because resources are addressed by index; `for_each` keyed by host name "
        "avoids that.\n"
        "- Provider versions are pinned in each env's versions.tf.\n\n"
        "## Next steps\n\n- Convert `aws_instance.web` to `for_each` with a `moved` block\n"
    )
    return Scenario(
        s,
        "Round 3, third batch. Findings under a heading in the assistant's summary (architecture, "
        "a gotcha with its reason in the same item), the user's correction stating a convention, "
        "a next step; noise: a plan step, the assistant's rejected suggestion.",
        facts=[
            Fact(
                "network-only-subnets",
                "architecture",
                [["network"], ["subnets", "remote state"]],
                "Only the network module creates subnets; apps read them from remote state.",
            ),
            Fact(
                "count-reorder",
                "gotcha",
                [["count"], ["for_each", "index", "order", "re-creates"]],
                "count re-creates instances when the list order changes; use for_each.",
            ),
            Fact(
                "state-per-env",
                "pattern",
                [["workspaces", "state bucket", "bucket"], ["env", "every env", "own"]],
                "No workspaces: every env has its own state bucket and folder.",
            ),
            Fact(
                "for-each-next",
                "progress",
                [["for_each"], ["moved", "convert", "aws_instance.web"]],
                "Next: convert aws_instance.web to for_each with a moved block.",
            ),
        ],
        distractors=[Distractor([["inventory the modules"]], "a plan step")],
        questions=[
            Question("which module creates the subnets?", "network-only-subnets"),
            Question("why would instances be re-created when hosts change?", "count-reorder"),
            Question("should we use terraform workspaces for a new region?", "state-per-env"),
            Question("what is the next step for aws_instance.web?", "for-each-next"),
        ],
    )


def jest_esm() -> Scenario:
    s = Session("jest-esm", "/Users/eli/code/hookshot", "chore/esm", "2026-04-28T13:05:00")
    s.user('we flipped package.json to "type": "module" and now npm test explodes')
    s.bash(
        "npm test",
        "SyntaxError: Cannot use import statement outside a module\n    at Runtime."
        "createScriptFromCode (node_modules/jest-runtime/build/index.js:1505:14)",
        code=1,
    )
    s.say(
        "Jest runs test files through its own CommonJS module system. It doesn't load native ESM "
        'unless node is started with `--experimental-vm-modules`, so with `"type": "module"` '
        "every `import` in a test is a syntax error."
    )
    s.user("let's switch the test runner to vitest instead, it handles ESM natively")
    s.edit("package.json", '"test": "jest"', '"test": "vitest run"')
    s.bash(
        "npx tsc --noEmit && npm test",
        "src/server.ts(14,22): error TS6133: 'req' is declared but its value is never read.\n",
        code=2,
    )
    s.say("TS6133 is an unused parameter from before; prefixing it with an underscore.")
    s.bash("npm test", " Test Files  12 passed (12)\n      Tests  88 passed (88)")
    s.user(
        "cool. the platform team owns the shared eslint config, so open a PR there rather than "
        "overriding rules locally if vitest globals trip the linter"
    )
    return Scenario(
        s,
        "Round 3, third batch, short. A Jest/ESM gotcha after a failure (second sentence with a "
        "pronoun subject), a switch decided by the user, ownership by a team; noise: a tsc "
        "diagnostic and its restatement.",
        facts=[
            Fact(
                "jest-esm",
                "gotcha",
                [["jest"], ["esm", "experimental-vm-modules", "commonjs"]],
                "Jest doesn't load native ESM without --experimental-vm-modules.",
            ),
            Fact(
                "vitest",
                "decision",
                [["vitest"], ["jest", "esm", "runner"]],
                "Switch the test runner to vitest (native ESM).",
            ),
            Fact(
                "platform-eslint",
                "coordination",
                [["platform team"], ["eslint"]],
                "The platform team owns the shared eslint config: PR there.",
            ),
        ],
        distractors=[Distractor([["ts6133", "never read"]], "a tsc diagnostic")],
        questions=[
            Question("why does jest fail with cannot use import statement?", "jest-esm"),
            Question("which test runner do we use?", "vitest"),
            Question("who owns the eslint config?", "platform-eslint"),
        ],
    )


def plugin_protocol() -> Scenario:
    s = Session(
        "plugin-protocol", "/home/ada/src/ledgerline", "feat/exporters", "2026-04-29T10:40:00"
    )
    s.user("how do exporter plugins hook in? I want to add a parquet exporter")
    s.task(
        "Map the plugin system",
        "Find how exporter plugins are defined, discovered and loaded. Report files and flow.",
        "## Report\n\n- Discovery: entry points group `ledgerline.exporters` (pyproject.toml)\n"
        "- Base: `plugins/base.py` defines `Exporter(Protocol)` with `export(rows, target)`\n"
        "- Loader: `core/registry.py` calls `isinstance(obj, Exporter)`\n\nDone in 14 tool calls.",
    )
    s.say(
        "The explore agent's report, in short: plugins are found through the "
        "`ledgerline.exporters` entry-point group and checked against the `Exporter` protocol. "
        "So the plugin API is the `Exporter` protocol in plugins/base.py, and plugins never "
        "import from `core`; the registry is the only code that loads them."
    )
    s.write(
        "plugins/parquet.py",
        "class ParquetExporter:\n    def export(self, rows):\n        ...\n",
    )
    s.bash(
        "pytest -q tests/plugins",
        "F..\nE   TypeError: ParquetExporter.export() takes 2 positional arguments but 3 were "
        "given\n1 failed, 2 passed in 0.33s",
        code=1,
    )
    s.say(
        "The registry accepted the exporter and it failed only when called. An `isinstance` "
        "check against a `runtime_checkable` Protocol looks at method names only, not their "
        "signatures, so a plugin with the wrong arguments passes registration."
    )
    s.edit(
        "plugins/parquet.py",
        "    def export(self, rows):",
        "    def export(self, rows, target):",
    )
    s.bash("pytest -q tests/plugins", "...\n3 passed in 0.29s")
    s.user("TIL. ok")
    s.say(
        "The parquet exporter is registered and tested. Still to do: the CSV exporter hasn't "
        "been ported to the protocol yet and still subclasses the old `BaseExporter`."
    )
    return Scenario(
        s,
        "Round 3, third batch. A subagent report relayed by the assistant, the architecture it "
        "concludes (present tense, 'never', 'the only code'), a Protocol gotcha from a failure, "
        "remaining work; noise: the report's listing, 'TIL. ok'.",
        facts=[
            Fact(
                "exporter-protocol",
                "architecture",
                [["exporter"], ["protocol", "entry-point", "entry point", "registry"]],
                "Plugins implement the Exporter protocol; the registry alone loads them.",
            ),
            Fact(
                "runtime-checkable",
                "gotcha",
                [
                    ["runtime_checkable", "isinstance", "protocol"],
                    ["signatures", "names only", "method names"],
                ],
                "isinstance on a runtime_checkable Protocol checks names, not signatures.",
            ),
            Fact(
                "csv-exporter-left",
                "progress",
                [["csv"], ["ported", "still", "baseexporter"]],
                "The CSV exporter still subclasses BaseExporter.",
            ),
        ],
        distractors=[Distractor([["14 tool calls"]], "the subagent report's footer")],
        questions=[
            Question("how do exporter plugins get loaded?", "exporter-protocol"),
            Question(
                "why did a plugin with the wrong signature pass registration?", "runtime-checkable"
            ),
            Question("which exporters are not on the protocol yet?", "csv-exporter-left"),
        ],
    )


def pg_add_column() -> Scenario:
    s = Session(
        "pg-add-column", "/home/ravi/src/billing", "feat/invoice-region", "2026-04-30T07:45:00"
    )
    s.user(
        "the deploy yesterday locked the invoices table for 6 minutes and checkout timed out. the "
        "migration was just adding a column"
    )
    s.read(
        "migrations/0088_invoice_region.sql",
        "ALTER TABLE invoices ADD COLUMN region text NOT NULL DEFAULT region_for(country);\n",
    )
    s.say(
        "What bit us: `ADD COLUMN` with a volatile default (`region_for(country)` is a function "
        "call) makes Postgres rewrite the whole table while holding an ACCESS EXCLUSIVE lock. A "
        "constant default would have been instant, since Postgres 11 stores it in the catalog."
    )
    s.say(
        "We'll add the column as nullable with no default, backfill it in batches of 10k, and "
        "only then add the NOT NULL constraint. Each step holds its lock for milliseconds."
    )
    s.user("yes. and ping Dmitri before running anything on the payments db")
    s.read(
        "migrations/README.md",
        "Each file runs in its own transaction.\n",
    )
    s.say(
        "Migrations in this repo run one transaction per file, so a failed backfill rolls back "
        "only its own file; I've split the change into three files."
    )
    return Scenario(
        s,
        "Round 3, third batch. A 'What bit us:' gotcha, a plan the assistant commits to in 'we'll' "
        "with its reason after, a convention of the repo stated in passing, a person to ask.",
        facts=[
            Fact(
                "volatile-default",
                "gotcha",
                [["default"], ["rewrite", "rewrites", "access exclusive", "volatile", "lock"]],
                "ADD COLUMN with a volatile default rewrites the table under an exclusive lock.",
            ),
            Fact(
                "nullable-backfill",
                "decision",
                [["nullable", "backfill"], ["batches", "not null", "constraint"]],
                "Add nullable, backfill in batches, then NOT NULL.",
            ),
            Fact(
                "txn-per-file",
                "pattern",
                [["transaction"], ["file", "per file"]],
                "Migrations run one transaction per file.",
            ),
            Fact(
                "dmitri-payments",
                "coordination",
                [["dmitri"], ["payments"]],
                "Ping Dmitri before running anything on the payments db.",
            ),
        ],
        questions=[
            Question("why did adding a column lock the invoices table?", "volatile-default"),
            Question("how do we add a NOT NULL column to a big table?", "nullable-backfill"),
            Question("do migrations run in one transaction?", "txn-per-file"),
            Question("who to ask before touching the payments database?", "dmitri-payments"),
        ],
    )


def sdk_retries() -> Scenario:
    s = Session("sdk-retries", "/home/nia/src/till", "fix/double-charge", "2026-05-04T11:00:00")
    s.user(
        "two customers were charged twice on friday. make it consistent with how the refunds "
        "code does it"
    )
    s.read(
        "till/payments/client.py",
        "from stripe_lite import HttpClient\n\nclient = HttpClient(max_retries=3)\n",
    )
    s.say(
        "The payments module builds its requests on `stripe_lite.HttpClient`. This client "
        "retries every request up to 3 times on a 5xx or a timeout, POSTs included, so a charge "
        "that timed out after the provider accepted it is sent again."
    )
    s.say(
        "Refunds already pass an `Idempotency-Key` header built from the refund id, which makes "
        "a retried POST harmless. I'll do the same for charges, with the order id as the key."
    )
    s.edit(
        "till/payments/charge.py",
        "    return client.post('/charges', json=body)",
        "    return client.post('/charges', json=body, headers={'Idempotency-Key': order.id})",
    )
    s.bash("pytest -q tests/payments", "........\n8 passed in 0.77s")
    s.user(
        "good. every POST to a payment provider carries an Idempotency-Key derived from our own "
        "id. that's our convention, write it down"
    )
    s.say("Progress: charges and refunds send idempotency keys; payouts are not done yet.")
    return Scenario(
        s,
        "Round 3, fourth batch. A gotcha whose sentence starts 'This client', a choice following "
        "an existing practice, a convention stated then labelled 'that's our convention', a "
        "progress label; noise: the user's 'make it consistent' instruction.",
        facts=[
            Fact(
                "client-retries-posts",
                "gotcha",
                [["retries", "retry"], ["post", "posts", "charge"]],
                "HttpClient retries POSTs on 5xx/timeouts: a charge can be sent twice.",
            ),
            Fact(
                "idempotency-convention",
                "pattern",
                [["idempotency-key", "idempotency"], ["post", "every post", "provider"]],
                "Every POST to a payment provider carries an Idempotency-Key from our id.",
            ),
            Fact(
                "payouts-left",
                "progress",
                [["payouts"], ["not done", "yet", "remain"]],
                "Payouts don't send idempotency keys yet.",
            ),
        ],
        distractors=[Distractor([["consistent with how"]], "the user's task instruction")],
        questions=[
            Question("why were customers charged twice?", "client-retries-posts"),
            Question("what header must payment POSTs send?", "idempotency-convention"),
            Question("which payment calls still lack idempotency keys?", "payouts-left"),
        ],
    )


def go_config_layers() -> Scenario:
    s = Session("go-config", "/home/ken/go/src/relay", "feat/config-file", "2026-05-05T15:20:00")
    s.user("add a config file next to the flags. keep the flags working")
    s.read(
        "cmd/relay/main.go",
        'flag.StringVar(&cfg.Addr, "addr", ":8080", "listen address")\nflag.Parse()\n',
    )
    s.say(
        "Decision: flags override the config file, and the config file overrides the built-in "
        "defaults. That's the order kubectl and most Go tools use, so nobody is surprised."
    )
    s.say(
        "Architecture noted: config is loaded once in `cmd/relay`, and every package receives a "
        "`Config` value; no package reads the environment or the file itself."
    )
    s.write("internal/config/load.go", "func Load(path string, fs *flag.FlagSet) (Config, error)\n")
    s.bash(
        "go test ./...",
        '--- FAIL: TestFlagsWin (0.00s)\n    load_test.go:31: addr = ":8080", want ":9090"\nFAIL',
        code=1,
    )
    s.say(
        "`flag.Parse` leaves defaults in place for flags that were not given, so after parsing "
        "every flag looks set. To let only the flags the user typed win, `Load` walks "
        "`fs.Visit`, which visits only the flags that were actually set."
    )
    s.bash("go test ./...", "ok  \trelay/internal/config\t0.012s")
    s.say("Now let's move on to step 2: documenting the file format.")
    return Scenario(
        s,
        "Round 3, fourth batch. A labelled decision with its reason in the next sentence (a "
        "'That's' subject), a labelled architecture line, a Go flag gotcha after a failing test; "
        "noise: a plan step, the user's instruction.",
        facts=[
            Fact(
                "flags-win",
                "decision",
                [["flags", "flag"], ["override", "overrides", "config file"]],
                "Flags override the config file, which overrides defaults.",
            ),
            Fact(
                "config-once",
                "architecture",
                [["config"], ["cmd/relay", "once", "every package"]],
                "Config is loaded once in cmd/relay; packages receive a Config value.",
            ),
            Fact(
                "flag-visit",
                "gotcha",
                [["flag.parse", "fs.visit", "visit", "defaults"], ["set", "given", "typed"]],
                "flag.Parse leaves defaults, so use fs.Visit to see only set flags.",
            ),
        ],
        distractors=[
            Distractor([["step 2"]], "a plan step"),
            Distractor([["keep the flags working"]], "the user's instruction"),
        ],
        questions=[
            Question("which wins, a flag or the config file?", "flags-win"),
            Question("where is the config loaded?", "config-once"),
            Question("how do I know which flags the user actually set?", "flag-visit"),
        ],
    )


def celery_beat_tz() -> Scenario:
    s = Session("beat-timezone", "/home/ola/src/rota", "fix/report-hour", "2026-05-06T08:10:00")
    s.user("the daily report arrives at 9 instead of 8 since the clocks changed")
    s.read("rota/celery.py", "app.conf.timezone = 'UTC'\napp.conf.enable_utc = True\n")
    s.say(
        "Celery beat evaluates `crontab(hour=8)` in `app.conf.timezone`, which is UTC here, so "
        "the report follows UTC and moves by an hour against Oslo time whenever daylight saving "
        "starts or ends."
    )
    s.user("right, set the timezone to Europe/Oslo. all schedules are meant in Oslo time")
    s.edit("rota/celery.py", "app.conf.timezone = 'UTC'", "app.conf.timezone = 'Europe/Oslo'")
    s.bash("pytest -q tests/test_schedule.py", "...\n3 passed in 0.40s")
    s.say("Done. The beat schedule now runs in Europe/Oslo.")
    return Scenario(
        s,
        "Round 3, fourth batch, short. A scheduler gotcha after a reported symptom, a user's "
        "decision and the convention behind it in one message.",
        facts=[
            Fact(
                "beat-utc",
                "gotcha",
                [["crontab", "beat", "celery"], ["utc", "timezone", "daylight"]],
                "Beat evaluates crontab in app.conf.timezone (UTC): reports move with DST.",
            ),
            Fact(
                "oslo-time",
                "pattern",
                [["oslo", "europe/oslo"], ["schedules", "schedule", "timezone"]],
                "All schedules are meant in Oslo time.",
            ),
        ],
        questions=[
            Question("why does the daily report arrive an hour late?", "beat-utc"),
            Question("which timezone are schedules in?", "oslo-time"),
        ],
    )


def flask_naive_datetimes() -> Scenario:
    s = Session("flask-tz", "/home/zoe/src/clinic", "fix/appointment-times", "2026-05-11T09:00:00")
    s.user(
        "appointment times shown to patients are off by one or two hours depending on the "
        "season. we always store UTC in the database, that part should be fine"
    )
    for n in range(1, 9):
        s.bash(
            f"sed -n 1,80p clinic/models/part{n}.py",
            "".join(
                f"class Model{n}{k}(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n"
                f"    created = db.Column(db.DateTime)\n    note = db.Column(db.String(200))\n\n"
                for k in range(12)
            ),
        )
    s.say(
        "The model columns are declared as `db.Column(db.DateTime)` without `timezone=True`. "
        "SQLAlchemy maps that to `timestamp without time zone` on Postgres, and the driver "
        "hands back naive datetimes, so the view code treats UTC values as local time."
    )
    s.bash(
        "pytest -q tests/test_appointments.py",
        "F.\nE   AssertionError: '09:30' != '10:30'\n1 failed, 1 passed in 0.9s",
        code=1,
    )
    for n in range(1, 7):
        s.edit(
            f"clinic/models/part{n}.py",
            "    created = db.Column(db.DateTime)",
            "    created = db.Column(db.DateTime(timezone=True))",
        )
    s.bash(
        "flask db migrate -m 'timestamptz' && pytest -q",
        "Generating migrations/versions/7c1_timestamptz.py ... done\n.........................\n"
        "25 passed in 3.3s",
    )
    s.user("and the templates?")
    s.say(
        "As noted above, a `DateTime` column without `timezone=True` returns naive datetimes; "
        "with the migration the columns are `timestamptz` and come back aware. The templates "
        "format through `local_time()` in clinic/filters.py, which converts to the clinic's "
        "zone, so they needed no change."
    )
    s.say(
        "Progress: models and migration are done and the appointment tests pass; the reminder "
        "emails still format times with `strftime` on the raw value and need `local_time()` too."
    )
    return Scenario(
        s,
        "Round 3, fifth batch. A long session (several chunks of tool output) where a gotcha is "
        "explained once and restated later, a storage convention from the user, where times are "
        "formatted, remaining work.",
        facts=[
            Fact(
                "naive-datetime-column",
                "gotcha",
                [["timezone=true", "timestamptz", "without time zone"], ["naive"]],
                "DateTime without timezone=True comes back naive from Postgres.",
            ),
            Fact(
                "utc-in-db",
                "pattern",
                [["utc"], ["database", "db", "store"]],
                "We always store UTC in the database.",
            ),
            Fact(
                "local-time-filter",
                "architecture",
                [["local_time", "local_time()"], ["templates", "filters.py", "zone"]],
                "Templates format times through local_time() in clinic/filters.py.",
            ),
            Fact(
                "reminder-emails-left",
                "progress",
                [["reminder"], ["strftime", "still", "need"]],
                "Reminder emails still format raw times.",
            ),
        ],
        questions=[
            Question("why are appointment times off by an hour?", "naive-datetime-column"),
            Question("what timezone does the database store?", "utc-in-db"),
            Question("how do templates show local times?", "local-time-filter"),
            Question("what still shows the wrong appointment time?", "reminder-emails-left"),
        ],
    )


def wasm_bindgen_strings() -> Scenario:
    s = Session("wasm-strings", "/Users/ren/code/glyph", "perf/wasm", "2026-05-12T17:25:00")
    s.user("the wasm text layout is 5x slower than the JS version on long documents")
    s.read(
        "src/lib.rs",
        "#[wasm_bindgen]\npub fn measure(text: String) -> f64 {\n    layout(&text)\n}\n",
    )
    s.say(
        "Pitfall: every call across the wasm boundary with a `String` copies the text and "
        "re-encodes it from UTF-16 to UTF-8, so measuring a long document line by line copies "
        "the whole line each time."
    )
    s.user(
        "ok. rule for the wasm crate then: never pass strings across the boundary in a loop, "
        "pass the document once and index into it"
    )
    s.edit(
        "src/lib.rs",
        "pub fn measure(text: String) -> f64 {",
        "pub fn load(text: String) { DOC.with(|d| *d.borrow_mut() = text) }\n"
        "pub fn measure(start: usize, end: usize) -> f64 {",
    )
    s.bash(
        "wasm-pack test --headless --firefox",
        "test result: ok. 9 passed; 0 failed\n\nbench: layout_long_doc ... 41 ms (was 212 ms)",
    )
    s.say("Layout of the long document is down from 212 ms to 41 ms.")
    return Scenario(
        s,
        "Round 3, fifth batch, short. A labelled 'Pitfall:' from the assistant and the user's rule "
        "that restates it as a convention (a gotcha and a pattern about one behaviour).",
        facts=[
            Fact(
                "string-copy",
                "gotcha",
                [["string", "strings"], ["copies", "copy", "utf-16", "re-encodes"]],
                "A String across the wasm boundary is copied and re-encoded on every call.",
            ),
            Fact(
                "no-strings-in-loop",
                "pattern",
                [["never", "once"], ["boundary", "loop", "document"]],
                "Never pass strings across the boundary in a loop; pass the document once.",
            ),
        ],
        questions=[
            Question("why is the wasm layout slow on long documents?", "string-copy"),
            Question("how should text be passed to the wasm crate?", "no-strings-in-loop"),
        ],
    )


BUILDERS: tuple[Callable[[], Scenario], ...] = (
    celery_to_rq,
    harbor_timestamps,
    web_monorepo,
    payments_retry,
    rust_config,
    django_backfill,
    flaky_e2e,
    auth_architecture,
    pandas_report,
    release_handoff,
    staging_crashloop,
    ios_deeplinks,
    go_json_pool,
    bf16_nan,
    rails_dashboard,
    terraform_lock,
    locale_dates,
    fastapi_ratelimit,
    go_outbox_worker,
    kotlin_moshi_r8,
    rust_thiserror,
    monorepo_outline,
    sidekiq_retries,
    flyway_versions,
    phoenix_presence,
    pandas_decimal,
    helm_probes,
    swift_keychain,
    django_on_commit,
    vue_pinia_refs,
    efcore_tracking,
    actions_cache,
    terraform_modules,
    jest_esm,
    plugin_protocol,
    pg_add_column,
    sdk_retries,
    go_config_layers,
    celery_beat_tz,
    flask_naive_datetimes,
    wasm_bindgen_strings,
)
LATE = frozenset(
    {
        "staging-crashloop",
        "ios-deeplinks",
        "go-json-pool",
        "bf16-nan",
        "rails-dashboard",
        "terraform-lock",
        "locale-dates",
    }
)
"""Written after the first version of the extractor, to see how it did on phrasing it was not
built from (it captured 5 of their 14 facts on the first run; the misses led to general cues)."""
ROUND3 = frozenset(
    {
        "fastapi-ratelimit",
        "go-outbox",
        "kotlin-moshi",
        "rust-errors",
        "pnpm-tsbuild",
        "sidekiq-retries",
        "flyway-order",
        "phoenix-presence",
        "pandas-decimal",
        "helm-probes",
        "swift-keychain",
        "django-on-commit",
        "vue-pinia",
        "efcore-import",
        "actions-cache",
        "tf-modules",
        "jest-esm",
        "plugin-protocol",
        "pg-add-column",
        "sdk-retries",
        "go-config",
        "beat-timezone",
        "flask-tz",
        "wasm-strings",
    }
)
"""Written for the held-out protocol (the tuned half), with their labels committed before the
extractor ran on them; their first-run figures are in README.md. The held-out half lives in
``heldout.py``, written by someone else, and is run only to report."""


def scenario_entry(scenario: Scenario, file: str) -> dict[str, Any]:
    """The labels of one written scenario, as labels.json and heldout-labels.json keep them."""
    return {
        "name": scenario.session.slug,
        "file": file,
        "description": scenario.description,
        "facts": [asdict(f) for f in scenario.facts],
        "distractors": [asdict(d) for d in scenario.distractors],
        "questions": [asdict(q) for q in scenario.questions],
    }


def write_labels(path: Path, about: str, scenarios: list[dict[str, Any]]) -> dict[str, Any]:
    labels: dict[str, Any] = {"about": about, "scenarios": scenarios}
    path.write_text(json.dumps(labels, indent=2) + "\n", encoding="utf-8")
    return labels


def build(folder: Path = SCENARIOS) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    scenarios = []
    for make in BUILDERS:
        scenario = make()
        path = scenario.session.save(folder)
        entry = scenario_entry(scenario, f"scenarios/{path.name}")
        entry["acceptable"] = [asdict(a) for a in scenario.acceptable]
        entry["written_after_extractor"] = scenario.session.slug in LATE | ROUND3
        entry["round"] = 3 if scenario.session.slug in ROUND3 else None
        scenarios.append(entry)
    about = (
        "Planted facts per scenario: a fact is captured when one observation's title or body "
        "contains a term of every group (case-insensitive, whole words). Distractors must not "
        "be captured. Each question should find the observation capturing its fact."
    )
    return write_labels(HERE / "labels.json", about, scenarios)


def main() -> int:
    labels = build()
    scenarios = labels["scenarios"]
    assert isinstance(scenarios, list)
    facts = sum(len(s["facts"]) for s in scenarios)
    print(f"wrote {len(scenarios)} scenarios with {facts} planted facts to {SCENARIOS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
