"""The ``kubernetes`` target: a kustomize base and dev/prod overlays under ``deploy/k8s/``.

Built as data from the service spec and the backing-service catalogue, dumped to YAML::

    deploy/k8s/base/            namespace (PSS restricted), ServiceAccount (no token), Deployments,
                                Service, PVCs, migration Job, NetworkPolicies, ConfigMap generator,
                                secret.template.yaml (keys only, never applied)
    deploy/k8s/overlays/dev/    single-replica StatefulSets for the backing services
    deploy/k8s/overlays/prod/   external endpoints, replicas or HPA, PDB, Ingress

Render with ``kubectl kustomize deploy/k8s/overlays/dev`` (or ``prod``); apply with ``-k``. Probe
paths, timeouts, UID/GID and shutdown timings come from :mod:`prodready._contract` through the spec,
so the manifests agree with the runtime and the Dockerfile by construction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from prodready.catalog import Catalog
from prodready.generate._model import Target
from prodready.spec import ServiceSpec

from ._adapt import plan_from_spec
from ._layout import ROOT, render_plan
from ._plan import Plan

__all__ = ["ROOT", "TARGET", "Options", "render"]


@dataclasses.dataclass(frozen=True)
class Options:
    """Opt-in extras the spec has no field for yet.

    ``headless_service``: also a headless Service (per-pod DNS records). ``wait_for_dependencies``:
    an init container that waits until every dependency accepts TCP connections.
    ``external_secret_store``: the prod overlay gets an ExternalSecret reading from this
    ClusterSecretStore instead of relying on a hand-made Secret.
    """

    headless_service: bool = False
    wait_for_dependencies: bool = False
    external_secret_store: str | None = None


def plan(
    spec: ServiceSpec, options: Options = Options(), *, catalog: Catalog | None = None
) -> Plan:
    """The plan the manifests are built from (exposed for tests and the docs target)."""
    return dataclasses.replace(plan_from_spec(spec, catalog=catalog), **dataclasses.asdict(options))


def render(
    spec: ServiceSpec, options: Options = Options(), *, catalog: Catalog | None = None
) -> Mapping[str, str]:
    """Every file of the kustomize tree, keyed by its path relative to the project."""
    return render_plan(plan(spec, options, catalog=catalog))


def _render_target(spec: ServiceSpec) -> Mapping[str, str]:
    return render(spec)


TARGET = Target(
    name="kubernetes",
    render=_render_target,
    description="kustomize base + dev/prod overlays under deploy/k8s/",
)
