"""Every metric name prodready exports, named once; dashboards and alerts are built on these.

Prefix policy: names carry the *protocol or domain* they measure (``http_``, ``websocket_``,
``health_check_``) and no product or service prefix. The service is told apart by the labels
Prometheus attaches at scrape time (``job``, ``namespace``, ``pod``), so one dashboard serves every
service, and the HTTP names match what most exporters already use (``http_requests_total``,
``http_request_duration_seconds``). Units follow the Prometheus conventions: seconds, ``_total``
for counters. These names are a stable contract: renaming one is a breaking change.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "HEALTH_CHECK_DURATION_SECONDS",
    "HEALTH_CHECK_FAILURES_TOTAL",
    "HEALTH_CHECK_STATUS",
    "HTTP_REQUESTS_IN_PROGRESS",
    "HTTP_REQUESTS_TOTAL",
    "HTTP_REQUEST_DURATION_SECONDS",
    "HTTP_REQUEST_EXCEPTIONS_TOTAL",
    "LABEL_CHECK",
    "LABEL_EXCEPTION",
    "LABEL_METHOD",
    "LABEL_REASON",
    "LABEL_ROUTE",
    "LABEL_STATUS",
    "OTHER_METHOD",
    "UNMATCHED_ROUTE",
    "WEBSOCKET_CONNECTIONS_ACTIVE",
    "WEBSOCKET_CONNECTIONS_TOTAL",
]

# --- HTTP ------------------------------------------------------------------------------------
# Counter{method, route, status}: finished requests; an unhandled exception counts as status 500.
HTTP_REQUESTS_TOTAL: Final = "http_requests_total"
# Histogram{method, route, status}: time from the request's arrival to its last body byte sent.
HTTP_REQUEST_DURATION_SECONDS: Final = "http_request_duration_seconds"
# Gauge{method}: requests being served right now (summed over workers).
HTTP_REQUESTS_IN_PROGRESS: Final = "http_requests_in_progress"
# Counter{method, route, exception}: unhandled exceptions by class name (also counted as 500).
HTTP_REQUEST_EXCEPTIONS_TOTAL: Final = "http_request_exceptions_total"

# --- WebSocket -------------------------------------------------------------------------------
# Gauge{route}: accepted WebSocket connections open right now (summed over workers).
WEBSOCKET_CONNECTIONS_ACTIVE: Final = "websocket_connections_active"
# Counter{route}: WebSocket connections accepted since start.
WEBSOCKET_CONNECTIONS_TOTAL: Final = "websocket_connections_total"

# --- health checks (fed from the health runner's results) ------------------------------------
# Gauge{check, status}: 1 for the check's current status, 0 for the other three (a state set).
HEALTH_CHECK_STATUS: Final = "health_check_status"
# Histogram{check}: how long each run of a check took.
HEALTH_CHECK_DURATION_SECONDS: Final = "health_check_duration_seconds"
# Counter{check, reason}: runs that ended UNHEALTHY, by reason (timeout, exception, latency …).
HEALTH_CHECK_FAILURES_TOTAL: Final = "health_check_failures_total"

# --- labels ----------------------------------------------------------------------------------
LABEL_METHOD: Final = "method"
LABEL_ROUTE: Final = "route"
LABEL_STATUS: Final = "status"
LABEL_EXCEPTION: Final = "exception"
LABEL_CHECK: Final = "check"
LABEL_REASON: Final = "reason"

# Every request no route matched (404s, scanners) shares this one route label value, so random
# paths cannot grow the number of series.
UNMATCHED_ROUTE: Final = "__unmatched__"
# Methods outside the standard set share this label value for the same reason.
OTHER_METHOD: Final = "OTHER"
