"""The in-process kustomize renderer prints what ``kubectl kustomize`` prints.

Each render below is compared with kubectl's output, value and type and document order, when
kubectl is on PATH; the focused tests also state the result they expect, so they still test
something without kubectl (the differential test over the corpus and the examples needs it).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from lint_helpers import CORPUS, write_tree

from prodready.cli import main
from prodready.lint import check, load_project
from prodready.lint.loaders._kustomize import Unsupported, render
from prodready.lint.loaders._yaml import YMap, load_all

KUBECTL = shutil.which("kubectl")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not on PATH")


def kubectl_docs(directory: Path) -> list[Any]:
    assert KUBECTL is not None
    out = subprocess.run(
        [KUBECTL, "kustomize", str(directory)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    return [doc for doc in load_all(out, "kubectl") if doc is not None]


def difference(mine: Any, theirs: Any, path: str = "$") -> str | None:
    """Where two parsed renders differ (types included: 1 is not 1.0, "1" is not 1)."""
    if isinstance(mine, dict) and isinstance(theirs, dict):
        if set(mine) != set(theirs):
            return f"{path}: keys {sorted(set(mine) ^ set(theirs))} differ"
        for key in mine:
            found = difference(mine[key], theirs[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(mine, list) and isinstance(theirs, list):
        if len(mine) != len(theirs):
            return f"{path}: {len(mine)} items, kubectl has {len(theirs)}"
        for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            found = difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    if type(mine) is not type(theirs) or mine != theirs:
        return f"{path}: {mine!r} where kubectl has {theirs!r}"
    return None


def rendered(directory: Path) -> list[YMap]:
    """The in-process render of ``directory``, checked against kubectl when it is on PATH."""
    docs = render(directory)
    if KUBECTL is not None:
        assert difference(docs, kubectl_docs(directory)) is None
    return docs


def render_tree(root: Path, files: dict[str, str], at: str = ".") -> list[YMap]:
    write_tree(root, files)
    return rendered(root / at)


def by_name(docs: list[YMap]) -> dict[str, YMap]:
    return {f"{d['kind']}/{d['metadata']['name']}": d for d in docs}


def _kustomization_dirs(top: Path) -> list[Path]:
    """Every kustomization directory under ``top`` that kubectl can build (not a Component)."""
    found = []
    for name in _NAMES:
        for marker in sorted(top.rglob(name)):
            if "kind: Component" not in marker.read_text(encoding="utf-8"):
                found.append(marker.parent)
    return sorted(set(found))


def _differential_params() -> list[Any]:
    params: list[Any] = [
        pytest.param(d, id=str(d.relative_to(EXAMPLES.parent)))
        for d in _kustomization_dirs(EXAMPLES)
        if d.relative_to(EXAMPLES).parts[1:2] == ("deploy",)
    ]
    if CORPUS.is_dir():
        params += [
            pytest.param(d, id=f"corpus/{d.relative_to(CORPUS)}")
            for d in _kustomization_dirs(CORPUS)
        ]
    else:
        params.append(
            pytest.param(
                None,
                id="corpus",
                marks=pytest.mark.skip(reason=f"the shared corpus is not at {CORPUS}"),
            )
        )
    return params


@needs_kubectl
@pytest.mark.parametrize("directory", _differential_params())
def test_every_corpus_and_example_kustomization_renders_in_process_as_kubectl_does(
    directory: Path,
) -> None:
    docs = render(directory)
    assert docs
    assert difference(docs, kubectl_docs(directory)) is None


BASE_DEPLOYMENT = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
      labels: {app: api}
    spec:
      replicas: 1
      selector: {matchLabels: {app: api}}
      template:
        metadata: {labels: {app: api}}
        spec:
          containers:
          - name: api
            image: registry.example/api:1.0
            env:
            - {name: A, value: "1"}
            - {name: B, value: "2"}
            - {name: C, value: "3"}
            ports:
            - {containerPort: 53, protocol: TCP}
            - {containerPort: 53, protocol: UDP}
          - name: sidecar
            image: registry.example/proxy:2
          volumes:
          - {name: data, emptyDir: {}}
    """


