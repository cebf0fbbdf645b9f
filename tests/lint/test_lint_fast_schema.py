"""PR307's fast validity path answers exactly as jsonschema does, and falls back when it cannot.

The oracle is built the way PR307 built its validator before the fast path existed: schema files
read by kubernetes_validate itself, a jsonschema ``Draft202012Validator`` over them.
"""

from __future__ import annotations

import copy
import datetime
import functools
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lint_helpers import CORPUS

from prodready.lint import Finding, check
from prodready.lint.loaders import load_project
from prodready.lint.loaders._yaml import load_all
from prodready.lint.rules import _k8s_schemas
from prodready.lint.rules._fast_schema import Compiler, Unsupported
from prodready.lint.rules.kubernetes import schema_invalid

pytest.importorskip("kubernetes_validate")
jsonschema = pytest.importorskip("jsonschema")

from kubernetes_validate import utils  # noqa: E402
from referencing import Registry, Resource  # noqa: E402

Lint = Callable[..., list[Finding]]
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
VERSIONS = ["1.32", "1.25"]


def _oracle_directory(version: str) -> str:
    versions = [v for v in utils.all_versions() if utils.major_minor(v) <= version]
    chosen = versions[-1] if versions else utils.all_versions()[0]
    return f"kubernetes-json-schema/v{chosen}-local-strict"


@functools.cache
def _oracle(version: str, kind: str, api_version: str) -> Any:
    """jsonschema's validator for the kind, or ``None`` when kubernetes_validate has no schema."""
    directory = _oracle_directory(version)
    api = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)  # as kubernetes_validate.validate
    try:
        schema = utils.schema_contents(f"{directory}/{kind.lower()}-{api}.json", version)
    except FileNotFoundError:
        return None
    definitions = utils.schema_contents(f"{directory}/_definitions.json", version)
    registry: Registry[Any] = Resource.from_contents(definitions) @ (
        Resource.from_contents(schema) @ Registry()
    )
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _mismatches(docs: list[Any], version: str) -> tuple[int, list[str]]:
    """How many docs both paths judged, and those on which the verdicts differ."""
    judged, wrong = 0, []
    for doc in docs:
        kind, api_version = str(doc.get("kind")), str(doc.get("apiVersion"))
        oracle = _oracle(version, kind, api_version)
        if oracle is None:
            continue
        fast = schema_invalid.fast_check(version, kind, api_version)
        assert fast is not None, f"{kind} {api_version} fell back: its schema should be supported"
        judged += 1
        if fast(doc) != oracle.is_valid(doc):
            name = (doc.get("metadata") or {}).get("name")
            wrong.append(f"{kind}/{name}: fast={fast(doc)}")
    return judged, wrong


@pytest.fixture(scope="module")
def render_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRODREADY_CACHE_DIR", str(tmp_path_factory.mktemp("render-cache")))
        yield


@pytest.fixture(scope="module")
def corpus_docs(render_cache: None) -> list[Any]:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (it lives outside the repo)")
    project = load_project([CORPUS])
    return [obj.doc for group in project.groups for obj in group.objects]


@pytest.fixture(scope="module")
def example_docs(render_cache: None) -> list[Any]:
    paths = sorted(EXAMPLES.glob("*/deploy"))
    if not paths:
        pytest.skip(f"no examples/*/deploy under {EXAMPLES}")
    project = load_project(paths)
    return [obj.doc for group in project.groups for obj in group.objects]


@pytest.mark.parametrize("version", VERSIONS)
def test_fast_verdict_equals_jsonschema_on_every_corpus_object(
    corpus_docs: list[Any], version: str
) -> None:
    judged, wrong = _mismatches(corpus_docs, version)
    assert judged >= 100
    assert wrong == []


@pytest.mark.parametrize("version", VERSIONS)
def test_fast_verdict_equals_jsonschema_on_every_example_object(
    example_docs: list[Any], version: str
) -> None:
    judged, wrong = _mismatches(example_docs, version)
    assert judged >= 20
    assert wrong == []


