"""Public test helpers: real-server fixtures and fakes users can reuse in their own suites."""

from __future__ import annotations

__all__: list[str] = []
