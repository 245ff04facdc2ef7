"""The second held-out eval set: twelve sessions written by a different author than the offline
extractor, labelled as each was written, before any extractor ran on them. Run to report, never
to tune.

    python bench/eval/heldout2.py     # rewrites bench/eval/heldout2/*.jsonl, heldout2-labels.json

Same authoring format and label schema as build_scenarios.py and heldout.py, with each
scenario's acceptable extras kept in the labels as labels.json keeps them. Stacks not used by
the first held-out set: Laravel, Next.js (app router), Flutter, Unity/C#, dbt/Snowflake, C on
FreeRTOS, SvelteKit, FastAPI with async SQLAlchemy, Elasticsearch, Nix, Bazel, Electron. Two
sessions (dbt, Elasticsearch) are long enough for several chunks. Facts are stated by the user
and by the assistant, in labelled lines and in plain narration, in final summaries, and split
over two messages (a choice, then its reason); the noise real sessions carry is labelled as
distractors: task instructions, plan steps, hedges, compiler and linter output, pasted outlines,
praise, a state that changes later in the session, quoted instructions to the assistant.
"""

# ruff: noqa: E501  (tool output and file listings are kept as a session shows them)

from __future__ import annotations

import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from build_scenarios import (
    Distractor,
    Extra,
    Fact,
    Question,
    Scenario,
    scenario_entry,
    write_labels,
)
from builder import Session

HERE = Path(__file__).resolve().parent
FOLDER = HERE / "heldout2"


# --- 1. laravel: env() after config:cache ---------------------------------------------------------


def laravel_config_cache() -> Scenario:
    s = Session(
        "laravel-config-cache",
        "/home/bruno/code/fernhill",
        "fix/stripe-webhooks",
        "2026-03-16T09:10:00",
    )
    s.user(
        "since this morning's deploy every stripe webhook fails with `No API key provided`. "
        "works fine on my machine. please fix it without touching the Stripe SDK version. "
        "also FYI Dana is upgrading us to Laravel 11 on `upgrade/l11`, so leave "
        "bootstrap/app.php and the Kernel files alone until she merges"
    )
    s.say("Let me look at how the Stripe client gets its key and what the deploy runs.")
    s.read(
        "app/Services/StripeGateway.php",
        "<?php\n\nnamespace App\\Services;\n\nuse Stripe\\StripeClient;\n\n"
        "class StripeGateway\n{\n    public function client(): StripeClient\n    {\n"
        "        return new StripeClient(env('STRIPE_SECRET'));\n    }\n}\n",
    )
    s.read(
        "deploy/release.sh",
        "#!/usr/bin/env bash\nset -euo pipefail\ncomposer install --no-dev --optimize-autoloader\n"
        "php artisan migrate --force\nphp artisan config:cache\nphp artisan route:cache\n"
        "php artisan horizon:terminate\n",
    )
    s.bash(
        "git log --oneline -3 -- deploy/release.sh",
        "9c1e2f4 deploy: cache config and routes on release\n"
        "41aa0b7 deploy: terminate horizon after migrate\n0d2be19 add release script",
    )
    s.say(
        "That's the cause. Yesterday's commit added `php artisan config:cache` to the release. "
        "Once the configuration is cached, Laravel no longer loads the .env file, so `env()` "
        "returns null everywhere except inside the config/*.php files themselves. "
        "StripeGateway calls `env('STRIPE_SECRET')` directly, so in production it gets null. "
        "Application code has to read `config('services.stripe.secret')` instead."
    )
    s.grep(
        "env\\(",
        [
            "app/Services/StripeGateway.php",
            "app/Http/Controllers/WebhookController.php",
            "config/services.php",
            "config/database.php",
        ],
    )
    s.edit(
        "app/Services/StripeGateway.php",
        "        return new StripeClient(env('STRIPE_SECRET'));",
        "        return new StripeClient(config('services.stripe.secret'));",
    )
    s.edit(
        "app/Http/Controllers/WebhookController.php",
        "        $secret = env('STRIPE_WEBHOOK_SECRET');",
        "        $secret = config('services.stripe.webhook_secret');",
    )
    s.bash(
        "./vendor/bin/phpstan analyse --memory-limit=1G",
        " 118/118 [============================] 100%\n\n"
        " ------ ---------------------------------------------------------------\n"
        "  Line   app/Models/Invoice.php\n"
        " ------ ---------------------------------------------------------------\n"
        "  42     Call to an undefined method Illuminate\\Database\\Eloquent\\Builder::whereOverdue().\n"
        " ------ ---------------------------------------------------------------\n\n"
        " [ERROR] Found 1 error",
        code=1,
    )
    s.say(
        "The PHPStan error is in Invoice.php and was there before this change (a scope it can't "
        "see); I'll leave it. Running the webhook tests with a cached config to reproduce prod."
    )
    s.bash(
        "php artisan config:cache && php artisan test --filter=Webhook && php artisan config:clear",
        "   INFO  Configuration cached successfully.\n\n"
        "   PASS  Tests\\Feature\\WebhookTest\n  ✓ payment succeeded marks invoice paid  0.31s\n"
        "  ✓ invalid signature is rejected  0.04s\n\n  Tests:    2 passed (7 assertions)\n",
    )
    s.user("perfect, thanks!")
    s.say("Glad it's sorted. Anything else while I'm in the webhook code?")
    s.user(
        "yes, make sure the job "
        "goes on the `webhooks` queue. we gave webhooks their own queue and their own Horizon "
        "supervisor in January, because a newsletter burst once held payment webhooks behind "
        "40k mails for almost an hour"
    )
    s.read(
        "config/horizon.php",
        "'environments' => [\n    'production' => [\n        'supervisor-default' => [\n"
        "            'queue' => ['default', 'mail'],\n            'maxProcesses' => 8,\n        ],\n"
        "        'supervisor-webhooks' => [\n            'queue' => ['webhooks'],\n"
        "            'maxProcesses' => 3,\n        ],\n    ],\n],\n",
    )
    s.edit(
        "app/Http/Controllers/WebhookController.php",
        "        HandleStripeEvent::dispatch($event);",
        "        HandleStripeEvent::dispatch($event)->onQueue('webhooks');",
    )
    s.bash("php artisan test --filter=Webhook", "  Tests:    2 passed (8 assertions)")
    s.say(
        "Done. StripeGateway and WebhookController read the keys through `config()`, so they "
        "work with the cached configuration, and Stripe events are dispatched on the "
        "`webhooks` queue that `supervisor-webhooks` works. I didn't touch bootstrap/app.php."
    )
    return Scenario(
        s,
        "Laravel: env() returning null after config:cache (assistant, mid-narration), the "
        "webhooks-queue decision with its reason (user), a coordination note (user), a task "
        "instruction, PHPStan output and praise that must not become memory.",
        facts=[
            Fact(
                "env-after-config-cache",
                "gotcha",
                [
                    ["env"],
                    ["config:cache", "cached", "cache"],
                ],
                "After php artisan config:cache, env() returns null outside config files; use config().",
            ),
            Fact(
                "webhooks-own-queue",
                "decision",
                [["webhooks", "webhook"], ["queue", "supervisor", "horizon"]],
                "Webhooks run on their own queue and Horizon supervisor: a mail burst delayed them.",
            ),
            Fact(
                "dana-laravel-11",
                "coordination",
                [["dana"], ["laravel 11", "upgrade", "l11", "bootstrap/app.php", "kernel"]],
                "Dana is upgrading to Laravel 11 on upgrade/l11: leave bootstrap/app.php and Kernel files.",
            ),
        ],
        distractors=[
            Distractor([["sdk version"]], "the user's task instruction"),
            Distractor([["undefined method", "whereoverdue"]], "PHPStan output"),
            Distractor([["perfect"]], "praise"),
        ],
        questions=[
            Question(
                "why is STRIPE_SECRET null in production but not locally?", "env-after-config-cache"
            ),
            Question("payment events were stuck behind newsletter emails", "webhooks-own-queue"),
            Question("can I edit bootstrap/app.php right now?", "dana-laravel-11"),
        ],
        acceptable=[
            Extra(
                [["release.sh", "deploy", "release"], ["config:cache", "route:cache"]],
                "a stack note: the release script caches config and routes",
            ),
        ],
    )


# --- 2. next.js app router: stale dashboard -------------------------------------------------------


def nextjs_stale_dashboard() -> Scenario:
    s = Session(
        "nextjs-stale-dashboard",
        "/Users/priyanka/work/orbit-console",
        "fix/stale-usage",
        "2026-05-04T14:20:00",
    )
    s.user(
        "after someone changes their plan on /billing, the usage dashboard keeps showing the old "
        "limits, sometimes for hours. keep your changes inside app/(dashboard) and app/actions "
        "please.\n\ncontext you need: client components never call the Go API directly. all "
        "reads happen in server components and all writes go through the server actions in "
        "app/actions/, so the API token never reaches the browser."
    )
    s.bash(
        "cat package.json | grep '\"next\"'",
        '    "next": "14.2.5",',
    )
    s.read(
        "app/(dashboard)/usage/page.tsx",
        "import { apiFetch } from '@/lib/api'\n\nexport default async function UsagePage() {\n"
        "  const usage = await apiFetch('/v1/usage')\n  const plan = await apiFetch('/v1/plan')\n"
        "  return <UsageView usage={usage} plan={plan} />\n}\n",
    )
    s.read(
        "lib/api.ts",
        "export async function apiFetch(path: string, init?: RequestInit) {\n"
        "  const res = await fetch(`${process.env.API_URL}${path}`, {\n    ...init,\n"
        "    headers: { Authorization: `Bearer ${process.env.API_TOKEN}` },\n  })\n"
        "  if (!res.ok) throw new ApiError(res.status, path)\n  return res.json()\n}\n",
    )
    s.read(
        "app/actions/billing.ts",
        "'use server'\n\nexport async function changePlan(planId: string) {\n"
        "  await apiFetch('/v1/plan', { method: 'PUT', body: JSON.stringify({ planId }) })\n"
        "  redirect('/billing?changed=1')\n}\n",
    )
    s.say(
        "Found it. On Next.js 14 a `fetch` in a server component is cached in the Data Cache by "
        "default, and that cache persists across requests and even deployments until it is "
        "revalidated. `changePlan` updates the plan through the API but never revalidates, so "
        "/usage keeps serving the cached `/v1/plan` response."
    )
    s.say(
        "I'll tag the API reads by resource and have the server actions revalidate the tag they "
        "change. Next, I'll run the build to check nothing else depends on the old behaviour."
    )
    s.edit(
        "lib/api.ts",
        "export async function apiFetch(path: string, init?: RequestInit) {",
        "export async function apiFetch(\n  path: string,\n  init?: RequestInit & { tags?: string[] },\n) {",
    )
    s.edit(
        "app/(dashboard)/usage/page.tsx",
        "  const plan = await apiFetch('/v1/plan')",
        "  const plan = await apiFetch('/v1/plan', { next: { tags: ['plan'] } })",
    )
    s.edit(
        "app/actions/billing.ts",
        "  redirect('/billing?changed=1')",
        "  revalidateTag('plan')\n  redirect('/billing?changed=1')",
    )
    s.bash(
        "npm run lint && npm run build",
        "./app/(dashboard)/team/members.tsx\n"
        "31:6  Warning: React Hook useEffect has a missing dependency: 'refresh'. Either include "
        "it or remove the dependency array.  react-hooks/exhaustive-deps\n\n"
        "   ▲ Next.js 14.2.5\n   Creating an optimized production build ...\n"
        " ✓ Compiled successfully\n ✓ Generating static pages (14/14)\n"
        "Route (app)                              Size     First Load JS\n"
        "┌ ƒ /usage                               3.1 kB          96.4 kB\n"
        "└ ƒ /billing                             2.4 kB          95.7 kB",
    )
    s.bash(
        "npx playwright test e2e/billing.spec.ts",
        "Running 3 tests using 2 workers\n  3 passed (18.2s)",
    )
    s.user("nice, the e2e passes. do the same for the seats page?")
    s.edit(
        "app/(dashboard)/seats/page.tsx",
        "  const seats = await apiFetch('/v1/seats')",
        "  const seats = await apiFetch('/v1/seats', { next: { tags: ['seats'] } })",
    )
    s.edit(
        "app/actions/seats.ts",
        "  await apiFetch('/v1/seats', { method: 'POST', body })",
        "  await apiFetch('/v1/seats', { method: 'POST', body })\n  revalidateTag('seats')",
    )
    s.bash("npx playwright test e2e/seats.spec.ts", "  2 passed (9.7s)")
    s.say(
        "Both pages refresh right after a change now. The convention from here on: every "
        "`apiFetch` read in a server component passes `next: { tags: ['<resource>'] }`, and "
        "every server action that writes a resource calls `revalidateTag('<resource>')` for it "
        "before redirecting."
    )
    return Scenario(
        s,
        "Next.js app router: the Data Cache gotcha (assistant), the server-only API architecture "
        "(user, in the task prompt), the tag/revalidate convention in the final message; a task "
        "instruction, a plan step and an ESLint warning that must not become memory.",
        facts=[
            Fact(
                "fetch-data-cache",
                "gotcha",
                [
                    ["fetch", "data cache"],
                    ["cached", "cache", "revalidated", "revalidate", "revalidatetag"],
                ],
                "Next 14 caches server-component fetch in the Data Cache until revalidated.",
            ),
            Fact(
                "server-only-api",
                "architecture",
                [
                    ["client components", "client component", "browser"],
                    ["server components", "server actions", "server action", "api token"],
                ],
                "Client components never call the Go API; reads in server components, writes via server actions.",
            ),
            Fact(
                "tag-and-revalidate",
                "pattern",
                [["tags", "tag", "revalidatetag"], ["server action", "server actions", "apifetch"]],
                "Every apiFetch read is tagged by resource; the writing server action revalidates it.",
            ),
        ],
        distractors=[
            Distractor([["keep your changes"]], "the user's task instruction"),
            Distractor([["run the build"]], "a plan step"),
            Distractor([["exhaustive-deps", "missing dependency"]], "an ESLint warning"),
        ],
        questions=[
            Question(
                "usage page still shows the old plan limits after changing plan", "fetch-data-cache"
            ),
            Question("can I call the backend from a 'use client' component?", "server-only-api"),
            Question(
                "what do I do after a mutation so the pages show fresh data?", "tag-and-revalidate"
            ),
        ],
        acceptable=[
            Extra([["next.js", "next"], ["14.2.5", "14"]], "a stack note: Next.js 14.2"),
        ],
    )


