"""The held-out eval sessions: written by a different author than the offline extractor, with
their labels, before either was run on them. They are run to report, never to tune.

    python bench/eval/heldout.py      # rewrites bench/eval/heldout/*.jsonl, heldout-labels.json

Same authoring format and label schema as build_scenarios.py. Ten sessions across stacks
(TypeScript, Kotlin, Elixir, Terraform, Rust, React Native, Go, Rails, Spring, Swift), of mixed
length, with facts stated by the assistant more often than by the user, and with the noise real
sessions carry: task instructions, plan steps, compiler warnings, pasted outlines, hedges.
"""

# ruff: noqa: E501  (tool output and file listings are kept as a session shows them)

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_scenarios import Distractor, Fact, Question, Scenario, scenario_entry, write_labels
from builder import Session

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "heldout"


# --- 1. prisma behind pgbouncer --------------------------------------------------------------------


def prisma_pgbouncer() -> Scenario:
    s = Session(
        "prisma-pgbouncer",
        "/home/lea/src/ledgerly-api",
        "fix/pool-errors",
        "2026-05-11T08:02:00",
    )
    s.user(
        'prod API started throwing `prepared statement "s0" already exists` after ops put '
        "pgbouncer in front of postgres last night. can you figure out what's going on? keep the "
        "diff small please, we want to ship a fix today"
    )
    s.say("Let me look at how the Prisma client is configured and what the errors look like.")
    s.read(
        "src/db.ts",
        "import { PrismaClient } from '@prisma/client'\n\n"
        "export const db = new PrismaClient({\n  datasources: { db: { url: process.env.DATABASE_URL } },\n})\n",
    )
    s.bash(
        "grep -c 'prepared statement' logs/api-2026-05-11.log",
        "1843",
    )
    s.read(
        "prisma/schema.prisma",
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n',
    )
    s.say(
        "Found it. PgBouncer runs in transaction pooling mode here, which hands each transaction "
        "to whatever server connection is free. Prisma uses named prepared statements, and those "
        "live on one server connection, so the next transaction lands on a connection that "
        "already has `s0` and Postgres refuses it. With PgBouncer in transaction mode the Prisma "
        "connection string must carry `pgbouncer=true`, which turns named prepared statements off."
    )
    s.edit(
        ".env.production",
        "DATABASE_URL=postgres://api@pgbouncer:6432/ledgerly",
        "DATABASE_URL=postgres://api@pgbouncer:6432/ledgerly?pgbouncer=true",
    )
    s.bash(
        "npx prisma migrate deploy",
        "Error: P1017: Server has closed the connection.",
        code=1,
    )
    s.say(
        "Migrations can't go through the pooler: they need a session-level advisory lock, and "
        "transaction pooling drops it between statements. Decision: the app talks to PgBouncer "
        "in transaction mode, while `prisma migrate` uses a direct connection to Postgres "
        "through `directUrl` (DIRECT_URL), because migrations need session features the pooler "
        "cannot give."
    )
    s.edit(
        "prisma/schema.prisma",
        '  url      = env("DATABASE_URL")\n',
        '  url       = env("DATABASE_URL")\n  directUrl = env("DIRECT_URL")\n',
    )
    s.bash("npx prisma migrate deploy", "No pending migrations to apply.")
    s.bash(
        "npm test -- --silent",
        "Tests:       212 passed, 212 total\nTime:        41.2 s",
    )
    s.user("should we also bump the pool size while we're at it? not sure")
    s.say(
        "We could, but I'd leave it: nothing points at pool exhaustion. The fix is in: "
        "`pgbouncer=true` on DATABASE_URL and a DIRECT_URL for migrations."
    )
    return Scenario(
        s,
        "Prisma behind PgBouncer: the prepared-statement gotcha, the direct-URL decision for "
        "migrations, a task instruction and a hedge that must not become memory.",
        facts=[
            Fact(
                "pgbouncer-flag",
                "gotcha",
                [["pgbouncer", "pooling"], ["prepared", "pgbouncer=true"]],
                "Prisma behind PgBouncer transaction mode needs pgbouncer=true (prepared statements).",
            ),
            Fact(
                "direct-url",
                "decision",
                [
                    ["migrate", "migrations"],
                    ["directurl", "direct_url", "direct connection"],
                ],
                "App goes through PgBouncer; prisma migrate uses DIRECT_URL directly.",
            ),
        ],
        distractors=[
            Distractor([["diff small"]], "the user's task instruction"),
            Distractor([["pool size"]], "a hedge about the pool size"),
        ],
        questions=[
            Question("prepared statement s0 already exists", "pgbouncer-flag"),
            Question("why does prisma migrate use a different database url?", "direct-url"),
        ],
    )


