"""Structured logging: structlog for everything, request IDs on every line, secrets scrubbed.

:func:`configure_logging` sends structlog *and* the standard library's loggers (uvicorn's,
gunicorn's, libraries') through one processor chain into one handler: JSON lines in production,
a readable console format on a terminal. Every line carries the context bound with
:func:`structlog.contextvars.bind_contextvars`; :class:`RequestIdMiddleware` binds ``request_id``
for the whole request, so lines logged from the thread pool (``run_in_threadpool``, sync
endpoints) and from background tasks carry it too, because both run in a copy of the request's
context. :class:`RedactSecrets` scrubs every line (URL passwords, tokens, ``password=…`` pairs,
the settings' secret values) before it is rendered.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import Iterable, MutableMapping
from typing import Any, Final, TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from prodready import _contract
from prodready._redact import MASK, is_secret_key, scrub, scrub_details
from prodready.metrics._http import ROUTE_SCOPE_KEY
from prodready.metrics._routes import RouteResolver
from prodready.metrics._types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "REQUEST_ID_HEADER",
    "RedactSecrets",
    "RequestIdMiddleware",
    "configure_logging",
    "is_safe_request_id",
    "request_id_from_headers",
]

REQUEST_ID_HEADER: Final = "x-request-id"
# Accepted upstream IDs: 1-128 characters of letters, digits and ``._:@+=/-``, starting with a
# letter or digit. That admits nginx's ``$request_id`` (32 hex), UUIDs, ULIDs, base64 IDs and
# AWS' ``Root=1-…`` style, and rejects blanks, quotes, control characters and oversized values,
# so a client cannot inject fake log fields or lines through the header.
_SAFE_ID_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:@+=/\-]{0,127}")
_TRACEPARENT_RE: Final = re.compile(
    r"(?P<version>[0-9a-f]{2})-(?P<trace>[0-9a-f]{32})-(?P<parent>[0-9a-f]{16})-[0-9a-f]{2}"
    r"(?:-.*)?"
)
_PROBE_PATHS: Final = frozenset(
    {
        _contract.LIVENESS_PATH,
        _contract.READINESS_PATH,
        _contract.STARTUP_PATH,
        _contract.METRICS_PATH,
    }
)
# Loggers of servers that install their own handlers; they are routed to the root handler.
_SERVER_LOGGERS: Final = ("uvicorn", "uvicorn.error", "uvicorn.access", "gunicorn.error")
# Their access loggers: silenced, because RequestIdMiddleware writes one richer line per request.
_SERVER_ACCESS_LOGGERS: Final = ("uvicorn.access", "gunicorn.access")
_HANDLER_MARK: Final = "_prodready_handler"

_ACCESS_LOGGER: Final = "prodready.access"


def is_safe_request_id(value: str) -> bool:
    """True when an upstream request ID can be used as is (see ``_SAFE_ID_RE``)."""
    return _SAFE_ID_RE.fullmatch(value) is not None


def _trace_id(traceparent: str) -> str | None:
    value = traceparent.strip()
    match = _TRACEPARENT_RE.fullmatch(value)
    if match is None:
        return None
    trace = match.group("trace")
    version = match.group("version")
    if version == "ff" or trace == "0" * 32 or match.group("parent") == "0" * 16:
        return None
    if version == "00" and len(value) != 55:
        return None  # version 00 has exactly four fields
    return trace


def request_id_from_headers(headers: Iterable[tuple[bytes, bytes]]) -> tuple[str, str | None]:
    """The request ID for a request with ``headers`` and the W3C trace ID, if one came along.

    A safe ``X-Request-ID`` is used unchanged; otherwise the trace ID of a valid ``traceparent``;
    otherwise a new random 32-hex-digit ID (the shape of nginx's ``$request_id``).
    """
    upstream: str | None = None
    trace: str | None = None
    for name, value in headers:
        if name == b"x-request-id" and upstream is None:
            upstream = value.decode("latin-1")
        elif name == b"traceparent" and trace is None:
            trace = _trace_id(value.decode("latin-1"))
    if upstream is not None and is_safe_request_id(upstream):
        return upstream, trace
    if trace is not None:
        return trace, trace
    return uuid.uuid4().hex, None


class RequestIdMiddleware:
    """Gives each request an ID, echoes it as ``X-Request-ID``, binds it, writes the access line.

    The ID comes from :func:`request_id_from_headers`. It is bound as ``request_id`` (and
    ``trace_id`` when a ``traceparent`` came in) with structlog's contextvars for the duration of
    the request, background tasks included, and stored in ``scope["state"]["request_id"]``
    (``request.state.request_id``). When ``access_log`` is on, one line per HTTP request is logged
    to ``prodready.access`` after the response: method, route template, path, status and
    duration in milliseconds; probe and ``/metrics`` requests at DEBUG, server errors at ERROR,
    everything else at INFO. WebSocket connections get an ID too (no access line).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        access_log: bool = True,
        routes_app: ASGIApp | None = None,
    ) -> None:
        self.app = app
        self.access_log = access_log
        self._resolver = RouteResolver(routes_app if routes_app is not None else app)
        self._logger = structlog.get_logger(_ACCESS_LOGGER)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id, trace_id = request_id_from_headers(scope.get("headers") or ())
        state = scope.setdefault("state", {})
        if isinstance(state, MutableMapping):
            state["request_id"] = request_id
        context: dict[str, Any] = {"request_id": request_id}
        if trace_id is not None:
            context["trace_id"] = trace_id
        tokens = structlog.contextvars.bind_contextvars(**context)
        try:
            if kind == "http":
                await self._http(scope, receive, send, request_id)
            else:
                await self.app(scope, receive, send)
        finally:
            structlog.contextvars.reset_contextvars(**tokens)

    async def _http(self, scope: Scope, receive: Receive, send: Send, request_id: str) -> None:
        header = (REQUEST_ID_HEADER.encode("ascii"), request_id.encode("latin-1"))
        root_path = scope.get("root_path", "")
        status = 0
        end = 0.0

        async def send_with_id(message: Message) -> None:
            nonlocal status, end
            kind = message["type"]
            if kind == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            elif kind == "http.response.body" and not message.get("more_body", False):
                end = time.perf_counter()
            await send(message)

        start = time.perf_counter()
        failed = False
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            failed = True
            raise
        finally:
            if self.access_log:
                self._log_access(
                    scope, root_path, status, failed, (end or time.perf_counter()) - start
                )

    def _log_access(
        self, scope: Scope, root_path: str, status: int, failed: bool, seconds: float
    ) -> None:
        route = scope.get(ROUTE_SCOPE_KEY) or self._resolver.resolve(scope, root_path)
        code = status or (500 if failed else 499)
        path = scope.get("path", "")
        if path in _PROBE_PATHS:
            level = logging.DEBUG
        elif code >= 500:
            level = logging.ERROR
        else:
            level = logging.INFO
        self._logger.log(
            level,
            "request",
            method=scope.get("method"),
            route=route,
            path=path,
            status=code,
            duration_ms=round(seconds * 1000.0, 3),
        )


