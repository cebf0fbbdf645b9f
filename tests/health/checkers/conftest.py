"""Fixtures for the checker tests: checkers run through the real runner, logs kept at DEBUG.

Checkers run through the real :class:`HealthRunner` (timeouts, latency thresholds, scrubbing), as in
production.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from prodready.health._registry import HealthRegistry
from prodready.health._runner import HealthRunner

RunnerFactory = Callable[..., HealthRunner]


@pytest.fixture
async def make_runner() -> AsyncIterator[RunnerFactory]:
    """``make_runner(check, **add_options)``: a runner with ``check`` registered as ``"dep"``.

    Each runner is stopped after the test, which closes the checker (``aclose``).
    """
    runners: list[HealthRunner] = []

    def make(check: Any, **options: Any) -> HealthRunner:
        registry = HealthRegistry()
        registry.add("dep", check, **options)
        runner = HealthRunner(registry, handle_signals=False)
        runners.append(runner)
        return runner

    yield make
    for runner in runners:
        await runner.stop()


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record of every library (drivers included) at DEBUG, to scan for secrets."""
    caplog.set_level(logging.DEBUG)
    return caplog
