"""The public door of prodready.health: pinned, sorted, import-cheap."""

from __future__ import annotations

import subprocess
import sys

import prodready.health

EXPECTED = [
    "CheckFunction",
    "CheckResult",
    "CheckSpec",
    "Degraded",
    "DependencyCheck",
    "Details",
    "HealthApp",
    "HealthRegistry",
    "HealthReport",
    "HealthRunner",
    "Reason",
    "Status",
    "aggregate",
]


def test_health_all_is_pinned_and_sorted() -> None:
    assert prodready.health.__all__ == EXPECTED == sorted(EXPECTED)
    for name in EXPECTED:
        assert getattr(prodready.health, name) is not None


def test_importing_health_imports_no_web_framework_and_starts_nothing() -> None:
    code = (
        "import sys, threading, prodready.health\n"
        "print(sorted(m for m in ('starlette', 'fastapi', 'uvicorn', 'httpx') if m in sys.modules),"
        " threading.active_count())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] 1"
