"""Every error prodready raises on purpose.

The tree::

    ProdreadyError                  base; the CLI prints it without a traceback
    ├── InputError                  bad user input: spec, YAML, Dockerfile, env, HTTP  (exit 2)
    │   ├── SpecError               the service spec is missing, unparsable or invalid
    │   └── SettingsError           environment variables / .env / secrets are missing or invalid
    ├── UsageError                  the command line itself is wrong                   (exit 2)
    ├── MissingDependencyError      an optional driver or tool is missing; names the install
    ├── RegistryError               a duplicate or invalid registration (checker, rule, command)
    └── ExternalToolError           a tool prodready runs (kubectl, java, pg_ctl …) failed

Each error names the thing (file, field or line), what was expected and how to fix it, and keeps its
cause with ``raise … from e``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ExternalToolError",
    "InputError",
    "MissingDependencyError",
    "ProdreadyError",
    "RegistryError",
    "SettingsError",
    "SpecError",
    "UsageError",
]


class ProdreadyError(Exception):
    """Base class: a message a person can act on, plus where and how to fix it.

    ``path`` is the file at fault, ``location`` a field path (``tool.prodready.port``) or a line
    (``12`` or ``12:5``), ``expected`` what would have been accepted, ``hint`` the way out.
    """

    exit_code: int = 2

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        location: str | int | None = None,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.location = str(location) if location is not None else None
        self.expected = expected
        self.hint = hint

    @property
    def where(self) -> str | None:
        """``file:location``, ``file`` or ``location``, whichever is known."""
        if self.path and self.location:
            sep = ":" if self.location[:1].isdigit() else ": "
            return f"{self.path}{sep}{self.location}"
        return self.path or self.location

    def __str__(self) -> str:
        lines = [f"{self.where}: {self.message}" if self.where else self.message]
        if self.expected:
            lines.append(f"  expected: {self.expected}")
        if self.hint:
            lines.append(f"  fix: {self.hint}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, str | None]:
        """The error as data, for ``--format json`` outputs."""
        return {
            "error": type(self).__name__,
            "message": self.message,
            "path": self.path,
            "location": self.location,
            "expected": self.expected,
            "hint": self.hint,
        }


class InputError(ProdreadyError):
    """User input (a file, an environment variable, a request) is malformed or invalid."""


class SpecError(InputError):
    """The service spec (``[tool.prodready]`` or ``prodready.toml``) is missing or invalid."""


class SettingsError(InputError):
    """Settings from the environment, ``.env`` or a secrets directory are missing or invalid."""


class UsageError(ProdreadyError):
    """The command line is wrong: an unknown option value, a missing path."""


class MissingDependencyError(ProdreadyError):
    """An optional extra or external tool is needed but not installed.

    The message always contains the command that installs it,
    e.g. ``pip install 'prodready[redis]'``.
    """

    def __init__(self, what: str, *, extra: str | None = None, install: str | None = None) -> None:
        command = install or f"pip install 'prodready[{extra}]'"
        super().__init__(f"{what} is not installed", hint=f"install it with: {command}")
        self.extra = extra
        self.install = command


class RegistryError(ProdreadyError):
    """A registration clashes with an existing one or is not allowed (a dependency in liveness)."""


class ExternalToolError(ProdreadyError):
    """An external program prodready runs failed; the message carries its output's tail."""
