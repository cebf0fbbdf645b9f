"""The ``/metrics`` endpoint as an ASGI app: one registry, or every worker's files merged."""

from __future__ import annotations

import gzip

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from prodready.metrics._http import flush_all
from prodready.metrics._multiprocess import compact_dead_workers, scrape_lock
from prodready.metrics._types import ASGIApp, Receive, Scope, Send

__all__ = ["make_metrics_app", "render"]

# Below this many bytes gzip costs more than it saves.
_GZIP_MIN_BYTES = 1024


def render(
    registry: CollectorRegistry, *, multiprocess_dir: str | None, accept: str = ""
) -> tuple[bytes, str]:
    """The exposition body and its content type (Prometheus text, or OpenMetrics if asked for).

    With ``multiprocess_dir`` dead workers are compacted first, then every worker's files are
    merged into a fresh registry; ``registry`` is then ignored.
    """
    encoder, content_type = choose_encoder(accept)
    flush_all()  # this process's request tallies (other workers flush on their own timer)
    if multiprocess_dir is None:
        return encoder(registry), content_type
    compact_dead_workers(multiprocess_dir)
    merged = CollectorRegistry()
    MultiProcessCollector(merged, path=multiprocess_dir)  # type: ignore[no-untyped-call]
    with scrape_lock(multiprocess_dir):
        return encoder(merged), content_type


def make_metrics_app(
    registry: CollectorRegistry | None = None, *, multiprocess_dir: str | None = None
) -> ASGIApp:
    """An ASGI app answering ``GET``/``HEAD`` with the metrics; 405 for other methods.

    ``registry`` defaults to prometheus_client's global one. The body is gzipped when the client
    accepts it (Prometheus does), which shrinks a scrape about tenfold.
    """
    if registry is None:
        from prometheus_client import REGISTRY

        registry = REGISTRY
    source = registry

    async def metrics_app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send, 405, b"method not allowed\n", [(b"allow", b"GET, HEAD")])
            return
        headers = dict(scope.get("headers") or [])
        accept = headers.get(b"accept", b"").decode("latin-1")
        body, content_type = render(source, multiprocess_dir=multiprocess_dir, accept=accept)
        extra: list[tuple[bytes, bytes]] = []
        if len(body) >= _GZIP_MIN_BYTES and b"gzip" in headers.get(b"accept-encoding", b""):
            body = gzip.compress(body, compresslevel=5)
            extra.append((b"content-encoding", b"gzip"))
        response_headers = [
            (b"content-type", content_type.encode("latin-1")),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"vary", b"Accept-Encoding"),
            *extra,
        ]
        await send({"type": "http.response.start", "status": 200, "headers": response_headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )

    return metrics_app


async def _plain(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode("ascii")),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