# --- 2. android release build drops moshi adapters --------------------------------------------------


def android_moshi_r8() -> Scenario:
    s = Session(
        "android-moshi-r8",
        "/Users/tomasz/dev/trailmix-android",
        "main",
        "2026-06-02T13:30:00",
    )
    s.user(
        "release build crashes on launch, debug is fine. stack trace from play console:\n"
        "java.lang.IllegalArgumentException: Unable to create converter for class "
        "com.trailmix.api.RouteDto\n    at retrofit2.Utils.methodError(Utils.java:54)"
    )
    s.bash(
        "./gradlew :app:assembleRelease",
        "w: /app/src/main/java/com/trailmix/ui/MapScreen.kt: (88, 13): Variable 'zoom' is never "
        "used\nw: /app/src/main/java/com/trailmix/ui/Feed.kt: (12, 5): Parameter 'ctx' is never "
        "used\nBUILD SUCCESSFUL in 2m 11s",
    )
    s.read(
        "app/src/main/java/com/trailmix/api/RouteDto.kt",
        "package com.trailmix.api\n\ndata class RouteDto(\n    val id: String,\n"
        "    val distanceMeters: Int,\n)\n",
    )
    s.read(
        "app/src/main/java/com/trailmix/api/UserDto.kt",
        "package com.trailmix.api\n\nimport com.squareup.moshi.JsonClass\n\n"
        "@JsonClass(generateAdapter = true)\ndata class UserDto(val id: String, val name: String)\n",
    )
    s.say(
        "RouteDto has no `@JsonClass(generateAdapter = true)`, so Moshi falls back to reflection, "
        "and R8 in the release build strips the Kotlin metadata that reflection needs. That is "
        "why only release crashes. The other DTOs already use codegen."
    )
    s.edit(
        "app/src/main/java/com/trailmix/api/RouteDto.kt",
        "data class RouteDto(",
        "@JsonClass(generateAdapter = true)\ndata class RouteDto(",
    )
    s.bash("./gradlew :app:assembleRelease && adb install -r app-release.apk", "Success")
    s.user(
        "ok that fixed it. every DTO in api/ should have that annotation then, right? add a lint "
        "check or something so nobody forgets"
    )
    s.say(
        "Yes. In this codebase every DTO under `com.trailmix.api` is annotated with "
        "`@JsonClass(generateAdapter = true)`: Moshi codegen adapters survive R8, reflection does "
        "not. I'll add a unit test that scans the package and fails on a DTO without it."
    )
    s.write(
        "app/src/test/java/com/trailmix/api/DtoAnnotationTest.kt",
        "class DtoAnnotationTest {\n    @Test fun everyDtoUsesCodegen() { /* ... */ }\n}\n",
    )
    s.bash(
        "./gradlew :app:testReleaseUnitTest",
        "BUILD SUCCESSFUL in 48s\n37 tests completed",
    )
    return Scenario(
        s,
        "Android release crash: Moshi reflection stripped by R8, the DTO annotation convention, "
        "Kotlin compiler warnings that must not become memory.",
        facts=[
            Fact(
                "r8-moshi",
                "gotcha",
                [["r8", "release", "proguard"], ["moshi", "reflection", "jsonclass"]],
                "R8 strips what Moshi reflection needs: release-only converter crash.",
            ),
            Fact(
                "dto-codegen",
                "pattern",
                [["dto", "dtos"], ["jsonclass", "generateadapter", "codegen"]],
                "Every DTO in com.trailmix.api uses @JsonClass(generateAdapter = true).",
            ),
        ],
        distractors=[
            Distractor([["never used"]], "Kotlin compiler warnings in the build output"),
        ],
        questions=[
            Question("release build crash unable to create converter", "r8-moshi"),
            Question("how should API DTO classes be declared?", "dto-codegen"),
        ],
    )


# --- 3. phoenix liveview and billing ---------------------------------------------------------------