# --- 3. flutter: context after await, riverpod --------------------------------------------------------


def flutter_login_context() -> Scenario:
    s = Session(
        "flutter-login-context",
        "/Users/akosua/dev/harvest_mobile",
        "fix/login-crash",
        "2026-02-23T11:05:00",
    )
    s.user(
        "login crashes on slow networks with `Looking up a deactivated widget's ancestor is "
        "unsafe`. also we're standardising on riverpod: no new ChangeNotifier/provider code, so "
        "if you touch the login state put it in a notifier"
    )
    s.read(
        "lib/features/auth/login_screen.dart",
        "Future<void> _submit() async {\n  setState(() => _busy = true);\n"
        "  final ok = await context.read<AuthModel>().signIn(_email.text, _password.text);\n"
        "  Navigator.of(context).pushReplacementNamed(ok ? '/home' : '/login-failed');\n}\n",
    )
    s.say(
        "The screen awaits `signIn` and then uses `context` for navigation. On a slow network "
        "the user can leave the screen while the request is in flight; the widget is unmounted, "
        "its BuildContext is dead, and `Navigator.of(context)` throws. Any use of a BuildContext "
        "after an `await` has to be guarded with `if (!context.mounted) return;`."
    )
    s.write(
        "lib/features/auth/login_controller.dart",
        "@riverpod\nclass LoginController extends _$LoginController {\n"
        "  @override\n  FutureOr<void> build() {}\n\n"
        "  Future<bool> signIn(String email, String password) async {\n"
        "    state = const AsyncLoading();\n"
        "    state = await AsyncValue.guard(() => ref.read(authRepoProvider).signIn(email, password));\n"
        "    return !state.hasError;\n  }\n}\n",
    )
    s.edit(
        "lib/features/auth/login_screen.dart",
        "  final ok = await context.read<AuthModel>().signIn(_email.text, _password.text);\n"
        "  Navigator.of(context)",
        "  final ok = await ref.read(loginControllerProvider.notifier).signIn(_email.text, _password.text);\n"
        "  if (!context.mounted) return;\n  Navigator.of(context)",
    )
    s.bash(
        "dart run build_runner build --delete-conflicting-outputs && flutter analyze",
        "[INFO] Succeeded after 6.2s with 3 outputs\nAnalyzing harvest_mobile...\n\n"
        "   info • Prefer const with constant constructors • lib/widgets/avatar.dart:14:12 • prefer_const_constructors\n"
        "   info • Prefer const with constant constructors • lib/widgets/badge.dart:9:10 • prefer_const_constructors\n\n"
        "2 issues found. (ran in 4.8s)",
    )
    s.bash(
        "flutter test test/features/auth",
        "00:04 +7: All tests passed!",
    )
    s.user("Looks great!")
    s.say("Thanks. Anything else on the login flow before I wrap up?")
    s.user(
        "no. for the record, the reason we picked riverpod: provider's context lookups "
        "caused most of our crashes like this one, and riverpod providers can be overridden in "
        "tests without building a widget tree"
    )
    s.say(
        "That matches what we just saw. Progress on the migration: login and signup now use "
        "Riverpod notifiers; the profile and settings screens still use ChangeNotifier and are "
        "left for later."
    )
    return Scenario(
        s,
        "Flutter: the BuildContext-after-await gotcha (assistant), the Riverpod choice stated by "
        "the user with its reason in a later message, a progress line; analyzer output and "
        "praise that must not become memory.",
        facts=[
            Fact(
                "context-mounted",
                "gotcha",
                [
                    ["buildcontext", "context", "context.mounted", "mounted"],
                    ["await", "async", "unmounted", "deactivated"],
                ],
                "Using BuildContext after an await throws once the widget is gone: check context.mounted.",
            ),
            Fact(
                "riverpod-standard",
                "decision",
                [
                    ["riverpod"],
                    [
                        "standardising",
                        "standardizing",
                        "standard",
                        "no new",
                        "crashes",
                        "tests",
                        "overridden",
                    ],
                ],
                "New state code uses Riverpod, not provider/ChangeNotifier (crashes, testability).",
            ),
            Fact(
                "riverpod-migration",
                "progress",
                [["profile", "settings"], ["changenotifier", "left", "remain", "still"]],
                "Login and signup migrated to notifiers; profile and settings remain.",
            ),
        ],
        distractors=[
            Distractor([["prefer_const_constructors", "prefer const"]], "flutter analyze output"),
            Distractor([["looks great"]], "praise"),
        ],
        questions=[
            Question("app crashes after login when the network is slow", "context-mounted"),
            Question("which state management should a new screen use?", "riverpod-standard"),
            Question("which screens haven't been migrated yet?", "riverpod-migration"),
        ],
    )


# --- 4. unity: destroyed objects and ?. -------------------------------------------------------------


def unity_destroyed_target() -> Scenario:
    s = Session(
        "unity-destroyed-target",
        "C:/Users/mika/Projects/Ironvale",
        "fix/turret-exceptions",
        "2026-06-15T16:40:00",
    )
    s.user(
        "turrets spam MissingReferenceException when their target dies. repro: spawn 10 "
        "grunts in the test arena, let the turret kill one. btw Jonas owns the Addressables "
        "build and Assets/AddressableAssetsData, he's halfway through moving us to remote "
        "catalogs, so don't touch anything there"
    )
    s.read(
        "Assets/Scripts/Combat/Turret.cs",
        "public class Turret : MonoBehaviour\n{\n    [SerializeField] private float range = 12f;\n"
        "    [SerializeField] private Weapon weapon;\n    private Enemy target;\n\n"
        "    void Awake()\n    {\n        weapon = GetComponent<Weapon>();\n    }\n\n"
        "    void Update()\n    {\n        target ??= FindClosestEnemy();\n"
        "        target?.TakeAim(transform.position);\n        weapon.FireAt(target?.transform);\n    }\n}\n",
    )
    s.read(
        "Assets/Scripts/Combat/Enemy.cs",
        "public class Enemy : MonoBehaviour\n{\n    [SerializeField] private Health health;\n"
        "    void Awake() { health = GetComponent<Health>(); }\n"
        "    public void Die() { Destroy(gameObject); }\n}\n",
    )
    s.say(
        "The `??=` and `?.` are the problem. Unity overloads `==` on UnityEngine.Object so a "
        "destroyed object compares equal to null, but the C# null-conditional and "
        "null-coalescing operators (`?.`, `??`, `??=`) skip that overload and only see that the "
        "C# reference still exists. So after the enemy is destroyed, `target?.TakeAim` still "
        "calls into it and Unity throws MissingReferenceException. For Unity objects we need an "
        "explicit `if (target == null)` check."
    )
    s.edit(
        "Assets/Scripts/Combat/Turret.cs",
        "        target ??= FindClosestEnemy();\n        target?.TakeAim(transform.position);\n"
        "        weapon.FireAt(target?.transform);",
        "        if (target == null) target = FindClosestEnemy();\n        if (target == null) return;\n"
        "        target.TakeAim(transform.position);\n        weapon.FireAt(target.transform);",
    )
    s.bash(
        '"C:/Program Files/Unity/Hub/Editor/2022.3.31f1/Editor/Unity.exe" -batchmode -projectPath . '
        "-runTests -testPlatform PlayMode -testResults results.xml -logFile -",
        "Assets/Scripts/AI/EnemySpawner.cs(18,38): warning CS0649: Field 'EnemySpawner.pool' is "
        "never assigned to, and will always have its default value null\n"
        "Assets/Scripts/UI/HudBinder.cs(7,17): warning CS0414: The field 'HudBinder.lastScore' is "
        "assigned but its value is never used\n"
        "Test run completed. Passed: 41, Failed: 0, Skipped: 2",
    )
    s.grep(
        "GetComponent<",
        [
            "Assets/Scripts/Combat/Turret.cs",
            "Assets/Scripts/Combat/Enemy.cs",
            "Assets/Scripts/Player/PlayerMotor.cs",
        ],
    )
    s.say(
        "All three files follow the same rule: every MonoBehaviour here looks up its component "
        "references once in `Awake()` and keeps them in private `[SerializeField]` fields; "
        "`GetComponent` is never called from `Update()`. My change keeps to that."
    )
    s.user(
        "ok good. maybe we should pool the grunts at some point instead of Instantiate/Destroy? not now"
    )
    s.say(
        "Could be worth it if spawns show up in the profiler; I haven't measured. The turret "
        "fix is in and PlayMode tests pass."
    )
    return Scenario(
        s,
        "Unity/C#: null-conditional operators bypass Unity's destroyed-object check (assistant), "
        "the Awake component-caching convention (assistant, plain present tense), a coordination "
        "note (user); CS compiler warnings and a hedge that must not become memory.",
        facts=[
            Fact(
                "unity-null-conditional",
                "gotcha",
                [
                    ["null-conditional", "null-coalescing", "operator", "operators"],
                    ["destroyed", "missingreferenceexception", "unityengine.object"],
                ],
                "?. and ?? skip Unity's == overload: destroyed objects look alive; compare with == null.",
            ),
            Fact(
                "awake-getcomponent",
                "pattern",
                [["getcomponent", "component references"], ["awake", "update"]],
                "MonoBehaviours cache component references in Awake; never GetComponent in Update.",
            ),
            Fact(
                "jonas-addressables",
                "coordination",
                [["jonas"], ["addressables", "addressableassetsdata", "remote catalogs"]],
                "Jonas owns the Addressables build and AddressableAssetsData (remote catalog move).",
            ),
        ],
        distractors=[
            Distractor([["cs0649", "cs0414", "never assigned"]], "C# compiler warnings"),
            Distractor([["pool", "pooling"], ["grunts", "instantiate"]], "a hedge about pooling"),
        ],
        questions=[
            Question(
                "MissingReferenceException when the turret's enemy dies", "unity-null-conditional"
            ),
            Question("where should a script look up its components?", "awake-getcomponent"),
            Question("who is working on the asset catalogs?", "jonas-addressables"),
        ],
    )


# --- 5. dbt on snowflake: late-arriving orders (long) -------------------------------------------------

_MARTS = [
    "fct_orders",
    "fct_refunds",
    "fct_payments",
    "fct_shipments",
    "dim_customers",
    "dim_products",
    "dim_stores",
    "agg_daily_revenue",
    "agg_weekly_cohorts",
    "agg_store_targets",
]
_STAGING = [
    "stg_shopify__orders",
    "stg_shopify__order_lines",
    "stg_shopify__refunds",
    "stg_shopify__customers",
    "stg_shopify__products",
    "stg_stripe__charges",
    "stg_stripe__refunds",
    "stg_segment__checkout_events",
    "stg_segment__page_views",
    "stg_shipbob__shipments",
    "stg_shipbob__returns",
    "stg_netsuite__stores",
    "stg_netsuite__targets",
    "int_orders__joined_payments",
    "int_orders__line_margins",
    "int_customers__first_order",
]


def _dbt_run_log(models: list[str], start: str = "02:00:14") -> str:
    lines = [
        f"{start}  Running with dbt=1.8.4",
        f"{start}  Registered adapter: snowflake=1.8.3",
        f"{start}  [WARNING]: Configuration paths exist in your dbt_project.yml file which do not "
        "apply to any resources.\nThere are 1 unused configuration paths:\n- models.analytics.legacy",
        f"{start}  Found 58 models, 212 data tests, 19 sources, 931 macros",
        f"{start}  Concurrency: 8 threads (target='prod')",
    ]
    total = len(models)
    for n, model in enumerate(models, 1):
        kind = (
            "incremental"
            if model.startswith("fct_")
            else "table"
            if model.startswith(("dim_", "agg_"))
            else "view"
        )
        rows = "SUCCESS 1" if kind == "view" else f"SUCCESS {1000 + 137 * n}"
        secs = 1.2 + (n * 7 % 23) / 2
        lines.append(
            f"02:{n // 10 + 1:02d}:{n * 3 % 60:02d}  {n} of {total} OK created sql {kind} model "
            f"analytics.{model} {'.' * max(3, 40 - len(model))} [{rows} in {secs:.2f}s]"
        )
    lines.append(
        f"02:09:51  Finished running {total} models in 0 hours 9 minutes and 37.12 seconds (577.12s)."
    )
    lines.append(
        f"02:09:51  Completed successfully\n02:09:51  Done. PASS={total} WARN=0 ERROR=0 SKIP=0 TOTAL={total}"
    )
    return "\n".join(lines)


