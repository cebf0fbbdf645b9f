"""Probe helpers shared by the probe rules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prodready import _contract
from prodready.lint.loaders import Container, Project
from prodready.lint.loaders._yaml import as_dict, as_list

__all__ = ["KINDS", "LIVENESS_NAMES", "dependency_paths", "handler", "probes"]

KINDS = ("livenessProbe", "readinessProbe", "startupProbe")
# Paths whose names say "readiness": they check dependencies in every framework we know.
_READINESS_NAMES = frozenset(
    {
        "/ready",
        "/readyz",
        "/readiness",
        "/health/ready",
        "/health/readiness",
        "/healthz/ready",
        "/health/components",
        "/status/ready",
        "/api/health/ready",
    }
)


# Paths whose names say "liveness": conventionally dependency-free.
LIVENESS_NAMES = frozenset(
    {
        "/healthz",
        "/_healthz",
        "/livez",
        "/health/live",
        "/health/liveness",
        "/ping",
        "/alive",
        "/live",
        "/liveness",
        "/healthz/live",
    }
)


def dependency_paths(project: Project, path: str) -> frozenset[str]:
    """Health paths known to run dependency checks for the file at ``path``: readiness-named
    paths, plus the contract's (``/health``, ``/health/ready``…) when its service has a spec."""
    spec = project.spec_for(path)
    if spec is not None:
        return _READINESS_NAMES | spec.dependency_paths
    return _READINESS_NAMES


def handler(probe: dict[str, Any]) -> tuple[str, Any, Any] | None:
    """What a probe calls: ``("http", path, port)``, ``("tcp", None, port)``,
    ``("grpc", service, port)`` or ``("exec", command, None)``."""
    if isinstance(probe.get("httpGet"), dict):
        get = probe["httpGet"]
        return "http", str(get.get("path", "/")).split("?", 1)[0], get.get("port")
    if isinstance(probe.get("tcpSocket"), dict):
        return "tcp", None, probe["tcpSocket"].get("port")
    if isinstance(probe.get("grpc"), dict):
        return "grpc", probe["grpc"].get("service"), probe["grpc"].get("port")
    if isinstance(probe.get("exec"), dict):
        return "exec", tuple(str(c) for c in as_list(as_dict(probe["exec"]).get("command"))), None
    return None


def probes(container: Container) -> Iterator[tuple[str, dict[str, Any]]]:
    for kind in KINDS:
        probe = container.get(kind)
        if isinstance(probe, dict):
            yield kind, probe


CHECK_TIMEOUT_S = _contract.CHECK_TIMEOUT_S
