"""The words of the synthetic project the benchmark corpus talks about.

A mid-sized web product: a Python backend (FastAPI, SQLAlchemy, Redis, background workers) and a
TypeScript frontend, worked on by a small team. The corpus generator fills the templates below with
these names, so titles, bodies, files and tags read like memory a coding agent would keep, and the
query set can ask for words that really occur. Pure data: no logic, no imports.
"""

from __future__ import annotations

#: Module name -> files that belong to it (repository-relative).
MODULES: dict[str, tuple[str, ...]] = {
    "api": (
        "src/api/routes.py",
        "src/api/handlers.py",
        "src/api/middleware.py",
        "src/api/schemas.py",
        "src/api/pagination.py",
        "src/api/errors.py",
    ),
    "auth": (
        "src/auth/tokens.py",
        "src/auth/sessions.py",
        "src/auth/oauth.py",
        "src/auth/permissions.py",
        "src/auth/passwords.py",
    ),
    "billing": (
        "src/billing/invoices.py",
        "src/billing/stripe_client.py",
        "src/billing/plans.py",
        "src/billing/webhooks.py",
        "src/billing/tax.py",
    ),
    "db": (
        "src/db/models.py",
        "src/db/session.py",
        "src/db/queries.py",
        "src/db/migrations/env.py",
        "src/db/migrations/versions/0042_add_invoice_index.py",
    ),
    "cache": ("src/cache/redis_cache.py", "src/cache/keys.py", "src/cache/invalidation.py"),
    "workers": (
        "src/workers/tasks.py",
        "src/workers/scheduler.py",
        "src/workers/retry.py",
        "src/workers/queue.py",
    ),
    "search": ("src/search/indexer.py", "src/search/query.py", "src/search/ranking.py"),
    "notifications": (
        "src/notifications/email.py",
        "src/notifications/push.py",
        "src/notifications/templates.py",
        "src/notifications/digest.py",
    ),
    "storage": ("src/storage/s3.py", "src/storage/uploads.py", "src/storage/thumbnails.py"),
    "ingest": (
        "src/ingest/parser.py",
        "src/ingest/pipeline.py",
        "src/ingest/validators.py",
        "src/ingest/csv_import.py",
    ),
    "reports": ("src/reports/export.py", "src/reports/csv_writer.py", "src/reports/charts.py"),
    "config": ("src/config/settings.py", "src/config/feature_flags.py", "src/config/logging.py"),
    "cli": ("src/cli/main.py", "src/cli/commands.py", "src/cli/admin.py"),
    "metrics": ("src/metrics/prometheus.py", "src/metrics/tracing.py", "src/metrics/health.py"),
    "webhooks": ("src/webhooks/dispatcher.py", "src/webhooks/signing.py"),
    "frontend": (
        "web/src/components/Dashboard.tsx",
        "web/src/components/InvoiceTable.tsx",
        "web/src/api/client.ts",
        "web/src/hooks/useSession.ts",
        "web/src/pages/Settings.tsx",
        "web/src/store/queries.ts",
    ),
    "infra": (
        "deploy/docker-compose.yml",
        "deploy/k8s/api.yaml",
        "deploy/k8s/workers.yaml",
        ".github/workflows/ci.yml",
        "Dockerfile",
        "Makefile",
    ),
    "tests": (
        "tests/conftest.py",
        "tests/test_api.py",
        "tests/test_billing.py",
        "tests/test_auth.py",
        "tests/factories.py",
    ),
}

#: (adopted, replaced, because ...) for "use X instead of Y because Z" decisions.
ALTERNATIVES: tuple[tuple[str, str, str], ...] = (
    ("httpx", "requests", "it supports async calls and has timeouts on by default"),
    ("orjson", "the stdlib json module", "serialising large responses was 40% of request time"),
    ("dramatiq", "celery", "celery's prefetching kept long tasks stuck behind short ones"),
    ("structlog", "the logging module", "we need JSON logs that carry the request id"),
    ("psycopg 3", "psycopg2", "it supports async and server-side parameter binding"),
    ("pydantic v2", "marshmallow", "validation is five times faster and doubles as OpenAPI"),
    ("Redis streams", "RabbitMQ", "we already run Redis and need a single consumer group"),
    ("cursor pagination", "offset pagination", "offsets skip rows when items are inserted"),
    ("presigned S3 uploads", "uploads through the API", "large files timed out at the proxy"),
    ("server-sent events", "websockets", "the load balancer drops idle websockets"),
    ("Postgres full-text search", "Elasticsearch", "one service less to operate at our size"),
    ("database feature flags", "environment variables", "flags must change without a deploy"),
    ("zod schemas", "hand-written type guards", "the API types drifted from the backend"),
    ("React Query", "Redux for server state", "caching and refetching came for free"),
    ("argon2", "bcrypt", "it is the current recommendation and resists GPU cracking"),
    ("tenacity", "hand-rolled retry loops", "every loop retried differently and none had jitter"),
    ("ruff", "flake8 and isort", "one tool, and CI lint time dropped from 90 s to 3 s"),
    ("UUIDv7 keys", "autoincrement ids", "clients create records offline and sort by time"),
    ("pytest-xdist", "a single test process", "the suite took 14 minutes serially"),
    ("alembic", "hand-written SQL migrations", "autogenerate catches drift between models and DB"),
    ("gunicorn with uvicorn workers", "bare uvicorn", "we need graceful reloads in production"),
    ("integer cents", "floats for money", "rounding errors showed up on invoices"),
    ("a token bucket", "a fixed-window rate limiter", "bursts at window edges doubled the load"),
    ("Sentry", "emailed tracebacks", "errors are grouped and linked to releases"),
    ("OpenTelemetry", "ad-hoc timing logs", "traces cross the API and the workers"),
    ("Vite", "webpack", "cold starts of the dev server went from 40 s to 2 s"),
)

