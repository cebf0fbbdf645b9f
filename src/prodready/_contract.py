"""The deployment contract: values the runtime serves and the generated files rely on.

Every face reads these from here (runtime endpoints, Dockerfile, compose, Kubernetes probes, the
checker's expectations, verify's drills), so paths, ports, UIDs and timeouts agree by construction.
A spec may override some of them; the overrides flow through the same spec object everywhere.
"""

from __future__ import annotations

from typing import Final

# --- HTTP paths served by the runtime -----------------------------------------------------------
HEALTH_PATH: Final = "/health"
LIVENESS_PATH: Final = "/health/live"
READINESS_PATH: Final = "/health/ready"
STARTUP_PATH: Final = "/health/startup"
COMPONENTS_PATH: Final = "/health/components"
METRICS_PATH: Final = "/metrics"
# Paths whose handlers never touch a dependency: safe for liveness probes.
DEPENDENCY_FREE_PATHS: Final = frozenset({LIVENESS_PATH})
# Paths whose handlers run (cached) dependency checks: never use them for liveness.
DEPENDENCY_PATHS: Final = frozenset({HEALTH_PATH, READINESS_PATH, STARTUP_PATH, COMPONENTS_PATH})

# --- health check timing (seconds) --------------------------------------------------------------
# A check that has not answered after this long is cancelled and reported UNHEALTHY (timeout).
CHECK_TIMEOUT_S: Final = 2.0
# Results are refreshed in the background this often; a probe is answered from the cache, so a
# dependency sees one call per check per interval whatever the probe rate.
REFRESH_INTERVAL_S: Final = 5.0
# Kubernetes probe timeoutSeconds must exceed the check timeout (a probe never waits on a check,
# but the margin keeps a loaded pod from flapping).
PROBE_TIMEOUT_S: Final = 3
PROBE_PERIOD_S: Final = 10
STARTUP_FAILURE_THRESHOLD: Final = 30

# --- shutdown (seconds) --------------------------------------------------------------------------
# After SIGTERM readiness answers 503 ("draining") for this long before the server stops accepting.
DRAIN_DELAY_S: Final = 5.0
# The server's own graceful timeout for in-flight requests (uvicorn --timeout-graceful-shutdown).
GRACEFUL_TIMEOUT_S: Final = 20
# Kubernetes terminationGracePeriodSeconds: must exceed drain delay + graceful timeout.
TERMINATION_GRACE_PERIOD_S: Final = 40

# --- the container's identity --------------------------------------------------------------------
APP_UID: Final = 10001
APP_GID: Final = 10001
APP_USER: Final = "app"
APP_HOME: Final = "/home/app"
APP_DIR: Final = "/app"
DEFAULT_PORT: Final = 8000
# Prometheus multiprocess directory for multi-worker servers (an emptyDir / tmpfs in containers).
PROMETHEUS_MULTIPROC_DIR: Final = "/tmp/prometheus"  # noqa: S108 - a per-container tmpfs mount
