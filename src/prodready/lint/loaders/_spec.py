"""The prodready service spec, when the checked tree has one.

A ``[tool.prodready]`` table in a ``pyproject.toml`` means the service runs the prodready runtime,
so the deployment contract in :mod:`prodready._contract` applies: which health paths check
dependencies, the check timeout, the graceful shutdown timeout, the container UID. Without a spec
those rules fall back to what the deployment files themselves say.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prodready import _contract

__all__ = ["SpecInfo", "find_spec"]


@dataclass(frozen=True)
class SpecInfo:
    """What the checker needs from the spec; defaults are the runtime's contract."""

    path: str
    port: int = _contract.DEFAULT_PORT
    check_timeout_s: float = _contract.CHECK_TIMEOUT_S
    graceful_timeout_s: float = _contract.GRACEFUL_TIMEOUT_S + _contract.DRAIN_DELAY_S
    dependency_paths: frozenset[str] = _contract.DEPENDENCY_PATHS
    routes: frozenset[str] = frozenset(
        {*_contract.DEPENDENCY_PATHS, *_contract.DEPENDENCY_FREE_PATHS, _contract.METRICS_PATH}
    )
    uid: int = _contract.APP_UID


def _number(table: dict[str, Any], *keys: str) -> float | None:
    current: Any = table
    for key in keys:
        if not isinstance(current, dict) or key not in current:
            return None
        current = current[key]
    return float(current) if isinstance(current, int | float) else None


def _from_model(table: dict[str, Any], path: Path, shown: str) -> SpecInfo | None:
    """Validate with :mod:`prodready.spec` (imported lazily); ``None`` if it is unavailable or
    the table is invalid (``prodready spec`` reports that, with its own message)."""
    try:
        from prodready.errors import ProdreadyError
        from prodready.spec import parse_spec
    except ImportError:
        return None
    try:
        spec = parse_spec(table, path=path)
    except ProdreadyError:
        return None
    probes = spec.probes
    return SpecInfo(
        path=shown,
        port=spec.port,
        graceful_timeout_s=spec.server.graceful_timeout_s + _contract.DRAIN_DELAY_S,
        dependency_paths=_contract.DEPENDENCY_PATHS | {probes.readiness, probes.startup},
        routes=frozenset(
            {*_contract.DEPENDENCY_PATHS, *_contract.DEPENDENCY_FREE_PATHS, spec.metrics_path}
            | {probes.liveness, probes.readiness, probes.startup}
        ),
    )


def find_spec(directory: Path, shown: str) -> SpecInfo | None:
    """The spec in ``directory/pyproject.toml``; ``None`` when there is none.

    A spec the model rejects still says "this is a prodready service", so the contract defaults
    apply; its errors are the spec command's business, not the checker's.
    """
    pyproject = directory / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return None
    tool = data.get("tool", {})
    table = tool.get("prodready") if isinstance(tool, dict) else None
    if not isinstance(table, dict) or not any(k != "check" for k in table):
        return None
    modelled = _from_model(table, pyproject, shown)
    if modelled is not None:
        return modelled
    port = _number(table, "port")
    return SpecInfo(path=shown, port=int(port) if port else _contract.DEFAULT_PORT)