def _dbt_test_log() -> str:
    lines = [
        "14:31:02  Running with dbt=1.8.4",
        "14:31:04  Found 58 models, 212 data tests, 19 sources",
    ]
    tests = [
        "not_null_fct_orders_order_id",
        "unique_fct_orders_order_id",
        "relationships_fct_orders_customer_id__customer_id__ref_dim_customers_",
        "not_null_fct_orders_ordered_at",
        "accepted_values_fct_orders_status__placed__paid__shipped__refunded__cancelled",
        "not_null_fct_refunds_refund_id",
        "unique_fct_refunds_refund_id",
        "dbt_utils_expression_is_true_fct_orders_net_revenue_0",
        "assert_revenue_matches_stripe_within_half_percent",
        "not_null_stg_shopify__orders_order_id",
        "unique_stg_shopify__orders_order_id",
        "not_null_stg_segment__checkout_events_order_id",
    ]
    for n, test in enumerate(tests, 1):
        lines.append(
            f"14:31:{10 + n:02d}  {n} of {len(tests)} PASS {test} {'.' * max(3, 70 - len(test))} [PASS in {0.8 + n / 10:.2f}s]"
        )
    lines.append(f"14:31:29  Done. PASS={len(tests)} WARN=0 ERROR=0 SKIP=0 TOTAL={len(tests)}")
    return "\n".join(lines)


def dbt_late_orders() -> Scenario:
    s = Session(
        "dbt-late-orders",
        "/home/renata/analytics/warehouse-dbt",
        "fix/late-orders",
        "2026-04-07T13:55:00",
    )
    s.user(
        "finance says March revenue in the dashboard is ~2% below Stripe. here's the ticket:\n\n"
        "## Context\nagg_daily_revenue under-reports vs Stripe payouts since early March\n"
        "## Acceptance criteria\n- agg_daily_revenue within 0.5% of Stripe for March\n"
        "- no full refresh of fct_orders in prod (it's 400M rows)\n## Out of scope\n"
        "- the Looker explores\n\ncan you find out why and fix it?"
    )
    s.say("I'll start with the lineage of agg_daily_revenue and last night's prod run.")
    s.bash(
        "dbt ls --select +agg_daily_revenue --resource-type model",
        "\n".join(
            f"analytics.{m}"
            for m in [*_STAGING[:8], "fct_orders", "fct_refunds", "agg_daily_revenue"]
        ),
    )
    s.bash(
        "cat logs/prod/2026-04-07/dbt.log | grep -v DEBUG",
        _dbt_run_log(_STAGING + _MARTS),
    )
    s.bash(
        "snowsql -c prod -q \"select start_time, end_time, state from table(information_schema.warehouse_load_history(date_range_start=>'2026-04-07 01:50'::timestamp_ltz)) where warehouse_name = 'TRANSFORM_WH' limit 5\"",
        "+-------------------------+-------------------------+-----------+\n"
        "| START_TIME              | END_TIME                | STATE     |\n"
        "|-------------------------+-------------------------+-----------|\n"
        "| 2026-04-07 02:00:00.000 | 2026-04-07 02:05:00.000 | STARTED   |\n"
        "| 2026-04-07 02:05:00.000 | 2026-04-07 02:10:00.000 | RUNNING   |\n"
        "| 2026-04-07 02:10:00.000 | 2026-04-07 02:14:00.000 | SUSPENDED |\n"
        "+-------------------------+-------------------------+-----------+",
    )
    s.say(
        "The warehouse load history shows TRANSFORM_WH suspended at 02:14. My first guess: the "
        "nightly run is being cut off when the warehouse auto-suspends, and the last models "
        "never finish. Let me check whether fct_orders actually completed."
    )
    s.read(
        "models/marts/fct_orders.sql",
        "{{\n  config(\n    materialized='incremental',\n    unique_key='order_id',\n"
        "    incremental_strategy='merge',\n    cluster_by=['ordered_at::date'],\n  )\n}}\n\n"
        "with orders as (\n    select * from {{ ref('stg_shopify__orders') }}\n"
        "    {% if is_incremental() %}\n"
        "    where updated_at > (select max(updated_at) from {{ this }})\n"
        "    {% endif %}\n),\n\npayments as (\n    select * from {{ ref('int_orders__joined_payments') }}\n)\n\n"
        "select\n    orders.order_id,\n    orders.customer_id,\n    orders.ordered_at,\n"
        "    orders.updated_at,\n    orders._fivetran_synced,\n    orders.status,\n"
        "    payments.gross_amount,\n    payments.refunded_amount,\n"
        "    payments.gross_amount - payments.refunded_amount as net_revenue\n"
        "from orders\nleft join payments using (order_id)\n",
    )
    s.bash(
        "grep -n 'OK created sql incremental model analytics.fct_orders' logs/prod/2026-04-0*/dbt.log | tail -4",
        "logs/prod/2026-04-04/dbt.log:2051:02:03:51  17 of 26 OK created sql incremental model analytics.fct_orders [SUCCESS 21804 in 38.20s]\n"
        "logs/prod/2026-04-05/dbt.log:2049:02:03:48  17 of 26 OK created sql incremental model analytics.fct_orders [SUCCESS 19920 in 35.02s]\n"
        "logs/prod/2026-04-06/dbt.log:2050:02:03:55  17 of 26 OK created sql incremental model analytics.fct_orders [SUCCESS 20411 in 36.77s]\n"
        "logs/prod/2026-04-07/dbt.log:2052:02:03:51  17 of 26 OK created sql incremental model analytics.fct_orders [SUCCESS 21186 in 37.51s]",
    )
    s.say(
        "So it isn't the warehouse: the run finishes at 02:09 every night and TRANSFORM_WH only "
        "auto-suspends after it goes idle. fct_orders completes each night. The rows must be "
        "missing for another reason. Let me compare order ids between staging and the mart for "
        "March."
    )
    s.bash(
        "snowsql -c prod -f analysis/missing_march_orders.sql",
        "+----------+-----------------+-----------------+------------------------+\n"
        "| MISSING  | MIN_ORDERED_AT  | MAX_ORDERED_AT  | AVG_SYNC_DELAY_HOURS   |\n"
        "|----------+-----------------+-----------------+------------------------|\n"
        "|    18412 | 2026-03-01      | 2026-03-31      |                  31.40 |\n"
        "+----------+-----------------+-----------------+------------------------+",
    )
    s.bash(
        'snowsql -c prod -q "select order_id, updated_at, _fivetran_synced from raw.shopify.orders where order_id in (select order_id from analysis.missing_march_orders) order by _fivetran_synced desc limit 6"',
        "+------------+-------------------------+-------------------------+\n"
        "| ORDER_ID   | UPDATED_AT              | _FIVETRAN_SYNCED        |\n"
        "|------------+-------------------------+-------------------------|\n"
        "| 5512093341 | 2026-03-30 22:41:07.000 | 2026-04-01 06:12:44.000 |\n"
        "| 5512088120 | 2026-03-30 21:58:30.000 | 2026-04-01 06:12:44.000 |\n"
        "| 5511870457 | 2026-03-30 09:13:52.000 | 2026-03-31 23:40:02.000 |\n"
        "| 5511799032 | 2026-03-29 23:02:11.000 | 2026-03-31 23:40:02.000 |\n"
        "| 5511561208 | 2026-03-29 14:27:45.000 | 2026-03-31 11:05:19.000 |\n"
        "| 5511489954 | 2026-03-29 10:51:03.000 | 2026-03-31 11:05:19.000 |\n"
        "+------------+-------------------------+-------------------------+",
    )
    s.say(
        "Here's the real cause. Fivetran delivers some Shopify orders more than a day late "
        "(31 hours on average for the missing ones). The incremental filter keeps only rows with "
        "`updated_at > max(updated_at)` already in fct_orders, so a late-arriving order whose "
        "updated_at is older than the newest row loaded the night before is silently skipped "
        "and never loaded at all. A max(updated_at) high-water mark on a business timestamp "
        "drops late data in any incremental model fed by a lagging loader."
    )
    s.bash(
        "grep -ln 'max(updated_at)' models/marts/*.sql",
        "models/marts/fct_orders.sql\nmodels/marts/fct_payments.sql\nmodels/marts/fct_refunds.sql\nmodels/marts/fct_shipments.sql",
    )
    s.read(
        "models/marts/fct_payments.sql",
        "{{\n  config(\n    materialized='incremental',\n    unique_key='payment_id',\n"
        "    incremental_strategy='merge',\n  )\n}}\n\n"
        "with charges as (\n    select * from {{ ref('stg_stripe__charges') }}\n"
        "    {% if is_incremental() %}\n"
        "    where updated_at > (select max(updated_at) from {{ this }})\n"
        "    {% endif %}\n),\n\norders as (\n    select order_id, customer_id from {{ ref('stg_shopify__orders') }}\n)\n\n"
        "select\n    charges.charge_id as payment_id,\n    charges.order_id,\n    orders.customer_id,\n"
        "    charges.amount / 100.0 as amount,\n    charges.currency,\n    charges.status,\n"
        "    charges.created_at as paid_at,\n    charges.updated_at,\n    charges._fivetran_synced\n"
        "from charges\nleft join orders using (order_id)\nwhere charges.status in ('succeeded', 'refunded', 'partially_refunded')\n",
    )
    s.read(
        "models/marts/_marts__models.yml",
        "version: 2\n\nmodels:\n"
        + "".join(
            f'  - name: {m}\n    description: "{m.replace("_", " ")} at one row per {m.split("_", 1)[1].rstrip("s")}"\n'
            "    config:\n      contract:\n        enforced: true\n    columns:\n"
            f"      - name: {m.split('_', 1)[1].rstrip('s')}_id\n        data_type: varchar\n        tests: [not_null, unique]\n"
            "      - name: updated_at\n        data_type: timestamp_ntz\n"
            "      - name: _fivetran_synced\n        data_type: timestamp_tz\n"
            for m in _MARTS[:6]
        ),
    )
    s.bash(
        'snowsql -c prod -q "select date_trunc(day, _fivetran_synced) as synced_day, count(*) as rows_synced, '
        "count_if(datediff(hour, updated_at, _fivetran_synced) > 24) as late_rows from raw.shopify.orders "
        "where _fivetran_synced >= '2026-03-01' group by 1 order by 1 limit 14\"",
        "+------------+-------------+-----------+\n| SYNCED_DAY | ROWS_SYNCED | LATE_ROWS |\n|------------+-------------+-----------|\n"
        + "\n".join(
            f"| 2026-03-{d:02d} | {20500 + d * 311 % 1900:>11} | {400 + d * 97 % 900:>9} |"
            for d in range(1, 15)
        )
        + "\n+------------+-------------+-----------+",
    )
    s.say(
        "Every day some 400 to 1,300 orders arrive more than 24 hours after their last update, "
        "mostly edits made in the Shopify admin that the connector picks up on its slower "
        "re-sync. fct_payments has the same filter on Stripe's updated_at; Stripe's connector "
        "is faster, so the gap there is smaller, but it's the same bug."
    )
    s.task(
        "Check source() usage",
        "List every model that calls source() and every model that refs a model from another "
        "layer. Report violations of the staging/marts layering.",
        "All 19 source() calls are in models/staging/. Every mart and intermediate model selects "
        "only through ref() to staging or intermediate models; no mart reads a raw source "
        "directly. No violations found.",
    )
    s.say(
        "Good, the layering is clean, so the fix stays inside the four fct models. I'm going "
        "with this: Decision: incremental models filter on the loader's sync timestamp "
        "`_fivetran_synced` with a 3-day lookback, and the merge on `unique_key` absorbs the "
        "overlap, because the sync timestamp only moves forward while `updated_at` does not, "
        "and re-merging three days of rows is idempotent."
    )
    s.edit(
        "models/marts/fct_orders.sql",
        "    where updated_at > (select max(updated_at) from {{ this }})",
        "    where _fivetran_synced > (\n"
        "        select dateadd(day, -{{ var('lookback_days', 3) }}, max(_fivetran_synced)) from {{ this }}\n    )",
    )
    s.bash(
        "dbt build --select fct_orders --target dev",
        _dbt_run_log(
            ["stg_shopify__orders", "int_orders__joined_payments", "fct_orders"], "14:12:40"
        ),
    )
    s.compact(
        "1. Task: agg_daily_revenue ~2% below Stripe for March; no full refresh of fct_orders.\n"
        "2. Warehouse suspension ruled out: runs finish 02:09, TRANSFORM_WH suspends when idle.\n"
        "3. Cause: 18,412 March orders missing from fct_orders; Fivetran delivers them ~31h late "
        "and the `updated_at > max(updated_at)` incremental filter skips them.\n"
        "4. Same filter in fct_orders, fct_payments, fct_refunds, fct_shipments.\n"
        "5. fct_orders changed to a 3-day lookback on _fivetran_synced (merge on order_id), "
        "dev build OK.\n6. Pending: backfill of March without a full refresh; the other fct models."
    )
    s.user("wait, before the backfill: how long will the 3-day window make the nightly run?")
    s.bash(
        'snowsql -c dev -q "select query_id, total_elapsed_time/1000 as secs, bytes_scanned/1e9 as gb_scanned, partitions_scanned, partitions_total '
        "from table(information_schema.query_history_by_user(user_name=>'DBT_DEV', result_limit=>200)) where query_text ilike '%merge into dev_renata.fct_orders%' order by start_time desc limit 3\"",
        "+--------------------------------------+-------+------------+--------------------+------------------+\n"
        "| QUERY_ID                             |  SECS | GB_SCANNED | PARTITIONS_SCANNED | PARTITIONS_TOTAL |\n"
        "|--------------------------------------+-------+------------+--------------------+------------------|\n"
        "| 01b3f2c4-0002-7d21-0000-4a0f0019b2e6 | 41.28 |      6.912 |                211 |             9204 |\n"
        "| 01b3f2a9-0002-7d21-0000-4a0f0019b1d2 | 38.90 |      6.744 |                207 |             9204 |\n"
        "| 01b3e911-0002-7d1e-0000-4a0f00198c40 | 36.02 |      6.101 |                188 |             9204 |\n"
        "+--------------------------------------+-------+------------+--------------------+------------------+",
    )
    s.say(
        "About 41 seconds for the merge, against 37 before: the lookback scans 211 of 9,204 "
        "micro-partitions because the table is clustered on the order date, so the three extra "
        "days cost a few seconds a night, not minutes. The merge rewrites only the partitions "
        "the late rows touch."
    )
    s.user("fine, go ahead")
    s.bash(
        "dbt compile --select fct_orders --target dev --vars '{lookback_days: 40}' && cat target/compiled/warehouse_dbt/models/marts/fct_orders.sql | head -20",
        "14:38:52  Running with dbt=1.8.4\n14:38:54  Found 58 models, 212 data tests, 19 sources, 931 macros\n"
        "14:38:55  Compiled node 'fct_orders' is:\n\n"
        "with orders as (\n    select * from ANALYTICS_DEV.dev_renata.stg_shopify__orders\n"
        "    where _fivetran_synced > (\n        select dateadd(day, -40, max(_fivetran_synced)) from ANALYTICS_DEV.dev_renata.fct_orders\n    )\n),\n\n"
        "payments as (\n    select * from ANALYTICS_DEV.dev_renata.int_orders__joined_payments\n)\n\n"
        "select\n    orders.order_id,\n    orders.customer_id,\n    orders.ordered_at,\n    orders.updated_at,\n"
        "    orders._fivetran_synced,\n    orders.status,",
    )
    s.say("Now the backfill of the missing March orders, still without a full refresh.")
    s.bash(
        "dbt run --select fct_orders --target dev --vars '{lookback_days: 40}'",
        "14:40:11  1 of 1 OK created sql incremental model dev_renata.fct_orders [SUCCESS 18730 in 52.09s]",
    )
    s.bash(
        "snowsql -c dev -f analysis/missing_march_orders.sql",
        "| MISSING  | MIN_ORDERED_AT  | MAX_ORDERED_AT  | AVG_SYNC_DELAY_HOURS   |\n|        0 | NULL            | NULL            | NULL                   |",
    )
    s.read(
        "models/staging/segment/stg_segment__checkout_events.sql",
        "select\n    id as event_id,\n    orderId as order_id,\n    userId as customer_id,\n"
        "    timestamp as occurred_at\nfrom {{ source('segment', 'checkout_completed') }}\n",
    )
    s.bash(
        "dbt build --select stg_segment__checkout_events+ --target dev",
        "14:46:02  1 of 3 ERROR creating sql view model dev_renata.stg_segment__checkout_events\n"
        "Database Error in model stg_segment__checkout_events (models/staging/segment/stg_segment__checkout_events.sql)\n"
        "  000904 (42000): SQL compilation error: error line 3 at position 4\n"
        "  invalid identifier 'ORDERID'\n"
        "14:46:02  Done. PASS=0 WARN=0 ERROR=1 SKIP=2 TOTAL=3",
        code=1,
    )
    s.bash(
        "snowsql -c prod -q \"select column_name from raw.information_schema.columns where table_name = 'CHECKOUT_COMPLETED' and table_schema = 'SEGMENT'\"",
        "| COLUMN_NAME |\n|-------------|\n| id          |\n| orderId     |\n| userId      |\n| timestamp   |",
    )
    s.say(
        "Someone renamed the Segment source last week and the staging model broke in dev. "
        "Snowflake uppercases every unquoted identifier, so `orderId` in our SQL becomes "
        "ORDERID. The Segment loader creates its columns with double quotes in camelCase, which "
        'makes them case-sensitive: they must be written `"orderId"` with the quotes every '
        "time. The staging model is the one place that quotes them and renames them to "
        "snake_case."
    )
    s.edit(
        "models/staging/segment/stg_segment__checkout_events.sql",
        "    orderId as order_id,\n    userId as customer_id,",
        '    "orderId" as order_id,\n    "userId" as customer_id,',
    )
    s.bash(
        "dbt build --select stg_segment__checkout_events+ --target dev",
        "14:49:30  1 of 3 OK created sql view model dev_renata.stg_segment__checkout_events [SUCCESS 1 in 1.41s]\n"
        "14:49:58  Done. PASS=3 WARN=0 ERROR=0 SKIP=0 TOTAL=3",
    )
    s.say("Now let's run the full test suite against dev before touching fct_refunds.")
    s.bash("dbt test --target dev", _dbt_test_log())
    s.edit(
        "models/marts/fct_refunds.sql",
        "    where updated_at > (select max(updated_at) from {{ this }})",
        "    where _fivetran_synced > (\n"
        "        select dateadd(day, -{{ var('lookback_days', 3) }}, max(_fivetran_synced)) from {{ this }}\n    )",
    )
    s.bash(
        "dbt build --select fct_refunds agg_daily_revenue --target dev && snowsql -c dev -f analysis/revenue_vs_stripe.sql",
        "14:58:12  Done. PASS=14 WARN=0 ERROR=0 SKIP=0 TOTAL=14\n"
        "| MONTH   | DBT_NET_REVENUE | STRIPE_NET  | DIFF_PCT |\n|---------+-----------------+-------------+----------|\n"
        "| 2026-03 |   12,904,118.40 | 12,941,770.02 |   -0.29 |",
    )
    s.user("within 0.5%, great. what's left?")
    s.say(
        "Summary:\n- Cause: late-arriving Shopify rows skipped by the `max(updated_at)` "
        "incremental filter.\n- fct_orders and fct_refunds now use the 3-day `_fivetran_synced` "
        "lookback; March is back within 0.29% of Stripe in dev.\n- stg_segment__checkout_events "
        "quotes the camelCase Segment columns again.\n- Still to do: fct_payments and "
        "fct_shipments still use the old max(updated_at) filter, and the prod backfill needs a "
        "one-off run with `lookback_days: 40`."
    )
    return Scenario(
        s,
        "A long dbt/Snowflake session (several chunks): late-arriving rows skipped by a "
        "max(updated_at) incremental filter, the lookback decision in a labelled line, the "
        "Snowflake quoted-identifier gotcha, progress in the final summary; a compaction, a "
        "pasted ticket outline, a first diagnosis later disproved, a dbt warning and a plan "
        "step that must not become memory.",
        facts=[
            Fact(
                "late-rows-skipped",
                "gotcha",
                [
                    ["late", "late-arriving", "lagging"],
                    ["incremental", "max", "filter", "high-water"],
                ],
                "An updated_at > max(updated_at) incremental filter silently skips late-arriving rows.",
            ),
            Fact(
                "lookback-on-sync",
                "decision",
                [
                    ["_fivetran_synced", "lookback", "3-day", "sync timestamp"],
                    ["merge", "unique_key", "incremental", "idempotent"],
                ],
                "Incremental models filter on _fivetran_synced with a 3-day lookback; merge absorbs overlap.",
            ),
            Fact(
                "snowflake-quoted-columns",
                "gotcha",
                [
                    [
                        "uppercases",
                        "uppercase",
                        "unquoted",
                        "quoted",
                        "quotes",
                        "case-sensitive",
                        "double quotes",
                    ],
                    ["identifier", "identifiers", "column", "columns", "orderid"],
                ],
                "Snowflake uppercases unquoted identifiers; Segment's camelCase columns must be double-quoted.",
            ),
            Fact(
                "lookback-remaining",
                "progress",
                [
                    ["fct_payments", "fct_shipments", "backfill"],
                    ["still", "left", "remain", "to do", "pending"],
                ],
                "fct_orders, fct_refunds done; fct_payments, fct_shipments and the prod backfill remain.",
            ),
        ],
        distractors=[
            Distractor([["acceptance criteria"]], "a pasted ticket outline"),
            Distractor([["out of scope"]], "a pasted ticket outline"),
            Distractor([["suspended", "cut off"]], "a first diagnosis disproved later"),
            Distractor([["configuration paths"]], "a dbt warning in the run log"),
            Distractor([["full test suite"]], "a plan step"),
        ],
        questions=[
            Question("why are some march orders missing from fct_orders?", "late-rows-skipped"),
            Question(
                "what should an incremental model's where clause filter on?", "lookback-on-sync"
            ),
            Question(
                "invalid identifier ORDERID in the segment staging model",
                "snowflake-quoted-columns",
            ),
            Question("which fact tables still need the fix?", "lookback-remaining"),
        ],
        acceptable=[
            Extra(
                [["source", "staging"], ["ref", "marts", "mart"]],
                "the layering: only staging models call source(), marts select through ref()",
            ),
            Extra([["lookback_days", "backfill"], ["40"]], "how the March backfill was run"),
        ],
    )


