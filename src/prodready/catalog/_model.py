"""What prodready knows about one kind of backing service, and the catalogue that holds them.

The catalogue is the single source of truth for compose, Kubernetes, CI service containers,
``.env.example``, monitoring and verify: each reads the same image, port, health command and env.

**Secret references.** Env values may contain ``${NAME}``: a reference to the *secret* ``NAME``
(``POSTGRES_PASSWORD``), never a value. Each target resolves it its own way — compose keeps
``${NAME}`` (interpolated from ``.env``), Kubernetes writes ``$(NAME)`` after declaring ``NAME``
from a Secret, verify substitutes the real local value — with :func:`substitute`. Commands
(``command``, ``health_command``) are argv lists; where they need a shell they run ``sh -c`` and
read the container's own env as ``$NAME``: targets whose format interpolates (compose) must escape
``$`` in them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from prodready.errors import RegistryError
from prodready.spec import Resources

__all__ = [
    "Catalog",
    "CatalogEntry",
    "Connection",
    "Exporter",
    "secret_refs",
    "substitute",
]

_REF = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")


def secret_refs(value: str) -> list[str]:
    """The secret names referenced as ``${NAME}`` in ``value``, in order of appearance."""
    return _REF.findall(value)


def substitute(value: str, resolve: Callable[[str], str]) -> str:
    """Replace every ``${NAME}`` in ``value`` with ``resolve(NAME)``."""
    return _REF.sub(lambda match: resolve(match.group(1)), value)


@dataclass(frozen=True)
class Connection:
    """Where a backing service is reached and as whom; the password stays a secret reference."""

    host: str
    port: int
    user: str
    database: str


@dataclass(frozen=True)
class Exporter:
    """Prometheus metrics for a backing service.

    ``image`` is ``None`` when the server exposes metrics itself on ``port`` (RabbitMQ's plugin);
    otherwise a sidecar/companion container whose ``env`` and ``args`` are functions of the
    :class:`Connection`. Env values follow the ``${SECRET}`` convention.
    """

    port: int
    image: str | None = None
    path: str = "/metrics"
    env: Callable[[Connection], Mapping[str, str]] = field(default=lambda _conn: {})
    args: Callable[[Connection], tuple[str, ...]] = field(default=lambda _conn: ())


@dataclass(frozen=True)
class CatalogEntry:
    """One kind of backing service.

    - ``image`` and ``default_version``: the pinned image; :meth:`image_ref` builds the reference
      (PostgreSQL with ``pgvector`` switches to the pgvector image).
    - ``app_env``: what the *app* receives — the names the runtime's settings and checkers read
      (``DATABASE_URL``, ``REDIS_URL`` …), URL-shaped, with secret references.
    - ``app_secrets``: secrets the app also receives directly (Neo4j's password).
    - ``secrets``: every secret this service needs (server passwords), generated locally.
    - ``server_env``/``command``: the server container's own env and argv (``None``: the image's).
    - ``health_command``: an argv that exits 0 when the server accepts work.
    - ``data_path``: where the server keeps data (a named volume / PVC), ``None`` if stateless.
    - ``user``: ``uid:gid`` to run the server as when ``command`` bypasses the image's own
      privilege drop (``None``: the image handles it).
    """

    kind: str
    image: str
    default_version: str
    port: int
    default_user: str
    app_env: Callable[[Connection], Mapping[str, str]]
    server_env: Callable[[Connection], Mapping[str, str]]
    health_command: Callable[[Connection], tuple[str, ...]]
    secrets: tuple[str, ...] = ()
    app_secrets: tuple[str, ...] = ()
    data_path: str | None = None
    command: Callable[[Connection], tuple[str, ...]] | None = None
    user: str | None = None
    resources: Resources = field(default_factory=Resources)
    start_period_s: int = 20
    exporter: Exporter | None = None
    image_for: Callable[[str, tuple[str, ...]], str] | None = None
    description: str = ""

    def image_ref(self, version: str | None = None, extensions: tuple[str, ...] = ()) -> str:
        """The pinned image reference for ``version`` (default: the catalogue's pin)."""
        tag = version or self.default_version
        if self.image_for is not None:
            return self.image_for(tag, extensions)
        return f"{self.image}:{tag}"


class Catalog:
    """A registry *instance* of catalogue entries; duplicate kinds are refused.

    :func:`prodready.catalog.default_catalog` returns one holding every built-in kind; build your
    own to add or replace kinds.
    """

    def __init__(self, entries: Iterable[CatalogEntry] = ()) -> None:
        self._entries: dict[str, CatalogEntry] = {}
        for entry in entries:
            self.register(entry)

    def register(self, entry: CatalogEntry) -> None:
        if entry.kind in self._entries:
            raise RegistryError(
                f"backing-service kind {entry.kind!r} is already in the catalogue",
                hint="build a new Catalog without the built-in entry to replace it",
            )
        self._entries[entry.kind] = entry

    def get(self, kind: str) -> CatalogEntry:
        try:
            return self._entries[kind]
        except KeyError:
            raise RegistryError(
                f"no catalogue entry for kind {kind!r}",
                expected=f"one of: {', '.join(sorted(self._entries))}",
            ) from None

    def __contains__(self, kind: object) -> bool:
        return kind in self._entries

    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self._entries))
