"""Generic secrets in context: secret names in every config syntax, flags, headers, cookies,
Kubernetes Secrets and docker auths; placeholders and values without a secret's shape are kept."""

from __future__ import annotations

import base64
import json
import random
import string
import time

import pytest

from memgit.redact import default_redactor

ALNUM = string.ascii_letters + string.digits


def secret(salt: str, length: int = 20) -> str:
    rng = random.Random(salt)
    return "".join(rng.choice(ALNUM) for _ in range(length - 2)) + str(rng.randint(10, 99))


def redacts(template: str, salt: str, kind: str = "assignment") -> None:
    value = secret(salt)
    text = template.replace("<S>", value)
    redacted = default_redactor().redact(text)
    assert value not in redacted, redacted
    assert redacted == template.replace("<S>", f"[REDACTED:{kind}]"), redacted


@pytest.mark.parametrize(
    ("template", "kind"),
    [
        ("STRIPE_WEBHOOK_SECRET=<S>\n", "assignment"),  # env file
        ("export GH_TOKEN=<S>\n", "assignment"),  # shell export
        ("database:\n  password: <S>\n", "assignment"),  # YAML
        ('{"client_secret": "<S>", "client_id": "web"}', "assignment"),  # JSON
        ('[server]\napi_key = "<S>"\n', "assignment"),  # TOML
        ('variable "x" {}\nadmin_password = "<S>"\n', "assignment"),  # HCL
        ("[smtp]\npasswd = <S>\n", "assignment"),  # INI
        ("db.credential=<S>\n", "assignment"),  # properties
        ("SIGNING_KEY=<S>\n", "assignment"),  # *_KEY
        ("APP_AUTH=<S>\n", "assignment"),  # auth
        ("db_pwd = '<S>'\n", "assignment"),  # pwd in code
        ("curl -H 'X-Api-Key: <S>' https://api.example.com", "assignment"),  # header
        ("GET / HTTP/1.1\nX-Auth-Token: <S>\n", "assignment"),
        ("Ocp-Apim-Subscription-Key: <S>\n", "assignment"),
        ("psql --password=<S> -h db", "assignment"),  # --flag=value
        ("deploy --api-token <S> --env prod", "cli-password"),  # --flag value
        ("vault login --password '<S>'", "cli-password"),
        ("mysql -u root -p<S> shop", "cli-password"),
        ("mysqldump -uroot -p<S> --all-databases", "cli-password"),
        ("sshpass -p <S> ssh deploy@host", "cli-password"),
        ("echo x && docker login -u ci -p <S> registry.example.com", "cli-password"),
        ("redis-cli -h cache -a <S> ping", "cli-password"),
        ("curl -u dana:<S> https://ci.example.com/api", "cli-password"),
        ("Cookie: theme=dark; sessionid=<S>; lang=en", "cookie"),
        ("Set-Cookie: laravel_session=<S>; path=/; httponly", "cookie"),
        ("curl --cookie 'connect.sid=<S>' https://app.example.com", "cookie"),
        ("curl -b 'remember_token=<S>' https://app.example.com", "cookie"),
    ],
)
def test_a_secret_in_context_is_redacted(template: str, kind: str) -> None:
    redacts(template, template, kind)


def test_kubernetes_secret_data_is_redacted_in_yaml_and_json() -> None:
    user = base64.b64encode(b"app").decode()
    password = base64.b64encode(secret("k8s").encode()).decode()
    yaml_text = (
        "$ kubectl get secret db -o yaml\napiVersion: v1\ndata:\n"
        f"  password: {password}\n  username: {user}\nkind: Secret\nmetadata:\n  name: db\n"
        "type: Opaque\n"
    )
    redacted = default_redactor().redact(yaml_text)
    assert password not in redacted
    assert user not in redacted
    assert "  password: [REDACTED:kubernetes-secret]\n" in redacted
    assert "  name: db\n" in redacted  # metadata is kept
    doc = {"apiVersion": "v1", "kind": "Secret", "data": {"password": password, "user": user}}
    redacted = default_redactor().redact(json.dumps(doc, indent=2))
    assert password not in redacted
    assert user not in redacted


def test_kubernetes_config_maps_are_not_secrets() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  mode: production\n  workers: '4'\n"
    assert default_redactor().find(text) == []


def test_docker_auths_are_redacted() -> None:
    auth = base64.b64encode(f"ci:{secret('docker')}".encode()).decode()
    config = {"auths": {"ghcr.io": {"auth": auth}}, "credsStore": "desktop"}
    redacted = default_redactor().redact(json.dumps(config))
    assert auth not in redacted
    assert '"auth": "[REDACTED:docker-auth]"' in redacted


@pytest.mark.parametrize(
    "text",
    [
        "API_KEY=changeme",
        "SECRET_KEY=change-me-in-production",
        "password: xxx",
        "TOKEN=${GITHUB_TOKEN}",
        "TOKEN=${TOKEN:-}",
        'api_key = "<token>"',
        "OPENAI_API_KEY=your-key-here",
        "OPENAI_API_KEY=your_api_key",
        "client_secret: dummy-secret-for-tests",
        '"password": "example-password"',
        "AUTH_TOKEN=placeholder",
        "password: '{{ vault_db_password }}'",
        "deploy --token $DEPLOY_TOKEN",
        "deploy --token <token>",
        "Authorization: Bearer <token>",
        "Cookie: sessionid=${SESSION}",
        "kind: Secret\ndata:\n  password: <base64-encoded>\n",
    ],
)
def test_placeholders_are_left_alone(text: str) -> None:
    assert default_redactor().find(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "SECRET_KEY=prod",  # too short for a generated secret
        "API_TOKEN=abc",
        "AUTH=basic",
        "API_KEY=aaaaaaaa",  # one character class, no entropy
        "token: required",
        "--password-file /run/secrets/db",
        "docker run -p 5432:5432 postgres",
        "ssh -p 2222 dana@build-01",
        "mkdir -p build && cd build",
        "git checkout -b fix/token-refresh",
        "Set-Cookie: theme=dark; Path=/; Max-Age=31536000",
        "kubectl get secrets --all-namespaces",
        "can be provided via the --username and --password options instead",
        'raise CLIError("--registry-password requires --registry-username")',
        "usage: deploy [--token TOKEN] [--password PASSWORD]",
        '{"vocab": {"password": 5630, "Pass": 7129, "token": 88}}',  # a tokenizer's vocabulary
    ],
)
def test_values_without_the_shape_of_a_secret_are_left_alone(text: str) -> None:
    assert default_redactor().find(text) == []


def test_a_human_password_counts_even_without_mixed_classes() -> None:
    human = "hunter" + "22"
    assert default_redactor().redact(f"DB_PASSWORD={human}") == "DB_PASSWORD=[REDACTED:assignment]"


def test_a_dump_of_many_secrets_is_redacted_in_linear_time() -> None:
    docs = []
    values = []
    for i in range(400):
        value = base64.b64encode(secret(f"many-{i}").encode()).decode()
        values.append(value)
        docs.append(f"apiVersion: v1\ndata:\n  key: {value}\nkind: Secret\nmetadata:\n  name: s{i}")
    text = "\n---\n".join(docs)
    start = time.perf_counter()
    redacted = default_redactor().redact(text)
    assert time.perf_counter() - start < 2.0
    assert not [v for v in values if v in redacted]
