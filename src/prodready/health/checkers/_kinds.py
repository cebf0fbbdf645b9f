"""The checker-kind registry: kind name -> checker class, from the ``prodready.checkers`` group.

Built-in checkers are declared in prodready's own ``pyproject.toml`` under
``[project.entry-points."prodready.checkers"]`` and loaded through exactly the same door as a
third-party package's, so a plug-in kind is first-class: it is found by name, and it takes part in
:func:`~prodready.health.checkers.add_checks_from_env` like ``postgres`` does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import ClassVar, Protocol, runtime_checkable

from prodready.errors import RegistryError
from prodready.health._model import DependencyCheck

__all__ = ["ENTRY_POINT_GROUP", "CheckerKind", "CheckerKinds"]

ENTRY_POINT_GROUP = "prodready.checkers"


@runtime_checkable
class CheckerKind(Protocol):
    """What an entry point in ``prodready.checkers`` must name: a checker class (or factory).

    ``kind`` must equal the entry point's name. ``from_env`` builds a checker from the conventional
    environment variables (``REDIS_URL`` …) or returns ``None`` when they are not set.
    """

    kind: ClassVar[str]
    component_type: ClassVar[str]

    def from_env(self, env: Mapping[str, str]) -> DependencyCheck | None: ...


class CheckerKinds:
    """A registry *instance* of checker kinds; duplicates are refused, never silently replaced.

    Entry points are resolved lazily: :meth:`get` imports the plug-in's module, so listing the
    kinds imports nothing, and importing a checker module imports no driver.
    """

    def __init__(self) -> None:
        self._entries: dict[str, CheckerKind | EntryPoint] = {}

    @classmethod
    def from_entry_points(cls, group: str = ENTRY_POINT_GROUP) -> CheckerKinds:
        """A registry holding every kind installed in ``group`` (built-ins included)."""
        kinds = cls()
        kinds.load_entry_points(group)
        return kinds

    def register(self, name: str, kind: CheckerKind | EntryPoint) -> None:
        """Add a kind under ``name``; :class:`RegistryError` if the name is taken."""
        if name in self._entries:
            raise RegistryError(
                f"checker kind {name!r} is registered twice",
                location=f"entry point group {ENTRY_POINT_GROUP}",
                expected="one checker per kind name",
                hint=f"uninstall one of the packages providing {name!r}, or give one another name",
            )
        self._entries[name] = kind

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Register every entry point of ``group`` (not yet imported)."""
        seen: set[tuple[str, str]] = set()
        for ep in entry_points(group=group):
            # The same distribution can be visible twice on sys.path (editable + site-packages).
            if (ep.name, ep.value) in seen:
                continue
            seen.add((ep.name, ep.value))
            self.register(ep.name, ep)

    def get(self, name: str) -> CheckerKind:
        """The checker class for ``name``, importing its module on first use."""
        try:
            entry = self._entries[name]
        except KeyError:
            raise RegistryError(
                f"unknown checker kind {name!r}",
                expected="one of: " + ", ".join(sorted(self._entries)),
                hint="install the package that provides it, or check the spelling",
            ) from None
        if isinstance(entry, EntryPoint):
            loaded = entry.load()
            if not isinstance(loaded, CheckerKind) or loaded.kind != name:
                raise RegistryError(
                    f"entry point {name!r} = {entry.value!r} is not a checker kind named {name!r}",
                    location=f"entry point group {ENTRY_POINT_GROUP}",
                    expected=f"a class with kind = {name!r}, component_type and from_env(env)",
                    hint="fix the plug-in's entry point or its class attributes",
                )
            entry = self._entries[name] = loaded
        return entry

    def __contains__(self, name: object) -> bool:
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._entries))

    def __len__(self) -> int:
        return len(self._entries)