def phoenix_billing() -> Scenario:
    s = Session(
        "phoenix-billing",
        "/home/ana/work/quayside",
        "feat/invoice-live",
        "2026-04-20T10:00:00",
    )
    s.user(
        "I want the invoice page to update live when a payment lands. Before you start: we moved "
        "the nightly dunning job from Quantum to Oban last month, because Quantum jobs vanish "
        "when a node restarts mid-run and Oban keeps them in postgres. so use Oban for anything "
        "scheduled."
    )
    s.say("Understood. Let me see how the invoice LiveView gets its data today.")
    s.read(
        "lib/quayside_web/live/invoice_live.ex",
        "defmodule QuaysideWeb.InvoiceLive do\n  use QuaysideWeb, :live_view\n\n"
        '  def mount(%{"id" => id}, _session, socket) do\n'
        "    {:ok, assign(socket, invoice: Quayside.Billing.get_invoice!(id))}\n  end\nend\n",
    )
    s.grep(
        "Phoenix.PubSub.broadcast",
        ["lib/quayside/billing.ex", "lib/quayside/accounts.ex"],
    )
    s.read(
        "lib/quayside/billing.ex",
        "def record_payment(invoice, attrs) do\n  with {:ok, payment} <- insert_payment(invoice, attrs) do\n"
        '    Phoenix.PubSub.broadcast(Quayside.PubSub, "billing:#{invoice.account_id}", '
        "{:payment, payment})\n    {:ok, payment}\n  end\nend\n",
    )
    s.say(
        "Architecture note: LiveViews never call into the Billing context to poll for changes; "
        "Billing broadcasts on the `billing:<account_id>` PubSub topic and the LiveView "
        "subscribes in `mount/3` when the socket is connected. I'll follow that."
    )
    s.edit(
        "lib/quayside_web/live/invoice_live.ex",
        "    {:ok, assign(socket, invoice: Quayside.Billing.get_invoice!(id))}",
        "    invoice = Quayside.Billing.get_invoice!(id)\n"
        "    if connected?(socket), do: Phoenix.PubSub.subscribe(Quayside.PubSub, "
        '"billing:#{invoice.account_id}")\n    {:ok, assign(socket, invoice: invoice)}',
    )
    s.bash(
        "mix test test/quayside_web/live",
        "......\nFinished in 1.9 seconds\n6 tests, 0 failures",
    )
    s.user("nice. do you think we should use Broadway for the webhook intake too? just thinking")
    s.say(
        "Maybe later; for now the webhook volume is small. The invoice page now updates live on "
        "`{:payment, payment}` messages."
    )
    return Scenario(
        s,
        "Phoenix LiveView invoice updates: a user-stated scheduling decision with its reason, an "
        "assistant-stated architecture note, and a hedge about Broadway.",
        facts=[
            Fact(
                "oban-not-quantum",
                "decision",
                [["oban"], ["quantum", "scheduled", "dunning"]],
                "Scheduled jobs use Oban, not Quantum: jobs survive node restarts.",
            ),
            Fact(
                "pubsub-billing",
                "architecture",
                [["liveview", "liveviews"], ["pubsub", "broadcast", "billing:"]],
                "LiveViews subscribe to billing:<account_id>; they never poll Billing.",
            ),
        ],
        distractors=[Distractor([["broadway"]], "a hedge about Broadway")],
        questions=[
            Question("which library runs our scheduled jobs and why?", "oban-not-quantum"),
            Question("how does a LiveView learn about new payments?", "pubsub-billing"),
        ],
    )


# --- 4. terraform iam policy wipes bindings -------------------------------------------------------------