#: (symptom, cause, fix) for gotchas.
GOTCHAS: tuple[tuple[str, str, str], ...] = (
    (
        "Redis connection pool exhausted under load",
        "each request opened its own client",
        "share one client created at startup",
    ),
    (
        "tests hang when Postgres is not running",
        "the database fixture waits without a timeout",
        "pass connect_timeout=3 in tests/conftest.py",
    ),
    (
        "partner API timestamps are local time",
        "they come without an offset",
        "parse them as Europe/Paris and convert to UTC",
    ),
    (
        "tasks run twice after a deploy",
        "the visibility timeout is shorter than the longest task",
        "raise the visibility timeout to two hours",
    ),
    (
        "Stripe webhooks arrive out of order",
        "Stripe retries failed deliveries later",
        "compare event.created before applying a change",
    ),
    (
        "N+1 queries on the invoice list",
        "SQLAlchemy lazy-loads the customer relation",
        "use selectinload for customer and lines",
    ),
    (
        "alembic autogenerate misses enum changes",
        "Postgres enums are not compared by default",
        "write the ALTER TYPE by hand in the migration",
    ),
    (
        "KeyError: 'user_id' on expired sessions",
        "the middleware reads the cookie before checking expiry",
        "check expiry first and return 401",
    ),
    (
        "UnicodeDecodeError on CSV files exported from Excel",
        "they are cp1252 with a byte order mark",
        "decode with utf-8-sig and fall back to cp1252",
    ),
    (
        "pagination skips rows that share created_at",
        "the cursor orders by created_at alone",
        "tie-break on id in the cursor",
    ),
    (
        "Docker builds reinstall every dependency",
        "COPY . comes before pip install",
        "copy requirements first, then the source",
    ),
    (
        "flaky snapshot tests",
        "dict ordering from the cache differs between runs",
        "sort keys before comparing snapshots",
    ),
    (
        "SSL CERTIFICATE_VERIFY_FAILED in CI",
        "the CI proxy re-signs TLS traffic",
        "point REQUESTS_CA_BUNDLE at the proxy certificate",
    ),
    (
        "deadlock detected when two workers update one invoice",
        "they lock invoice and lines in opposite orders",
        "always lock the invoice row first with SELECT FOR UPDATE",
    ),
    (
        "feature flag changes take five minutes to apply",
        "flags are cached per process for 300 s",
        "publish flag changes on a Redis channel",
    ),
    (
        "rate limiter counts CORS preflight requests",
        "OPTIONS requests go through the limiter",
        "skip OPTIONS in the middleware",
    ),
    (
        "emails with non-ASCII subjects are rejected",
        "the subject header is not encoded",
        "build messages with email.message.EmailMessage",
    ),
    (
        "memory grows without bound in the ingest pipeline",
        "an lru_cache without maxsize keeps every parsed row",
        "set maxsize=1024",
    ),
    (
        "scheduled jobs fire at the wrong hour",
        "cron runs in UTC, not in the customer's timezone",
        "store the timezone and convert before scheduling",
    ),
    (
        "pytest-xdist workers share one test database",
        "the database name ignores the worker id",
        "suffix the name with PYTEST_XDIST_WORKER",
    ),
    (
        "fresh JWTs rejected with 'token not yet valid'",
        "clock skew between the API nodes",
        "allow 30 s of leeway when decoding",
    ),
    (
        "gunicorn kills workers during large exports",
        "the default worker timeout is 30 s",
        "stream exports from a background task instead",
    ),
    (
        "thumbnails are rotated on phones",
        "EXIF orientation is ignored",
        "apply ImageOps.exif_transpose before resizing",
    ),
    (
        "the dev server proxies /api but not /auth",
        "vite.config.ts lists only one prefix",
        "add /auth to the proxy table",
    ),
    (
        "migrations lock the invoices table for minutes",
        "adding an index without CONCURRENTLY blocks writes",
        "create indexes concurrently outside the transaction",
    ),
    (
        "webhook signatures fail for some payloads",
        "the body is re-serialised before signing",
        "sign the raw request bytes",
    ),
)

