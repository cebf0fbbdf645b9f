"""The rule catalogue: a registry *instance* that refuses duplicate IDs and slugs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib import import_module
from importlib.metadata import entry_points

from prodready.errors import RegistryError
from prodready.lint._model import Rule

__all__ = ["ENTRY_POINT_GROUP", "RuleRegistry", "default_registry"]

ENTRY_POINT_GROUP = "prodready.rules"
_ID = re.compile(r"^PR\d{3}$")


class RuleRegistry:
    """An ordered set of rules keyed by ID. Nothing registers at import: callers fill it."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        self._slugs: dict[str, str] = {}

    def register(self, rule: Rule) -> Rule:
        """Add ``rule``; raises :class:`RegistryError` on a malformed or duplicate ID or slug."""
        if not _ID.match(rule.id):
            raise RegistryError(
                f"rule ID {rule.id!r} is malformed",
                expected="'PR' followed by three digits, e.g. PR301",
                hint="pick the next free number in the rule's layer",
            )
        if rule.id in self._rules:
            raise RegistryError(
                f"rule ID {rule.id} is registered twice ({self._rules[rule.id].slug}, {rule.slug})",
                hint="IDs are permanent: give the new rule a new number",
            )
        if rule.slug in self._slugs:
            raise RegistryError(
                f"rule slug {rule.slug!r} is used by {self._slugs[rule.slug]} and {rule.id}",
                hint="choose a distinct slug",
            )
        self._rules[rule.id] = rule
        self._slugs[rule.slug] = rule.id
        return rule

    def get(self, rule_id: str) -> Rule:
        """The rule with this ID or slug; raises ``KeyError``."""
        if rule_id in self._rules:
            return self._rules[rule_id]
        return self._rules[self._slugs[rule_id]]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules or rule_id in self._slugs

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda r: r.id))

    def __len__(self) -> int:
        return len(self._rules)


def default_registry(*, plugins: bool = True) -> RuleRegistry:
    """A fresh registry holding every built-in rule, plus rules from the ``prodready.rules``
    entry-point group (each entry point names a module with a module-level ``RULE``)."""
    from prodready.lint.rules import BUILTIN_RULE_MODULES

    registry = RuleRegistry()
    for name in BUILTIN_RULE_MODULES:
        registry.register(import_module(f"prodready.lint.rules.{name}").RULE)
    if plugins:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            registry.register(ep.load().RULE)
    return registry