def terraform_iam() -> Scenario:
    s = Session("terraform-iam", "/home/ci/infra-gcp", "chore/ci-sa", "2026-07-08T15:40:00")
    s.user(
        "give the new ci service account roles/artifactregistry.writer in the prod project. "
        "heads up, Priya is rotating all the service account keys this week, so don't touch "
        "modules/iam/keys.tf until her PR is merged."
    )
    s.read(
        "envs/prod/iam.tf",
        'resource "google_project_iam_policy" "prod" {\n  project     = var.project\n'
        "  policy_data = data.google_iam_policy.prod.policy_data\n}\n",
    )
    s.bash(
        "terraform plan -target=google_project_iam_policy.prod",
        "  # google_project_iam_policy.prod will be updated in-place\n"
        '      - members = [\n          - "serviceAccount:gke-nodes@prod.iam.gserviceaccount.com",\n'
        '          - "user:oncall@quayside.dev",\n        ]\nPlan: 0 to add, 1 to change, 0 to destroy.',
    )
    s.say(
        "Careful: this plan would remove the GKE node account and the on-call user. "
        "`google_project_iam_policy` is authoritative for the whole project: it replaces every "
        "binding not listed in the policy, including ones made outside Terraform. For a single "
        "grant we should use `google_project_iam_member`, which only adds one member to one role."
    )
    s.write(
        "envs/prod/ci.tf",
        'resource "google_project_iam_member" "ci_writer" {\n  project = var.project\n'
        '  role    = "roles/artifactregistry.writer"\n'
        '  member  = "serviceAccount:ci@prod.iam.gserviceaccount.com"\n}\n',
    )
    s.bash(
        "terraform plan -target=google_project_iam_member.ci_writer",
        "Plan: 1 to add, 0 to change, 0 to destroy.",
    )
    s.say("Now let's move on to the next step: applying it.")
    s.bash(
        "terraform apply -auto-approve -target=google_project_iam_member.ci_writer",
        "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.",
    )
    s.say(
        "Done: the CI account can push to Artifact Registry. Still to do: the staging project "
        "has the same authoritative `google_project_iam_policy`; it should be converted to "
        "per-member grants before anyone adds a binding there."
    )
    return Scenario(
        s,
        "A GCP IAM grant: the authoritative-policy gotcha, a coordination note from the user, "
        "remaining work, and a plan step that must not become memory.",
        facts=[
            Fact(
                "iam-authoritative",
                "gotcha",
                [
                    ["google_project_iam_policy", "iam_policy"],
                    ["authoritative", "replaces", "removes", "remove"],
                ],
                "google_project_iam_policy is authoritative; use google_project_iam_member.",
            ),
            Fact(
                "priya-keys",
                "coordination",
                [["priya"], ["keys", "keys.tf", "rotating", "rotation"]],
                "Priya rotates service account keys: don't touch modules/iam/keys.tf.",
            ),
            Fact(
                "staging-iam",
                "progress",
                [
                    ["staging"],
                    [
                        "google_project_iam_policy",
                        "per-member",
                        "iam_member",
                        "converted",
                    ],
                ],
                "Staging still uses the authoritative policy; convert to per-member grants.",
            ),
        ],
        distractors=[Distractor([["next step"]], "a plan step")],
        questions=[
            Question(
                "terraform plan removes the gke nodes service account binding",
                "iam-authoritative",
            ),
            Question("who is working on the service account keys?", "priya-keys"),
            Question("what is left on the IAM cleanup?", "staging-iam"),
        ],
    )


# --- 5. tokio runtime starved by blocking calls ------------------------------------------------------


def tokio_blocking() -> Scenario:
    s = Session(
        "tokio-blocking",
        "/home/dev/code/shipyard",
        "perf/ingest",
        "2026-08-19T09:12:00",
    )
    s.user(
        "the ingest service p99 jumps to 4s whenever a big manifest arrives, even for tiny "
        "requests. it's axum on tokio. can you look?"
    )
    s.read(
        "src/ingest.rs",
        "pub async fn ingest(Json(req): Json<Manifest>) -> Result<StatusCode, AppError> {\n"
        "    let raw = std::fs::read(&req.path)?;\n    let parsed = parse_manifest(&raw)?;  "
        "// ~800ms for big files\n    store(parsed).await?;\n    Ok(StatusCode::ACCEPTED)\n}\n",
    )
    s.bash(
        "cargo build --release",
        "warning: unused variable: `started`\n  --> src/metrics.rs:41:9\n   |\n41 |     let "
        "started = Instant::now();\n   |         ^^^^^^^ help: if this is intentional, prefix it "
        "with an underscore: `_started`\n    Finished release [optimized] target(s) in 1m 02s",
    )
    s.say(
        "The handler does `std::fs::read` and an 800 ms CPU-bound parse directly on a runtime "
        "worker thread. Tokio has only as many workers as cores (4 here), so two big manifests "
        "block half the runtime and every other request queues behind them. Blocking or "
        "CPU-heavy work inside an async handler has to go through `tokio::task::spawn_blocking`."
    )
    s.edit(
        "src/ingest.rs",
        "    let raw = std::fs::read(&req.path)?;\n    let parsed = parse_manifest(&raw)?;",
        "    let path = req.path.clone();\n    let parsed = tokio::task::spawn_blocking(move || {\n"
        "        let raw = std::fs::read(&path)?;\n        parse_manifest(&raw)\n    })\n    .await??;",
    )
    s.bash(
        "cargo test && ./scripts/load.sh --big 2",
        "test result: ok. 58 passed; 0 failed\np99 small requests: 31ms (was 4100ms)",
    )
    s.user(
        "great. while you're in there, the team agreed yesterday: we're moving from diesel to "
        "sqlx for new code, since sqlx is async-native and checks queries at compile time "
        "against the dev database. don't port the old modules yet"
    )
    s.say(
        "Noted. New database code uses sqlx; existing diesel modules stay until a planned port. "
        "The ingest fix is ready: p99 for small requests went from 4.1 s to 31 ms under load."
    )
    return Scenario(
        s,
        "Rust/tokio: blocking work starving the runtime (assistant), the sqlx decision with its "
        "reason (user), rustc warnings that must not become memory.",
        facts=[
            Fact(
                "spawn-blocking",
                "gotcha",
                [["spawn_blocking", "blocking"], ["tokio", "runtime", "async"]],
                "Blocking/CPU-heavy work in async handlers must use spawn_blocking.",
            ),
            Fact(
                "sqlx-over-diesel",
                "decision",
                [["sqlx"], ["diesel", "async", "compile time"]],
                "New database code uses sqlx instead of diesel (async, compile-time checks).",
            ),
        ],
        distractors=[Distractor([["unused variable"]], "rustc warning")],
        questions=[
            Question(
                "why did p99 latency spike when a big manifest arrived?",
                "spawn-blocking",
            ),
            Question("should new code use diesel or sqlx?", "sqlx-over-diesel"),
        ],
    )