# --- 6. c on freertos: isr priority assert -------------------------------------------------------------


def freertos_isr_priority() -> Scenario:
    s = Session(
        "freertos-isr-priority",
        "/home/jan/fw/tideline-sensor",
        "fix/uart-assert",
        "2026-08-26T10:30:00",
    )
    s.user(
        "the board locks up as soon as the GPS starts sending NMEA. debugger stops in "
        "vPortValidateInterruptPriority, configASSERT in port.c line 787. reminder of how "
        "this firmware is built: ISRs never do real work here. an ISR only copies bytes into "
        "the ring buffer and wakes the owning task with a task notification; all parsing "
        "happens in the task"
    )
    s.read(
        "Core/Src/gps_uart.c",
        "void USART2_IRQHandler(void)\n{\n    uint8_t b = (uint8_t)(USART2->RDR & 0xFF);\n"
        "    ringbuf_put(&gps_rx, b);\n    vTaskNotifyGiveFromISR(gps_task_handle, &woken);\n"
        "    portYIELD_FROM_ISR(woken);\n}\n\nvoid gps_uart_init(void)\n{\n"
        "    HAL_NVIC_SetPriority(USART2_IRQn, 0, 0);\n    HAL_NVIC_EnableIRQ(USART2_IRQn);\n}\n",
    )
    s.bash(
        "grep -n 'configMAX_SYSCALL_INTERRUPT_PRIORITY\\|configLIBRARY_MAX_SYSCALL' Core/Inc/FreeRTOSConfig.h",
        "142:#define configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY 5\n"
        "147:#define configMAX_SYSCALL_INTERRUPT_PRIORITY ( configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY << (8 - configPRIO_BITS) )",
    )
    s.say(
        "The handler already uses the FromISR variant, so the call itself is right; the "
        "priority is wrong. On Cortex-M a lower number is a higher priority, and an interrupt "
        "that calls any FreeRTOS API must have a priority numerically equal to or greater than "
        "configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY (5 in this config). USART2 is set to 0, "
        "above the kernel's critical sections, so the kernel asserts the first time the ISR "
        "notifies the task."
    )
    s.edit(
        "Core/Src/gps_uart.c",
        "    HAL_NVIC_SetPriority(USART2_IRQn, 0, 0);",
        "    HAL_NVIC_SetPriority(USART2_IRQn, configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY + 1, 0);",
    )
    s.bash(
        "cmake --build build -j2",
        "[ 91%] Building C object CMakeFiles/tideline.dir/Core/Src/gps_uart.c.obj\n"
        "/home/jan/fw/tideline-sensor/Core/Src/baro.c: In function 'baro_read':\n"
        "/home/jan/fw/tideline-sensor/Core/Src/baro.c:58:33: warning: unused parameter 'timeout_ms' [-Wunused-parameter]\n"
        "   58 | int baro_read(baro_t *dev, int timeout_ms)\n      |                            ~~~~^~~~~~~~~~\n"
        "[100%] Linking C executable tideline.elf\n"
        "   text\t   data\t    bss\t    dec\t    hex\tfilename\n"
        "  48212\t   1204\t  22816\t  72232\t  11a28\ttideline.elf",
    )
    s.bash(
        "openocd -f board/st_nucleo_l4.cfg -c 'program build/tideline.elf verify reset exit' && python tools/nmea_soak.py --minutes 5",
        "** Programming Finished **\n** Verified OK **\nsoak: 5 min, 15000 sentences, 0 checksum errors, 0 resets",
    )
    s.user(
        "works. should we also turn on configCHECK_FOR_STACK_OVERFLOW? not sure it's worth the flash"
    )
    s.say(
        "Possibly; method 2 costs a few hundred bytes and some cycles per context switch. I'd "
        "try it in a debug build first. The GPS lock-up is fixed."
    )
    return Scenario(
        s,
        "C on FreeRTOS: the ISR-priority rule for kernel calls (assistant), the ISR architecture "
        "stated by the user; a gcc warning and a hedge that must not become memory.",
        facts=[
            Fact(
                "isr-syscall-priority",
                "gotcha",
                [
                    ["priority", "nvic"],
                    [
                        "configmax_syscall_interrupt_priority",
                        "configlibrary_max_syscall_interrupt_priority",
                        "max_syscall",
                        "freertos api",
                        "fromisr",
                    ],
                ],
                "ISRs calling FreeRTOS must have priority numerically >= configLIBRARY_MAX_SYSCALL_INTERRUPT_PRIORITY.",
            ),
            Fact(
                "isr-ring-buffer",
                "architecture",
                [
                    ["isr", "isrs", "interrupt handler", "interrupt handlers"],
                    ["ring buffer", "ringbuf", "parsing", "no real work", "never do real work"],
                ],
                "ISRs only copy bytes into a ring buffer and notify the owning task; parsing is in tasks.",
            ),
        ],
        distractors=[
            Distractor([["unused parameter", "wunused-parameter"]], "a gcc warning"),
            Distractor([["stack overflow", "configcheck_for_stack_overflow"]], "a hedge"),
        ],
        questions=[
            Question(
                "configASSERT in vPortValidateInterruptPriority when the GPS sends data",
                "isr-syscall-priority",
            ),
            Question("where should NMEA parsing happen?", "isr-ring-buffer"),
        ],
    )


