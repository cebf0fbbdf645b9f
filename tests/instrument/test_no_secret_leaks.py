"""Property: whatever the secrets are, none reaches a log line, a metric or the settings dump."""

from __future__ import annotations

import json
import logging
from urllib.parse import quote

import pytest
import structlog
from fastapi import FastAPI
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from prometheus_client import CollectorRegistry
from starlette.testclient import TestClient

import prodready
from prodready.health import HealthRegistry
from prodready.settings import ServiceSettings

_SECRET = st.text(
    alphabet=st.characters(
        codec="ascii", categories=("L", "N", "P", "S"), exclude_characters="/?#%"
    ),
    min_size=12,
    max_size=40,
)


def _scenario(password: str, token: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Run an instrumented app that logs its secrets every way it can; return all it emitted."""
    capsys.readouterr()
    dsn = f"postgresql://orders:{password}@db.internal:5432/orders"
    service = ServiceSettings(
        _env_file=None, database_url=dsn, health_token=token, log_format="json"
    )
    api = FastAPI()
    log = structlog.get_logger("orders")

    @api.get("/items/{item_id}")
    async def item(item_id: str) -> dict[str, str]:
        log.info("connecting", dsn=dsn, api_key=token, note=f"Authorization: Bearer {token}")
        logging.getLogger("driver").warning("connect to %s failed", dsn)
        try:
            raise ConnectionError(f"could not connect to {dsn} with password {password}")
        except ConnectionError:
            log.exception("query failed")
        return {"item": "ok"}

    health = HealthRegistry()

    async def database() -> None:
        raise ConnectionError(f"cannot reach {dsn}")

    health.add("database", database)
    app = prodready.instrument(
        api,
        settings=service,
        health=health,
        registry=CollectorRegistry(),
        checks_from_settings=False,
    )
    with TestClient(app) as client:
        client.get("/items/" + quote(password, safe=""))
        client.get("/health/ready")
        scrape = client.get("/metrics").text
    emitted = capsys.readouterr().out
    decoded = [
        str(value)
        for line in emitted.splitlines()
        if line.startswith("{")
        for value in json.loads(line).values()
    ]
    return "\n".join([emitted, *decoded, scrape, json.dumps(service.redacted())])


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(password=_SECRET, token=_SECRET)
def test_no_secret_reaches_logs_metrics_or_the_settings_dump(
    password: str, token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = _baseline(capsys)
    # A "secret" that the output contains anyway (a field name, "*****") proves nothing.
    assume(password not in baseline and token not in baseline and password != token)
    emitted = _scenario(password, token, capsys)
    assert "connecting" in emitted  # the scenario did log
    assert password not in emitted
    assert token not in emitted


_BASELINE: list[str] = []


def _baseline(capsys: pytest.CaptureFixture[str]) -> str:
    if not _BASELINE:
        _BASELINE.append(_scenario("P" * 16, "T" * 16, capsys))
    return _BASELINE[0]
