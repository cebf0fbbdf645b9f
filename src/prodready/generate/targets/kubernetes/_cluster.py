"""Namespace and ServiceAccount: the pod-security and identity frame every workload runs in."""

from __future__ import annotations

from . import _pod as pod
from ._plan import Plan
from ._yaml import Manifest

PSS_LEVEL = "restricted"


def namespace(plan: Plan) -> Manifest:
    """A namespace that enforces, audits and warns at the ``restricted`` Pod Security Standard.

    The admission controller then rejects any pod (ours or a later hand-edit) that runs as root,
    keeps capabilities or escalates privileges.
    """
    labels = pod.labels(plan, "namespace")
    labels.pop("app.kubernetes.io/component")
    labels.pop("app.kubernetes.io/name")
    for mode in ("enforce", "audit", "warn"):
        labels[f"pod-security.kubernetes.io/{mode}"] = PSS_LEVEL
        labels[f"pod-security.kubernetes.io/{mode}-version"] = "latest"
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {"name": plan.namespace, "labels": labels},
    }


def service_account(plan: Plan) -> Manifest:
    """The app's own ServiceAccount, with API token automount off (the app never calls the API)."""
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": pod.metadata(plan, plan.app, "identity"),
        "automountServiceAccountToken": False,
    }
