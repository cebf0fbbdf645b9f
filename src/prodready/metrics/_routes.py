"""Route templates for metric labels and access logs: ``/items/{item_id}``, never ``/items/42``.

Starlette (and so FastAPI) records the route that handled a request in ``scope["route"]``; inside a
mounted sub-application that is the *inner* route, whose path lacks the mount's prefix. The
resolver walks the application's route tree once, remembers the full template of every leaf route
(``/api/v1`` + ``/items/{item_id}``), and afterwards answers with one dictionary lookup. A route
object reachable through several mounts (one sub-app mounted at ``/v1`` and ``/v2``) is told apart
by matching the mount prefix against the request's ``root_path``.

Requests no route matched, including a 404 inside a mounted router, resolve to
:data:`~prodready.metrics._names.UNMATCHED_ROUTE`: the set of label values is bounded by the
application's routes, whatever paths clients send. Starlette is not imported: routes are
recognised by shape (``routes``, ``path``, ``path_format``), so a plain ASGI app simply reports
every request as unmatched.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from typing import Any, Final

from prodready.metrics._names import UNMATCHED_ROUTE
from prodready.metrics._types import ASGIApp, Scope

__all__ = ["RouteResolver", "find_routes"]

_MAX_WRAPPER_DEPTH: Final = 64
_PARAM_RE: Final = re.compile(r"\{[^}/]+\}")


def find_routes(app: Any) -> Sequence[Any] | None:
    """The route list of ``app`` or of the first app under its middleware chain (``.app``)."""
    for _ in range(_MAX_WRAPPER_DEPTH):
        routes = getattr(app, "routes", None)
        if isinstance(routes, Sequence):
            return routes
        app = getattr(app, "app", None)
        if app is None:
            return None
    return None


def _prefix_regex(prefix: str) -> re.Pattern[str]:
    """A regex matching the concrete root paths a mount prefix template can produce."""
    pattern = ""
    pos = 0
    for match in _PARAM_RE.finditer(prefix):
        pattern += re.escape(prefix[pos : match.start()]) + "[^/]+"
        pos = match.end()
    pattern += re.escape(prefix[pos:])
    return re.compile(pattern)


class _Candidate:
    __slots__ = ("prefix_re", "template")

    def __init__(self, template: str, prefix: str, *, ambiguous_prefix: bool) -> None:
        self.template = template
        self.prefix_re = _prefix_regex(prefix) if ambiguous_prefix else None


class _FastMap(dict[int, str]):
    """id(route) -> template for routes with at most one candidate; keeps those routes alive."""

    __slots__ = ("keep",)

    def __init__(self, keep: object) -> None:
        super().__init__()
        self.keep = keep  # the route objects whose ids are keys, so no id is reused meanwhile


class RouteResolver:
    """Maps a finished request's scope to its route template (see the module docstring).

    ``app`` is the application whose routes are walked; middleware wrappers are looked through.
    Thread-safe; the map is rebuilt when a route the resolver has not seen shows up (routes added
    after start-up), at most once per unknown route object.
    """

    def __init__(self, app: ASGIApp) -> None:
        self._app = app
        self._lock = threading.Lock()
        # id(route) -> (route kept alive so the id stays unique, candidates)
        self._map: dict[int, tuple[object, list[_Candidate]]] = {}
        self._unknown: dict[int, object] = {}
        # The common case in one lookup: no route (unmatched) or a route with one template.
        self._fast: _FastMap = _FastMap(None)
        self._fast[id(None)] = UNMATCHED_ROUTE

    def resolve(self, scope: Scope, root_path: str = "") -> str:
        """The template of the route that handled ``scope``, or the unmatched label.

        ``root_path`` is the scope's ``root_path`` as it was *before* routing, so the part added
        by mounts can be compared with mount prefixes.
        """
        route = scope.get("route")
        template = self._fast.get(id(route))
        if template is not None:
            return template
        key = id(route)
        entry = self._map.get(key)
        if entry is None:
            if key in self._unknown:
                return _own_template(route)
            self._rebuild()
            entry = self._map.get(key)
            if entry is None:
                with self._lock:
                    self._unknown[key] = route
                return _own_template(route)
        candidates = entry[1]
        if not candidates:
            return UNMATCHED_ROUTE
        if len(candidates) == 1:
            return candidates[0].template
        mounted = str(scope.get("root_path", ""))[len(root_path) :]
        for candidate in candidates:
            if candidate.prefix_re is not None and candidate.prefix_re.fullmatch(mounted):
                return candidate.template
        return candidates[0].template

    def _rebuild(self) -> None:
        routes = find_routes(self._app)
        found: dict[int, tuple[object, list[tuple[str, str]]]] = {}
        if routes is not None:
            _walk(routes, "", found, depth=0)
        built: dict[int, tuple[object, list[_Candidate]]] = {}
        for key, (route, pairs) in found.items():
            ambiguous = len(pairs) > 1
            built[key] = (
                route,
                [_Candidate(t, p, ambiguous_prefix=ambiguous) for t, p in pairs],
            )
        fast = _FastMap(built)
        fast[id(None)] = UNMATCHED_ROUTE
        for key, (_, candidates) in built.items():
            if len(candidates) <= 1:
                fast[key] = candidates[0].template if candidates else UNMATCHED_ROUTE
        with self._lock:
            self._map = built
            self._fast = fast


def _own_template(route: object) -> str:
    path = getattr(route, "path", None)
    return path if isinstance(path, str) and path else UNMATCHED_ROUTE


def _walk(
    routes: Iterable[Any],
    prefix: str,
    found: dict[int, tuple[object, list[tuple[str, str]]]],
    *,
    depth: int,
) -> None:
    if depth > _MAX_WRAPPER_DEPTH:
        return
    for route in routes:
        children = getattr(route, "routes", None)
        is_host = hasattr(route, "host_regex")
        if is_host and isinstance(children, Sequence):
            _walk(children, prefix, found, depth=depth + 1)
            continue
        path = getattr(route, "path", None)
        if not isinstance(path, str):
            continue
        pairs = found.setdefault(id(route), (route, []))[1]
        if hasattr(route, "path_format") and isinstance(children, Sequence) and children:
            # A mount of a router: a request that ends here matched no inner route (a 404).
            _walk(children, prefix + path, found, depth=depth + 1)
            continue
        if hasattr(route, "path_format") and isinstance(children, Sequence):
            # A mount of a plain ASGI app (static files): one label for everything under it.
            pairs.append((prefix + str(route.path_format), prefix))
            continue
        pairs.append((prefix + path, prefix))
