"""Tests for memgit.redact: private regions, a corpus of secrets and look-alikes, and properties.

No sample secret is written out in this file. Each one is assembled at test time from a provider
prefix and a deterministic pseudo-random body of the right alphabet and length, so no committed
line looks like a real key (a test below scans this file to keep it that way).
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memgit.errors import ConfigError
from memgit.redact import PRIVATE_MARKER, Finding, Redactor, default_redactor, strip_private

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"

ALNUM = string.ascii_letters + string.digits
B64URL = ALNUM + "-_"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"
UPPER_DIGITS = string.ascii_uppercase + string.digits


def body(alphabet: str, length: int, salt: str) -> str:
    rng = random.Random(salt)
    return "".join(rng.choice(alphabet) for _ in range(length))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# -- secret makers: one per provider format ------------------------------------------------------


def anthropic(salt: str, flavour: str = "api03") -> str:
    return "sk-ant-" + flavour + "-" + body(B64URL, 93, salt) + "AA"


def openai_project(salt: str) -> str:
    return "sk-" + "proj-" + body(B64URL, 156, salt)


def openai_legacy(salt: str) -> str:
    return "sk-" + body(ALNUM, 20, salt) + "T3Blbk" + "FJ" + body(ALNUM, 20, salt + "2")


def github(prefix: str, salt: str) -> str:
    return prefix + "_" + body(ALNUM, 36, salt)


def github_pat(salt: str) -> str:
    return "github" + "_pat_" + body(ALNUM, 22, salt) + "_" + body(ALNUM, 59, salt + "2")


def aws_key_id(prefix: str, salt: str) -> str:
    return prefix + body(UPPER_DIGITS, 16, salt)


def aws_secret(salt: str) -> str:
    return body(B64, 40, salt)


def slack(letter: str, salt: str) -> str:
    digits = string.digits
    return (
        f"xox{letter}-"
        + body(digits, 11, salt)
        + "-"
        + body(digits, 13, salt)
        + "-"
        + body(ALNUM, 24, salt)
    )


def slack_webhook_path(salt: str) -> str:
    upper = UPPER_DIGITS
    return (
        "T" + body(upper, 8, salt) + "/B" + body(upper, 8, salt + "b") + "/" + body(ALNUM, 24, salt)
    )


def stripe(prefix: str, salt: str) -> str:
    return prefix + "_" + body(ALNUM, 24, salt)


def google(salt: str) -> str:
    return "AI" + "za" + body(B64URL, 35, salt)


def gitlab(salt: str) -> str:
    return "gl" + "pat-" + body(B64URL, 20, salt)


def npm(salt: str) -> str:
    return "npm" + "_" + body(ALNUM, 36, salt)


def pypi(salt: str) -> str:
    return "pypi-" + "AgEIcHlwaS5vcmc" + body(B64URL, 70, salt)


def huggingface(salt: str) -> str:
    return "hf" + "_" + body(string.ascii_letters, 34, salt)


def sendgrid(salt: str) -> str:
    return "SG" + "." + body(B64URL, 22, salt) + "." + body(B64URL, 43, salt + "2")


def twilio(salt: str) -> str:
    return "SK" + body(HEX, 32, salt)


def jwt(salt: str) -> str:
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = b64url(json.dumps({"sub": body(HEX, 12, salt), "exp": 1893456000}).encode())
    return f"{header}.{payload}.{body(B64URL, 43, salt)}"


def pem(label: str, salt: str, *, end: bool = True) -> str:
    kind = f"{label} " if label else ""
    suffix = " BLOCK" if label == "PGP" else ""
    lines = [body(B64, 64, f"{salt}{i}") for i in range(6)]
    if label == "PGP":
        lines.insert(0, "Version: GnuPG v2\n")
    block = "-----BEGIN " + kind + "PRIVATE" + f" KEY{suffix}-----\n" + "\n".join(lines)
    if end:
        block += "\n-----END " + kind + "PRIVATE" + f" KEY{suffix}-----"
    return block


def password(salt: str) -> str:
    return body(ALNUM, 12, salt) + "-" + body(ALNUM, 4, salt + "2")


# -- the corpus ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """A realistic context; ``<SECRET>`` marks where ``secret`` goes and must be redacted as
    ``[REDACTED:kind]``, everything else kept."""

    label: str
    kind: str
    template: str
    secret: str

    @property
    def text(self) -> str:
        return self.template.replace("<SECRET>", self.secret)

    @property
    def expected(self) -> str:
        return self.template.replace("<SECRET>", f"[REDACTED:{self.kind}]")


SAMPLES = [
    Sample("env file, Anthropic key", "anthropic-key",
           "# .env\nANTHROPIC_API_KEY=<SECRET>\nLOG_LEVEL=debug\n", anthropic("env")),
    Sample("curl header, Anthropic admin key", "anthropic-key",
           'curl https://api.anthropic.com/v1/organizations/users -H "x-api-key: <SECRET>" '
           '-H "anthropic-version: 2023-06-01"', anthropic("admin", "admin01")),
    Sample("python string, OpenAI project key", "openai-key",
           'client = OpenAI(api_key="<SECRET>")', openai_project("py")),
    Sample("shell export, OpenAI legacy key", "openai-key",
           "export OPENAI_API_KEY=<SECRET>\n", openai_legacy("sh")),
    Sample("git remote, GitHub token as user", "github-token",
           "origin\thttps://<SECRET>@github.com/acme/app.git (fetch)", github("ghp", "remote")),
    Sample("gh hosts.yml, GitHub OAuth token", "github-token",
           "github.com:\n    oauth_token: <SECRET>\n    user: dana\n", github("gho", "hosts")),
    Sample("git clone with an app installation token", "github-token",
           "git clone https://x-access-token:<SECRET>@github.com/acme/app.git",
           github("ghs", "clone")),
    Sample("JSON, GitHub user-to-server token", "github-token",
           '{"token": "<SECRET>", "expires_at": "2026-01-01T00:00:00Z"}', github("ghu", "json")),
    Sample("traceback, GitHub refresh token", "github-token",
           'Traceback (most recent call last):\n  File "sync.py", line 12, in <module>\n'
           "    refresh(token)\nValueError: refresh failed for <SECRET>\n", github("ghr", "tb")),
    Sample("docker run -e, fine-grained GitHub PAT", "github-token",
           "docker run --rm -e GITHUB_TOKEN=<SECRET> ghcr.io/acme/bot:latest",
           github_pat("docker")),
    Sample("aws credentials file, access key id", "aws-access-key-id",
           "[default]\naws_access_key_id = <SECRET>\nregion = eu-west-1\n",
           aws_key_id("AKIA", "cred")),
    Sample("env, temporary access key id", "aws-access-key-id",
           "AWS_ACCESS_KEY_ID=<SECRET>\nAWS_REGION=us-east-1\n", aws_key_id("ASIA", "tmp")),
    Sample("aws credentials file, secret access key", "aws-secret-key",
           "[default]\naws_secret_access_key = <SECRET>\n", aws_secret("cred")),
    Sample("sts JSON output, secret access key", "aws-secret-key",
           '"Credentials": {\n    "AccessKeyId": "...",\n    "SecretAccessKey": "<SECRET>",\n',
           aws_secret("sts")),
    Sample("python constant, Slack bot token", "slack-token",
           'SLACK_BOT_TOKEN = "<SECRET>"\n', slack("b", "bot")),
    Sample("curl, Slack user token as bearer", "slack-token",
           "curl -H 'Authorization: Bearer <SECRET>' https://slack.com/api/auth.test",
           slack("p", "user")),
    Sample("curl, Slack webhook", "slack-webhook",
           "curl -X POST -d '{\"text\": \"deployed\"}' https://hooks.slack.com/services/<SECRET>",
           slack_webhook_path("hook")),
    Sample("JSON config, Stripe live key", "stripe-key",
           '{\n  "stripe": {\n    "secret_key": "<SECRET>"\n  }\n}', stripe("sk_live", "json")),
    Sample("env, Stripe restricted key", "stripe-key",
           "STRIPE_RESTRICTED=<SECRET>\n", stripe("rk_live", "env")),
    Sample("python, Stripe test key", "stripe-key",
           'stripe.api_key = "<SECRET>"', stripe("sk_test", "py")),
    Sample("access log, Google API key in a query", "google-api-key",
           "GET /maps/api/geocode/json?address=Bergen&key=<SECRET> HTTP/1.1 200", google("maps")),
    Sample("git remote, GitLab token", "gitlab-token",
           "git remote add origin https://oauth2:<SECRET>@gitlab.com/acme/app.git",
           gitlab("remote")),
    Sample(".npmrc, npm token", "npm-token",
           "//registry.npmjs.org/:_authToken=<SECRET>\n", npm("rc")),
    Sample(".pypirc, PyPI token", "pypi-token",
           "[pypi]\nusername = __token__\npassword = <SECRET>\n", pypi("rc")),
    Sample("CLI, Hugging Face token", "huggingface-token",
           "$ huggingface-cli login --token <SECRET>\nLogin successful", huggingface("cli")),
    Sample("shell, SendGrid key", "sendgrid-key",
           "SENDGRID_API_KEY='<SECRET>' node send.js", sendgrid("sh")),
    Sample("python, Twilio API key", "twilio-key",
           'client = Client("<SECRET>", api_secret, account_sid)', twilio("py")),
    Sample("curl, JWT bearer", "jwt",
           'curl -s -H "Authorization: Bearer <SECRET>" https://api.example.com/me', jwt("curl")),
    Sample("JSON response, JWT access token", "jwt",
           '{"access_token": "<SECRET>", "token_type": "Bearer", "expires_in": 3600}',
           jwt("resp")),
    Sample("cat id_rsa", "private-key", "$ cat ~/.ssh/id_rsa\n<SECRET>\n$ ls", pem("RSA", "rsa")),
    Sample("OpenSSH key in a tool output", "private-key",
           "Output:\n<SECRET>\n\nDone.", pem("OPENSSH", "ossh")),
    Sample("EC key in a heredoc", "private-key",
           "cat > tls.key <<'EOF'\n<SECRET>\nEOF\n", pem("EC", "ec")),
    Sample("PGP private key block", "private-key",
           "gpg --export-secret-keys --armor dana\n<SECRET>\n", pem("PGP", "pgp")),
    Sample("encrypted PKCS#8 key", "private-key",
           "key.pem:\n<SECRET>\n", pem("ENCRYPTED", "p8")),
    Sample("JSON-escaped key in a transcript line", "private-key",
           '{"type":"tool_result","content":"<SECRET>\\n"}',
           pem("", "esc").replace("\n", "\\n")),
    Sample("key cut off by output trimming", "private-key",
           "$ cat deploy.key\n<SECRET>… [4,120 characters trimmed]",
           pem("RSA", "cut", end=False) + "\n"),
    Sample("docker login URL with a password", "url-password",
           "docker login https://deploy:<SECRET>@registry.example.com/v2/", password("reg")),
    Sample("env, Postgres URL", "connection-string",
           "DATABASE_URL=postgres://app:<SECRET>@db.internal:5432/app\n", password("pg")),
    Sample("SQLAlchemy, MySQL URL", "connection-string",
           'engine = create_engine("mysql+pymysql://root:<SECRET>@localhost/shop")',
           password("my")),
    Sample("mongosh, MongoDB SRV URL", "connection-string",
           "mongosh 'mongodb+srv://admin:<SECRET>@cluster0.x1y2z.mongodb.net/?retryWrites=true'",
           password("mongo")),
    Sample("env, Redis URL without a user", "connection-string",
           "REDIS_URL=redis://:<SECRET>@cache:6379/0", password("redis")),
    Sample("traceback, AMQP URL", "connection-string",
           "pika.exceptions.AMQPConnectionError: amqp://guest:<SECRET>@rabbit:5672/%2F",
           password("amqp")),
    Sample("traceback, SQLAlchemy DSN", "connection-string",
           "sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) FATAL:  password "
           'authentication failed for user "app"\n[SQL: postgresql://app:<SECRET>@db:5432/app]',
           password("dsn")),
    Sample("env file, DB password", "assignment",
           "DB_HOST=db.internal\nDB_PASSWORD=<SECRET>\nDB_PORT=5432\n", password("env")),
    Sample("shell export, API token", "assignment",
           "export API_TOKEN=<SECRET>\n", password("export")),
    Sample("env before a command", "assignment",
           "PGPASSWORD=<SECRET> psql -h db -U app app", password("pgpass")),
    Sample("docker run -e, Postgres password", "assignment",
           "docker run -d -e POSTGRES_PASSWORD=<SECRET> -p 5432:5432 postgres:16",
           password("docker")),
    Sample("docker-compose YAML", "assignment",
           "services:\n  db:\n    environment:\n      MYSQL_ROOT_PASSWORD: <SECRET>\n",
           password("compose") + "&x!"),
    Sample("JSON config, password", "assignment",
           '{\n  "db": {\n    "user": "app",\n    "password": "<SECRET>"\n  }\n}',
           password("json")),
    Sample("Django settings, SECRET_KEY", "assignment",
           'SECRET_KEY = "<SECRET>"\nDEBUG = False\n', body(ALNUM + "!@#%^&*(-_=+)", 50, "dj")),
    Sample("HTTP request dump, opaque bearer token", "bearer-token",
           "GET /v1/me HTTP/1.1\nHost: api.example.com\nAuthorization: Bearer <SECRET>\n",
           body(ALNUM + "._~", 40, "opaque")),
    Sample("curl, HTTP Basic header", "authorization",
           "curl -H 'Authorization: Basic <SECRET>' https://ci.example.com/api/json",
           base64.b64encode(b"dana:" + password("basic").encode()).decode()),
    Sample("CLI flag with =", "assignment",
           "mysqldump --user=root --password=<SECRET> shop > shop.sql", password("flag")),
    Sample("curl form body, client secret", "assignment",
           "curl -d 'grant_type=client_credentials&client_id=web&client_secret=<SECRET>' "
           "https://auth.example.com/token", password("form")),
    Sample("ADO.NET connection string", "assignment",
           "Server=tcp:db.example.com,1433;Database=shop;User Id=app;Password=<SECRET>;Encrypt=1",
           password("ado")),
    Sample("env, PRIVATE_KEY", "assignment",
           "JWT_PRIVATE_KEY=<SECRET>\n", body(B64, 120, "jwtkey")),
    Sample("env, ACCESS_KEY", "assignment", "MINIO_ACCESS_KEY=<SECRET>\n", password("minio")),
    Sample("INI, PASSWD", "assignment", "[smtp]\nsmtp_passwd = <SECRET>\n", password("smtp")),
    Sample("escaped JSON in a transcript line", "assignment",
           r'{"type":"tool_result","content":"{\"api_key\": \"<SECRET>\"}"}', password("tr")),
    Sample("curl, generic API key header", "assignment",
           "curl -H 'X-Api-Key: <SECRET>' https://api.example.com/v1/items", password("xkey")),
    Sample("python, environment subscript", "assignment",
           'os.environ["DB_PASSWORD"] = "<SECRET>"', password("environ")),
    Sample("JSON password with an escaped quote", "assignment",
           '{"password": "<SECRET>", "user": "app"}', password("esc") + '\\"q'),
    Sample("kubectl literal", "assignment",
           "kubectl create secret generic db --from-literal=password=<SECRET>", password("kube")),
    Sample("Spring properties, dotted name", "assignment",
           "spring.datasource.username=app\nspring.datasource.password=<SECRET>\n",
           password("spring")),
    Sample(".netrc", "netrc-password",
           "machine api.heroku.com\n  login dana@example.com\n  password <SECRET>\n",
           password("netrc")),
    Sample("Kubernetes secret, stringData", "kubernetes-secret",
           "kind: Secret\nstringData:\n  token: <SECRET>\n", password("k8s")),
]  # fmt: skip

IMAGE = base64.b64encode(random.Random(7).randbytes(3000)).decode()
LOOKALIKES = [
    ("git SHA", "commit 3f9c2a7e8b41d05c6a9f1e2d3c4b5a6978877665\nAuthor: Dana <dana@example.com>"),
    ("short SHAs", "a1b2c3d Fix parser\n9f8e7d6c5b4a Merge branch 'main'"),
    ("UUID", '"sessionId":"6b1f3c2e-8d4a-4f0b-9c77-2e5d1a9b0c43"'),
    ("package-lock integrity", '"integrity": "sha512-' + body(B64, 86, "lock") + '=="'),
    ("requirements hash", "requests==2.32.3 --hash=sha256:" + body(HEX, 64, "req")),
    ("poetry.lock hash", '{file = "idna-3.7.tar.gz", hash = "sha256:' + body(HEX, 64, "po") + '"}'),
    ("docker digest", "postgres@sha256:" + body(HEX, 64, "digest")),
    ("base64 image", f"![chart](data:image/png;base64,{IMAGE})"),
    ("password from a variable", "PASSWORD=${DB_PASSWORD}\nTOKEN=$GITHUB_TOKEN"),
    ("password from a command", 'export TOKEN=$(gh auth token)\nSECRET="$(cat /run/secrets/app)"'),
    ("token in prose", "the token count went up; each token costs money, the secret is caching"),
    ("token limits", "TOKEN_LIMIT=4096\nmax_tokens=1024\nPASSWORD_MIN_LENGTH=12"),
    ("usage counters", '"usage":{"input_tokens":9,"output_tokens":41,"cache_read_input_tokens":1}'),
    ("switches", "TOKENIZERS_PARALLELISM=false\nUSE_AUTH=true\nauth: none"),
    ("CSS colours", "color: #ff5733; background: #0a0a0a;"),
    ("versions", 'version = "1.2.3"\n"react": "^18.3.1"'),
    (
        "file paths",
        "/home/dana/.ssh/id_rsa.pub\n"
        "GOOGLE_APPLICATION_CREDENTIALS=/home/dana/.config/gcloud/key.json",
    ),
    ("sk- in prose", "we use sk-learn (scikit-learn) and sk-learn-compatible-estimators"),
    (
        "URLs without credentials",
        "https://github.com/acme/app/pull/42?tab=files#diff-3f9c and http://localhost:8080/api",
    ),
    (
        "ssh targets",
        "ssh dana@build-01.internal\ngit clone git@github.com:acme/app.git\n"
        "ssh://git@github.com/acme/app.git",
    ),
    ("email addresses", "Contact dana.r@example.com or ops+alerts@acme.io"),
    (
        "GitHub Actions workflow",
        "env:\n  password: ${{ secrets.DB_PASSWORD }}\npermissions:\n  id-token: write\n"
        "secrets: inherit",
    ),
    (
        "placeholders",
        '"token": "<your-token>"\nAPI_KEY=xxxxxxxxxxxxxxxx\npassword: "********"\n'
        "SECRET_KEY=\nOPENAI_API_KEY=your-api-key-here",
    ),
    (
        "public key",
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n"
        "-----END PUBLIC KEY-----",
    ),
    (
        "code reading a secret",
        'password = getpass.getpass()\ntoken = os.environ["GITHUB_TOKEN"]\n'
        "api_key = settings.API_KEY",
    ),
    (
        "code passing a secret",
        "conn = connect(host=host, password=password)\nrequests.get(url, auth=auth)",
    ),
    (
        "type annotations",
        "def login(username: str, password: str) -> Token:\n    token: str | None = None",
    ),
    ("TypeScript interface", "interface Credentials {\n  password: string;\n  token?: string;\n}"),
    (
        "already redacted",
        f"DB_PASSWORD=[REDACTED:assignment]\nkey: [REDACTED:openai-key]\n{PRIVATE_MARKER}",
    ),
    ("shell working directory", "PWD=/home/dana/code/tidepool\nOLDPWD=/home/dana"),
    (
        "bearer in prose",
        'Use Bearer token authentication:\ncurl -H "Authorization: Bearer $TOKEN" https://x.io',
    ),
    (
        "AWS ARN and account",
        "arn:aws:iam::123456789012:role/deploy\nAWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID}",
    ),
    ("thinking signature", '"signature":"' + body(B64, 400, "sig") + '"'),
    (
        "token URL",
        "TOKEN_URL=https://oauth2.googleapis.com/token\n"
        'password_reset_url = "https://example.com/reset"',
    ),
    ("Kubernetes secret reference", "valueFrom:\n  secretKeyRef:\n    name: db\n    key: password"),
    ("provider prefixes in prose", "GitHub tokens start with ghp_ and Slack ones with xoxb-."),
    ("a PEM header in code", '_START = b"-----BEGIN OPENSSH PRIVATE KEY-----"'),
    ("documented URL shape", "`https://user:pass@host:port/path` or postgres://user:password@host"),
    ("syntax-highlighting styles", 'Token.Keyword: "bold",\nToken.Comment: "italic #A3AAB2",'),
    (
        "code building a credential",
        'token = b64encode(userpass).decode()\nauth = "Basic " + credentials\n'
        "return AccessToken(token=value, expires_at=None)",
    ),
    (
        "constants naming secrets",
        'GRANT_TYPE_REFRESH_TOKEN = "refresh_token"\nENV_API_KEY = "ANTHROPIC_API_KEY"\n'
        "self.aws_secret_key = aws_secret_key",
    ),
]


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return default_redactor()


# -- private regions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("keep <private>drop</private> keep", f"keep {PRIVATE_MARKER} keep"),
        ("a <PRIVATE>b</Private> c <private>d</private>", f"a {PRIVATE_MARKER} c {PRIVATE_MARKER}"),
        ("start\n<private>\nline one\nline two\n</private>\nend", f"start\n{PRIVATE_MARKER}\nend"),
        ("x <private>a <private>b</private> c</private> y", f"x {PRIVATE_MARKER} y"),
        ("visible <private>everything after this is gone\nand this", f"visible {PRIVATE_MARKER}"),
        ('<private reason="hr">salary</private>!', f"{PRIVATE_MARKER}!"),
        ("< private >a</ private >b", f"{PRIVATE_MARKER}b"),
        ("stray </private> closer stays", "stray </private> closer stays"),
        ("<privateKey> is not a tag", "<privateKey> is not a tag"),
        ("nothing to hide", "nothing to hide"),
    ],
)  # fmt: skip
def test_strip_private(text: str, expected: str) -> None:
    assert strip_private(text) == expected


def test_clean_strips_private_then_redacts(redactor: Redactor) -> None:
    key = github("ghp", "clean")
    text = f"<private>my key is {key}</private> and TOKEN={key}"
    assert redactor.clean(text) == f"{PRIVATE_MARKER} and TOKEN=[REDACTED:github-token]"


# -- the corpus ------------------------------------------------------------------------------------


def test_corpus_covers_every_kind() -> None:
    kinds = {
        "anthropic-key", "openai-key", "github-token", "gitlab-token", "aws-access-key-id",
        "aws-secret-key", "slack-token", "slack-webhook", "stripe-key", "google-api-key",
        "npm-token", "pypi-token", "huggingface-token", "sendgrid-key", "twilio-key", "jwt",
        "private-key", "url-password", "connection-string", "bearer-token", "authorization",
        "netrc-password", "assignment", "kubernetes-secret",
    }  # fmt: skip
    assert {s.kind for s in SAMPLES} == kinds
    assert len(SAMPLES) >= 40
    assert len(LOOKALIKES) >= 25


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.label)
def test_secret_is_redacted_and_context_kept(redactor: Redactor, sample: Sample) -> None:
    assert redactor.redact(sample.text) == sample.expected
    start = sample.template.index("<SECRET>")
    assert redactor.find(sample.text) == [Finding(sample.kind, start, start + len(sample.secret))]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.label)
def test_redaction_of_samples_is_idempotent(redactor: Redactor, sample: Sample) -> None:
    once = redactor.redact(sample.text)
    assert redactor.redact(once) == once
    assert redactor.find(once) == []


@pytest.mark.parametrize(("label", "text"), LOOKALIKES, ids=[label for label, _ in LOOKALIKES])
def test_lookalike_is_left_alone(redactor: Redactor, label: str, text: str) -> None:
    assert redactor.find(text) == []
    assert redactor.redact(text) is text


def test_numeric_password_is_a_secret_but_a_numeric_token_setting_is_not(
    redactor: Redactor,
) -> None:
    pin = "".join(str(n) for n in range(1, 7))
    assert redactor.redact(f"PASSWORD={pin}\nTOKEN=4096") == (
        "PASSWORD=[REDACTED:assignment]\nTOKEN=4096"
    )


def test_several_secrets_sorted_and_separate(redactor: Redactor) -> None:
    first, second = npm("one"), twilio("two")
    text = f"a {first} b {second} c"
    findings = redactor.find(text)
    assert [f.kind for f in findings] == ["npm-token", "twilio-key"]
    assert findings[0].end < findings[1].start


def test_overlapping_matches_merge_into_one_finding(redactor: Redactor) -> None:
    # The assignment value starts before the provider key and runs past its end.
    key = github("ghp", "merge")
    name = "TOKEN"
    text = f"{name}=prefix{key[:10]}-{key}"
    assert redactor.redact(text) == "TOKEN=[REDACTED:assignment]"
    assert len(redactor.find(text)) == 1


# -- the redactor's own patterns -------------------------------------------------------------------


def test_extra_patterns_redact_as_custom() -> None:
    redactor = Redactor([r"ACME-\d{6}", r"employee_id=(?P<secret>\d+)"])
    text = "badge ACME-123456 employee_id=9981 ok"
    assert redactor.redact(text) == "badge [REDACTED:custom] employee_id=[REDACTED:custom] ok"


def test_invalid_extra_pattern_names_the_file_key_and_pattern() -> None:
    with pytest.raises(ConfigError) as caught:
        Redactor(["ok", "(unclosed"])
    error = caught.value
    assert (error.source, error.key) == (".memory/config.yaml", "redact.patterns")
    assert str(error).startswith(".memory/config.yaml: redact.patterns: (unclosed: missing )")


def test_default_redactor_is_shared() -> None:
    assert default_redactor() is default_redactor()


def test_real_transcripts_have_no_false_positives(redactor: Redactor) -> None:
    transcripts = sorted((FIXTURES / "transcripts").glob("*.jsonl"))
    if not transcripts:
        pytest.skip(f"no transcript fixtures in {FIXTURES} (../shared beside the project root)")
    for path in transcripts:
        text = path.read_text(encoding="utf-8")
        found = [(f.kind, text[f.start - 30 : f.end]) for f in redactor.find(text)]
        assert found == [], path.name


# -- properties ------------------------------------------------------------------------------------

PROPERTY = settings(deadline=None)  # two shared cores: a slow example is not a failure
SEPARATORS = [" ", "\n", "\t", "=", ": ", '"', "'", "(", ",", "`", "> "]
FRAGMENTS = [
    "password", "PASSWORD", "Token", "secret", "api_key", "key", "auth", "=", ": ", '"', "'",
    "\\", "\\n", "\n", " ", "://", "@", ":", "/", ".", "-", "_", "$", "${", "}", "{", "<", ">",
    "#", ",", ";", "&", "sk-ant-api03-", "sk-", "gh" + "p_", "AK" + "IA", "ey" + "J", "xox" + "b-",
    "Bearer ", "Authorization: ", "postgres://", "-----BEGIN " + "RSA PRIVATE" + " KEY-----",
    "-----END " + "RSA PRIVATE" + " KEY-----", "[REDACTED:assignment]", "[REDACTED:openai-key]",
    "[REDACTED:slack-token]", "[", "]", "xxxx", "***", "<private>", "</private>",
    "machine h login u password",
]  # fmt: skip
noise = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(alphabet=ALNUM + "+/=-_.", min_size=1, max_size=50),
        st.text(max_size=5),
    ),
    max_size=25,
).map("".join)

MAKERS: list[Callable[[str], str]] = [
    anthropic, openai_project, openai_legacy, github_pat, google, gitlab, npm, pypi, huggingface,
    sendgrid, twilio, jwt, lambda s: "aws_secret_access_key=" + aws_secret(s),
    lambda s: github("ghp", s), lambda s: aws_key_id("AKIA", s), lambda s: slack("b", s),
    lambda s: stripe("sk_live", s), lambda s: pem("RSA", s), lambda s: pem("OPENSSH", s),
]  # fmt: skip


@PROPERTY
@given(noise)
def test_redaction_is_idempotent(text: str) -> None:
    redactor = default_redactor()
    once = redactor.redact(text)
    assert redactor.redact(once) == once


@PROPERTY
@given(noise)
def test_redaction_never_adds_findings(text: str) -> None:
    redactor = default_redactor()
    assert len(redactor.find(redactor.redact(text))) <= len(redactor.find(text))


@PROPERTY
@given(noise)
def test_text_is_changed_exactly_when_something_is_found(text: str) -> None:
    redactor = default_redactor()
    assert (redactor.redact(text) == text) == (redactor.find(text) == [])


@PROPERTY
@given(noise)
def test_findings_are_sorted_and_disjoint(text: str) -> None:
    findings = default_redactor().find(text)
    for earlier, later in itertools.pairwise(findings):
        assert earlier.start < earlier.end <= later.start


@PROPERTY
@given(
    st.sampled_from(MAKERS),
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8),
    noise,
    st.sampled_from(SEPARATORS),
    st.sampled_from(SEPARATORS),
    noise,
)
def test_secret_anywhere_in_text_is_caught(
    make: Callable[[str], str], salt: str, before: str, left: str, right: str, after: str
) -> None:
    secret = make(salt)
    redacted = default_redactor().redact(before + left + secret + right + after)
    assert secret.rsplit("=", 1)[-1] not in redacted


@PROPERTY
@given(noise)
def test_strip_private_is_idempotent_and_leaves_no_opening_tag(text: str) -> None:
    once = strip_private(text)
    assert strip_private(once) == once
    assert "<private>" not in once.lower()


def test_an_env_assignment_followed_by_a_comma_in_prose_is_caught() -> None:
    value = "hbr_live_" + "8f2Kq9XcV7pL3mN5" + "tR1wY6zA4bD0eG"
    text = f"it's in my shell as export HARBOR_API_TOKEN={value}, don't write that anywhere"
    cleaned = default_redactor().clean(text)
    assert value not in cleaned
    assert "HARBOR_API_TOKEN=[REDACTED:" in cleaned
    assert default_redactor().clean("f(token=access_token, retries=3)") == (
        "f(token=access_token, retries=3)"
    )


def test_a_secret_glued_to_an_earlier_redaction_marker_is_still_caught() -> None:
    # Found by the property test above: the marker's word "REDACTED" made the value a stand-in.
    secret = aws_secret("a")
    text = f" aws_secret_access_key={secret}=[REDACTED:assignment]"
    redacted = default_redactor().redact(text)
    assert secret not in redacted
    assert default_redactor().redact(redacted) == redacted