# Values prodready itself produces and that cannot carry a secret: not scrubbed (a fast path).
_GENERATED_KEYS: Final = frozenset(
    {"timestamp", "level", "logger", "request_id", "trace_id", "service"}
)
_SCRUB_CACHE_SIZE: Final = 4096


class RedactSecrets:
    """A structlog processor that scrubs secrets from every event before it is rendered.

    Values under keys that name a secret (``password``, ``token``, ``api_key``…) are replaced
    whole; every string (the message, a formatted traceback, nested values) goes through
    :func:`prodready._redact.scrub`, which also removes each literal in ``secrets`` (the
    settings' secret values, see :meth:`add`). Results for repeated strings (event names, route
    templates, methods) are cached, so a typical access line costs one real scrub (its path).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: tuple[str, ...] = tuple(s for s in secrets if s)
        self._cache: dict[str, str] = {}
        self._keys: dict[str, bool] = {}

    def add(self, secrets: Iterable[str]) -> None:
        """Also remove these literal values from now on."""
        self._secrets = tuple(dict.fromkeys([*self._secrets, *(s for s in secrets if s)]))
        self._cache = {}

    def scrub(self, text: str) -> str:
        """``text`` without secrets (cached)."""
        cache = self._cache
        clean = cache.get(text)
        if clean is None:
            clean = scrub(text, self._secrets)
            if len(cache) >= _SCRUB_CACHE_SIZE:
                cache.clear()
            cache[text] = clean
        return clean

    def _secret_key(self, key: str) -> bool:
        known = self._keys.get(key)
        if known is None:
            if len(self._keys) >= _SCRUB_CACHE_SIZE:
                self._keys.clear()
            known = self._keys[key] = is_secret_key(key)
        return known

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        for key, value in event_dict.items():
            if isinstance(value, str):
                if key in _GENERATED_KEYS:
                    continue
                event_dict[key] = MASK if self._secret_key(key) else self.scrub(value)
            elif key.startswith("_") or value is None or isinstance(value, bool | int | float):
                continue
            elif self._secret_key(key):
                event_dict[key] = MASK
            else:
                event_dict[key] = scrub_details({"v": value}, self._secrets)["v"]
        return event_dict


def configure_logging(
    *,
    level: str | int = "INFO",
    json: bool | None = None,
    stream: TextIO | None = None,
    redactor: RedactSecrets | None = None,
    service: str | None = None,
) -> RedactSecrets:
    """Route structlog and the standard library through one pipeline; return the redactor.

    ``json=None`` chooses JSON unless ``stream`` (default ``sys.stdout``) is a terminal.
    ``service`` is added to every line as ``service`` (tells services apart in shared storage).
    The root logger gets one handler (a previous one installed here is replaced, so calling this
    again reconfigures); uvicorn's and gunicorn's loggers lose their own handlers and propagate to
    it, and their access loggers are silenced in favour of :class:`RequestIdMiddleware`'s line.
    """
    stream = stream if stream is not None else sys.stdout
    if json is None:
        json = not _isatty(stream)
    redactor = redactor if redactor is not None else RedactSecrets()
    timestamper = structlog.processors.TimeStamper(fmt="iso", utc=True)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        timestamper,
        structlog.processors.StackInfoRenderer(),
    ]
    if service:
        shared.append(_AddService(service))
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=_isatty(stream))
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # Tracebacks become text *before* scrubbing, so a DSN in an exception is removed.
            structlog.processors.format_exc_info,
            redactor,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    setattr(handler, _HANDLER_MARK, True)

    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in _SERVER_LOGGERS:
        server_logger = logging.getLogger(name)
        server_logger.handlers.clear()
        server_logger.propagate = True
        server_logger.setLevel(logging.NOTSET)
    for name in _SERVER_ACCESS_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)

    structlog.configure(
        processors=[
            *shared,
            structlog.processors.format_exc_info,
            redactor,
            renderer,
        ],
        # structlog's own lines skip the stdlib machinery (a LogRecord, a handler, a formatter):
        # about four times cheaper per line, which matters for the one-line-per-request log.
        logger_factory=_NamedWriteLoggerFactory(stream),
        wrapper_class=structlog.make_filtering_bound_logger(_level_number(level)),
        cache_logger_on_first_use=False,
    )
    return redactor


class _AddService:
    def __init__(self, service: str) -> None:
        self.service = service

    def __call__(self, logger: WrappedLogger, method_name: str, event_dict: EventDict) -> EventDict:
        event_dict.setdefault("service", self.service)
        return event_dict


class _NamedWriteLogger(structlog.WriteLogger):
    """structlog's plain writer, plus the ``name`` that ``add_logger_name`` reports."""

    def __init__(self, file: TextIO, name: str) -> None:
        super().__init__(file)
        self.name = name


class _NamedWriteLoggerFactory:
    def __init__(self, file: TextIO) -> None:
        self._file = file

    def __call__(self, *args: Any) -> _NamedWriteLogger:
        return _NamedWriteLogger(self._file, str(args[0]) if args else "root")


def _level_number(level: str | int) -> int:
    if isinstance(level, int):
        return level
    number = logging.getLevelNamesMapping().get(level.upper())
    if number is None:
        raise ValueError(f"unknown log level {level!r}")
    return number


def _isatty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty()) if callable(isatty) else False