# --- 6. react native hermes and intl ----------------------------------------------------------------


def rn_hermes_intl() -> Scenario:
    s = Session(
        "rn-hermes-intl",
        "/Users/kim/projects/pocketbook-app",
        "fix/plural-crash",
        "2026-03-28T17:05:00",
    )
    s.user(
        "Android users on older phones crash on the budget screen. Sentry says `Intl.PluralRules is not a constructor`"
    )
    s.say("Let me check the Hermes version and how we format counts.")
    s.bash(
        "grep -n hermes android/gradle.properties && npx react-native --version",
        "hermesEnabled=true\nreact-native: 0.70.6",
    )
    s.read(
        "src/i18n/plural.ts",
        "export function plural(n: number, locale: string) {\n"
        "  return new Intl.PluralRules(locale).select(n)\n}\n",
    )
    s.say(
        "Hermes in React Native 0.70 ships without `Intl.PluralRules` (it arrived in later "
        "Hermes builds), so any call to it throws on Android. The fix is to load the FormatJS "
        "polyfills `@formatjs/intl-pluralrules` plus its locale data at app start, before i18n "
        "initialises."
    )
    s.bash(
        "npm install @formatjs/intl-pluralrules @formatjs/intl-locale",
        "added 4 packages in 3s",
    )
    s.edit(
        "index.js",
        "import './src/i18n'",
        "import '@formatjs/intl-locale/polyfill'\nimport '@formatjs/intl-pluralrules/polyfill'\n"
        "import '@formatjs/intl-pluralrules/locale-data/en'\nimport './src/i18n'",
    )
    s.say("Now let's move on to Phase 2: checking the other Intl APIs we use.")
    s.grep("Intl\\.", ["src/i18n/plural.ts", "src/budget/Amount.tsx"])
    s.say(
        "`Amount.tsx` uses `Intl.NumberFormat`, which this Hermes has. We use date-fns rather "
        "than moment for dates, because moment adds about 70 kB to the bundle and isn't "
        "tree-shakeable, so dates are fine too."
    )
    s.bash("npx jest src/i18n", "Tests: 14 passed, 14 total")
    return Scenario(
        s,
        "React Native on Hermes: a missing Intl API and its polyfill, a date library choice with "
        "its reason stated in passing, a plan step.",
        facts=[
            Fact(
                "hermes-pluralrules",
                "gotcha",
                [["hermes"], ["pluralrules", "intl"]],
                "Hermes (RN 0.70) lacks Intl.PluralRules: load the FormatJS polyfill first.",
            ),
            Fact(
                "date-fns",
                "decision",
                [["date-fns"], ["moment", "bundle"]],
                "date-fns instead of moment (bundle size, tree shaking).",
            ),
        ],
        distractors=[Distractor([["phase 2"]], "a plan step")],
        questions=[
            Question("Intl.PluralRules is not a constructor on android", "hermes-pluralrules"),
            Question("which date library do we use in the app?", "date-fns"),
        ],
    )


# --- 7. grpc deadlines and retries -----------------------------------------------------------------