def test_strategic_merge_merges_lists_by_their_kubernetes_keys_patch_items_first(
    tmp_path: Path,
) -> None:
    (doc,) = render_tree(
        tmp_path,
        {
            "deploy.yaml": BASE_DEPLOYMENT,
            "kustomization.yaml": """
                resources: [deploy.yaml]
                patches:
                - patch: |
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: api}
                    spec:
                      template:
                        spec:
                          containers:
                          - name: api
                            env:
                            - {name: B, value: "20"}
                            - {name: D, value: "4"}
                            ports:
                            - {containerPort: 53, protocol: UDP, name: dns}
                            args: [--serve]
                          volumes:
                          - {name: cache, emptyDir: {medium: Memory}}
                """,
        },
    )
    pod = doc["spec"]["template"]["spec"]
    api = pod["containers"][0]
    assert [(e["name"], e["value"]) for e in api["env"]] == [
        ("B", "20"),
        ("D", "4"),
        ("A", "1"),
        ("C", "3"),
    ]
    # ports merge on (containerPort, protocol); kept items move behind the new ones
    assert api["ports"] == [
        {"containerPort": 53, "protocol": "TCP"},
        {"containerPort": 53, "protocol": "UDP", "name": "dns"},
    ]
    assert api["args"] == ["--serve"]
    assert [v["name"] for v in pod["volumes"]] == ["cache", "data"]
    assert [c["name"] for c in pod["containers"]] == ["api", "sidecar"]


def test_patch_delete_directives_remove_a_list_item_a_map_and_a_whole_object(
    tmp_path: Path,
) -> None:
    docs = render_tree(
        tmp_path,
        {
            "deploy.yaml": BASE_DEPLOYMENT,
            "svc.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: api}\n"
            "spec: {ports: [{port: 80}]}\n",
            "kustomization.yaml": """
                resources: [deploy.yaml, svc.yaml]
                patches:
                - patch: |-
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: api}
                    spec:
                      template:
                        spec:
                          containers:
                          - name: api
                            env:
                            - {name: A, $patch: delete}
                          - name: sidecar
                            $patch: delete
                          volumes:
                          - {name: data, $patch: delete}
                - patch: |-
                    apiVersion: v1
                    kind: Service
                    metadata: {name: api}
                    $patch: delete
                """,
        },
    )
    (doc,) = docs
    pod = doc["spec"]["template"]["spec"]
    assert [c["name"] for c in pod["containers"]] == ["api"]
    assert [e["name"] for e in pod["containers"][0]["env"]] == ["B", "C"]
    assert pod["volumes"] == []


def test_patch_replace_directive_and_nulls(tmp_path: Path) -> None:
    (doc,) = render_tree(
        tmp_path,
        {
            "deploy.yaml": BASE_DEPLOYMENT.replace(
                "replicas: 1", "replicas: 1\n      paused:\n      minReadySeconds: null"
            ),
            "kustomization.yaml": """
                resources: [deploy.yaml]
                patches:
                - patch: |-
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: api
                      labels: {app: null, tier: web}
                    spec:
                      template:
                        spec:
                          containers:
                          - name: api
                            env:
                            - $patch: replace
                            - {name: Z, value: "26"}
                """,
        },
    )
    assert doc["metadata"]["labels"] == {"tier": "web"}
    assert [e["name"] for e in doc["spec"]["template"]["spec"]["containers"][0]["env"]] == ["Z"]
    # a merge drops a null written as nothing (`paused:`) and keeps `null` (kyaml does both)
    assert "paused" not in doc["spec"]
    assert doc["spec"]["minReadySeconds"] is None


def test_a_patch_value_over_a_quoted_field_becomes_a_string_like_in_kubectl(
    tmp_path: Path,
) -> None:
    (doc,) = render_tree(
        tmp_path,
        {
            "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
            "data: {ratio: '0.5', count: '1'}\n",
            "patch.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
            "data: {ratio: 1.0, extra: 1.0}\n",
            "kustomization.yaml": "resources: [cm.yaml]\npatches: [{path: patch.yaml}]\n",
        },
    )
    assert doc["data"] == {"ratio": "1.0", "count": "1", "extra": 1}


