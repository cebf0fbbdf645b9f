"""Services, Ingress and NetworkPolicies.

NetworkPolicies are additive: the base denies everything, then allows DNS, traffic from the ingress
controller and Prometheus to the web pods, and each overlay adds egress to exactly the dependencies
it points the app at (in-cluster pods in dev, the external endpoints' ports in prod).
"""

from __future__ import annotations

from . import _backing as backing
from . import _pod as pod
from ._plan import Dependency, Endpoint, Ingress, Plan
from ._yaml import Manifest

NAME_LABEL = "kubernetes.io/metadata.name"
DNS_PORT = 53


def service(plan: Plan) -> Manifest:
    """ClusterIP Service for the web pods; port and targetPort are the container port."""
    web = plan.web
    part = pod.component(web)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": pod.metadata(plan, plan.app, part),
        "spec": {
            "type": "ClusterIP",
            "selector": pod.selector_labels(plan, part),
            "ports": [{"name": "http", "port": plan.port, "targetPort": "http", "protocol": "TCP"}],
        },
    }


def headless_service(plan: Plan) -> Manifest:
    """A headless Service (one DNS record per ready pod), for clients that balance themselves."""
    manifest = service(plan)
    manifest["metadata"]["name"] = f"{plan.app}-headless"
    manifest["spec"]["clusterIP"] = "None"
    manifest["spec"]["type"] = "ClusterIP"
    return manifest


def ingress(plan: Plan, settings: Ingress, host: str) -> Manifest:
    """Ingress for ``host`` to the web Service, with TLS unless the spec turns it off.

    The TLS Secret ``<app>-tls`` is filled by cert-manager or by hand; the nginx annotations carry
    the spec's body-size and per-client rate limits.
    """
    annotations = {
        "nginx.ingress.kubernetes.io/proxy-body-size": settings.max_body_size,
        "nginx.ingress.kubernetes.io/limit-rps": str(settings.rate_limit_rps),
    }
    spec: Manifest = {"ingressClassName": plan.ingress_class}
    if settings.tls:
        annotations["nginx.ingress.kubernetes.io/ssl-redirect"] = "true"
        spec["tls"] = [{"hosts": [host], "secretName": f"{plan.app}-tls"}]
    spec["rules"] = [
        {
            "host": host,
            "http": {
                "paths": [
                    {
                        "path": settings.path,
                        "pathType": "Prefix",
                        "backend": {"service": {"name": plan.app, "port": {"name": "http"}}},
                    }
                ]
            },
        }
    ]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": pod.metadata(plan, plan.app, pod.component(plan.web), annotations=annotations),
        "spec": spec,
    }


def _policy(plan: Plan, name: str, part: str, spec: Manifest) -> Manifest:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": pod.metadata(plan, name, part),
        "spec": spec,
    }


def _namespace_peer(namespace: str) -> Manifest:
    return {"namespaceSelector": {"matchLabels": {NAME_LABEL: namespace}}}


def app_selector(plan: Plan) -> Manifest:
    """Every pod of the app (web, workers, migration Job): they share the ``name`` label."""
    return {"matchLabels": {"app.kubernetes.io/name": plan.app}}


def default_deny(plan: Plan) -> Manifest:
    """Deny all ingress and egress for every pod in the namespace; the allows below are explicit."""
    return _policy(
        plan,
        "default-deny",
        "network",
        {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    )


def allow_dns(plan: Plan) -> Manifest:
    """Egress to the cluster DNS (kube-system, port 53 UDP and TCP) for every pod: without it no
    hostname resolves and every dependency looks down."""
    return _policy(
        plan,
        "allow-dns",
        "network",
        {
            "podSelector": {},
            "policyTypes": ["Egress"],
            "egress": [
                {
                    "to": [
                        {
                            **_namespace_peer("kube-system"),
                            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                        }
                    ],
                    "ports": [
                        {"protocol": "UDP", "port": DNS_PORT},
                        {"protocol": "TCP", "port": DNS_PORT},
                    ],
                }
            ],
        },
    )


def allow_web_ingress(plan: Plan) -> Manifest:
    """Ingress to the web pods from the ingress controller and Prometheus, on the app port only."""
    part = pod.component(plan.web)
    return _policy(
        plan,
        f"{plan.app}-ingress",
        part,
        {
            "podSelector": {"matchLabels": pod.selector_labels(plan, part)},
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    "from": [
                        _namespace_peer(plan.ingress_namespace),
                        _namespace_peer(plan.monitoring_namespace),
                    ],
                    "ports": [{"protocol": "TCP", "port": plan.port}],
                }
            ],
        },
    )


def allow_dependency_egress(
    plan: Plan, in_cluster: list[Dependency], external: list[Endpoint]
) -> Manifest:
    """Egress from the app's pods to exactly its dependencies.

    In-cluster backing services by pod selector and port. External endpoints by port only: a
    NetworkPolicy cannot name a DNS host, so narrow those rules with ``ipBlock`` once the managed
    services' address ranges are known.
    """
    rules: list[Manifest] = [
        {
            "to": [{"podSelector": {"matchLabels": backing.selector(plan, dep)}}],
            "ports": [{"protocol": "TCP", "port": dep.port}],
        }
        for dep in in_cluster
    ]
    ports = sorted({endpoint.port for endpoint in external})
    if ports:
        rules.append({"ports": [{"protocol": "TCP", "port": port} for port in ports]})
    return _policy(
        plan,
        f"{plan.app}-egress",
        "network",
        {"podSelector": app_selector(plan), "policyTypes": ["Egress"], "egress": rules},
    )


def allow_backing_ingress(plan: Plan, dep: Dependency) -> Manifest:
    """Ingress to a dev backing service from the app's pods (and itself, for clustered servers)."""
    own = backing.selector(plan, dep)
    ports = [{"protocol": "TCP", "port": dep.port}]
    return _policy(
        plan,
        f"{dep.name}-ingress",
        dep.name,
        {
            "podSelector": {"matchLabels": own},
            "policyTypes": ["Ingress", "Egress"],
            "ingress": [
                {
                    "from": [
                        {"podSelector": app_selector(plan)},
                        {"podSelector": {"matchLabels": own}},
                    ],
                    "ports": ports,
                }
            ],
            "egress": [{"to": [{"podSelector": {"matchLabels": own}}], "ports": ports}],
        },
    )