# --- 7. sveltekit: a secret in the client bundle ---------------------------------------------------------


def sveltekit_secret_leak() -> Scenario:
    s = Session(
        "sveltekit-secret-leak",
        "/home/oskar/src/trailhead-web",
        "fix/geocoder-key",
        "2026-07-21T08:45:00",
    )
    s.user(
        "security scan says our GEOCODER_API_KEY is in the JS bundle that ships to browsers. "
        "how?? it's only used in the loader for the trip page"
    )
    s.read(
        "src/routes/trips/[id]/+page.ts",
        "import { GEOCODER_API_KEY } from '$lib/config'\n\n"
        "export async function load({ params, fetch }) {\n"
        "  const trip = await fetch(`/api/trips/${params.id}`).then((r) => r.json())\n"
        "  const place = await fetch(`https://geo.example.com/v1/reverse?key=${GEOCODER_API_KEY}&q=${trip.start}`)\n"
        "  return { trip, place: await place.json() }\n}\n",
    )
    s.read(
        "src/lib/config.ts",
        "export const GEOCODER_API_KEY = import.meta.env.VITE_GEOCODER_API_KEY\n",
    )
    s.say(
        "Two things combine here. A `load` in `+page.ts` is a universal load function: it runs "
        "on the server for the first request and again in the browser on client-side "
        "navigation, so everything it imports is bundled for the client. And `VITE_`-prefixed "
        "variables are inlined into client code by Vite. A secret has to be read in "
        "`+page.server.ts` (or a `+server.ts` endpoint) from `$env/static/private`; SvelteKit "
        "refuses to build if client code imports that module."
    )
    s.bash("git mv 'src/routes/trips/[id]/+page.ts' 'src/routes/trips/[id]/+page.server.ts'", "")
    s.edit(
        "src/routes/trips/[id]/+page.server.ts",
        "import { GEOCODER_API_KEY } from '$lib/config'",
        "import { GEOCODER_API_KEY } from '$env/static/private'",
    )
    s.bash(
        "npm run check && npm run build && grep -rl geo.example.com .svelte-kit/output/client || echo 'not in client output'",
        "svelte-check found 0 errors and 1 warning\n"
        "src/routes/trips/[id]/+page.svelte:22:4\nWarn: A11y: <img> element should have an alt attribute (svelte)\n"
        "vite v5.3.4 building SSR bundle for production...\n✓ built in 3.91s\nnot in client output",
    )
    s.user(
        "Nice, thank you! while we're at it, the trip edit form still posts to /api/trips. "
        "let's settle this: from now on forms submit to form actions in +page.server.ts, no "
        "new /api endpoints for forms. form actions keep working without JavaScript thanks to "
        "progressive enhancement, and the validation lives next to the page"
    )
    s.edit(
        "src/routes/trips/[id]/edit/+page.svelte",
        "<form on:submit|preventDefault={save}>",
        '<form method="POST" action="?/save" use:enhance>',
    )
    s.write(
        "src/routes/trips/[id]/edit/+page.server.ts",
        "export const actions = {\n  save: async ({ request, params, locals }) => {\n"
        "    const data = await request.formData()\n    const parsed = tripSchema.safeParse(Object.fromEntries(data))\n"
        "    if (!parsed.success) return fail(400, { errors: parsed.error.flatten() })\n"
        "    await locals.db.trips.update(params.id, parsed.data)\n  },\n}\n",
    )
    s.bash("npx playwright test tests/trip-edit.test.ts", "  4 passed (7.4s)")
    s.say(
        "The key is server-only now and the edit form uses a `save` form action with "
        "`use:enhance`; the old /api/trips PUT handler can go once nothing else calls it."
    )
    return Scenario(
        s,
        "SvelteKit: universal load functions ship their imports to the browser (assistant), the "
        "form-actions decision with its reason (user); a svelte-check warning and praise that "
        "must not become memory.",
        facts=[
            Fact(
                "universal-load-leak",
                "gotcha",
                [
                    ["page.ts", "universal", "load function", "load functions", "vite_"],
                    ["browser", "client", "bundle", "bundled", "inlined"],
                    ["secret", "secrets", "key", "env/static/private", "page.server.ts"],
                ],
                "+page.ts load runs in the browser too (and VITE_ vars are inlined): secrets go in +page.server.ts.",
            ),
            Fact(
                "form-actions",
                "decision",
                [
                    ["form actions", "form action"],
                    ["api", "endpoints", "progressive enhancement", "javascript", "use:enhance"],
                ],
                "Forms submit to form actions in +page.server.ts, not /api endpoints (work without JS).",
            ),
        ],
        distractors=[
            Distractor([["alt attribute"]], "a svelte-check warning"),
            Distractor([["thank you"]], "praise"),
        ],
        questions=[
            Question(
                "how did an API key end up in the JavaScript shipped to users?",
                "universal-load-leak",
            ),
            Question("where should a form post its data?", "form-actions"),
        ],
    )


# --- 8. fastapi + async sqlalchemy: MissingGreenlet ---------------------------------------------------------


def fastapi_missing_greenlet() -> Scenario:
    s = Session(
        "fastapi-missing-greenlet",
        "/home/deniz/work/taskforge-api",
        "fix/project-detail-500",
        "2026-09-29T15:15:00",
    )
    s.user(
        "GET /projects/{id} returns 500 since we added tasks to the response:\n"
        "sqlalchemy.exc.MissingGreenlet: greenlet_spawn has not been called; can't call "
        "await_only() here. Was IO attempted in an unexpected place?\n"
        "keep the PR under 200 lines please, it has to be reviewed today"
    )
    s.read(
        "app/models.py",
        "class Project(Base):\n    __tablename__ = 'projects'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n    name: Mapped[str]\n"
        "    tasks: Mapped[list['Task']] = relationship(back_populates='project')\n",
    )
    s.read(
        "app/repositories/projects.py",
        "class ProjectRepository:\n    def __init__(self, session: AsyncSession) -> None:\n"
        "        self.session = session\n\n    async def get(self, project_id: int) -> Project | None:\n"
        "        return await self.session.get(Project, project_id)\n",
    )
    s.say(
        "The route returns a `Project` and `ProjectOut` now includes `tasks`, so Pydantic reads "
        "`project.tasks` while serialising. That relationship is lazy-loaded by default, and a "
        "lazy load on an AsyncSession means implicit IO outside an `await`, which async "
        "SQLAlchemy can't do: it raises MissingGreenlet. Relationships used in a response must "
        "be loaded eagerly in the query."
    )
    s.say(
        "My plan: declare relationships with `lazy='raise'` and make each repository query "
        "say what it loads with `selectinload()`."
    )
    s.edit(
        "app/models.py",
        "    tasks: Mapped[list['Task']] = relationship(back_populates='project')",
        "    tasks: Mapped[list['Task']] = relationship(back_populates='project', lazy='raise')",
    )
    s.edit(
        "app/repositories/projects.py",
        "        return await self.session.get(Project, project_id)",
        "        stmt = select(Project).where(Project.id == project_id).options(selectinload(Project.tasks))\n"
        "        return (await self.session.scalars(stmt)).one_or_none()",
    )
    s.bash(
        "pytest -q tests/api/test_projects.py",
        "..F.\n_______ test_list_projects_with_owner _______\n"
        "sqlalchemy.exc.InvalidRequestError: 'Project.tasks' is not available due to lazy='raise'\n"
        "1 failed, 3 passed in 2.41s",
        code=1,
    )
    s.user("why raise though? the default lazy loading worked fine before we went async")
    s.say(
        "Because with `lazy='raise'` a forgotten `selectinload` fails in the tests with a clear "
        "InvalidRequestError naming the relationship, like the one we just got, instead of a "
        "MissingGreenlet 500 in production. The failing test is the list endpoint, which also "
        "serialises tasks; it needs the same option."
    )
    s.edit(
        "app/repositories/projects.py",
        "        stmt = select(Project).where(Project.owner_id == owner_id)",
        "        stmt = select(Project).where(Project.owner_id == owner_id).options(selectinload(Project.tasks))",
    )
    s.bash("pytest -q tests/api", "........................\n24 passed in 4.02s")
    s.user("ok. should the repository commit after add() in create()?")
    s.read(
        "app/deps.py",
        "async def get_session() -> AsyncIterator[AsyncSession]:\n"
        "    async with SessionLocal() as session, session.begin():\n        yield session\n",
    )
    s.say(
        "No. Repositories here never call `commit()`: the `get_session` dependency opens one "
        "transaction per request with `session.begin()` and commits it when the route returns "
        "(or rolls back on an exception), so a request's writes land together or not at all. "
        "`create()` should only `add()` and `flush()` if it needs the id."
    )
    s.bash(
        "mypy app",
        "app/legacy/importer.py:12: note: By default the bodies of untyped functions are not "
        "checked, consider using --check-untyped-defs  [annotation-unchecked]\n"
        "Success: no issues found in 38 source files",
    )
    return Scenario(
        s,
        "FastAPI with async SQLAlchemy: the MissingGreenlet lazy-load gotcha (assistant), the "
        "lazy='raise' choice with its reason given in a later message, the one-transaction-per-"
        "request convention; a task instruction and a mypy note that must not become memory.",
        facts=[
            Fact(
                "lazy-load-greenlet",
                "gotcha",
                [
                    ["missinggreenlet", "greenlet", "greenlet_spawn"],
                    [
                        "lazy-loaded",
                        "lazy load",
                        "lazy loading",
                        "lazy-load",
                        "implicit io",
                        "implicit",
                    ],
                ],
                "Lazy-loading a relationship on an AsyncSession raises MissingGreenlet: load eagerly.",
            ),
            Fact(
                "lazy-raise",
                "decision",
                [
                    ["raise", "raiseload"],
                    ["lazy", "relationship", "relationships"],
                    ["selectinload", "tests", "forgotten", "explicit"],
                ],
                "Relationships are lazy='raise'; queries selectinload what they need, so misses fail in tests.",
            ),
            Fact(
                "session-per-request",
                "pattern",
                [
                    ["commit", "commits", "transaction"],
                    ["repository", "repositories", "get_session", "dependency", "per request"],
                ],
                "Repositories never commit; get_session runs one transaction per request.",
            ),
        ],
        distractors=[
            Distractor([["200 lines"]], "the user's task instruction"),
            Distractor([["untyped functions", "check-untyped-defs"]], "a mypy note"),
        ],
        questions=[
            Question(
                "greenlet_spawn has not been called error on project detail", "lazy-load-greenlet"
            ),
            Question("why do our relationships fail instead of loading lazily?", "lazy-raise"),
            Question("where does the database transaction get committed?", "session-per-request"),
        ],
    )


# --- 9. elasticsearch: changing a field type with aliases (long) ----------------------------------------


def _cat_indices() -> str:
    rows = [
        "health status index                          uuid                   pri rep docs.count docs.deleted store.size pri.store.size"
    ]
    indexes = [
        ("products-v3", 3, 1, 2918552, 40211, "9.8gb", "4.9gb"),
        ("products-v2", 3, 1, 2710300, 0, "8.1gb", "4.0gb"),
        ("orders-2026.09", 2, 1, 1840221, 12, "2.2gb", "1.1gb"),
        ("orders-2026.10", 2, 1, 2011930, 3, "2.4gb", "1.2gb"),
        ("orders-2026.11", 2, 1, 1204418, 0, "1.4gb", "720mb"),
        ("suggest-v7", 1, 1, 88412, 310, "61mb", "30.5mb"),
        ("reviews-v1", 2, 1, 6102337, 9120, "3.9gb", "1.9gb"),
        ("synonyms-audit", 1, 1, 1442, 0, "412kb", "206kb"),
        (".kibana_8.14.3_001", 1, 1, 2431, 88, "11mb", "5.5mb"),
        (".ds-logs-app-2026.11.27-000041", 1, 1, 30218845, 0, "18.2gb", "9.1gb"),
        (".ds-logs-app-2026.11.28-000042", 1, 1, 29554310, 0, "17.9gb", "8.9gb"),
        (".ds-logs-app-2026.11.29-000043", 1, 1, 31020776, 0, "18.7gb", "9.3gb"),
    ]
    for n, (name, pri, rep, docs, deleted, size, pri_size) in enumerate(indexes):
        uuid = f"{(n * 7919 + 104729):x}".rjust(8, "a") + "Qm3xPz9vTq1w"
        rows.append(
            f"green  open   {name:<30} {uuid:<22} {pri:>3} {rep:>3} {docs:>10} {deleted:>12} {size:>10} {pri_size:>14}"
        )
    return "\n".join(rows)


def _products_mapping() -> str:
    fields = [
        (
            "name",
            '{"type": "text", "analyzer": "product_text", "fields": {"raw": {"type": "keyword"}}}',
        ),
        ("sku", '{"type": "text"}'),
        ("brand", '{"type": "keyword"}'),
        ("category_path", '{"type": "keyword"}'),
        ("description", '{"type": "text", "analyzer": "product_text"}'),
        ("price", '{"type": "scaled_float", "scaling_factor": 100}'),
        ("currency", '{"type": "keyword"}'),
        ("in_stock", '{"type": "boolean"}'),
        (
            "stock_by_store",
            '{"type": "nested", "properties": {"store_id": {"type": "keyword"}, "qty": {"type": "integer"}}}',
        ),
        ("rating", '{"type": "half_float"}'),
        ("review_count", '{"type": "integer"}'),
        ("tags", '{"type": "keyword"}'),
        ("color", '{"type": "keyword"}'),
        ("size", '{"type": "keyword"}'),
        ("created_at", '{"type": "date"}'),
        ("updated_at", '{"type": "date"}'),
        ("suggest", '{"type": "completion", "analyzer": "simple"}'),
        (
            "embedding",
            '{"type": "dense_vector", "dims": 384, "index": true, "similarity": "cosine"}',
        ),
    ]
    body = ",\n".join(f'        "{name}": {spec}' for name, spec in fields)
    return (
        '{\n  "products-v3": {\n    "mappings": {\n      "dynamic": "strict",\n      "properties": {\n'
        + body
        + "\n      }\n    }\n  }\n}"
    )


