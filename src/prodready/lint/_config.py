"""``[tool.prodready.check]`` in pyproject.toml: defaults for the command-line options.

Keys: ``select``/``ignore`` (rule IDs or slugs), ``fail-on`` (error|warning|info),
``per-file-ignores`` (glob → IDs), ``exclude`` (globs of files to skip), ``kubernetes-version``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from prodready.errors import InputError

__all__ = ["CheckConfig", "load_config"]

_KEYS = {"select", "ignore", "fail-on", "per-file-ignores", "exclude", "kubernetes-version"}


@dataclass(frozen=True)
class CheckConfig:
    path: str = ""
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    kubernetes_version: str | None = None


def _strings(value: object, path: Path, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(
            f"'{key}' must be a list of strings",
            path=path,
            location=f"tool.prodready.check.{key}",
            expected='e.g. ["PR303", "PR409"]',
            hint=f'write {key} = ["PR303"]',
        )
    return tuple(value)


def load_config(pyproject: Path) -> CheckConfig:
    """The check table of ``pyproject``; an empty config when the file or table is absent."""
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        return CheckConfig()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(
            f"pyproject.toml is not valid TOML: {exc}",
            path=pyproject,
            hint="fix the syntax (a TOML linter or 'python -m tomllib' shows the spot)",
        ) from exc
    table = data.get("tool", {}).get("prodready", {}).get("check")
    if table is None:
        return CheckConfig()
    if not isinstance(table, dict):
        raise InputError("[tool.prodready.check] must be a table", path=pyproject)
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise InputError(
            f"unknown key(s) in [tool.prodready.check]: {', '.join(unknown)}",
            path=pyproject,
            location="tool.prodready.check",
            expected=", ".join(sorted(_KEYS)),
            hint="remove or rename the key",
        )
    per_file = table.get("per-file-ignores", {})
    if not isinstance(per_file, dict):
        raise InputError(
            "'per-file-ignores' must be a table of glob = [IDs]",
            path=pyproject,
            location="tool.prodready.check.per-file-ignores",
        )
    fail_on = table.get("fail-on")
    version = table.get("kubernetes-version")
    return CheckConfig(
        path=str(pyproject),
        select=_strings(table.get("select", []), pyproject, "select"),
        ignore=_strings(table.get("ignore", []), pyproject, "ignore"),
        fail_on=str(fail_on) if fail_on is not None else None,
        per_file_ignores={
            str(k): list(_strings(v, pyproject, f"per-file-ignores.{k}"))
            for k, v in per_file.items()
        },
        exclude=_strings(table.get("exclude", []), pyproject, "exclude"),
        kubernetes_version=str(version) if version is not None else None,
    )
