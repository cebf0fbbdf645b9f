"""Settings and secrets: the ConfigMap generator entries, the Secret template, the ExternalSecret.

No secret value is ever written: the Secret is created out of band (``kubectl create secret``) or by
the External Secrets Operator; the generated files hold its key names only.
"""

from __future__ import annotations

from . import _pod as pod
from ._plan import Plan
from ._workloads import config_name, secret_name
from ._yaml import Manifest

TEMPLATE_HEADER = (
    "# Template only: not part of any kustomization. Copy it outside the repository, fill in the\n"
    "# values, and apply it; or create the Secret with `kubectl create secret generic`.\n"
)
EXTERNAL_SECRETS_API = "external-secrets.io/v1"
REFRESH_INTERVAL = "1h"


def config_generator(plan: Plan, literals: tuple[tuple[str, str], ...], *, merge: bool) -> Manifest:
    """A ``configMapGenerator`` entry: kustomize appends a content hash to the name and rewrites
    every reference, so a settings change rolls the pods instead of being silently ignored."""
    entry: Manifest = {"name": config_name(plan)}
    if merge:
        entry["behavior"] = "merge"
    entry["literals"] = [f"{key}={value}" for key, value in literals]
    return entry


def secret_template(plan: Plan) -> Manifest:
    """The Secret's shape: every key the stack reads, each value empty."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": pod.metadata(plan, secret_name(plan), "config"),
        "type": "Opaque",
        "stringData": dict.fromkeys(plan.secrets, ""),
    }


def external_secret(plan: Plan, store: str) -> Manifest:
    """An ExternalSecret that materialises the Secret from ``store`` (a ClusterSecretStore).

    Each key is read from ``<app>/<KEY>`` in the store; the operator re-syncs every hour.
    """
    return {
        "apiVersion": EXTERNAL_SECRETS_API,
        "kind": "ExternalSecret",
        "metadata": pod.metadata(plan, secret_name(plan), "config"),
        "spec": {
            "refreshInterval": REFRESH_INTERVAL,
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": store},
            "target": {"name": secret_name(plan), "creationPolicy": "Owner"},
            "data": [
                {"secretKey": name, "remoteRef": {"key": f"{plan.app}/{name}"}}
                for name in plan.secrets
            ],
        },
    }
