"""PR3xx: single-object Kubernetes rules fire on the bad manifest and not on the good one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from prodready.lint import Finding

Lint = Callable[..., list[Finding]]

GOOD = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 10001}
      containers:
        - name: api
          image: registry.example.com/api:1.4.2
          env:
            - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}
          securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
          resources:
            requests: {cpu: 100m, memory: 128Mi}
            limits: {memory: 256Mi}
"""

BAD = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api
          env:
            - {name: DB_PASSWORD, value: hunter2}
            - {name: DATABASE_URL, value: "postgres://app:hunter2@db/app"}
          securityContext: {privileged: true, allowPrivilegeEscalation: true}
"""


@pytest.mark.parametrize(
    ("rule", "lines"),
    [
        ("PR301", [10]),
        ("PR302", [11]),
        ("PR303", [10]),
        ("PR304", [15, 15]),
        ("PR306", [13, 14]),
    ],
)
def test_pr3xx_fires_on_the_bad_deployment(lint: Lint, rule: str, lines: list[int]) -> None:
    found = lint(rule, {"deploy.yaml": BAD})
    assert [f.location.line for f in found] == lines
    assert all("hunter2" not in f.message for f in found)


@pytest.mark.parametrize("rule", ["PR301", "PR302", "PR303", "PR304", "PR306", "PR307", "PR308"])
def test_pr3xx_quiet_on_the_good_deployment(lint: Lint, rule: str) -> None:
    assert lint(rule, {"deploy.yaml": GOOD}) == []


def test_pr301_fires_for_an_explicit_root_uid(lint: Lint) -> None:
    text = GOOD.replace("runAsNonRoot: true, runAsUser: 10001", "runAsUser: 0")
    assert [f.message for f in lint("PR301", {"deploy.yaml": text})] == [
        "container 'api' sets runAsUser: 0"
    ]


def test_pr301_quiet_when_the_image_sets_a_non_root_user(lint: Lint) -> None:
    text = GOOD.replace("securityContext: {runAsNonRoot: true, runAsUser: 10001}", "{}")
    text = text.replace("registry.example.com/api:1.4.2", "registry.example.com/api:1.4.2")
    files = {"deploy/d.yaml": text, "api/Dockerfile": "FROM python:3.12\nUSER 10001\n"}
    assert lint("PR301", files) == []


def test_pr302_quiet_for_a_digest(lint: Lint) -> None:
    text = GOOD.replace("api:1.4.2", "api@sha256:abc")
    assert lint("PR302", {"deploy.yaml": text}) == []


def test_pr305_fires_for_a_password_in_a_configmap(lint: Lint) -> None:
    text = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg}
        data:
          LOG_LEVEL: info
          REDIS_PASSWORD: s3cret
          CACHE_URL: redis://:s3cret@redis:6379/0
        """
    found = lint("PR305", {"cm.yaml": text})
    assert [f.location.line for f in found] == [6, 7]


def test_pr305_quiet_for_plain_settings_and_embedded_files(lint: Lint) -> None:
    text = """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: cfg}
        data:
          LOG_LEVEL: info
          PASSWORD_MIN_LENGTH: ""
          app.ini: |
            password = from-env
        """
    assert lint("PR305", {"cm.yaml": text}) == []


def test_pr307_fires_for_a_misspelt_field_and_a_wrong_type(lint: Lint) -> None:
    text = GOOD.replace("replicas: 1", 'replicas: "one"').replace(
        "          env:", "          livenesProbe: {}\n          env:"
    )
    found = lint("PR307", {"deploy.yaml": text})
    messages = " | ".join(f.message for f in found)
    assert "'one' is not of type 'integer'" in messages
    assert "'livenesProbe' was unexpected" in messages
    assert [f.location.line for f in found] == [5, 14]


def test_pr307_quiet_for_custom_resources(lint: Lint) -> None:
    text = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: 1}\n"
    assert lint("PR307", {"cr.yaml": text}) == []


def test_pr308_fires_for_a_removed_api(lint: Lint) -> None:
    text = "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {}\n"
    found = lint("PR308", {"ing.yaml": text})
    assert [f.location.line for f in found] == [1]
    assert "networking.k8s.io/v1" in found[0].message


def test_pr308_says_deprecated_before_the_removal_version(lint: Lint) -> None:
    text = "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\n"
    found = lint("PR308", {"hpa.yaml": text}, kubernetes_version="1.24")
    assert "is deprecated" in found[0].message