def _task_status(created: int, total: int, done: bool) -> str:
    return (
        "{\n"
        f'  "completed": {"true" if done else "false"},\n'
        '  "task": {\n    "node": "Xk2vP9aQTeuW3lX0b8s1Jg",\n    "id": 88412031,\n'
        '    "action": "indices:data/write/reindex",\n'
        '    "status": {\n'
        f'      "total": {total},\n      "updated": 0,\n      "created": {created},\n'
        '      "deleted": 0,\n'
        f'      "batches": {created // 1000 + 1},\n'
        '      "version_conflicts": 0,\n      "noops": 0,\n'
        '      "retries": {"bulk": 0, "search": 0},\n'
        '      "throttled_millis": 0,\n      "requests_per_second": -1.0\n    },\n'
        '    "description": "reindex from [products-v3] to [products-v4]",\n'
        f'    "running_time_in_nanos": {created * 2100}\n  }}\n}}'
    )


def elastic_sku_reindex() -> Scenario:
    s = Session(
        "elastic-sku-reindex",
        "/home/farid/work/shopfront-search",
        "feat/sku-exact",
        "2026-11-24T10:00:00",
    )
    s.user(
        "support can't find products by SKU: searching `AB-1042-XL` returns hundreds of "
        "unrelated items. make sku exact-match. and don't take search down, it's Black Friday "
        "week"
    )
    s.say("Let me look at the cluster, the current mapping and how the app addresses the index.")
    s.bash("curl -s 'localhost:9200/_cat/indices?v&s=index'", _cat_indices())
    s.bash("curl -s 'localhost:9200/products/_mapping?pretty'", _products_mapping())
    s.bash(
        "curl -s 'localhost:9200/_cat/aliases?v'",
        "alias              index        filter routing.index routing.search is_write_index\n"
        "products           products-v3  -      -             -              -\n"
        "products-write     products-v3  -      -             -              true\n"
        "suggest            suggest-v7   -      -             -              -\n"
        "reviews            reviews-v1   -      -             -              -",
    )
    s.read(
        "src/shopfront_search/client.py",
        "READ_ALIAS = 'products'\nWRITE_ALIAS = 'products-write'\n\n\n"
        "def search(body: dict) -> dict:\n    return es.search(index=READ_ALIAS, body=body)\n\n\n"
        "def index_product(doc: dict) -> None:\n    es.index(index=WRITE_ALIAS, id=doc['id'], document=doc)\n",
    )
    s.bash(
        'curl -s \'localhost:9200/products/_analyze?pretty\' -H \'content-type: application/json\' -d \'{"field": "sku", "text": "AB-1042-XL"}\'',
        '{\n  "tokens" : [\n    {\n      "token" : "ab",\n      "start_offset" : 0,\n      "end_offset" : 2,\n'
        '      "type" : "<ALPHANUM>",\n      "position" : 0\n    },\n    {\n      "token" : "1042",\n'
        '      "start_offset" : 3,\n      "end_offset" : 7,\n      "type" : "<NUM>",\n      "position" : 1\n    },\n'
        '    {\n      "token" : "xl",\n      "start_offset" : 8,\n      "end_offset" : 10,\n'
        '      "type" : "<ALPHANUM>",\n      "position" : 2\n    }\n  ]\n}',
    )
    s.say(
        "That explains the hundreds of results: as a `text` field, `AB-1042-XL` is split by the "
        "standard analyzer into `ab`, `1042` and `xl`, and any product with `xl` in its SKU "
        "matches. An exact SKU needs a `keyword` field."
    )
    s.bash(
        "curl -s -XPOST 'localhost:9200/products/_search?pretty' -H 'content-type: application/json' "
        '-d \'{"size": 3, "_source": ["sku", "name", "brand"], "query": {"match": {"sku": "AB-1042-XL"}}}\'',
        '{\n  "took" : 18,\n  "timed_out" : false,\n  "_shards" : {"total" : 3, "successful" : 3, "skipped" : 0, "failed" : 0},\n'
        '  "hits" : {\n    "total" : {"value" : 312, "relation" : "eq"},\n    "max_score" : 14.211,\n    "hits" : [\n'
        + ",\n".join(
            f'      {{"_index" : "products-v3", "_id" : "{pid}", "_score" : {score}, "_source" : '
            f'{{"sku" : "{sku}", "name" : "{name}", "brand" : "{brand}"}}}}'
            for pid, score, sku, name, brand in [
                ("88412", 14.211, "AB-1042-XL", "Trail Shell Jacket XL", "Northpeak"),
                ("90117", 9.804, "AB-1042-M", "Trail Shell Jacket M", "Northpeak"),
                ("12093", 6.322, "QX-XL-0007", "Merino Base Layer XL", "Fjellstrom"),
            ]
        )
        + "\n    ]\n  }\n}",
    )
    s.read(
        "jobs/nightly_sync.py",
        "from shopfront_search.client import WRITE_ALIAS, es\nfrom shopfront_search.catalog import changed_products\n\n\n"
        "def run(since: datetime) -> int:\n    actions = (\n"
        "        {'_op_type': 'index', '_index': WRITE_ALIAS, '_id': p.id, '_source': p.to_doc()}\n"
        "        for p in changed_products(since)\n    )\n"
        "    ok, errors = helpers.bulk(es, actions, chunk_size=2000, raise_on_error=False)\n"
        "    for err in errors:\n        log.warning('bulk error', extra={'error': err})\n    return ok\n",
    )
    s.task(
        "Find hard-coded index names",
        "Search the repo (src/, jobs/, scripts/, infra/) for any use of a concrete products index "
        "name such as products-v3 instead of the products / products-write aliases. Report file "
        "and line.",
        "No code path uses a concrete index name. src/shopfront_search/client.py defines "
        "READ_ALIAS='products' and WRITE_ALIAS='products-write'; jobs/nightly_sync.py and "
        "scripts/backfill.py import them. The only literal 'products-v3' is in "
        "infra/index-templates/README.md (documentation).",
    )
    s.say(
        "So the layout is: the application never names a concrete index. Everything reads "
        "through the `products` alias and writes through `products-write`, and the concrete "
        "indexes are versioned (`products-v3` today). That's what lets us swap the index "
        "underneath without a deploy."
    )
    s.bash(
        "curl -s -XPUT 'localhost:9200/products-v3/_mapping' -H 'content-type: application/json' "
        '-d \'{"properties": {"sku": {"type": "keyword"}}}\'',
        '{"error":{"root_cause":[{"type":"illegal_argument_exception","reason":"mapper [sku] '
        'cannot be changed from type [text] to [keyword]"}],"type":"illegal_argument_exception",'
        '"reason":"mapper [sku] cannot be changed from type [text] to [keyword]"},"status":400}',
        code=22,
    )
    s.say(
        "As expected: Elasticsearch never changes the type of an existing field in a mapping. "
        "Adding a sub-field (`sku.exact`) would be accepted but only fills for documents "
        "indexed afterwards, so the 2.9M existing products would need an update_by_query "
        "anyway. The clean way to change a field type is a new index with the new mapping and "
        "a `_reindex` into it."
    )
    s.user(
        "ok. heads up: Ines from SRE does anything that touches the prod cluster during the "
        "freeze. she'll run the prod cutover in Thursday's 06:00 window, so only go as far as "
        "staging yourself"
    )
    s.say(
        "Understood, I'll stop at staging and write the steps down for Ines. Plan for staging:\n"
        "1. create products-v4 with the new mapping\n2. reindex\n3. verify counts and SKU search\n"
        "4. swap the aliases"
    )
    s.write(
        "infra/index-templates/products-v4.json",
        '{\n  "settings": {\n    "number_of_shards": 3,\n    "number_of_replicas": 0,\n'
        '    "refresh_interval": "-1",\n    "analysis": {\n      "normalizer": {\n'
        '        "sku_norm": {"type": "custom", "filter": ["lowercase", "asciifolding"]}\n      }\n    }\n  },\n'
        '  "mappings": {\n    "dynamic": "strict",\n    "properties": {\n'
        '      "sku": {"type": "keyword", "normalizer": "sku_norm"}\n    }\n  }\n}\n',
    )
    s.bash(
        "python scripts/create_index.py --env staging --template infra/index-templates/products-v4.json --name products-v4",
        "/home/farid/work/shopfront-search/.venv/lib/python3.12/site-packages/elasticsearch/_sync/client/__init__.py:401: "
        "ElasticsearchWarning: [ignore_throttled] parameter is deprecated because frozen indices have been deprecated. "
        "Consider cold or frozen tiers in place of frozen indices.\n  warnings.warn(\n"
        "created products-v4 (3 shards, 0 replicas, refresh -1)",
    )
    s.bash(
        "curl -s 'staging-es:9200/_cat/shards/products-*?v'",
        "index       shard prirep state      docs  store ip          node\n"
        + "\n".join(
            f"{idx:<11} {sh:<5} {pr:<6} STARTED {docs:>9} {size:>6} 10.4.2.{11 + (sh + (pr == 'r')) % 3} es-data-{(sh + (pr == 'r')) % 3 + 1}"
            for idx, docs, size in [("products-v3", 972850, "1.6gb"), ("products-v4", 0, "225b")]
            for sh in range(3)
            for pr in (["p", "r"] if idx == "products-v3" else ["p"])
        ),
    )
    s.say("Now let's check the cluster health before starting the reindex.")
    s.bash(
        "curl -s 'staging-es:9200/_cluster/health?pretty'",
        '{\n  "cluster_name" : "shopfront-staging",\n  "status" : "green",\n  "number_of_nodes" : 3,\n'
        '  "number_of_data_nodes" : 3,\n  "active_primary_shards" : 61,\n  "active_shards" : 119,\n'
        '  "relocating_shards" : 0,\n  "initializing_shards" : 0,\n  "unassigned_shards" : 0,\n'
        '  "active_shards_percent_as_number" : 100.0\n}',
    )
    s.bash(
        "curl -s -XPOST 'staging-es:9200/_reindex?wait_for_completion=false&slices=auto' -H 'content-type: application/json' "
        '-d \'{"source": {"index": "products-v3", "size": 2000}, "dest": {"index": "products-v4"}}\'',
        '{"task":"Xk2vP9aQTeuW3lX0b8s1Jg:88412031"}',
    )
    s.bash(
        "curl -s 'staging-es:9200/_tasks/Xk2vP9aQTeuW3lX0b8s1Jg:88412031?pretty'",
        _task_status(612000, 2918552, False),
    )
    s.bash(
        "sleep 240; curl -s 'staging-es:9200/_tasks/Xk2vP9aQTeuW3lX0b8s1Jg:88412031?pretty'",
        _task_status(1904000, 2918552, False),
    )
    s.bash(
        "sleep 180; curl -s 'staging-es:9200/_tasks/Xk2vP9aQTeuW3lX0b8s1Jg:88412031?pretty'",
        _task_status(2918552, 2918552, True),
    )
    s.bash(
        "curl -s -XPUT 'staging-es:9200/products-v4/_settings' -H 'content-type: application/json' "
        '-d \'{"index": {"number_of_replicas": 1, "refresh_interval": "1s"}}\' && '
        "curl -s 'staging-es:9200/_cat/count/products-v3' && curl -s 'staging-es:9200/_cat/count/products-v4'",
        '{"acknowledged":true}\n1764070219 10:41:59 2918552\n1764070219 10:41:59 2918552',
    )
    s.bash(
        "python scripts/compare_search.py --env staging --old products-v3 --new products-v4 --queries tests/fixtures/top_queries.txt",
        "queries: 500\nidentical top-10: 487\nchanged top-10: 13 (all SKU-like queries)\n"
        "  AB-1042-XL      old: 312 hits  new: 1 hit\n  ab-1042-xl      old: 312 hits  new: 1 hit\n"
        "  KX 2201         old: 1044 hits new: 0 hits\n  ZP-77-B         old: 97 hits   new: 1 hit\n"
        "p95 latency: old 41ms new 38ms",
    )
    s.read(
        "scripts/compare_search.py",
        '"""Run the same queries against two indexes and report where the top 10 differs."""\n\n'
        "import argparse\nimport statistics\nimport time\n\nfrom shopfront_search.client import connect\n\n\n"
        "def top10(es, index: str, query: str) -> tuple[list[str], float]:\n"
        "    started = time.perf_counter()\n"
        "    res = es.search(index=index, size=10, query={'multi_match': {'query': query, 'fields': ['name^3', 'sku^5', 'brand', 'description']}})\n"
        "    return [h['_id'] for h in res['hits']['hits']], (time.perf_counter() - started) * 1000\n\n\n"
        "def main() -> None:\n    parser = argparse.ArgumentParser()\n    parser.add_argument('--env', required=True)\n"
        "    parser.add_argument('--old', required=True)\n    parser.add_argument('--new', required=True)\n"
        "    parser.add_argument('--queries', required=True)\n    args = parser.parse_args()\n"
        "    es = connect(args.env)\n    changed, old_ms, new_ms = [], [], []\n"
        "    for query in open(args.queries).read().splitlines():\n"
        "        a, ta = top10(es, args.old, query)\n        b, tb = top10(es, args.new, query)\n"
        "        old_ms.append(ta)\n        new_ms.append(tb)\n        if a != b:\n            changed.append(query)\n"
        "    print(f'queries: {len(old_ms)}')\n    print(f'changed top-10: {len(changed)}')\n"
        "    print(f'p95 latency: old {statistics.quantiles(old_ms, n=20)[18]:.0f}ms new {statistics.quantiles(new_ms, n=20)[18]:.0f}ms')\n",
    )
    s.say(
        "The only changed results are SKU-like queries, as intended. `KX 2201` with a space "
        "returns nothing now; support types SKUs with dashes, so I'll leave it."
    )
    s.say(
        "Decision: this and future mapping changes go as a blue/green index swap. We build the "
        "next products-vN beside the live index with replicas 0 and refresh off, reindex, "
        "restore replicas, then move both aliases in one atomic `_aliases` request and keep the "
        "previous index for a week. Searches never see a half-built index, and rolling back is "
        "one more alias call."
    )
    s.write(
        "scripts/swap_aliases.sh",
        "#!/usr/bin/env bash\nset -euo pipefail\nES=${1:?es url}; OLD=${2:?old}; NEW=${3:?new}\n"
        'curl -sf -XPOST "$ES/_aliases" -H "content-type: application/json" -d @- <<JSON\n'
        '{"actions": [\n  {"remove": {"index": "$OLD", "alias": "products"}},\n'
        '  {"remove": {"index": "$OLD", "alias": "products-write"}},\n'
        '  {"add": {"index": "$NEW", "alias": "products"}},\n'
        '  {"add": {"index": "$NEW", "alias": "products-write", "is_write_index": true}}\n]}\nJSON\n',
    )
    s.bash(
        "bash scripts/swap_aliases.sh http://staging-es:9200 products-v3 products-v4 && curl -s 'staging-es:9200/_cat/aliases/products*?v'",
        '{"acknowledged":true}\nalias          index       filter routing.index routing.search is_write_index\n'
        "products       products-v4 -      -             -              -\n"
        "products-write products-v4 -      -             -              true",
    )
    s.bash(
        "pytest -v tests/integration --es-url http://staging-es:9200",
        "============================= test session starts ==============================\n"
        "platform linux -- Python 3.12.4, pytest-8.2.2, pluggy-1.5.0 -- /home/farid/work/shopfront-search/.venv/bin/python\n"
        "collected 40 items\n\n"
        + "\n".join(
            f"tests/integration/test_{mod}.py::test_{case} PASSED{' ' * max(1, 44 - len(mod) - len(case))}[{n * 5 // 2:>3}%]"
            for n, (mod, case) in enumerate(
                [
                    (mod, case)
                    for mod, cases in [
                        (
                            "search",
                            [
                                "match_name",
                                "match_description",
                                "brand_filter",
                                "category_facets",
                                "price_range",
                                "in_stock_only",
                                "sort_by_rating",
                                "pagination_deep",
                                "highlight_name",
                                "synonyms_tee_tshirt",
                            ],
                        ),
                        (
                            "sku",
                            [
                                "exact_upper",
                                "exact_lower",
                                "exact_with_spaces_trimmed",
                                "no_partial_match",
                                "ascii_folding",
                                "unknown_sku_empty",
                            ],
                        ),
                        (
                            "suggest",
                            [
                                "prefix_two_chars",
                                "prefix_brand",
                                "fuzzy_one_edit",
                                "no_deleted_products",
                            ],
                        ),
                        (
                            "indexing",
                            [
                                "bulk_upsert",
                                "delete_removes_doc",
                                "strict_mapping_rejects_unknown_field",
                                "write_alias_is_write_index",
                                "partial_update_keeps_fields",
                                "stock_by_store_nested",
                            ],
                        ),
                        (
                            "vectors",
                            [
                                "knn_similar_products",
                                "knn_filter_brand",
                                "hybrid_rrf",
                                "dims_mismatch_rejected",
                            ],
                        ),
                        (
                            "aliases",
                            [
                                "read_alias_single_index",
                                "write_alias_single_index",
                                "search_through_alias",
                                "index_through_write_alias",
                            ],
                        ),
                        (
                            "facets",
                            [
                                "color_counts",
                                "size_counts",
                                "brand_counts",
                                "tag_counts",
                                "nested_store_counts",
                                "empty_query_all_facets",
                            ],
                        ),
                    ]
                    for case in cases
                ],
                1,
            )
        )
        + "\n\n============================= 40 passed in 22.18s ==============================",
    )
    s.user("so good. do we want to move to OpenSearch at some point? just wondering")
    s.say(
        "Maybe, but nothing here needs it. Staging is on products-v4 with exact SKU search. "
        "For Ines, in docs/runbooks/products-v4-cutover.md: create products-v4 on prod, "
        "reindex, restore replicas, compare, then `scripts/swap_aliases.sh` in the Thursday "
        "06:00 window; products-v3 stays for a week for rollback."
    )
    s.write(
        "docs/runbooks/products-v4-cutover.md",
        "# products-v4 cutover (prod)\n\nOwner: Ines (SRE), Thursday 06:00 window\n\n"
        "1. scripts/create_index.py --env prod --name products-v4\n2. _reindex with slices=auto\n"
        "3. restore replicas and refresh_interval\n4. scripts/compare_search.py\n"
        "5. scripts/swap_aliases.sh <prod> products-v3 products-v4\n6. delete products-v3 after 7 days\n",
    )
    return Scenario(
        s,
        "A long Elasticsearch session (several chunks, long JSON outputs): field types can't "
        "change in place, the alias architecture (assistant, after a subagent's report), the "
        "blue/green swap decision in a labelled line, a coordination note (user); a task "
        "instruction, a numbered plan, a client deprecation warning, a plan step, praise and a "
        "hedge that must not become memory.",
        facts=[
            Fact(
                "mapping-type-immutable",
                "gotcha",
                [
                    ["mapping", "mapper", "field type", "type of an existing field"],
                    [
                        "cannot be changed",
                        "can't be changed",
                        "never changes",
                        "can't change",
                        "cannot change",
                        "immutable",
                        "in place",
                    ],
                ],
                "A field's type can't change in an existing mapping: new index plus _reindex.",
            ),
            Fact(
                "read-write-aliases",
                "architecture",
                [
                    ["alias", "aliases", "products-write"],
                    [
                        "concrete index",
                        "concrete indexes",
                        "versioned",
                        "never names",
                        "products-v3",
                    ],
                ],
                "The app reads via the products alias and writes via products-write; indexes are versioned.",
            ),
            Fact(
                "blue-green-swap",
                "decision",
                [
                    ["_aliases", "atomic", "atomically", "blue/green"],
                    [
                        "mapping",
                        "mapping changes",
                        "reindex",
                        "rollback",
                        "rolling back",
                        "half-built",
                    ],
                ],
                "Mapping changes go as a blue/green swap: build products-vN, reindex, move aliases atomically.",
            ),
            Fact(
                "ines-prod-cutover",
                "coordination",
                [["ines"], ["prod", "production", "cutover", "thursday", "freeze"]],
                "Ines (SRE) runs anything on the prod cluster during the freeze, incl. the Thursday cutover.",
            ),
        ],
        distractors=[
            Distractor([["black friday"]], "the user's task instruction"),
            Distractor([["ignore_throttled", "frozen indices"]], "a client deprecation warning"),
            Distractor([["cluster health"]], "a plan step"),
            Distractor([["verify counts"]], "a numbered plan"),
            Distractor([["so good"]], "praise"),
            Distractor([["opensearch"]], "a hedge"),
        ],
        questions=[
            Question(
                "mapper [sku] cannot be changed from type [text] to [keyword]",
                "mapping-type-immutable",
            ),
            Question("which index name should the indexer write to?", "read-write-aliases"),
            Question("how do we roll out a new index without downtime?", "blue-green-swap"),
            Question("who is doing the production cutover?", "ines-prod-cutover"),
        ],
        acceptable=[
            Extra(
                [["sku"], ["keyword", "normalizer", "exact"]],
                "the change made: sku as a normalised keyword",
            ),
            Extra(
                [["staging"], ["products-v4", "swapped"]],
                "a progress line: staging is on products-v4",
            ),
            Extra([["runbook", "cutover"], ["products-v4"]], "the cutover runbook"),
        ],
    )


