"""Helpers shared by the checker's tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

import textwrap
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def write_tree(root: Path, files: dict[str, str]) -> None:
    """Write ``{relative path: text}`` under ``root`` (text is dedented)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
