"""The checker's vocabulary, named once: Severity, Location, Hit, Rule, Finding.

A rule is data (stable ID, slug, severity, summary, rationale, fix) plus a predicate ``check``
that takes the loaded :class:`~prodready.lint.loaders.Project` and yields :class:`Hit` objects (a
message and a location). The engine turns each hit into a :class:`Finding` by attaching the rule's
metadata, so rules never repeat their own ID, severity or fix.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prodready.lint.loaders import Project

__all__ = ["Finding", "Hit", "Layer", "Location", "Rule", "Severity"]


class Severity(enum.IntEnum):
    """How bad a finding is; ordered so ``severity >= threshold`` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        """Lower-case name used in every output format (``error``, ``warning``, ``info``)."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """``"error"`` → ``Severity.ERROR``; raises ``KeyError`` for an unknown name."""
        return cls[text.strip().upper()]


class Layer(enum.StrEnum):
    """What a rule inspects; also the sub-package its module lives in."""

    GENERAL = "general"
    DOCKERFILE = "dockerfile"
    COMPOSE = "compose"
    KUBERNETES = "kubernetes"
    CROSSFILE = "crossfile"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a file: 1-based ``line`` (0 when the whole file is meant)."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Hit:
    """What a rule's predicate yields: a message about one place."""

    message: str
    location: Location


CheckFunction = Callable[["Project"], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    """A catalogue entry. ``id`` is permanent (``PR3xx``); ``slug`` is a readable alias.

    ``summary`` says what it finds, ``rationale`` why that is bad, ``fix`` what to do instead
    (one sentence ending with a period each).
    """

    id: str
    slug: str
    layer: Layer
    severity: Severity
    summary: str
    rationale: str
    fix: str
    check: CheckFunction = field(compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The rule's metadata as data (no predicate)."""
        return {
            "id": self.id,
            "slug": self.slug,
            "layer": self.layer.value,
            "severity": self.severity.label,
            "summary": self.summary,
            "rationale": self.rationale,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Finding:
    """A hit with its rule's metadata attached by the engine."""

    rule: Rule
    message: str
    location: Location

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of one finding (documented in README "## Check")."""
        return {
            "rule": self.rule.id,
            "slug": self.rule.slug,
            "severity": self.severity.label,
            "message": self.message,
            "path": self.location.path,
            "line": self.location.line,
            "fix": self.rule.fix,
        }
