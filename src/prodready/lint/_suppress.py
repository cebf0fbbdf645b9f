"""Suppressions, each with a reason: inline comments, Kubernetes annotations, the config file.

* Inline: ``# prodready: ignore[PR301,PR303] reason`` silences those rules on its own line, or on
  the next line when the comment stands alone on its line.
* Annotation: ``ignore.prodready.dev/PR303: "reason"`` on a Kubernetes object silences the rule for
  every finding located inside that object.
* Config: ``[tool.prodready.check] per-file-ignores = {"deploy/*.yaml" = ["PR303"]}``.

A suppression that silences nothing is reported as PR001, so stale ones do not pile up.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

from prodready.lint._model import Finding, Location
from prodready.lint.loaders import Project

__all__ = ["ANNOTATION_PREFIX", "Suppression", "collect"]

ANNOTATION_PREFIX = "ignore.prodready.dev/"
_INLINE = re.compile(r"#\s*prodready:\s*ignore\[([A-Za-z0-9_, -]+)\]\s*(.*)$")


@dataclass
class Suppression:
    """One suppression of ``rules`` at ``where``; ``used`` is set by :meth:`covers`."""

    rules: frozenset[str]
    reason: str
    location: Location
    kind: str  # "inline", "annotation" or "config"
    path: str = ""
    lines: tuple[int, int] = (0, 0)
    glob: str = ""
    used: set[str] = field(default_factory=set)

    def covers(self, finding: Finding) -> bool:
        rule = finding.rule.id
        if rule not in self.rules and finding.rule.slug not in self.rules:
            return False
        where = finding.location
        if self.kind == "config":
            hit = fnmatch.fnmatch(where.path, self.glob) or fnmatch.fnmatch(
                where.path, f"*/{self.glob}"
            )
        else:
            hit = where.path == self.path and self.lines[0] <= where.line <= self.lines[1]
        if hit:
            self.used.add(rule if rule in self.rules else finding.rule.slug)
        return hit


def collect(
    project: Project, per_file: dict[str, list[str]], config_path: str
) -> list[Suppression]:
    """Every suppression found in the loaded files and the config."""
    found: list[Suppression] = []
    for path, lines in project.texts.items():
        for number, text in enumerate(lines, start=1):
            if "prodready:" not in text:
                continue
            match = _INLINE.search(text)
            if match is None:
                continue
            rules = frozenset(r.strip() for r in match.group(1).split(",") if r.strip())
            target = number
            if text.lstrip().startswith("#"):
                target = next(
                    (
                        n
                        for n in range(number + 1, len(lines) + 1)
                        if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")
                    ),
                    number,
                )
            found.append(
                Suppression(
                    rules,
                    match.group(2).strip(),
                    Location(path, number),
                    "inline",
                    path,
                    (target, target),
                )
            )
    for group in project.groups:
        for obj in group.objects:
            for key, reason in obj.annotations.items():
                if not key.startswith(ANNOTATION_PREFIX):
                    continue
                start = obj.at()
                end_line = (obj.source or obj.doc).end_line if start.line else 0
                found.append(
                    Suppression(
                        frozenset({key.removeprefix(ANNOTATION_PREFIX)}),
                        reason.strip(),
                        obj.at("metadata", "annotations"),
                        "annotation",
                        start.path,
                        (start.line, end_line),
                    )
                )
    for glob, names in per_file.items():
        found.append(
            Suppression(
                frozenset(names),
                "per-file-ignores",
                Location(config_path, 0),
                "config",
                glob=glob,
            )
        )
    return found
