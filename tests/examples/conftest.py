"""Fixtures for the reference services in ``examples/``: each runs against real servers.

An example's module builds its app at import (``app = create_app()``, as uvicorn imports it), so
the env is set before the first import; each test then builds a fresh app with its own settings.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.testclient import TestClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

AppFactory = Callable[[str, str, Mapping[str, str]], TestClient]


def migrate(example: str, env: Mapping[str, str]) -> None:
    """Run the example's spec ``migrate`` command once, as the deployment's migration step does."""
    from prodready.spec import load_spec

    argv = load_spec(EXAMPLES / example).migrate_argv
    if argv is None:
        return
    bindir = str(Path(sys.executable).parent)
    subprocess.run(
        argv,
        cwd=EXAMPLES / example,
        env={**os.environ, **env, "PATH": f"{bindir}:{os.environ.get('PATH', '')}"},
        check=True,
        capture_output=True,
    )


def post_once_connected(client: TestClient, path: str, body: object) -> Any:
    """POST, retrying while the app answers 503 because its broker connection is still being made.

    The examples connect to their brokers in the background; on a loaded machine that can outlast
    the app's own short wait. A 503 then means nothing was sent, and a real client would retry.
    """
    deadline = time.monotonic() + 30
    response = client.post(path, json=body)
    while response.status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.5)
        response = client.post(path, json=body)
    return response


def import_example(example: str, module: str) -> ModuleType:
    path = str(EXAMPLES / example)
    if path not in sys.path:
        sys.path.insert(0, path)
    return importlib.import_module(module)


@pytest.fixture
def example_client(monkeypatch: pytest.MonkeyPatch) -> Iterator[AppFactory]:
    """``example_client(example, package, env)``: a TestClient (lifespan running) for the app."""
    clients: list[TestClient] = []

    def _make(example: str, package: str, env: Mapping[str, str]) -> TestClient:
        migrate(example, env)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("ENVIRONMENT", "development")
        main = import_example(example, f"{package}.main")
        settings_module = import_example(example, f"{package}.settings")
        app = main.create_app(settings_module.Settings())
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield _make
    for client in clients:
        client.__exit__(None, None, None)
