"""Celery: a real worker answers the ping through a real Redis broker; none, or no broker, fails."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from prodready.health import Reason, Status
from prodready.health.checkers import CeleryCheck
from prodready.testing import free_port

from .conftest import RunnerFactory

APP = 'import os\nfrom celery import Celery\napp = Celery("t", broker=os.environ["BROKER"])\n'


def _broker(redis_server: Any, db: int) -> str:
    return str(redis_server.url).rsplit("/", 1)[0] + f"/{db}"


@pytest.fixture(scope="module")
def celery_worker(redis_server: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Celery worker on Redis db 3; yields the broker URL (password via env, not argv)."""
    broker = _broker(redis_server, 3)
    tmp_path = tmp_path_factory.mktemp("celery")
    (tmp_path / "tasks_app.py").write_text(APP)
    log = tmp_path / "worker.log"
    argv = [sys.executable, "-m", "celery", "-A", "tasks_app", "worker", "--pool=solo"]
    argv += ["-n", "w1@localhost", "--without-mingle", "--without-gossip", "-l", "info"]
    with log.open("wb") as out:
        worker = subprocess.Popen(
            argv,
            cwd=tmp_path,
            env={**os.environ, "BROKER": broker},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while b"ready." not in log.read_bytes():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("celery worker did not start:\n" + log.read_text()[-2000:])
            time.sleep(0.1)
        yield broker
    finally:
        worker.terminate()
        worker.wait(timeout=30)


async def test_a_running_worker_answers_the_ping(
    celery_worker: str, make_runner: RunnerFactory
) -> None:
    result = await make_runner(CeleryCheck(broker_url=celery_worker), timeout=10).run("dep")
    assert result.status is Status.HEALTHY, result.error
    assert result.details == {"workers": 1}


async def test_reuses_the_applications_celery_app(celery_worker: str) -> None:
    from celery import Celery

    app = Celery("mine", broker=celery_worker, set_as_current=False)
    check = CeleryCheck(app, ping_timeout=2.0)
    try:
        assert await check() == {"workers": 1}
        await check.aclose()
        assert app.pool is not None  # the application's app is not closed by the checker
    finally:
        app.close()


async def test_no_worker_fails_within_the_ping_timeout(
    redis_server: Any, make_runner: RunnerFactory
) -> None:
    check = CeleryCheck(broker_url=_broker(redis_server, 4), ping_timeout=0.5)
    result = await make_runner(check, timeout=10).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.EXCEPTION
    assert result.error is not None
    assert "0 Celery worker(s)" in result.error
    assert result.latency_ms is not None
    assert result.latency_ms < 5000


async def test_an_unreachable_broker_fails_fast_instead_of_retrying_forever(
    make_runner: RunnerFactory, debug_logs: pytest.LogCaptureFixture
) -> None:
    url = f"redis://:celery-secret-pw@127.0.0.1:{free_port()}/0"
    result = await make_runner(CeleryCheck(broker_url=url), timeout=20).run("dep")
    assert result.status is Status.UNHEALTHY
    assert result.reason is Reason.EXCEPTION
    assert "celery-secret-pw" not in repr(result)
    assert "celery-secret-pw" not in debug_logs.text