def test_lists_of_custom_resources_are_replaced_by_a_patch(tmp_path: Path) -> None:
    (doc,) = render_tree(
        tmp_path,
        {
            "widget.yaml": "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n"
            "spec: {items: [{name: a}, {name: b}]}\n",
            "kustomization.yaml": """
                resources: [widget.yaml]
                patches:
                - target: {group: example.com, kind: Widget}
                  patch: |-
                    apiVersion: example.com/v1
                    kind: Widget
                    metadata: {name: any}
                    spec: {items: [{name: c}]}
                """,
        },
    )
    assert doc["spec"]["items"] == [{"name": "c"}]


def test_json_patch_operations_with_pointer_escapes(tmp_path: Path) -> None:
    (doc,) = render_tree(
        tmp_path,
        {
            "deploy.yaml": BASE_DEPLOYMENT,
            "kustomization.yaml": """
                resources: [deploy.yaml]
                patches:
                - target: {kind: Deployment, labelSelector: app=api}
                  patch: |-
                    - op: add
                      path: /spec/template/spec/containers/0/env/-
                      value: {name: E, value: "5"}
                    - op: add
                      path: /spec/template/spec/containers/0/env/0
                      value: {name: F, value: "6"}
                    - op: remove
                      path: /spec/template/spec/containers/1
                    - op: replace
                      path: /spec/replicas
                      value: 3
                    - op: add
                      path: /metadata/annotations
                      value: {"a/b": one, "c~d": two}
                    - op: copy
                      from: /metadata/annotations/a~1b
                      path: /metadata/annotations/copied
                    - op: move
                      from: /metadata/annotations/c~0d
                      path: /metadata/annotations/moved
                    - op: test
                      path: /kind
                      value: Deployment
                - target: {kind: Deploy.*, name: a.i}
                  patch: '[{"op": "add", "path": "/spec/paused", "value": true}]'
                """,
        },
    )
    env = doc["spec"]["template"]["spec"]["containers"][0]["env"]
    assert [e["name"] for e in env] == ["F", "A", "B", "C", "E"]
    assert len(doc["spec"]["template"]["spec"]["containers"]) == 1
    assert doc["spec"]["replicas"] == 3
    assert doc["metadata"]["annotations"] == {"a/b": "one", "copied": "one", "moved": "two"}
    assert doc["spec"]["paused"] is True