BASES = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{containerPort: 8080, protocol: TCP}]
          env:
            - {name: MODE, value: prod}
            - name: POD
              valueFrom: {fieldRef: {fieldPath: metadata.name}}
          resources: {limits: {cpu: 500m, memory: 128Mi}, requests: {cpu: 0.1}}
          livenessProbe: {httpGet: {path: /healthz, port: http}, periodSeconds: 10}
          volumeMounts: [{name: cfg, mountPath: /etc/web}]
      volumes:
        - name: cfg
          configMap: {name: web, items: [{key: a, path: a}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: job, image: busybox:1.36, args: [date]}]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{protocol: TCP, port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer, minimum: 1}
                tags: {type: array, items: {type: string}}
"""
BASE = {doc["kind"]: doc for doc in load_all(BASES, "bases.yaml")}
DELETE = object()
POD = ("spec", "template", "spec")
CONTAINER = (*POD, "containers", 0)
JOB_CONTAINER = ("spec", "jobTemplate", "spec", "template", "spec", "containers", 0)
HPA_TARGET = ("spec", "metrics", 0, "resource", "target")
NP_PORT = ("spec", "ingress", 0, "ports", 0)
CRD_PROPS = ("spec", "versions", 0, "schema", "openAPIV3Schema", "properties")

# (id, kind, path, new value or DELETE, whether jsonschema finds the result valid)
VARIANTS: list[tuple[str, str, tuple[Any, ...], Any, bool]] = [
    *[(f"base-{kind}", kind, (), None, True) for kind in BASE],
    ("unknown-top-level-field", "Deployment", ("spec", "replicass"), 2, False),
    ("unknown-field-in-container", "Deployment", (*CONTAINER, "livenesProbe"), {}, False),
    (
        "unknown-field-in-env",
        "Deployment",
        (*CONTAINER, "env", 1, "valueFrom", "fieldRef", "x"),
        1,
        False,
    ),
    (
        "unknown-field-in-volume",
        "Deployment",
        (*POD, "volumes", 0, "configMap", "itemz"),
        [],
        False,
    ),
    ("wrong-type-replicas", "Deployment", ("spec", "replicas"), "two", False),
    ("bool-is-not-an-integer", "Deployment", ("spec", "replicas"), True, False),
    ("float-with-no-fraction-is-an-integer", "Deployment", ("spec", "replicas"), 2.0, True),
    ("float-with-a-fraction-is-not", "Deployment", ("spec", "replicas"), 2.5, False),
    ("null-where-nullable", "Deployment", ("spec", "replicas"), None, True),
    ("missing-required-container-name", "Deployment", (*CONTAINER, "name"), DELETE, False),
    ("missing-required-selector", "Deployment", ("spec", "selector"), DELETE, False),
    ("int-where-string-image", "Deployment", (*CONTAINER, "image"), 5, False),
    ("int-where-string-env-value", "Deployment", (*CONTAINER, "env", 0, "value"), 5, False),
    ("int-label-value", "Deployment", ("metadata", "labels", "tier"), 1, False),
    ("list-where-object", "Deployment", (*CONTAINER, "resources"), [], False),
    ("object-where-list", "Deployment", (*POD, "volumes"), {}, False),
    ("quantity-as-number", "Deployment", (*CONTAINER, "resources", "limits", "cpu"), 1, True),
    ("quantity-as-bool", "Deployment", (*CONTAINER, "resources", "limits", "cpu"), True, False),
    (
        "quantity-null-matches-both-oneof-branches",
        "Deployment",
        (*CONTAINER, "resources", "limits", "cpu"),
        None,
        False,
    ),
    (
        "int-or-string-port-as-int",
        "Deployment",
        (*CONTAINER, "livenessProbe", "httpGet", "port"),
        8080,
        True,
    ),
    (
        "int-or-string-as-float",
        "Deployment",
        ("spec", "strategy", "rollingUpdate", "maxSurge"),
        1.5,
        False,
    ),
    ("bad-enum-kind-case", "Deployment", ("kind",), "deployment", False),
    ("bad-enum-api-group-spelling", "Deployment", ("apiVersion",), "apps.k8s.io/v1", False),
    (
        "yaml-date-where-string",
        "Deployment",
        ("metadata", "creationTimestamp"),
        datetime.date(2024, 1, 1),
        False,
    ),
    ("cronjob-unknown-field-in-job-template", "CronJob", (*JOB_CONTAINER, "imagee"), "x", False),
    (
        "cronjob-wrong-type-in-job-template",
        "CronJob",
        ("spec", "jobTemplate", "spec", "backoffLimit"),
        "2",
        False,
    ),
    ("cronjob-missing-schedule", "CronJob", ("spec", "schedule"), DELETE, False),
    (
        "hpa-string-utilization",
        "HorizontalPodAutoscaler",
        (*HPA_TARGET, "averageUtilization"),
        "80",
        False,
    ),
    (
        "hpa-unknown-field",
        "HorizontalPodAutoscaler",
        (*HPA_TARGET, "averageUtilisation"),
        80,
        False,
    ),
    ("hpa-missing-max", "HorizontalPodAutoscaler", ("spec", "maxReplicas"), DELETE, False),
    ("netpol-port-as-name", "NetworkPolicy", (*NP_PORT, "port"), "http", True),
    ("netpol-port-as-list", "NetworkPolicy", (*NP_PORT, "port"), [80], False),
    (
        "netpol-unknown-peer-field",
        "NetworkPolicy",
        ("spec", "ingress", 0, "from", 0, "podSelectr"),
        {},
        False,
    ),
    ("service-target-port-bool", "Service", ("spec", "ports", 0, "targetPort"), False, False),
    (
        "crd-recursive-schema-valid",
        "CustomResourceDefinition",
        (*CRD_PROPS, "spec", "properties", "n"),
        {"type": "object", "properties": {"m": {"type": "string"}}},
        True,
    ),
    (
        "crd-recursive-schema-invalid",
        "CustomResourceDefinition",
        (*CRD_PROPS, "spec", "properties", "n"),
        {"type": "object", "properties": {"m": {"typo": "string"}}},
        False,
    ),
]


def _variant(kind: str, path: tuple[Any, ...], value: Any) -> Any:
    doc = copy.deepcopy(BASE[kind])
    if not path:
        return doc
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("kind", "path", "value", "valid"),
    [pytest.param(*v[1:], id=v[0]) for v in VARIANTS],
)
def test_fast_verdict_equals_jsonschema_on_a_broken_variant(
    version: str, kind: str, path: tuple[Any, ...], value: Any, valid: bool
) -> None:
    doc = _variant(kind, path, value)
    oracle = _oracle(version, doc["kind"], doc["apiVersion"])
    assert oracle.is_valid(doc) is valid  # the variant is broken (or not) as intended
    fast = schema_invalid.fast_check(version, doc["kind"], doc["apiVersion"])
    assert fast is not None
    assert fast(doc) is valid


def test_a_schema_with_an_unsupported_keyword_does_not_compile() -> None:
    directory = _k8s_schemas.schema_directory("1.32")
    schema = {**_k8s_schemas.kind_schema(directory, "ConfigMap", "v1"), "maxProperties": 3}
    with pytest.raises(Unsupported, match="maxProperties"):
        Compiler(_k8s_schemas.definitions(directory)).compile(schema)


def test_an_unsupported_definition_fails_only_the_kinds_that_use_it() -> None:
    directory = _k8s_schemas.schema_directory("1.32")
    definitions = copy.deepcopy(_k8s_schemas.definitions(directory))
    pod_spec = definitions["$defs"]["io.k8s.api.core.v1.PodSpec"]
    pod_spec["properties"]["hostname"]["pattern"] = "^[a-z]+$"
    compiler = Compiler(definitions)
    with pytest.raises(Unsupported, match="pattern"):
        compiler.compile(_k8s_schemas.kind_schema(directory, "Deployment", "apps/v1"))
    # ObjectMeta was compiled for the Deployment before PodSpec failed: the ConfigMap that shares
    # it must still get a working check
    config_map = compiler.compile(_k8s_schemas.kind_schema(directory, "ConfigMap", "v1"))
    assert config_map({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}})
    assert not config_map({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"nme": "c"}})


@pytest.fixture
def fresh_caches() -> Iterator[None]:
    schema_invalid.fast_check.cache_clear()
    schema_invalid.validator.cache_clear()
    yield
    schema_invalid.fast_check.cache_clear()
    schema_invalid.validator.cache_clear()


def test_pr307_falls_back_to_jsonschema_for_a_kind_it_cannot_compile(
    lint: Lint, monkeypatch: pytest.MonkeyPatch, fresh_caches: None
) -> None:
    real = _k8s_schemas.kind_schema

    def with_max_properties(directory: str, kind: str, api_version: str) -> Any:
        schema = real(directory, kind, api_version)
        return {**schema, "maxProperties": 3} if kind == "ConfigMap" else schema

    monkeypatch.setattr(_k8s_schemas, "kind_schema", with_max_properties)
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
    found = lint("PR307", {"cm.yaml": text})
    assert schema_invalid.fast_check("1.32", "ConfigMap", "v1") is None
    assert len(found) == 1
    assert found[0].message.endswith("has too many properties (Kubernetes 1.32 schema)")


def test_schema_folder_is_chosen_as_kubernetes_validate_chooses_it() -> None:
    for version in ["1.0", "1.9", "1.24", "1.25", "1.29", "1.32", "1.37", "1.99", "2.0", "0.1"]:
        assert f"kubernetes-json-schema/{_k8s_schemas.schema_directory(version)}" == (
            _oracle_directory(version)
        ), version


def test_schema_files_are_read_as_kubernetes_validate_reads_them() -> None:
    directory = _k8s_schemas.schema_directory("1.32")
    for kind, api_version, name in [
        ("Deployment", "apps/v1", "deployment-apps-v1"),
        ("ClusterRole", "rbac.authorization.k8s.io/v1", "clusterrole-rbac-v1"),
        ("Service", "v1", "service-v1"),
    ]:
        expected = utils.schema_contents(f"kubernetes-json-schema/{directory}/{name}.json", "1.32")
        assert _k8s_schemas.kind_schema(directory, kind, api_version) == expected
    assert _k8s_schemas.kind_schema(directory, "Widget", "example.com/v1") is None


def test_valid_objects_are_checked_without_importing_jsonschema(tmp_path: Path) -> None:
    (tmp_path / "deploy.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"
    )
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from prodready.lint import check\n"
        f"report = check([Path({str(tmp_path)!r})], select=('PR307',))\n"
        "assert not report.findings, report.findings\n"
        "print(sorted(m for m in ('jsonschema', 'kubernetes_validate') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_pr307_is_skipped_quietly_without_kubernetes_validate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None in sys.modules is how Python spells "not installed" to find_spec and to import
    monkeypatch.setitem(sys.modules, "kubernetes_validate", None)
    _k8s_schemas._root.cache_clear()
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {nme: c}\n")
    try:
        report = check([tmp_path], select=("PR307",))
    finally:
        _k8s_schemas._root.cache_clear()
    assert report.findings == []  # neither a finding nor an internal error


def test_kind_and_api_version_cannot_name_a_file_outside_the_schema_folder() -> None:
    directory = _k8s_schemas.schema_directory("1.32")
    assert _k8s_schemas.kind_schema(directory, "../../../_definitions", "v1") is None
    assert _k8s_schemas.kind_schema(directory, "Deployment", "apps/../../v1") is None
    assert _k8s_schemas.kind_schema(directory, "Deployment", "apps/v1") is not None
