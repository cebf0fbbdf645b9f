"""Find, parse and validate the service spec, turning every failure into one readable SpecError.

Lookup order in a project directory: ``prodready.toml`` (the whole file is the spec), then
``[tool.prodready]`` in ``pyproject.toml``. Errors name the file, the dotted field
(``tool.prodready.server.workerz``), what was expected and, for an unknown key, the closest valid
one.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from prodready.errors import SpecError
from prodready.spec._model import ServiceSpec

__all__ = ["SPEC_FILES", "find_spec_file", "load_spec", "parse_spec", "spec_table_prefix"]

SPEC_FILES = ("prodready.toml", "pyproject.toml")


def spec_table_prefix(path: Path) -> str:
    """The dotted location of the spec inside ``path``: ``tool.prodready`` or ``""``."""
    return "" if path.name == "prodready.toml" else "tool.prodready"


def find_spec_file(project: Path) -> Path:
    """The file holding the spec for ``project`` (a directory or a spec file itself)."""
    if project.is_file():
        return project
    if not project.is_dir():
        raise SpecError(
            "no such project directory",
            path=project,
            hint="pass the directory that holds pyproject.toml",
        )
    standalone = project / "prodready.toml"
    if standalone.is_file():
        return standalone
    pyproject = project / "pyproject.toml"
    if pyproject.is_file():
        return pyproject
    raise SpecError(
        "no pyproject.toml or prodready.toml here",
        path=project,
        expected="a [tool.prodready] table in pyproject.toml",
        hint=f"run 'prodready init {project}' to detect the project and write one",
    )


def toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    """The line of a TOML syntax error (``lineno`` exists only on Python 3.14+)."""
    line = getattr(exc, "lineno", None)
    if isinstance(line, int):
        return line
    match = re.search(r"at line (\d+)", str(exc))
    return int(match.group(1)) if match else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read the file: {exc}", path=path) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(
            f"not valid TOML: {exc}",
            path=path,
            location=toml_error_line(exc),
            hint="fix the TOML syntax at that line (a missing quote or bracket is typical)",
        ) from exc


CHECKER_TABLE = "check"


def load_spec(project: Path) -> ServiceSpec:
    """Load and validate the spec of ``project`` (a directory or a spec file)."""
    path = find_spec_file(project)
    data = _read_toml(path)
    if path.name == "prodready.toml":
        table: Any = data
    else:
        table = data.get("tool", {}).get("prodready")
        if table is None:
            raise SpecError(
                "no [tool.prodready] table",
                path=path,
                expected="a [tool.prodready] table with at least name and app",
                hint=f"run 'prodready init {path.parent}' to detect the project and write one",
            )
    return parse_spec(table, path=path)


def parse_spec(table: Any, *, path: Path | None = None) -> ServiceSpec:
    """Validate an already-parsed table; the first problem becomes a :class:`SpecError`."""
    prefix = spec_table_prefix(path) if path is not None else ""
    if not isinstance(table, dict):
        raise SpecError(
            "the spec must be a table", path=path, location=prefix or None, expected="a TOML table"
        )
    # [tool.prodready.check] configures the checker and is validated by it (prodready.lint).
    table = {key: value for key, value in table.items() if key != CHECKER_TABLE}
    try:
        return ServiceSpec.model_validate(table)
    except ValidationError as exc:
        raise _to_spec_error(exc, path=path, prefix=prefix) from exc


def _to_spec_error(exc: ValidationError, *, path: Path | None, prefix: str) -> SpecError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = tuple(str(part) for part in first["loc"])
    location = ".".join(part for part in (prefix, *loc) if part) or None
    more = (
        f" (and {len(errors) - 1} more problem{'s' * (len(errors) > 2)})" if len(errors) > 1 else ""
    )
    kind = first["type"]
    if kind == "extra_forbidden":
        valid = _fields_at(loc[:-1])
        close = difflib.get_close_matches(loc[-1], valid, n=1, cutoff=0.5)
        hint = (
            f"did you mean {close[0]!r}?" if close else f"remove it; valid keys: {', '.join(valid)}"
        )
        return SpecError(
            f"unknown key {loc[-1]!r}{more}",
            path=path,
            location=location,
            expected=f"one of: {', '.join(valid)}",
            hint=hint,
        )
    if kind == "missing":
        return SpecError(
            f"required key {loc[-1]!r} is missing{more}",
            path=path,
            location=location,
            hint=f"add {loc[-1]} = ... (run 'prodready init' to detect it)",
        )
    message = str(first["msg"]).removeprefix("Value error, ")
    return SpecError(
        f"{message}{more}",
        path=path,
        location=location,
        hint="correct this value; see the '## Generate' section of the README for the spec keys",
    )


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated to reach a model, dict or tuple type."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        candidates = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _unwrap(candidates[0]) if len(candidates) == 1 else annotation
    return annotation


def _fields_at(loc: tuple[str, ...]) -> list[str]:
    """The valid keys of the model found by walking ``loc`` from :class:`ServiceSpec`."""
    current: Any = ServiceSpec
    parts = list(loc)
    while parts:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(parts.pop(0))
            if field is None:
                return []
            current = field.annotation
            continue
        origin = typing.get_origin(current)
        args = typing.get_args(current)
        if origin in (dict, tuple) and args:
            parts.pop(0)
            current = args[-1] if origin is dict else args[0]
            continue
        return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(current.model_fields)
    return []
