"""Kubernetes-style resource quantities: CPU (``500m``, ``1``, ``1.5``) and memory (``512Mi``).

Parsed in Python so derived values (worker counts, compose ``cpus``/``memory``) are testable.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["compose_cpus", "compose_memory", "cpu_millis", "memory_bytes"]

_CPU = re.compile(r"^(?P<num>\d+(?:\.\d{1,3})?)(?P<milli>m?)$")
_MEMORY = re.compile(r"^(?P<num>\d+)(?P<unit>Ki|Mi|Gi|Ti|k|M|G|T)?$")
_UNITS = {
    None: 1,
    "k": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
}


def cpu_millis(value: str) -> int:
    """``"500m"`` → 500, ``"2"`` → 2000, ``"1.5"`` → 1500; ValueError if malformed or zero."""
    match = _CPU.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a CPU quantity such as '500m', '1' or '1.5'")
    try:
        number = Decimal(match["num"])
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only decimals
        raise ValueError(f"{value!r} is not a number") from exc
    millis = int(number) if match["milli"] else int(number * 1000)
    if millis <= 0:
        raise ValueError(f"{value!r} must be more than zero")
    return millis


def memory_bytes(value: str) -> int:
    """``"512Mi"`` → 536870912, ``"1G"`` → 10**9; ValueError if malformed or zero."""
    match = _MEMORY.match(value.strip())
    if match is None:
        raise ValueError(f"{value!r} is not a memory quantity such as '256Mi' or '1Gi'")
    amount = int(match["num"]) * _UNITS[match["unit"]]
    if amount <= 0:
        raise ValueError(f"{value!r} must be more than zero")
    return amount


def compose_cpus(value: str) -> str:
    """The compose ``cpus`` string for a CPU quantity: ``"500m"`` → ``"0.5"``, ``"2"`` → ``"2"``."""
    millis = cpu_millis(value)
    whole, rest = divmod(millis, 1000)
    return str(whole) if rest == 0 else f"{millis / 1000:g}"


def compose_memory(value: str) -> str:
    """Compose memory in mebibytes (compose reads ``m`` as MiB): ``"1Gi"`` → ``"1024m"``."""
    amount = memory_bytes(value)
    mebibytes = -(-amount // 2**20)
    return f"{mebibytes}m"