def test_images_change_name_tag_and_digest_where_kustomize_looks(tmp_path: Path) -> None:
    docs = render_tree(
        tmp_path,
        {
            "deploy.yaml": BASE_DEPLOYMENT,
            "job.yaml": """
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: nightly}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec:
                          initContainers: [{name: init, image: "registry.example/api@sha256:aa"}]
                          containers: [{name: run, image: registry.example/tool}]
                """,
            "kustomization.yaml": """
                resources: [deploy.yaml, job.yaml]
                images:
                - name: registry.example/api
                  newName: mirror.example/api
                  newTag: "2.0"
                - name: registry.example/proxy
                  digest: sha256:bb
                - name: registry.example/tool
                  tagSuffix: -debug
                """,
        },
    )
    docs_by_name = by_name(docs)
    deployment = docs_by_name["Deployment/api"]["spec"]["template"]["spec"]["containers"]
    assert [c["image"] for c in deployment] == [
        "mirror.example/api:2.0",
        "registry.example/proxy@sha256:bb",
    ]
    job = docs_by_name["CronJob/nightly"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert job["initContainers"][0]["image"] == "mirror.example/api:2.0"
    # kubectl's kustomize updates containers once here (twice under spec.template: see below)
    assert job["containers"][0]["image"] == "registry.example/tool:-debug"


def test_a_tag_suffix_lands_twice_on_a_pod_template_as_in_kubectl(tmp_path: Path) -> None:
    (doc,) = render_tree(
        tmp_path,
        {
            "deploy.yaml": BASE_DEPLOYMENT,
            "kustomization.yaml": "resources: [deploy.yaml]\n"
            "images: [{name: registry.example/api, tagSuffix: -rc}]\n",
        },
    )
    image = doc["spec"]["template"]["spec"]["containers"][0]["image"]
    assert image == "registry.example/api:1.0-rc-rc"


GENERATED = {
    "base/deploy.yaml": """
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
                image: api:1
                envFrom: [{configMapRef: {name: settings}}, {secretRef: {name: creds}}]
                env:
                - name: MODE
                  valueFrom: {configMapKeyRef: {name: settings, key: MODE}}
                - name: TOKEN
                  valueFrom: {secretKeyRef: {name: creds, key: TOKEN}}
              volumes:
              - {name: config, configMap: {name: settings}}
              - name: both
                projected:
                  sources: [{configMap: {name: settings}}, {secret: {name: creds}}]
              - {name: untouched, configMap: {name: elsewhere}}
        """,
    "base/app.env": "# comment\nMODE=production\nEMPTY=\n",
    "base/kustomization.yaml": """
        namespace: shop
        resources: [deploy.yaml]
        configMapGenerator:
        - name: settings
          envs: [app.env]
          literals: ["GREETING='hello world'"]
        secretGenerator:
        - name: creds
          literals: [TOKEN=s3cret]
        """,
    "overlay/kustomization.yaml": """
        resources: [../base]
        configMapGenerator:
        - name: settings
          behavior: merge
          literals: [MODE=staging]
        """,
}


def test_generated_objects_get_kustomize_hash_and_references_follow(tmp_path: Path) -> None:
    docs = by_name(render_tree(tmp_path, GENERATED, at="base"))
    config = next(d for name, d in docs.items() if name.startswith("ConfigMap/settings-"))
    secret = next(d for name, d in docs.items() if name.startswith("Secret/creds-"))
    assert config["data"] == {"MODE": "production", "EMPTY": "", "GREETING": "hello world"}
    assert secret["data"] == {"TOKEN": "czNjcmV0"}
    assert secret["type"] == "Opaque"
    cm, sec = config["metadata"]["name"], secret["metadata"]["name"]
    assert len(cm) == len("settings-") + 10
    pod = docs["Deployment/api"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert container["envFrom"] == [{"configMapRef": {"name": cm}}, {"secretRef": {"name": sec}}]
    assert container["env"][0]["valueFrom"]["configMapKeyRef"]["name"] == cm
    assert container["env"][1]["valueFrom"]["secretKeyRef"]["name"] == sec
    assert pod["volumes"][0]["configMap"]["name"] == cm
    assert pod["volumes"][1]["projected"]["sources"] == [
        {"configMap": {"name": cm}},
        {"secret": {"name": sec}},
    ]
    assert pod["volumes"][2]["configMap"]["name"] == "elsewhere"


def test_an_overlay_generator_merges_into_the_base_one_and_rehashes(tmp_path: Path) -> None:
    base = by_name(render_tree(tmp_path, GENERATED, at="base"))
    overlay = by_name(rendered(tmp_path / "overlay"))
    (base_name,) = (n for n in base if n.startswith("ConfigMap/"))
    (name,) = (n for n in overlay if n.startswith("ConfigMap/"))
    assert name != base_name
    assert overlay[name]["data"]["MODE"] == "staging"
    assert overlay[name]["data"]["GREETING"] == "hello world"
    assert overlay[name]["metadata"]["namespace"] == "shop"


def test_namespace_sets_namespaced_objects_and_renames_a_namespace_object(
    tmp_path: Path,
) -> None:
    docs = by_name(
        render_tree(
            tmp_path,
            {
                "all.yaml": """
                    apiVersion: v1
                    kind: Namespace
                    metadata: {name: placeholder}
                    ---
                    apiVersion: rbac.authorization.k8s.io/v1
                    kind: ClusterRole
                    metadata: {name: reader}
                    rules: []
                    ---
                    apiVersion: v1
                    kind: ServiceAccount
                    metadata: {name: api, namespace: elsewhere}
                    """,
                "kustomization.yaml": "namespace: shop\nresources: [all.yaml]\n",
            },
        )
    )
    assert list(docs) == ["Namespace/shop", "ServiceAccount/api", "ClusterRole/reader"]
    assert docs["ServiceAccount/api"]["metadata"]["namespace"] == "shop"
    assert "namespace" not in docs["ClusterRole/reader"]["metadata"]


def test_common_labels_reach_selectors_and_templates_labels_only_metadata(
    tmp_path: Path,
) -> None:
    (doc,) = render_tree(
        tmp_path,
        {
            "deploy.yaml": BASE_DEPLOYMENT,
            "kustomization.yaml": """
                resources: [deploy.yaml]
                commonLabels: {team: shop}
                labels:
                - pairs: {owner: me}
                commonAnnotations: {note: reviewed}
                """,
        },
    )
    assert doc["metadata"]["labels"] == {"app": "api", "team": "shop", "owner": "me"}
    assert doc["spec"]["selector"]["matchLabels"] == {"app": "api", "team": "shop"}
    assert doc["spec"]["template"]["metadata"]["labels"] == {"app": "api", "team": "shop"}
    assert doc["spec"]["template"]["metadata"]["annotations"] == {"note": "reviewed"}


def test_replicas_set_the_count_of_the_named_workload(tmp_path: Path) -> None:
    (doc,) = render_tree(
        tmp_path,
        {
            "deploy.yaml": BASE_DEPLOYMENT,
            "kustomization.yaml": "resources: [deploy.yaml]\nreplicas: [{name: api, count: 4}]\n",
        },
    )
    assert doc["spec"]["replicas"] == 4


def test_components_add_resources_and_patch_after_generators(tmp_path: Path) -> None:
    docs = by_name(
        render_tree(
            tmp_path,
            {
                "base/deploy.yaml": BASE_DEPLOYMENT,
                "base/kustomization.yaml": "resources: [deploy.yaml]\n",
                "cache/redis.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: redis}\n"
                "spec: {ports: [{port: 6379}]}\n",
                "cache/kustomization.yaml": """
                    apiVersion: kustomize.config.k8s.io/v1alpha1
                    kind: Component
                    resources: [redis.yaml]
                    patches:
                    - target: {kind: ConfigMap}
                      patch: |-
                        - {op: add, path: /data/REDIS, value: "redis:6379"}
                    """,
                "app/kustomization.yaml": """
                    resources: [../base]
                    components: [../cache]
                    configMapGenerator: [{name: cfg, literals: [A=1]}]
                    """,
            },
            at="app",
        )
    )
    assert "Service/redis" in docs
    (config,) = (d for n, d in docs.items() if n.startswith("ConfigMap/cfg-"))
    assert config["data"] == {"A": "1", "REDIS": "redis:6379"}


def test_values_come_out_as_kubectl_prints_them(tmp_path: Path) -> None:
    """kubectl reads YAML 1.2 and prints through JSON: ``yes`` stays a string, ``1.0`` becomes
    1, annotations print their source text, empty annotations go away."""
    docs = by_name(
        render_tree(
            tmp_path,
            {
                "cm.yaml": """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: c
                      annotations: {replicas: 2, ratio: 0.50}
                    data: {flag: yes, ratio: 1.0, mode: 0o17, blank: {inner: }}
                    ---
                    apiVersion: v1
                    kind: ConfigMap
                    metadata: {name: d, annotations: {}}
                    """,
                "kustomization.yaml": "resources: [cm.yaml]\n",
            },
        )
    )
    assert docs["ConfigMap/c"]["metadata"]["annotations"] == {"replicas": "2", "ratio": "0.50"}
    assert docs["ConfigMap/c"]["data"] == {
        "flag": "yes",
        "ratio": 1,
        "mode": 15,
        "blank": {"inner": ""},
    }
    assert "annotations" not in docs["ConfigMap/d"]["metadata"]


def test_rendered_objects_keep_the_file_and_line_of_every_value(tmp_path: Path) -> None:
    files = {
        "deploy.yaml": BASE_DEPLOYMENT,
        "kustomization.yaml": """
            resources: [deploy.yaml]
            patches:
            - patch: |
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api}
                spec:
                  template:
                    spec:
                      containers:
                      - name: debug
                        image: busybox
            """,
    }
    write_tree(tmp_path, files)
    (doc,) = render(tmp_path, lambda p: p.name)
    containers = doc["spec"]["template"]["spec"]["containers"]
    assert (doc.path, doc.line_of("kind")) == ("deploy.yaml", 2)
    debug = containers[0]
    text = (tmp_path / "kustomization.yaml").read_text().splitlines()
    assert debug.path == "kustomization.yaml"
    assert "image: busybox" in text[debug.line_of("image") - 1]


@pytest.mark.parametrize(
    ("kustomization", "feature"),
    [
        ("resources: [deploy.yaml]\nnamePrefix: prod-\n", "the namePrefix field"),
        ("resources: [https://github.com/org/repo//base]\n", "the remote resource"),
        ("resources: [deploy.yaml]\nreplacements: [{path: r.yaml}]\n", "the replacements field"),
        ("resources: [missing.yaml]\n", "the missing resource missing.yaml"),
        ("resources: [deploy.yaml]\nnamespace: n\n", "a namespace that is not a string"),
    ],
)
def test_what_the_renderer_does_not_do_is_named(
    tmp_path: Path, kustomization: str, feature: str
) -> None:
    write_tree(tmp_path, {"deploy.yaml": BASE_DEPLOYMENT, "kustomization.yaml": kustomization})
    with pytest.raises(Unsupported) as exc:
        render(tmp_path)
    assert feature in exc.value.feature


@needs_kubectl
def test_a_kustomization_outside_the_subset_is_rendered_by_kubectl(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "deploy.yaml": BASE_DEPLOYMENT,
            "kustomization.yaml": "resources: [deploy.yaml]\nnamePrefix: prod-\n",
        },
    )
    project = load_project([tmp_path], cache=False)
    assert list(project.renders.values()) == ["kubectl"]
    assert [o.name for g in project.groups for o in g.objects] == ["prod-api"]


def test_without_kubectl_the_finding_names_what_needed_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_tree(
        tmp_path,
        {
            "deploy.yaml": BASE_DEPLOYMENT,
            "kustomization.yaml": "resources: [deploy.yaml]\nnamePrefix: prod-\n",
        },
    )
    monkeypatch.setenv("PATH", str(tmp_path / "no-kubectl"))
    (finding,) = check([tmp_path], select=("PR000",)).findings
    assert "kubectl is not on PATH" in finding.message
    assert "the namePrefix field" in finding.message


def test_check_renders_an_overlay_without_kubectl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An overlay in the subset is checked with no kubectl at all, and a finding on what a
    patch added points at the patch's line."""
    write_tree(
        tmp_path,
        {
            "base/deploy.yaml": BASE_DEPLOYMENT,
            "base/kustomization.yaml": "resources: [deploy.yaml]\n",
            "prod/kustomization.yaml": """
                resources: [../base]
                namespace: shop
                patches:
                - patch: |
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: api}
                    spec:
                      template:
                        spec:
                          containers:
                          - name: debug
                            image: busybox
                """,
        },
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", str(tmp_path / "no-kubectl"))
    assert main(["--no-color", "check", "--select", "PR000,PR302", "prod"]) == 1
    out = capsys.readouterr().out
    assert "PR000" not in out
    line = next(
        i + 1
        for i, text in enumerate((tmp_path / "prod/kustomization.yaml").read_text().splitlines())
        if "image: busybox" in text
    )
    report = check([Path("prod")], select=("PR302",))
    assert [(f.location.path, f.location.line) for f in report.findings] == [
        (str(Path("prod/kustomization.yaml")), line)
    ]
    assert load_project([Path("prod")]).renders == {
        str(Path("prod/kustomization.yaml")): "in-process"
    }
