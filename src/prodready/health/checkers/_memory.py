"""Memory: this process's resident set size against the container's limit.

The limit is the cgroup's (v2 ``memory.max``, v1 ``memory.limit_in_bytes``) when one is set, else
the machine's physical memory. Linux only (``/proc``); no driver.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from prodready.health._model import Degraded, Details
from prodready.health.checkers._base import CheckFailed

__all__ = ["MemoryCheck", "cgroup_memory_limit", "rss_bytes"]

_CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)
# cgroup v1 reports "no limit" as a huge page-rounded number rather than "max".
_NO_LIMIT = 1 << 60


def rss_bytes(pid: str = "self") -> int:
    """Resident set size of a process, from ``/proc/<pid>/status`` (``VmRSS``)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise CheckFailed("VmRSS missing from /proc/self/status")


def cgroup_memory_limit(files: tuple[Path, ...] = _CGROUP_LIMITS) -> int | None:
    """The cgroup memory limit in bytes, or ``None`` when unlimited or not in a cgroup."""
    for path in files:
        try:
            text = path.read_text().strip()
        except OSError:
            continue
        if text == "max" or int(text) >= _NO_LIMIT:
            return None
        return int(text)
    return None


class MemoryCheck:
    """DEGRADED at ``degraded_above`` of the limit (default 80 %), UNHEALTHY at ``unhealthy_above``
    (default 95 %): past that the kernel's OOM killer is close. ``limit_bytes`` overrides the
    detected limit.
    """

    kind: ClassVar[str] = "memory"
    component_type: ClassVar[str] = "system"

    def __init__(
        self,
        *,
        degraded_above: float = 0.80,
        unhealthy_above: float = 0.95,
        limit_bytes: int | None = None,
    ) -> None:
        if not 0 < degraded_above <= unhealthy_above <= 1:
            raise ValueError("MemoryCheck: expected 0 < degraded_above <= unhealthy_above <= 1")
        self._degraded_above = degraded_above
        self._unhealthy_above = unhealthy_above
        self._limit = limit_bytes

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MemoryCheck | None:
        """Always ``None``: there is no conventional variable; register ``MemoryCheck`` in code."""
        return None

    async def __call__(self) -> Details | Degraded:
        rss = rss_bytes()
        limit = self._limit or cgroup_memory_limit()
        source = "configured" if self._limit else "cgroup"
        if limit is None:
            limit = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
            source = "physical"
        used = rss / limit
        details = {
            "rss_mb": round(rss / 1_048_576, 1),
            "limit_mb": round(limit / 1_048_576, 1),
            "limit_source": source,
            "used_percent": round(used * 100, 1),
        }
        if used >= self._unhealthy_above:
            raise CheckFailed(
                f"memory nearly exhausted: RSS is {details['used_percent']} % of limit"
            )
        if used >= self._degraded_above:
            return Degraded(f"memory high: RSS is {details['used_percent']} % of limit", details)
        return details

    async def aclose(self) -> None:
        """Nothing to release."""
