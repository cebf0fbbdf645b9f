"""Built-in rules, one per module: ``<layer>/<slug>.py`` defining a module-level ``RULE``.

Listing them here (instead of registering at import) keeps the catalogue explicit: a registry is
filled by :func:`prodready.lint.default_registry`, which imports exactly these modules.
"""

from __future__ import annotations

BUILTIN_RULE_MODULES: tuple[str, ...] = (
    "general.input_error",
    "general.unused_suppression",
    "general.suppression_without_reason",
    "dockerfile.runs_as_root",
    "dockerfile.base_image_unpinned",
    "dockerfile.remote_add",
    "dockerfile.secret_in_env",
    "dockerfile.healthcheck_tool_missing",
    "dockerfile.dev_server_in_production",
    "dockerfile.server_bound_to_loopback",
    "dockerfile.expose_mismatch",
    "compose.depends_on_without_health",
    "compose.image_unpinned",
    "compose.secret_in_environment",
    "compose.privileged",
    "kubernetes.may_run_as_root",
    "kubernetes.image_unpinned",
    "kubernetes.missing_resources",
    "kubernetes.privileged",
    "kubernetes.secret_in_configmap",
    "kubernetes.secret_in_env_literal",
    "kubernetes.schema_invalid",
    "kubernetes.deprecated_api",
    "crossfile.liveness_checks_dependencies",
    "crossfile.env_host_undefined",
    "crossfile.probe_port_undeclared",
    "crossfile.service_selects_nothing",
    "crossfile.service_target_port",
    "crossfile.ingress_backend_undefined",
    "crossfile.reference_missing_object",
    "crossfile.reference_missing_key",
    "crossfile.hpa_without_requests",
    "crossfile.replicas_without_pdb",
    "crossfile.pdb_blocks_drain",
    "crossfile.networkpolicy_blocks_dns",
    "crossfile.probe_timeout_below_check",
    "crossfile.non_root_with_named_user",
    "crossfile.run_as_user_differs",
    "crossfile.read_only_root_without_writable_dirs",
    "crossfile.grace_period_short",
    "crossfile.migrations_in_every_replica",
    "crossfile.service_link_collision",
    "crossfile.probe_path_not_served",
)