# --- 10. nix flake: an untracked file -------------------------------------------------------------------


def nix_untracked_overlay() -> Scenario:
    s = Session(
        "nix-untracked-overlay",
        "/home/ilse/src/tideweb",
        "chore/openssl-overlay",
        "2026-10-02T17:25:00",
    )
    s.user(
        "I added an overlay to pin openssl for the gateway and now `nix build .#gateway` says the "
        "file doesn't exist. it's right there?!\n\n"
        "error: path '/nix/store/9w2k1d0b7vq3x5s8fzg4r6m1c0p2a7yh-source/nix/overlays/openssl.nix' does not exist"
    )
    s.bash(
        "git status --short && ls nix/overlays",
        "?? nix/overlays/openssl.nix\n M flake.nix\nopenssl.nix\npython.nix",
    )
    s.say(
        "The overlay is untracked. When the flake lives in a git repository, Nix copies only "
        "the files git tracks into the store before evaluating, so a file git doesn't know "
        "about does not exist for `nix build`, even though it's on disk. It has to be "
        "`git add`ed; it doesn't need to be committed."
    )
    s.bash(
        "git add nix/overlays/openssl.nix && nix build .#gateway -L 2>&1 | tail -4",
        "warning: Git tree '/home/ilse/src/tideweb' is dirty\n"
        "gateway> checking for references to /build/ in /nix/store/c8r1…-gateway-2.4.1...\n"
        "gateway> patching script interpreter paths in /nix/store/c8r1…-gateway-2.4.1\n"
        "gateway> stripping (with command strip and flags -S -p) in  /nix/store/c8r1…-gateway-2.4.1/bin",
    )
    s.bash(
        "./result/bin/gateway --version && nix flake metadata --json | jq -r '.locks.nodes.nixpkgs.original.ref, .locks.nodes.nixpkgs.locked.rev'",
        "gateway 2.4.1 (OpenSSL 3.0.14 4 Jun 2024)\nnixos-24.05\n8b5ab8341e33322e5b66fb46ce23d724050f6606",
    )
    s.user(
        "cheers, that did it. and please don't run `nix flake update` in this PR, I saw it in "
        "your todo. we pin nixpkgs to nixos-24.05 in flake.lock and bump it once a month in a "
        "PR of its own, because a bump rebuilds the whole toolchain and buries the real change "
        "in the review"
    )
    s.say(
        "Understood, I won't touch flake.lock. The gateway builds with the pinned OpenSSL "
        "3.0.14 overlay; the change is flake.nix plus nix/overlays/openssl.nix."
    )
    return Scenario(
        s,
        "A short Nix session: flakes see only git-tracked files (assistant), the nixpkgs pinning "
        "decision with its reason (user); a Nix warning that must not become memory.",
        facts=[
            Fact(
                "flake-git-tracked",
                "gotcha",
                [
                    ["flake", "flakes", "nix build", "nix"],
                    ["untracked", "git add", "tracked", "tracks"],
                ],
                "A flake in a git repo only sees git-tracked files: git add new files before nix build.",
            ),
            Fact(
                "nixpkgs-monthly-bump",
                "decision",
                [
                    ["nixpkgs", "flake.lock", "flake update"],
                    ["monthly", "once a month", "own pr", "of its own", "pin", "pinned"],
                ],
                "nixpkgs pinned to nixos-24.05; bumped monthly in its own PR (rebuilds hide the diff).",
            ),
        ],
        distractors=[
            Distractor([["is dirty"]], "a Nix warning"),
            Distractor([["cheers"]], "thanks"),
        ],
        questions=[
            Question("nix build says a file I just created does not exist", "flake-git-tracked"),
            Question("when do we update nixpkgs?", "nixpkgs-monthly-bump"),
        ],
        acceptable=[
            Extra(
                [["openssl"], ["overlay", "3.0.14", "gateway"]],
                "the gateway's pinned OpenSSL overlay",
            ),
        ],
    )


# --- 11. bazel: remote cache misses after a ci image change ------------------------------------------------


