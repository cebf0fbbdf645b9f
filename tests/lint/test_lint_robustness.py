"""No rule crashes on a manifest whose fields have odd types: each becomes data, never a bug."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from prodready.lint import Project, default_registry, load_project, run_rules
from prodready.lint.loaders._kubernetes import K8sGroup, to_object
from prodready.lint.loaders._yaml import load_all

MANIFEST = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {app: api}, annotations: {a: b}}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      terminationGracePeriodSeconds: 30
      securityContext: {runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000}
      volumes: [{name: cfg, configMap: {name: cfg, items: [{key: a, path: a}]}}]
      containers:
        - name: api
          image: api:1
          command: [uvicorn, a:app]
          ports: [{name: http, containerPort: 8000}]
          env: [{name: DB_HOST, value: db}, {name: P, valueFrom: {secretKeyRef: {name: s, key: k}}}]
          envFrom: [{configMapRef: {name: cfg}}]
          livenessProbe: {httpGet: {path: /health, port: http}, timeoutSeconds: 1}
          readinessProbe: {httpGet: {path: /health, port: 8000}}
          startupProbe: {exec: {command: [cat, /tmp/ready]}}
          resources: {requests: {cpu: 1}, limits: {memory: 1Gi}}
          securityContext: {readOnlyRootFilesystem: true, capabilities: {add: [NET_ADMIN]}}
          volumeMounts: [{name: cfg, mountPath: /cfg}]
          lifecycle: {preStop: {exec: {command: [sleep, "5"]}}}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec: {minAvailable: 1, selector: {matchLabels: {app: api}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {}}], ports: [{port: 5432}]}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {kind: Deployment, name: api}
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization}}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules: [{http: {paths: [{path: /, backend: {service: {name: api, port: {number: 80}}}}]}}]
"""
ODD_VALUES: list[Any] = [None, 7, "text", [], {}, ["x"], {"k": "v"}]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    mutated = copy.deepcopy(doc)
    target = mutated
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return mutated


DOCS = list(load_all(MANIFEST, "m.yaml"))
CASES = [(i, path) for i, doc in enumerate(DOCS) for path in _paths(doc) if path[0] != "kind"]


@pytest.mark.parametrize(
    ("doc_index", "path"),
    CASES,
    ids=lambda v: ".".join(map(str, v)) if isinstance(v, tuple) else str(v),
)
def test_rules_survive_odd_values_at_every_field(doc_index: int, path: tuple[Any, ...]) -> None:
    rules = list(default_registry(plugins=False))
    for value in ODD_VALUES:
        docs = [_replace(d, path, value) if i == doc_index else d for i, d in enumerate(DOCS)]
        group = K8sGroup("m", [to_object(d) for d in docs])
        report = run_rules(Project(groups=[group], texts={"m.yaml": []}), rules)
        crashes = [f.message for f in report.findings if "could not evaluate" in f.message]
        assert crashes == [], (path, value)


COMPOSE = """
services:
  api:
    build: {context: ., dockerfile: Dockerfile}
    image: api:1
    command: uvicorn a:app --host 0.0.0.0
    environment: {DB_HOST: db, DB_PASSWORD: x}
    env_file: [app.env]
    depends_on: {db: {condition: service_started}}
    healthcheck: {test: [CMD, curl, -f, http://localhost/]}
    networks: {default: {aliases: [web]}}
    deploy: {replicas: 2}
    cap_add: [NET_ADMIN]
    links: [db]
    extra_hosts: ["h:1.2.3.4"]
  db:
    image: postgres:16
    extends: {service: api}
"""
COMPOSE_PATHS = list(_paths(next(iter(load_all(COMPOSE, "c.yaml")))))


@pytest.mark.parametrize("path", COMPOSE_PATHS, ids=lambda v: ".".join(map(str, v)))
def test_compose_loading_and_rules_survive_odd_values(
    tmp_path: Path, path: tuple[Any, ...]
) -> None:
    rules = [r for r in default_registry(plugins=False) if r.id != "PR307"]
    (doc,) = load_all(COMPOSE, "c.yaml")
    for value in ODD_VALUES:
        mutated = _replace(doc, path, value)
        (tmp_path / "compose.yaml").write_text(yaml.safe_dump(_plain(mutated)))
        report = run_rules(load_project([tmp_path]), rules)
        crashes = [f.message for f in report.findings if "could not evaluate" in f.message]
        assert crashes == [], (path, value)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