def grpc_deadlines() -> Scenario:
    s = Session(
        "grpc-deadlines",
        "/home/sam/go/src/fleetctl",
        "feat/deadlines",
        "2026-09-01T11:20:00",
    )
    s.user(
        "continue the deadline work from yesterday. services left: orders, inventory, shipping, "
        "billing, auth"
    )
    s.read(
        "internal/rpc/client.go",
        "func Dial(target string) (*grpc.ClientConn, error) {\n"
        "    return grpc.Dial(target, grpc.WithTransportCredentials(insecure.NewCredentials()))\n}\n",
    )
    s.read(
        "internal/orders/client.go",
        "func (c *Client) Get(ctx context.Context, id string) (*pb.Order, error) {\n"
        "    ctx, cancel := context.WithTimeout(ctx, c.cfg.RPCTimeout)\n    defer cancel()\n"
        "    return c.api.GetOrder(ctx, &pb.GetOrderRequest{Id: id})\n}\n",
    )
    s.say(
        "The convention from yesterday holds: every outbound gRPC call wraps its context in "
        "`context.WithTimeout(ctx, cfg.RPCTimeout)`, with `rpc_timeout` read from config, never "
        "a literal duration. I'll apply it to inventory and shipping next."
    )
    s.edit(
        "internal/inventory/client.go",
        "    return c.api.Reserve(ctx, req)",
        "    ctx, cancel := context.WithTimeout(ctx, c.cfg.RPCTimeout)\n    defer cancel()\n"
        "    return c.api.Reserve(ctx, req)",
    )
    s.bash(
        "go test ./internal/inventory/...",
        "--- FAIL: TestReserveRetriesUnavailable (0.01s)\n    client_test.go:77: expected 3 "
        "attempts, got 1\nFAIL",
        code=1,
    )
    s.say(
        "The retry test fails because grpc-go ignores a retry policy unless it is in the service "
        "config: the `retryPolicy` has to be passed with `grpc.WithDefaultServiceConfig` when "
        "dialing (or come from name resolution); setting it anywhere else has no effect."
    )
    s.edit(
        "internal/rpc/client.go",
        "grpc.WithTransportCredentials(insecure.NewCredentials()))",
        "grpc.WithTransportCredentials(insecure.NewCredentials()),\n"
        "        grpc.WithDefaultServiceConfig(retryServiceConfig))",
    )
    s.bash(
        "go test ./...",
        "ok  \tfleetctl/internal/inventory\t0.412s\nok  \tfleetctl/internal/orders\t0.388s",
    )
    s.say(
        "Progress: orders, inventory and shipping now have deadlines and retries; billing and "
        "auth remain."
    )
    return Scenario(
        s,
        "Go gRPC clients: the deadline convention, the service-config retry gotcha, progress "
        "stated as a labelled line.",
        facts=[
            Fact(
                "rpc-timeout",
                "pattern",
                [
                    [
                        "withtimeout",
                        "deadline",
                        "deadlines",
                        "rpc_timeout",
                        "rpctimeout",
                    ],
                    ["grpc", "outbound", "rpc"],
                ],
                "Every outbound gRPC call uses context.WithTimeout with cfg.RPCTimeout.",
            ),
            Fact(
                "retry-service-config",
                "gotcha",
                [
                    ["retry", "retrypolicy", "retries"],
                    ["service config", "withdefaultserviceconfig"],
                ],
                "grpc-go only honours a retryPolicy given in the service config.",
            ),
            Fact(
                "deadlines-remaining",
                "progress",
                [["billing", "auth"], ["remain", "remaining", "left"]],
                "Deadlines done for orders, inventory, shipping; billing and auth remain.",
            ),
        ],
        questions=[
            Question("how long should a grpc call wait before giving up?", "rpc-timeout"),
            Question("grpc retry policy has no effect", "retry-service-config"),
            Question("which services still need deadlines?", "deadlines-remaining"),
        ],
    )


# --- 8. activejob and deleted records --------------------------------------------------------------