def bazel_cache_misses() -> Scenario:
    s = Session(
        "bazel-cache-misses",
        "/home/wren/src/monorepo",
        "fix/remote-cache-hits",
        "2026-06-30T09:40:00",
    )
    s.user(
        "remote cache hit rate on CI fell to ~0% for //services/... on Monday, same day the CI "
        "image was updated. local builds are fine. note: build-infra (Wei Chen) owns .bazelrc "
        "and the CI image; changes to either go through a PR tagged @build-infra, nobody "
        "pushes them directly"
    )
    s.bash(
        "curl -s http://bazel-cache.internal:8080/status",
        '{"CurrSize": 1056420331520, "MaxSize": 1073741824000, "NumFiles": 18204411, '
        '"ServerTime": 1782812400, "GitCommit": "v2.4.3"}',
    )
    s.say(
        "The cache server is at 98% of its size limit. It may be evicting entries faster than "
        "CI writes them, which would explain the misses. Let me check that against the "
        "execution logs before changing anything."
    )
    s.bash(
        "bazel build //services/billing:server --config=ci --execution_log_json_file=/tmp/exec-local.json",
        "WARNING: The following configs were expanded more than once: [ci, remote]. For "
        "repeatable flags, repeats are counted twice and may lead to unexpected behavior.\n"
        "INFO: Analyzed target //services/billing:server (412 packages loaded, 9120 targets configured).\n"
        "INFO: 1843 processes: 1790 remote cache hit, 41 internal, 12 linux-sandbox.\n"
        "INFO: Build completed successfully, 1843 total actions",
    )
    s.bash(
        "gh run download 88120 -n exec-log -D /tmp/ci && python tools/diff_exec_logs.py /tmp/exec-local.json /tmp/ci/exec.json | head -12",
        "actions compared: 1843\nactions with different keys: 1802\nfirst difference (//services/billing:server_lib, PyCompile):\n"
        "  environment_variables:\n"
        "    PATH  local: /usr/local/bin:/usr/bin:/bin\n"
        "          ci:    /opt/ci/tools/bin:/usr/local/bin:/usr/bin:/bin\n"
        "  inputs: identical\n  arguments: identical",
    )
    s.read(
        ".bazelrc",
        "build --action_env=PATH\nbuild --host_action_env=PATH\n"
        "build:ci --remote_cache=grpc://bazel-cache.internal:9092\nbuild:ci --remote_upload_local_results\n",
    )
    s.say(
        "That's not it: the keys themselves differ, and only in PATH. `build "
        "--action_env=PATH` copies the runner's PATH into every action's environment, and that "
        "environment is part of the action key. The new CI image put /opt/ci/tools/bin on PATH, "
        "so every action got a new key and none of them can hit entries written before Monday "
        "or by laptops. `--incompatible_strict_action_env` gives actions a fixed PATH instead."
    )
    s.edit(
        ".bazelrc",
        "build --action_env=PATH\nbuild --host_action_env=PATH\n",
        "build --incompatible_strict_action_env\n",
    )
    s.bash(
        "git push -u origin fix/remote-cache-hits && gh pr create --title 'bazelrc: strict action env so CI and laptops share cache keys' --body-file /tmp/pr.md --reviewer build-infra",
        "https://github.com/wren-co/monorepo/pull/2231",
    )
    s.bash(
        "gh run watch 88191 --exit-status && gh run view 88191 --log | grep 'processes:'",
        "INFO: 5210 processes: 4388 remote cache hit, 96 internal, 726 remote.\n"
        "INFO: 2204 processes: 1251 remote cache hit, 33 internal, 920 linux-sandbox.",
    )
    s.user(
        "hm, the second one is the java build. why is it still missing? maybe we should finally move to bzlmod"
    )
    s.bash(
        "python tools/diff_exec_logs.py /tmp/exec-java-local.json /tmp/ci/exec-java.json | head -6",
        "actions compared: 2204\nactions with different keys: 921\nfirst difference (//services/ledger:lib, Javac):\n"
        "  inputs:\n    external/local_jdk/bin/javac  local: 17.0.11  ci: 17.0.12",
    )
    s.say(
        "Summary: PR #2231 (waiting for build-infra review) switches to strict action env; with "
        "it the Python and Go targets hit the cache again (84% of actions in the services "
        "build). Still open: the Java targets still miss because they use `local_jdk`, and the "
        "CI image ships a different JDK patch release than laptops; a hermetic remote JDK "
        "toolchain would fix that, but that is build-infra's call."
    )
    return Scenario(
        s,
        "Bazel: --action_env=PATH puts the runner's PATH into every action key (assistant), a "
        "coordination note (user), progress in the final summary; a first diagnosis (eviction) "
        "disproved later, a Bazel warning and a hedge that must not become memory.",
        facts=[
            Fact(
                "action-env-path",
                "gotcha",
                [
                    [
                        "action_env",
                        "action env",
                        "strict_action_env",
                        "incompatible_strict_action_env",
                    ],
                    ["path", "key", "keys", "cache"],
                ],
                "--action_env=PATH makes the runner's PATH part of every action key: use strict action env.",
            ),
            Fact(
                "build-infra-owns-bazelrc",
                "coordination",
                [
                    ["build-infra", "wei", "wei chen"],
                    ["bazelrc", "ci image", "pr"],
                ],
                "build-infra (Wei Chen) owns .bazelrc and the CI image: changes via a PR tagged @build-infra.",
            ),
            Fact(
                "java-still-missing",
                "progress",
                [
                    ["java", "jdk", "local_jdk"],
                    ["still miss", "still open", "patch release", "hermetic", "toolchain"],
                ],
                "Python/Go hit the cache again; Java still misses (local_jdk patch release differs).",
            ),
        ],
        distractors=[
            Distractor([["evicting", "eviction"]], "a first diagnosis disproved later"),
            Distractor([["expanded more than once"]], "a Bazel warning"),
            Distractor([["bzlmod"]], "a hedge"),
        ],
        questions=[
            Question(
                "why did CI stop getting remote cache hits after the image update?",
                "action-env-path",
            ),
            Question("can I push a change to .bazelrc myself?", "build-infra-owns-bazelrc"),
            Question("which targets are still rebuilt from scratch on CI?", "java-still-missing"),
        ],
        acceptable=[
            Extra(
                [["2231", "pr"], ["strict", "review", "build-infra"]],
                "the open PR waiting for review",
            ),
        ],
    )


# --- 12. electron: node integration and ipc -----------------------------------------------------------------


def electron_settings_ipc() -> Scenario:
    s = Session(
        "electron-settings-ipc",
        "/Users/hana/code/ledgerdesk",
        "sec/settings-isolation",
        "2026-01-19T10:10:00",
    )
    s.user(
        "the security audit flagged `nodeIntegration: true` on the settings window. we're on "
        "Electron 28 if that matters. can you turn it off without breaking the settings screen?"
    )
    s.read(
        "src/main/windows/settings.ts",
        "export function openSettings() {\n  const win = new BrowserWindow({\n    width: 720,\n    height: 560,\n"
        "    webPreferences: { nodeIntegration: true, contextIsolation: false },\n  })\n"
        "  win.loadFile('dist/settings.html')\n}\n",
    )
    s.read(
        "src/renderer/settings/store.ts",
        "import fs from 'node:fs'\nimport { ipcRenderer } from 'electron'\n\n"
        "export function loadSettings(): Settings {\n"
        "  return ipcRenderer.sendSync('settings:get')\n}\n\n"
        "export function exportCsv(path: string, rows: string) {\n  fs.writeFileSync(path, rows)\n}\n",
    )
    s.bash(
        "jq -r '.devDependencies.electron' package.json && ls src/preload",
        "^31.2.1\nmain.ts",
    )
    s.user("oh right, we upgraded to 31 last sprint, ignore what I said")
    s.read(
        "src/preload/main.ts",
        "import { contextBridge, ipcRenderer } from 'electron'\nimport { Channels } from '../shared/ipc'\n\n"
        "contextBridge.exposeInMainWorld('api', {\n"
        "  getAccounts: () => ipcRenderer.invoke(Channels.AccountsList),\n"
        "  saveFile: (name: string, data: string) => ipcRenderer.invoke(Channels.FileSave, name, data),\n})\n",
    )
    s.say(
        "The main window already shows how this app is meant to work, and settings is the odd "
        "one out. Architecture: renderers never touch Node or the filesystem. The main process "
        "owns fs, the keychain and the database; the preload script exposes a narrow "
        "`window.api` through contextBridge; and every channel name is declared once in "
        "`src/shared/ipc.ts`. I'll move settings onto the same footing."
    )
    s.edit(
        "src/main/windows/settings.ts",
        "    webPreferences: { nodeIntegration: true, contextIsolation: false },",
        "    webPreferences: {\n      preload: path.join(__dirname, '../preload/main.js'),\n"
        "      contextIsolation: true,\n      sandbox: true,\n    },",
    )
    s.edit(
        "src/preload/main.ts",
        "  saveFile: (name: string, data: string) => ipcRenderer.invoke(Channels.FileSave, name, data),",
        "  saveFile: (name: string, data: string) => ipcRenderer.invoke(Channels.FileSave, name, data),\n"
        "  getSettings: () => ipcRenderer.invoke(Channels.SettingsGet),\n"
        "  exportCsv: (rows: string) => ipcRenderer.invoke(Channels.SettingsExportCsv, rows),",
    )
    s.say(
        "The old store used `ipcRenderer.sendSync`. Here IPC is request/response with "
        "`ipcRenderer.invoke` in the preload and `ipcMain.handle` in main, never `sendSync`, "
        "which freezes the renderer until main answers. The new handlers follow that."
    )
    s.bash(
        "npm run build && npx playwright test e2e/settings.spec.ts",
        "  1) settings › shows the theme toggle state\n"  # noqa: RUF001 (as Playwright prints it)
        "     TypeError: settings.theme.isDark is not a function\n"
        "       at ThemeToggle (src/renderer/settings/ThemeToggle.tsx:12:31)\n\n"
        "  1 failed, 5 passed (21.3s)",
        code=1,
    )
    s.say(
        "This one is new with context isolation: values crossing contextBridge are copied, "
        "and class instances arrive as plain objects without their prototype, so the `Theme` "
        "class's `isDark()` method is gone in the renderer. Data sent over the bridge has to be "
        "plain; `isDark` becomes a small function in the renderer."
    )
    s.edit(
        "src/renderer/settings/ThemeToggle.tsx",
        "  const dark = settings.theme.isDark()",
        "  const dark = isDark(settings.theme)",
    )
    s.bash("npm run build && npx playwright test e2e/settings.spec.ts", "  6 passed (19.8s)")
    s.user(
        "<command-message>review</command-message>\n<command-name>/review</command-name>\n"
        "Review the pending changes for security problems. Be concise and list findings as "
        "bullet points. Do not modify any files."
    )
    s.bash(
        "git diff --stat main",
        " src/main/ipc/settings.ts              | 31 ++++++++++++\n"
        " src/main/windows/settings.ts          |  6 +++-\n src/preload/main.ts                   |  2 +\n"
        " src/renderer/settings/ThemeToggle.tsx |  3 +-\n src/renderer/settings/store.ts        | 19 +++-----\n"
        " src/shared/ipc.ts                     |  2 +\n 6 files changed, 52 insertions(+), 13 deletions(-)",
    )
    s.say(
        "- settings window: nodeIntegration off, contextIsolation and sandbox on\n"
        "- `settings:export-csv` handler validates the target path is inside the user's "
        "Documents folder before writing\n- no remaining `require('electron')` or `node:fs` in "
        "src/renderer\n- nothing else found"
    )
    return Scenario(
        s,
        "Electron: the main/preload/renderer architecture (assistant, labelled), the invoke/handle "
        "IPC convention (assistant, plain present tense), the contextBridge copying gotcha; a "
        "version the user corrects later, a quoted slash-command prompt that must not become "
        "memory.",
        facts=[
            Fact(
                "renderer-no-node",
                "architecture",
                [
                    ["renderer", "renderers"],
                    ["main process", "window.api", "filesystem", "never touch"],
                ],
                "Renderers never touch Node/fs: main owns fs, keychain, db; preload exposes window.api.",
            ),
            Fact(
                "invoke-handle",
                "pattern",
                [
                    ["invoke", "ipcrenderer.invoke"],
                    ["sendsync", "request/response", "ipc", "ipcmain.handle", "ipcmain"],
                ],
                "IPC is ipcRenderer.invoke / ipcMain.handle, never sendSync.",
            ),
            Fact(
                "contextbridge-copies",
                "gotcha",
                [
                    ["contextbridge", "context bridge", "bridge", "context isolation"],
                    ["prototype", "copied", "plain objects", "plain", "methods", "method"],
                ],
                "Values crossing contextBridge are copied: class instances lose their prototype and methods.",
            ),
        ],
        distractors=[
            Distractor([["electron 28"]], "a version the user corrects later in the session"),
            Distractor(
                [["bullet points"]], "a quoted slash-command prompt (instructions to the assistant)"
            ),
            Distractor([["do not modify any files"]], "a quoted slash-command prompt"),
        ],
        questions=[
            Question("can the settings page read files with node fs?", "renderer-no-node"),
            Question("ipcRenderer.sendSync or invoke?", "invoke-handle"),
            Question("isDark is not a function in the renderer", "contextbridge-copies"),
        ],
        acceptable=[
            Extra(
                [["settings"], ["nodeintegration", "contextisolation", "sandbox"]],
                "the fix: settings window isolated",
            ),
            Extra([["electron"], ["31"]], "a stack note: Electron 31"),
        ],
    )


BUILDERS = (
    laravel_config_cache,
    nextjs_stale_dashboard,
    flutter_login_context,
    unity_destroyed_target,
    dbt_late_orders,
    freertos_isr_priority,
    sveltekit_secret_leak,
    fastapi_missing_greenlet,
    elastic_sku_reindex,
    nix_untracked_overlay,
    bazel_cache_misses,
    electron_settings_ipc,
)


def build(folder: Path = FOLDER) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    scenarios = []
    for make in BUILDERS:
        scenario = make()
        path = scenario.session.save(folder)
        entry = scenario_entry(scenario, f"heldout2/{path.name}")
        entry["acceptable"] = [asdict(a) for a in scenario.acceptable]
        entry["held_out"] = True
        scenarios.append(entry)
    about = (
        "Second held-out set: sessions written by a different author than the offline "
        "extractor and labelled before any extractor ran on them. Run to report, never to tune. "
        "Same schema as labels.json (acceptable extras included)."
    )
    return write_labels(HERE / "heldout2-labels.json", about, scenarios)


def main() -> int:
    labels = build()
    facts = sum(len(s["facts"]) for s in labels["scenarios"])
    print(f"wrote {len(labels['scenarios'])} held-out scenarios with {facts} facts to {FOLDER}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
