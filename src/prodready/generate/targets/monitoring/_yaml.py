"""Monitoring and CI files are YAML with sequences indented under their key."""

from __future__ import annotations

from typing import Any

from prodready.generate._render import dump_yaml


def dump(document: dict[str, Any]) -> str:
    """One YAML document; insertion order is kept so files read top-down like hand-written ones."""
    return dump_yaml(document, indent_sequences=True)
