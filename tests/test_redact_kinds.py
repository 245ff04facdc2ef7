"""Every kind in the table: its samples are redacted in several contexts, its look-alikes are not.

The samples are built from the table's recipes with a seed (``memgit.redact.recipe``): no sample
secret is written out in any committed file, which the last test checks.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from memgit.redact import default_redactor
from memgit.redact.context import CONTEXT_KINDS, HEADER_KINDS
from memgit.redact.kinds import kinds_markdown
from memgit.redact.providers import PROVIDERS, Kind
from memgit.redact.recipe import Recipe, build, near_miss, secret_part

ROOT = Path(__file__).resolve().parents[1]
ROWS: tuple[Kind, ...] = (*PROVIDERS, *HEADER_KINDS, *CONTEXT_KINDS)
KINDS = sorted({row.kind for row in ROWS})
SAMPLES = [
    pytest.param(row, recipe, id=f"{row.kind}-{i}")
    for row in ROWS
    for i, recipe in enumerate(row.samples)
]
TOKEN_SAMPLES = [p for p in SAMPLES if p.values[0].starts]  # type: ignore[union-attr]
PREFIXED_SAMPLES = [p for p in TOKEN_SAMPLES if not p.values[0].before]  # type: ignore[union-attr]
# The contexts a token shows up in: its own line, prose, a JSON value, an env line, a header.
CONTEXTS = [
    "output:\n{}\n",
    "the deploy failed with {} as the credential, retrying",
    '{{"type": "tool_result", "content": "value: {}"}}',
    "export SOME_VALUE={}\n",
    "curl -H 'X-Custom: {}' https://api.example.com",
    "`{}`",
]
# The nine formats that were once written verbatim into memory.
ONCE_MISSED = (
    "discord-webhook", "databricks-token", "digitalocean-token", "doppler-token", "linear-key",
    "mailgun-key", "shopify-token", "telegram-bot-token", "vault-token",
)  # fmt: skip


def decoys(row: Kind) -> list[str]:
    recipes: tuple[Recipe, ...] = row.decoys
    if recipes:
        return [build(recipe, f"{row.kind}-decoy-{i}") for i, recipe in enumerate(recipes)]
    return [near_miss(recipe, f"{row.kind}-near-{i}") for i, recipe in enumerate(row.samples)]


def test_the_table_covers_at_least_a_hundred_kinds() -> None:
    assert len(KINDS) >= 100
    assert set(ONCE_MISSED) <= set(KINDS)
    categories = {row.category for row in ROWS}
    assert len(categories) >= 12


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.kind}-{i}" for i, r in enumerate(ROWS)])
def test_every_row_is_complete(row: Kind) -> None:
    assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", row.kind), row.kind
    assert row.samples
    assert row.what
    if row.pattern:
        pattern = re.compile(row.pattern)
        assert not (set(pattern.groupindex) - {"secret", "body"})
    assert bool(row.pattern) == bool(row.starts or row.needles) or row in CONTEXT_KINDS
    assert all(n == n.lower() for n in row.needles)


@pytest.mark.parametrize(("row", "recipe"), SAMPLES)
def test_sample_is_redacted_as_its_kind(row: Kind, recipe: Recipe) -> None:
    redactor = default_redactor()
    for seed in range(3):
        sample = build(recipe, f"{row.kind}-{seed}")
        text = f"output:\n{sample}\n"
        redacted = redactor.redact(text)
        assert f"[REDACTED:{row.kind}]" in redacted, (text, redactor.find(text))
        assert secret_part(recipe, f"{row.kind}-{seed}") not in redacted
        assert redactor.redact(redacted) == redacted


@pytest.mark.parametrize(("row", "recipe"), TOKEN_SAMPLES)
@pytest.mark.parametrize("context", CONTEXTS)
def test_token_is_redacted_in_every_context(row: Kind, recipe: Recipe, context: str) -> None:
    sample = build(recipe, f"{row.kind}-ctx")
    redacted = default_redactor().redact(context.format(sample))
    assert secret_part(recipe, f"{row.kind}-ctx") not in redacted
    assert "[REDACTED:" in redacted


@pytest.mark.parametrize("row", ROWS, ids=[f"{r.kind}-{i}" for i, r in enumerate(ROWS)])
def test_lookalike_is_left_alone(row: Kind) -> None:
    redactor = default_redactor()
    for decoy in decoys(row):
        for text in (f"output:\n{decoy}\n", f"see {decoy} for details"):
            assert redactor.find(text) == [], (text, redactor.find(text))


@pytest.mark.parametrize(("row", "recipe"), PREFIXED_SAMPLES)
def test_token_inside_a_longer_word_is_left_alone(row: Kind, recipe: Recipe) -> None:
    sample = build(recipe, f"{row.kind}-glued")
    found = default_redactor().find(f"see x{sample} here")
    assert [f for f in found if f.kind == row.kind] == []


def test_a_telegram_token_needs_its_bot_id() -> None:
    row = next(r for r in PROVIDERS if r.kind == "telegram-bot-token")
    sample = build(row.samples[0], "tg")
    secret_only = sample.split(":", 1)[1]
    redactor = default_redactor()
    assert redactor.redact(f"token {sample} ok") == "token [REDACTED:telegram-bot-token] ok"
    assert redactor.find(f"value {secret_only} ok") == []
    url = f"https://api.telegram.org/bot{sample}/getMe"
    assert redactor.redact(url) == "https://api.telegram.org/bot[REDACTED:telegram-bot-token]/getMe"


def test_webhook_urls_keep_their_host() -> None:
    redactor = default_redactor()
    for kind in ("discord-webhook", "slack-webhook", "teams-webhook", "zapier-webhook"):
        row = next(r for r in PROVIDERS if r.kind == kind)
        url = build(row.samples[0], kind)
        host = url.split("/")[2]
        redacted = redactor.redact(f"POST {url}")
        assert redacted.startswith(f"POST https://{host}/"), redacted
        assert f"[REDACTED:{kind}]" in redacted


def test_committed_files_contain_no_secret() -> None:
    redactor = default_redactor()
    files = [
        *sorted((ROOT / "src" / "memgit" / "redact").glob("*.py")),
        *sorted((ROOT / "tests").glob("test_redact*.py")),
        *sorted((ROOT / "tests").glob("test_scan*.py")),
        *sorted((ROOT / "bench").glob("redact_*.py")),
        ROOT / "docs" / "secret-kinds.md",
    ]
    for path in files:
        assert redactor.find(path.read_text(encoding="utf-8")) == [], path.name


def test_the_list_of_kinds_in_docs_is_current() -> None:
    committed = (ROOT / "docs" / "secret-kinds.md").read_text(encoding="utf-8")
    assert committed == kinds_markdown(), (
        "docs/secret-kinds.md is stale: run `PYTHONPATH=src python -m memgit.redact.kinds "
        "> docs/secret-kinds.md`"
    )
    assert f"{len(KINDS)} kinds" in committed


def test_readme_names_the_count_and_links_the_list() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{len(KINDS)} kinds" in readme
    assert "(docs/secret-kinds.md)" in readme


NOISE = st.lists(
    st.one_of(
        st.sampled_from(["password", "token", "=", ": ", '"', "'", "\n", " ", "://", "@", "-",
                         "_", ".", "${", "}", "Bearer ", "[REDACTED:jwt]", "<private>", "\\n"]),
        st.text(alphabet=string.ascii_letters + string.digits + "+/=-_.", max_size=30),
    ),
    max_size=12,
).map("".join)  # fmt: skip
SEPARATORS = [" ", "\n", "\t", "=", ": ", '"', "'", "(", ",", "`", "> ", "|"]


@settings(deadline=None)
@given(
    st.sampled_from([p.values for p in TOKEN_SAMPLES]),
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=6),
    NOISE,
    st.sampled_from(SEPARATORS),
    st.sampled_from(SEPARATORS),
    NOISE,
)
def test_any_token_anywhere_in_noise_is_caught(
    row_recipe: tuple[Kind, Recipe], salt: str, before: str, left: str, right: str, after: str
) -> None:
    _row, recipe = row_recipe
    sample = build(recipe, salt)
    text = before + left + sample + right + after
    assert secret_part(recipe, salt) not in default_redactor().redact(text)
