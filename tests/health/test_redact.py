"""Secret scrubbing: the patterns, and a property test over every health output."""

from __future__ import annotations

import asyncio
import json
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from prodready._redact import MASK, is_secret_key, scrub, scrub_details
from prodready.health import Degraded, HealthApp, HealthRegistry, HealthRunner


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://app:pw1@db:5432/app", "postgresql://app:***@db:5432/app"),
        ("redis://:pw1@cache:6379/0", "redis://***@cache:6379/0"),
        ("amqp://guest:p@ss/w@rd@mq:5672/", "amqp://guest:***@mq:5672/"),
        ("https://ghp_abcdefghijklmnopqrstuv@github.com/x", "https://***@github.com/x"),
        ("host=db password=pw1 user=app", "host=db password=*** user=app"),
        ("?user=a&api_key=k1&x=1", "?user=a&api_key=***&x=1"),
        ('{"password": "pw1", "n": 1}', '{"password": "***", "n": 1}'),
        ("{'client_secret': 'pw1'}", "{'client_secret': '***'}"),
        ("Authorization: Bearer abc.def", "Authorization: Bearer ***"),
        ("sent bearer abcdefgh", "sent bearer ***"),
        ("header Basic dXNlcjpwYXNz", "header Basic ***"),
        ("jwt eyJhbGciOiJI.eyJzdWIiOiIx.c2ln", f"jwt {MASK}"),
        ("key AKIAABCDEFGHIJKLMNOP here", f"key {MASK} here"),
    ],
)
def test_scrub_hides_the_credential_and_keeps_the_rest(text: str, expected: str) -> None:
    assert scrub(text) == expected


def test_scrub_leaves_plain_text_alone() -> None:
    text = "connection refused by db:5432 after 2.0 s (basic check)"
    assert scrub(text) == text


def test_scrub_removes_known_literal_secrets_anywhere() -> None:
    assert scrub("oops: value xK9qq7 leaked", secrets=["xK9qq7"]) == "oops: value *** leaked"


def test_scrub_is_idempotent() -> None:
    once = scrub("postgresql://app:pw@db/x password=pw Bearer tok123456")
    assert scrub(once) == once


def test_scrub_details_hides_secret_keys_and_recurses() -> None:
    details = {
        "version": "7.2",
        "DB_PASSWORD": 12345,
        "nested": {"dsn": "redis://:pw@h:1/0", "items": ["Bearer abcdefgh", b"password=pw"]},
        "count": 3,
        "other": object,
    }
    out = scrub_details(details)
    assert out["version"] == "7.2"
    assert out["count"] == 3
    assert out["DB_PASSWORD"] == MASK
    assert out["nested"]["dsn"] == "redis://***@h:1/0"
    assert out["nested"]["items"] == ["Bearer ***", "password=***"]
    json.dumps(out)  # JSON-safe whatever went in


def test_scrub_details_cuts_off_runaway_nesting() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(50):
        node["x"] = {}
        node = node["x"]
    assert MASK in json.dumps(scrub_details(deep))


@pytest.mark.parametrize("key", ["password", "DB_PASSWORD", "x-api-key", "access_token", "pwd"])
def test_secret_key_names_are_recognised(key: str) -> None:
    assert is_secret_key(key)


@pytest.mark.parametrize("key", ["version", "host", "uptime_seconds", "db_size_mb"])
def test_ordinary_key_names_are_not_secret(key: str) -> None:
    assert not is_secret_key(key)


# --- property: a planted credential never reaches any output -----------------------------------

# Passwords: printable, no blank, no quote, no '&' (a query string separator), no backslash.
PASSWORD = st.text(
    alphabet=string.ascii_letters + string.digits + "-._~!$*+,;=%:/@#?()[]{}<>|^`",
    min_size=8,
    max_size=24,
)
TOKEN = st.text(alphabet=string.ascii_letters + string.digits + "-._~+/", min_size=12, max_size=40)
SCHEME = st.sampled_from(["postgresql", "postgres", "redis", "rediss", "amqp", "mongodb+srv"])
USER = st.text(alphabet=string.ascii_lowercase + string.digits + "_", min_size=1, max_size=10)
KEY = st.sampled_from(["password", "PASSWORD", "db_password", "api_key", "secret", "token"])
TEMPLATE = st.sampled_from(
    [
        "could not connect to {dsn}",
        "{key}={pw} host=db",
        "error: {{'{key}': '{pw}'}}",
        'bad config {{"{key}": "{pw}"}}',
        "request failed (Authorization: Bearer {tok})",
        "auth with bearer {tok} refused",
        "GET https://{user}:{pw}@api.example.com/v1 failed",
    ]
)


async def _all_outputs(app: HealthApp, asgi: Any, token: str) -> list[str]:
    auth = {"Authorization": f"Bearer {token}"}
    outputs = []
    for path in ("/health", "/health/ready", "/health/components/dep"):
        for headers in ({}, auth, {**auth, "Accept": "application/health+json"}):
            outputs.append((await asgi(app, path, headers=headers)).text)
        outputs.append((await asgi(app, path, headers=auth, query="verbose")).text)
    return outputs


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pw=PASSWORD,
    tok=TOKEN,
    scheme=SCHEME,
    user=USER,
    key=KEY,
    template=TEMPLATE,
    how=st.integers(0, 2),
)
def test_planted_credentials_never_appear_in_any_health_output(
    asgi: Any, pw: str, tok: str, scheme: str, user: str, key: str, template: str, how: int
) -> None:
    assume(pw not in user)  # a user name is shown on purpose; only the password is secret
    dsn = f"{scheme}://{user}:{pw}@db.internal:5432/app"
    message = template.format(dsn=dsn, key=key, pw=pw, tok=tok, user=user)

    async def failing() -> None:
        raise ConnectionError(message)

    async def leaky_details() -> dict[str, Any]:
        return {"dsn": dsn, key: pw, "nested": {"note": message, "auth": f"Bearer {tok}"}}

    async def degraded() -> Degraded:
        return Degraded(message, {"url": dsn, "headers": [f"Authorization: Bearer {tok}"]})

    registry = HealthRegistry()
    registry.add("dep", (failing, leaky_details, degraded)[how])
    probe_token = "the-probe-token"
    app = HealthApp(HealthRunner(registry, handle_signals=False), token=probe_token)
    outputs = asyncio.run(_all_outputs(app, asgi, probe_token))
    for output in outputs:
        assert pw not in output
        assert tok not in output
    assert any(MASK in out for out in outputs)  # shown, with the credential masked
