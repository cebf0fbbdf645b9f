"""The probe endpoints as a pure ASGI application (no web framework needed at runtime).

Routes (``GET`` and ``HEAD``; other methods get 405), relative to ``prefix`` (``/health``)::

    /health                    every check + the process          (aggregate)
    /health/live               liveness: the process only, never a dependency
    /health/ready              readiness: readiness checks + pending startup gates; draining → 503
    /health/startup            startup gates (200 once each passed once)
    /health/components         same body as /health
    /health/components/{name}  one component; 404 for an unknown name

Status code: 200 when HEALTHY or DEGRADED, 503 when UNHEALTHY or UNKNOWN; machines must rely on
it alone. Every answer carries ``Cache-Control: no-store``. Bodies:

- JSON (default): ``{"status", "timestamp", "components": {name: {"status", "latency_ms", …}}}``.
- ``application/health+json`` (IETF draft-inadarei-api-health-check) when the ``Accept`` header
  asks for it: ``pass``/``warn``/``fail``, ``checks["name:responseTime"]`` with
  ``componentType``, ``observedValue``, ``observedUnit``, ``time``.
- ``?verbose``: kube-apiserver style plain text, one ``[+]name ok`` / ``[-]name failed: …`` line
  per check. ``?exclude=name`` (repeatable) leaves a check out of the status.

Details (versions, sizes, error text) are shown only to an authorized caller
(``Authorization: Bearer <token>``) or everywhere when ``public_details`` is set (outside
production). Status, latency and the reason code are always public. Everything shown was
scrubbed of credentials by the runner.

Mount it (``app.mount("/health", HealthApp(runner))``) or wrap an app with it
(``HealthApp(runner, app=app)``): it then serves the prefix, passes everything else through, and
ties the runner to the app's lifespan (started after the app's startup completes, so checks see
its pools; stopped before the app's shutdown, so readiness drains first).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime
from typing import Any, Final
from urllib.parse import parse_qsl, unquote

from prodready._contract import HEALTH_PATH
from prodready.health._model import CheckResult, HealthReport, Status
from prodready.health._registry import LIVENESS, READINESS, STARTUP
from prodready.health._runner import EVENT_LOOP, HealthRunner

__all__ = ["ASGIApp", "HealthApp", "Receive", "Scope", "Send"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HEALTH_JSON: Final = "application/health+json"
_ROUTES: Final = {
    "": "all",
    "/": "all",
    "/live": LIVENESS,
    "/ready": READINESS,
    "/startup": STARTUP,
    "/components": "all",
}
_COMPONENTS: Final = "/components/"
_IETF_STATUS: Final = {
    Status.HEALTHY: "pass",
    Status.DEGRADED: "warn",
    Status.UNHEALTHY: "fail",
    Status.UNKNOWN: "fail",
}
_BASE_HEADERS: Final = ((b"cache-control", b"no-store"),)


class HealthApp:
    """ASGI app serving the probes of ``runner`` (see the module docstring for the contract).

    - ``app``: wrap this ASGI app (middleware mode) instead of answering 404 off the prefix.
    - ``token``: the bearer token that unlocks details (a str or a pydantic ``SecretStr``).
    - ``public_details``: show details to everyone; use it only outside production.
    - ``prefix``: the path the probes live under (``HEALTH_PATH``). When mounted at that path,
      the mount's ``root_path`` is honoured.
    - ``manage_lifespan``: start and stop the runner with the ASGI lifespan (default True).
    """

    def __init__(
        self,
        runner: HealthRunner,
        *,
        app: ASGIApp | None = None,
        token: Any = None,
        public_details: bool = False,
        prefix: str = HEALTH_PATH,
        manage_lifespan: bool = True,
    ) -> None:
        if not prefix.startswith("/") or prefix.endswith("/"):
            raise ValueError(f"prefix must start with '/' and not end with one, got {prefix!r}")
        self.runner = runner
        self.app = app
        secret = token.get_secret_value() if hasattr(token, "get_secret_value") else token
        self._token = str(secret).encode() if secret else None
        self.public_details = public_details
        self.prefix = prefix
        self.manage_lifespan = manage_lifespan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "http":
            route = self._route(scope)
            if route is not None:
                await self._serve(scope, route, send)
                return
            if self.app is None:
                await _respond(scope, send, 404, b'{"error":"not found"}', b"application/json")
                return
        elif kind == "lifespan" and self.manage_lifespan:
            await self._lifespan(scope, receive, send)
            return
        if self.app is not None:
            await self.app(scope, receive, send)

    # --- routing --------------------------------------------------------------------------------

    def _route(self, scope: Scope) -> str | None:
        path: str = scope["path"]
        root_path: str = scope.get("root_path", "")
        if root_path and path.startswith(root_path):  # mounted: Starlette keeps the full path
            path = path[len(root_path) :]
        if path == self.prefix or path.startswith(self.prefix + "/"):
            return path[len(self.prefix) :]
        # standalone (mounted at the prefix by a framework): the path is already relative
        return path if self.app is None else None

    async def _serve(self, scope: Scope, route: str, send: Send) -> None:
        if scope["method"] not in ("GET", "HEAD"):
            await _respond(
                scope, send, 405, b'{"error":"method not allowed"}', b"application/json",
                ((b"allow", b"GET, HEAD"),),
            )  # fmt: skip
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        exclude = {v for k, value in query if k == "exclude" for v in value.split(",") if v}
        verbose = any(k == "verbose" and v.lower() not in ("0", "false") for k, v in query)
        headers = dict(scope.get("headers", ()))
        full = self.public_details or self._authorized(headers.get(b"authorization", b""))

        component = None
        group = _ROUTES.get(route)
        if group is None:
            if not route.startswith(_COMPONENTS):
                await _respond(scope, send, 404, b'{"error":"not found"}', b"application/json")
                return
            component = unquote(route[len(_COMPONENTS) :])
            group = LIVENESS if component == EVENT_LOOP else "all"
            if component != EVENT_LOOP and component not in self.runner.registry:
                missing = {"error": "unknown component", "component": component}
                await _respond(scope, send, 404, _dumps(missing), b"application/json")
                return
            exclude = set()
        report = await self.runner.report(group, exclude=exclude)
        if component is not None:
            result = report.components[component]
            code = 200 if result.status.is_available else 503
            one = _component_body(result, report.timestamp, full)
            await _respond(scope, send, code, _dumps(one), b"application/json")
            return
        code = 200 if report.status.is_available else 503
        accept = headers.get(b"accept", b"").decode("latin-1")
        if verbose:
            text = _verbose(report, full)
            await _respond(scope, send, code, text.encode(), b"text/plain; charset=utf-8")
        elif HEALTH_JSON in accept:
            await _respond(scope, send, code, _dumps(_ietf(report, full)), HEALTH_JSON.encode())
        else:
            await _respond(scope, send, code, _dumps(_json(report, full)), b"application/json")

    def _authorized(self, header: bytes) -> bool:
        if self._token is None or header[:7].lower() != b"bearer ":
            return False
        return hmac.compare_digest(header[7:].strip(), self._token)

    # --- lifespan -------------------------------------------------------------------------------

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self.app
        if app is None:
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    try:
                        await self.runner.start()
                    except Exception as e:  # the server reports it and refuses to start
                        failed = {"type": "lifespan.startup.failed", "message": repr(e)}
                        await send(failed)
                        return
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await self.runner.stop()
                    await send({"type": "lifespan.shutdown.complete"})
                    return

        async def receive_wrapper() -> Message:
            message = await receive()
            if message["type"] == "lifespan.shutdown":
                await self.runner.stop()  # drain and stop checks before the app closes its pools
            return message

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                await self.runner.start()  # after the app's startup: its pools exist now
            await send(message)

        await app(scope, receive_wrapper, send_wrapper)


# --- bodies (built as data, then dumped) ---------------------------------------------------


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _component(result: CheckResult, full: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"status": result.status.value, "latency_ms": result.latency_ms}
    if result.reason is not None:
        body["reason"] = result.reason.value
    if full:
        body["observed_at"] = _time(result.observed_at)
        body["critical"] = result.critical
        body["component_type"] = result.component_type
        if result.error is not None:
            body["error"] = result.error
        body["details"] = dict(result.details)
    return body


def _json(report: HealthReport, full: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"status": report.status.value, "timestamp": _time(report.timestamp)}
    if report.reason is not None:
        body["reason"] = report.reason.value
    body["components"] = {
        name: _component(result, full) for name, result in report.components.items()
    }
    if report.excluded:
        body["excluded"] = sorted(report.excluded)
    return body


def _component_body(result: CheckResult, now: datetime, full: bool) -> dict[str, Any]:
    return {"name": result.name, "timestamp": _time(now), **_component(result, full)}


def _ietf(report: HealthReport, full: bool) -> dict[str, Any]:
    checks: dict[str, list[dict[str, Any]]] = {}
    for name, result in report.components.items():
        entry: dict[str, Any] = {
            "componentId": name,
            "componentType": result.component_type,
            "status": _IETF_STATUS[result.status],
            "time": _time(result.observed_at),
        }
        if result.latency_ms is not None:
            entry["observedValue"] = result.latency_ms
            entry["observedUnit"] = "ms"
        if full and result.error is not None:
            entry["output"] = result.error
        checks[f"{name}:responseTime"] = [entry]
    body: dict[str, Any] = {"status": _IETF_STATUS[report.status], "checks": checks}
    if report.reason is not None and report.status is not Status.HEALTHY:
        body["output"] = report.reason.value
    return body


def _verbose(report: HealthReport, full: bool) -> str:
    lines = []
    for name, result in report.components.items():
        if name in report.excluded:
            lines.append(f"[+]{name} excluded: {'ok' if result.status.is_available else 'failed'}")
        elif result.status.is_available:
            note = f" ({result.status.value})" if result.status is Status.DEGRADED else ""
            lines.append(f"[+]{name} ok{note}")
        else:
            why = result.reason.value if result.reason is not None else result.status.value
            if full and result.error:
                why = f"{why}: {result.error}"
            lines.append(f"[-]{name} failed: {why}")
    if report.reason is not None and report.reason.value == "draining":
        lines.append("[-]shutdown failed: draining")
    outcome = "passed" if report.status.is_available else "failed"
    lines.append(f"{report.group} check {outcome}")
    return "\n".join(lines) + "\n"


def _dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, default=str).encode()


async def _respond(
    scope: Scope,
    send: Send,
    status: int,
    body: bytes,
    content_type: bytes,
    extra: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    headers = [
        (b"content-type", content_type),
        (b"content-length", str(len(body)).encode()),
        *_BASE_HEADERS,
        *extra,
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
