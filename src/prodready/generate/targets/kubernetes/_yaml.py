"""Manifests are plain dicts; files are dumped with the generate framework's YAML dumper."""

from __future__ import annotations

from typing import Any

from prodready.generate._render import dump_yaml

Manifest = dict[str, Any]


def dump(*documents: object) -> str:
    """One or more YAML documents, separated by ``---``."""
    return "---\n".join(dump_yaml(document) for document in documents)
