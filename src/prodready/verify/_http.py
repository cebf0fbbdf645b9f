"""A tiny HTTP client for probes: stdlib only, a hard timeout, never raises on failure."""

from __future__ import annotations

import http.client
from dataclasses import dataclass

__all__ = ["Probe", "probe"]


@dataclass(frozen=True)
class Probe:
    """One probe's outcome: the status code, or ``None`` with the connection error."""

    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 400


def probe(host: str, port: int, path: str, *, timeout: float) -> Probe:
    """GET ``path`` like the kubelet does: success is a status in 200..399 within ``timeout``."""
    conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"User-Agent": "prodready-verify"})
        response = conn.getresponse()
        response.read()
        return Probe(response.status)
    except (OSError, http.client.HTTPException) as exc:
        return Probe(None, f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()
