"""Disk: free space on the filesystem holding a path, against two thresholds.

No driver. ``statvfs`` runs on a worker thread: a hung network filesystem blocks that thread, not
the event loop, and the runner's deadline still answers for the check.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from prodready.health._model import Degraded, Details
from prodready.health.checkers._base import CheckFailed

__all__ = ["DiskCheck"]


class DiskCheck:
    """DEGRADED below ``degraded_below`` free (fraction, default 10 %), UNHEALTHY below
    ``unhealthy_below`` (default 5 %) or below ``min_free_mb`` when given.
    """

    kind: ClassVar[str] = "disk"
    component_type: ClassVar[str] = "system"

    def __init__(
        self,
        path: str | Path = "/",
        *,
        degraded_below: float = 0.10,
        unhealthy_below: float = 0.05,
        min_free_mb: float | None = None,
    ) -> None:
        if not 0 <= unhealthy_below <= degraded_below < 1:
            raise ValueError("DiskCheck: expected 0 <= unhealthy_below <= degraded_below < 1")
        self._path = Path(path)
        self._degraded_below = degraded_below
        self._unhealthy_below = unhealthy_below
        self._min_free_mb = min_free_mb

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DiskCheck | None:
        """Always ``None``: there is no conventional variable; register ``DiskCheck`` in code."""
        return None

    async def __call__(self) -> Details | Degraded:
        usage = await asyncio.to_thread(shutil.disk_usage, self._path)
        free_ratio = usage.free / usage.total if usage.total else 0.0
        details = {
            "total_mb": round(usage.total / 1_048_576, 1),
            "free_mb": round(usage.free / 1_048_576, 1),
            "free_percent": round(free_ratio * 100, 2),
        }
        low_mb = self._min_free_mb is not None and details["free_mb"] < self._min_free_mb
        if free_ratio < self._unhealthy_below or low_mb:
            raise CheckFailed(f"disk almost full: {details['free_percent']} % free")
        if free_ratio < self._degraded_below:
            return Degraded(f"disk space low: {details['free_percent']} % free", details)
        return details

    async def aclose(self) -> None:
        """Nothing to release."""