def activejob_globalid() -> Scenario:
    s = Session(
        "activejob-globalid",
        "/home/rin/code/gardenbox",
        "fix/job-errors",
        "2026-10-14T14:00:00",
    )
    s.user(
        "our error tracker is full of ActiveJob::DeserializationError from the ReminderJob. "
        "also, reminder: all our jobs have to be idempotent, sidekiq retries them and deploys "
        "can run one twice"
    )
    s.read(
        "app/jobs/reminder_job.rb",
        "class ReminderJob < ApplicationJob\n  def perform(order)\n"
        "    ReminderMailer.with(order: order).due.deliver_now\n  end\nend\n",
    )
    s.bash(
        "bin/rails runner 'puts ReminderJob.new(Order.first).serialize[\"arguments\"]'",
        '{"_aj_globalid"=>"gid://gardenbox/Order/4412"}',
    )
    s.say(
        "ActiveJob serializes an ActiveRecord argument as a GlobalID and loads the record again "
        "when the job runs. Reminders are scheduled three days ahead, and if the order is "
        "deleted in between, loading the GlobalID raises ActiveJob::DeserializationError before "
        "`perform` even starts."
    )
    s.say(
        "So jobs here should take the record's id, not the record. Then `perform` can look it "
        "up with `find_by` and return quietly when it's gone."
    )
    s.edit(
        "app/jobs/reminder_job.rb",
        "  def perform(order)\n",
        "  def perform(order_id)\n    order = Order.find_by(id: order_id)\n    return unless order\n",
    )
    s.bash("bundle exec rspec spec/jobs", "14 examples, 0 failures")
    s.user("thanks!! that's all for today")
    return Scenario(
        s,
        "Rails jobs: the user's idempotency convention, the GlobalID gotcha, and the choice to "
        "pass ids split across two messages from its reason.",
        facts=[
            Fact(
                "jobs-idempotent",
                "pattern",
                [["idempotent"], ["job", "jobs", "sidekiq"]],
                "All jobs must be idempotent (retries, deploys run them twice).",
            ),
            Fact(
                "globalid-deleted",
                "gotcha",
                [
                    ["globalid", "deserializationerror"],
                    ["deleted", "record", "records"],
                ],
                "ActiveJob GlobalID args raise DeserializationError when the record is deleted.",
            ),
            Fact(
                "pass-ids",
                "pattern",
                [["id", "ids", "order_id"], ["job", "jobs", "perform"]],
                "Jobs take record ids, not records, and return when the record is gone.",
            ),
        ],
        distractors=[Distractor([["that's all for today"]], "chit-chat")],
        questions=[
            Question("ActiveJob::DeserializationError in ReminderJob", "globalid-deleted"),
            Question("what arguments should a background job take?", "pass-ids"),
            Question("can a job run twice?", "jobs-idempotent"),
        ],
    )


# --- 9. flyway versions collide ---------------------------------------------------------------------


def flyway_versions() -> Scenario:
    s = Session("flyway-versions", "/home/olu/ws/tallyhub", "main", "2026-02-09T09:45:00")
    s.user(
        "main is red after merging two PRs. here's the ticket for context:\n\n"
        "## Summary\n## Steps to reproduce\n## Expected behaviour\n## Actual behaviour\n"
        "Flyway validate fails on CI\n## Notes"
    )
    s.bash(
        "./mvnw -q flyway:validate",
        "ERROR: Validate failed: Migrations have failed validation\n"
        "Detected resolved migration not applied to database: 42.\n"
        "To ignore this migration, set -ignoreMigrationPatterns='*:ignored'.",
        code=1,
    )
    s.bash(
        "ls src/main/resources/db/migration | tail -4",
        "V41__add_invoice_tags.sql\nV42__add_audit_log.sql\nV42__add_vendor_rating.sql\nV43__index_tags.sql",
    )
    s.say(
        "Two branches both created V42 while V43 was already applied, and Flyway refuses a "
        "migration older than the newest applied one unless `outOfOrder` is on."
    )
    s.say(
        "Decision: we switch Flyway migration versions to UTC timestamps "
        "(`V20260209_0945__add_vendor_rating.sql`), because sequential numbers collide whenever "
        "two branches add a migration at the same time, and timestamps almost never do."
    )
    s.bash(
        "git mv src/main/resources/db/migration/V42__add_vendor_rating.sql "
        "src/main/resources/db/migration/V20260209_0945__add_vendor_rating.sql && ./mvnw -q flyway:validate",
        "",
    )
    s.say("Validation passes again. I'll mention the new naming in CONTRIBUTING.md.")
    s.edit(
        "CONTRIBUTING.md",
        "## Database migrations\n",
        "## Database migrations\n\nName new migrations `V<yyyyMMdd_HHmm>__<what>.sql` (UTC).\n",
    )
    return Scenario(
        s,
        "Spring/Flyway: colliding migration numbers, a labelled decision with its reason, and a "
        "pasted ticket outline that must not become memory.",
        facts=[
            Fact(
                "flyway-timestamps",
                "decision",
                [["flyway", "migration", "migrations"], ["timestamp", "timestamps"]],
                "Flyway migration versions are UTC timestamps: sequential numbers collide.",
            ),
            Fact(
                "flyway-out-of-order",
                "gotcha",
                [["flyway"], ["outoforder", "older", "out of order", "applied"]],
                "Flyway refuses a migration older than the newest applied one unless outOfOrder.",
            ),
        ],
        distractors=[
            Distractor([["steps to reproduce"]], "a pasted ticket outline"),
            Distractor([["expected behaviour"]], "a pasted ticket outline"),
        ],
        questions=[
            Question("how do we name flyway migrations?", "flyway-timestamps"),
            Question(
                "Detected resolved migration not applied to database",
                "flyway-out-of-order",
            ),
        ],
    )