#: Team conventions, phrased as they would be remembered ("always ...").
PATTERNS: tuple[tuple[str, str], ...] = (
    ("Always pass an explicit timeout to httpx calls", "a hung partner API once froze workers"),
    ("Always get database sessions from src/db/session.py", "engines created ad hoc leak pools"),
    (
        "Always add a migration test with each alembic revision",
        "a broken downgrade hurt a rollback",
    ),
    ("Every handler returns a schema from src/api/schemas.py", "the OpenAPI file stays accurate"),
    ("Always log with structlog and bind request_id", "it ties API and worker logs together"),
    ("Wrap every external call in a tenacity retry with jitter", "partners throttle in bursts"),
    ("Keep money as integer cents end to end", "floats broke invoice totals"),
    ("Read feature flags only through src/config/feature_flags.py", "flags are cached there"),
    ("Make every task idempotent, keyed by the event id", "tasks are delivered at least once"),
    ("Name tests test_<unit>_<behaviour>", "failures then read like a sentence"),
    ("Always use factories from tests/factories.py in tests", "fixtures drifted from the models"),
    ("Never call Stripe from a request handler", "billing calls go through the worker queue"),
    ("Always paginate list endpoints with a cursor", "offsets skip rows on busy tables"),
    ("Prefix every Redis key with the tenant id", "one tenant once read another's cache"),
    ("Always store timestamps as UTC and convert at the edge", "mixed zones broke reports"),
    ("Validate uploads by content type and size before storing", "a 4 GB file filled the disk"),
    ("Always run ruff and mypy before pushing", "CI is slow to tell you the same"),
    ("Use the API client in web/src/api/client.ts for every fetch", "it refreshes tokens"),
    ("Keep React components free of data fetching", "hooks in web/src/hooks own the queries"),
    ("Put every new setting in src/config/settings.py with a default", "deploys never break"),
)

#: Architecture facts: how the parts fit together.
ARCHITECTURE: tuple[tuple[str, str], ...] = (
    ("Requests flow middleware, routes, handlers, services, db", "handlers never touch SQL"),
    ("Background work goes through Redis streams to the workers", "the API only enqueues"),
    ("Billing owns invoices; other modules read them through its service", "no direct joins"),
    ("The search index is rebuilt nightly and updated on write", "a rebuild takes 20 minutes"),
    ("Auth issues short JWTs and long refresh tokens in a cookie", "refresh is rotated"),
    ("Uploads go straight to S3 with presigned URLs", "the API stores only the key"),
    ("The frontend talks only to /api and /auth", "everything else is served by the CDN"),
    ("Notifications fan out from one digest task per tenant", "it batches email and push"),
    ("Each tenant has its own Postgres schema", "search_path is set per request"),
    ("Configuration is read once at startup into a frozen settings object", "no global reads"),
    ("Metrics are exported by a sidecar on port 9102", "the API exposes /metrics to it"),
    ("Webhooks are signed with a per-endpoint secret", "retries back off up to 24 hours"),
    ("The ingest pipeline parses, validates, deduplicates, then writes in batches of 500", ""),
    ("Reports are generated by workers and stored in S3 for seven days", "links are presigned"),
)

#: Work items for progress notes.
TASKS: tuple[str, ...] = (
    "cursor pagination on the invoice endpoints",
    "moving the workers from celery to dramatiq",
    "removing requests from the codebase",
    "splitting src/api/handlers.py by resource",
    "tests for the tax calculation",
    "the CSV import rewrite",
    "typing the billing module under mypy strict",
    "the settings page redesign",
    "OpenTelemetry tracing in the workers",
    "the Postgres 16 upgrade",
    "rate limiting per API key",
    "the email digest",
    "webhook retries with backoff",
    "the React Query migration",
    "thumbnail generation for uploads",
    "the admin CLI for refunds",
    "deleting the legacy v1 endpoints",
    "multi-currency invoices",
    "audit log for permission changes",
    "the search ranking tweaks",
)

PEOPLE: tuple[str, ...] = (
    "alice",
    "bruno",
    "chen",
    "dara",
    "emeka",
    "farah",
    "gustavo",
    "hana",
    "ivan",
    "julia",
)

EVENTS: tuple[str, ...] = (
    "the billing migration lands",
    "release 2.4 is cut",
    "the code freeze ends on Friday",
    "PR #{number} is merged",
    "the Postgres upgrade is done",
    "the load test on staging passes",
    "the security review is over",
    "the partner API v3 goes live",
)

#: Keywords that are not module names, for tags.
TOPICS: tuple[str, ...] = (
    "performance",
    "security",
    "flaky-test",
    "migration",
    "refactor",
    "timezone",
    "concurrency",
    "deploy",
    "ci",
    "typing",
    "ux",
    "observability",
    "data-loss",
    "payments",
    "rate-limit",
    "caching",
)

BRANCHES: tuple[str, ...] = (
    "main",
    "main",
    "main",
    "feat/cursor-pagination",
    "feat/dramatiq",
    "fix/webhook-order",
    "feat/settings-page",
    "chore/pg16",
)

SOURCES: tuple[str, ...] = (
    "heuristic",
    "anthropic:claude-haiku-4-5",
    "anthropic:claude-haiku-4-5",
    "claude-cli:claude-haiku-4-5",
    "manual",
)