# --- 10. keychain in background refresh ---------------------------------------------------------------


def ios_keychain() -> Scenario:
    s = Session(
        "ios-keychain",
        "/Users/marta/Developer/Rowhouse",
        "fix/bg-refresh",
        "2026-11-03T07:50:00",
    )
    s.user(
        "background refresh logs users out at night. Marco owns the notification service "
        "extension, so ask him before changing the app group id or anything in NotificationService/"
    )
    s.read(
        "Rowhouse/Auth/TokenStore.swift",
        "let query: [String: Any] = [\n  kSecClass as String: kSecClassGenericPassword,\n"
        "  kSecAttrAccessible as String: kSecAttrAccessibleWhenUnlocked,\n]\n",
    )
    s.say(
        "The refresh token is stored with `kSecAttrAccessibleWhenUnlocked`, so while the phone "
        "is locked the keychain returns errSecInteractionNotAllowed and background refresh "
        "treats that as logged out. Tokens that background work needs must use "
        "`kSecAttrAccessibleAfterFirstUnlock`."
    )
    s.edit(
        "Rowhouse/Auth/TokenStore.swift",
        "kSecAttrAccessibleWhenUnlocked",
        "kSecAttrAccessibleAfterFirstUnlock",
    )
    s.bash(
        "xcodebuild test -scheme Rowhouse -destination 'platform=iOS Simulator,name=iPhone 16'",
        "Test Suite 'All tests' passed.\n\t Executed 122 tests, with 0 failures",
    )
    s.say(
        "Fixed; existing items are migrated on next launch by re-saving them with the new attribute."
    )
    return Scenario(
        s,
        "A short iOS session: the keychain accessibility gotcha and a coordination note.",
        facts=[
            Fact(
                "keychain-after-first-unlock",
                "gotcha",
                [
                    [
                        "keychain",
                        "ksecattraccessiblewhenunlocked",
                        "afterfirstunlock",
                        "ksecattraccessibleafterfirstunlock",
                    ],
                    ["background", "locked"],
                ],
                "WhenUnlocked keychain items are unreadable while locked: use AfterFirstUnlock.",
            ),
            Fact(
                "marco-extension",
                "coordination",
                [["marco"], ["notification", "notificationservice", "app group"]],
                "Marco owns the notification service extension: ask before changing it.",
            ),
        ],
        questions=[
            Question(
                "background refresh logs users out when the phone is locked",
                "keychain-after-first-unlock",
            ),
            Question("who owns the notification service extension?", "marco-extension"),
        ],
    )


BUILDERS = (
    prisma_pgbouncer,
    android_moshi_r8,
    phoenix_billing,
    terraform_iam,
    tokio_blocking,
    rn_hermes_intl,
    grpc_deadlines,
    activejob_globalid,
    flyway_versions,
    ios_keychain,
)


def build(folder: Path = FOLDER) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    scenarios = []
    for make in BUILDERS:
        scenario = make()
        path = scenario.session.save(folder)
        scenarios.append({**scenario_entry(scenario, f"heldout/{path.name}"), "held_out": True})
    about = (
        "Held-out sessions, written by a different author than the offline extractor and "
        "labelled before either saw the other. Run to report, never to tune. Same schema as "
        "labels.json."
    )
    return write_labels(HERE / "heldout-labels.json", about, scenarios)


def main() -> int:
    labels = build()
    facts = sum(len(s["facts"]) for s in labels["scenarios"])
    print(f"wrote {len(labels['scenarios'])} held-out scenarios with {facts} facts to {FOLDER}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
