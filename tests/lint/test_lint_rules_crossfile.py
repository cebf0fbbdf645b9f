"""PR4xx: rules that need two files or two layers fire on the broken pair, not the fixed one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from prodready.lint import Finding

Lint = Callable[..., list[Finding]]


def deployment(
    *,
    name: str = "api",
    replicas: int | None = 1,
    container: str = "",
    pod: str = "",
    labels: str = "{app: api}",
    image: str = "registry.example.com/api:1.0",
) -> str:
    """A Deployment whose container/pod spec can be extended with extra YAML lines."""
    replicas_line = f"  replicas: {replicas}\n" if replicas is not None else ""
    return (
        "apiVersion: apps/v1\nkind: Deployment\n"
        f"metadata: {{name: {name}}}\nspec:\n{replicas_line}"
        f"  selector: {{matchLabels: {labels}}}\n  template:\n    metadata: {{labels: {labels}}}\n"
        f"    spec:\n{pod}      containers:\n        - name: {name}\n          image: {image}\n"
        f"          ports: [{{name: http, containerPort: 8000}}]\n{container}"
    )


SERVICE = """
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80, targetPort: http}]
"""


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# PR401 ---------------------------------------------------------------------------------------


def test_pr401_fires_for_liveness_on_the_readiness_path(lint: Lint) -> None:
    text = deployment(container="          livenessProbe: {httpGet: {path: /ready, port: http}}\n")
    found = lint("PR401", {"d.yaml": text})
    assert [f.location.line for f in found] == [line_of(text, "livenessProbe")]


def test_pr401_fires_for_liveness_on_health_when_the_spec_says_it_checks_dependencies(
    lint: Lint,
) -> None:
    text = deployment(container="          livenessProbe: {httpGet: {path: /health, port: http}}\n")
    files = {"d.yaml": text, "pyproject.toml": '[tool.prodready]\nname = "api"\n'}
    assert len(lint("PR401", files)) == 1
    assert lint("PR401", {"d.yaml": text, "pyproject.toml": "[project]\nname='x'\n"}) == []


def test_pr401_fires_when_liveness_repeats_the_readiness_check(lint: Lint) -> None:
    probe = "{httpGet: {path: /status, port: http}}"
    text = deployment(
        container=f"          livenessProbe: {probe}\n          readinessProbe: {probe}\n"
    )
    found = lint("PR401", {"d.yaml": text})
    assert "same check" in found[0].message


def test_pr401_quiet_for_a_dependency_free_liveness_path(lint: Lint) -> None:
    text = deployment(
        container="          livenessProbe: {httpGet: {path: /health/live, port: http}}\n"
        "          readinessProbe: {httpGet: {path: /health/ready, port: http}}\n"
    )
    assert lint("PR401", {"d.yaml": text}) == []


# PR402 ---------------------------------------------------------------------------------------


def test_pr402_fires_for_an_env_host_without_a_service(lint: Lint) -> None:
    env = "          env: [{name: REDIS_HOST, value: redis}, {name: DB_URL, value: 'postgres://db:5432/x'}]\n"
    text = deployment(container=env) + SERVICE
    found = lint("PR402", {"d.yaml": text})
    assert sorted("'redis'" in f.message or "'db'" in f.message for f in found) == [True, True]


def test_pr402_fires_for_a_compose_host_without_a_service(lint: Lint) -> None:
    files = {
        "compose.yaml": (
            "services:\n  api:\n    image: a:1\n    environment:\n      REDIS_HOST: cache\n"
        )
    }
    found = lint("PR402", files)
    assert [f.location.line for f in found] == [5]


def test_pr402_quiet_for_defined_services_external_names_and_aliases(lint: Lint) -> None:
    env = (
        "          env: [{name: API_HOST, value: api}, {name: DB_HOST, value: db.example.com},"
        " {name: X_URL, value: 'http://api.default.svc.cluster.local/'}]\n"
    )
    assert lint("PR402", {"d.yaml": deployment(container=env) + SERVICE}) == []
    compose = """
        services:
          api:
            image: a:1
            environment: {REDIS_HOST: cache, FEATURE_SERVER: "true"}
          redis:
            image: redis:7
            networks: {default: {aliases: [cache]}}
        """
    assert lint("PR402", {"compose.yaml": compose}) == []


# PR403 / PR420 -------------------------------------------------------------------------------


def test_pr403_fires_for_an_undeclared_probe_port(lint: Lint) -> None:
    text = deployment(container="          readinessProbe: {httpGet: {path: /ready, port: 9000}}\n")
    found = lint("PR403", {"d.yaml": text})
    assert "declares 8000" in found[0].message


def test_pr403_fires_for_an_unknown_port_name(lint: Lint) -> None:
    text = deployment(container="          readinessProbe: {tcpSocket: {port: web}}\n")
    assert "port name 'web'" in lint("PR403", {"d.yaml": text})[0].message


def test_pr403_fires_when_the_image_server_listens_elsewhere(lint: Lint) -> None:
    text = deployment(container="          readinessProbe: {httpGet: {path: /, port: http}}\n")
    text = text.replace("ports: [{name: http, containerPort: 8000}]", "ports: []")
    text = text.replace("port: http", "port: 8000")
    dockerfile = (
        'FROM python:3.12\nCMD ["uvicorn", "a:app", "--host", "0.0.0.0", "--port", "9000"]\n'
    )
    found = lint("PR403", {"d.yaml": text, "api/Dockerfile": dockerfile})
    assert "listens on 9000" in found[0].message


def test_pr403_quiet_for_a_declared_named_port(lint: Lint) -> None:
    text = deployment(container="          readinessProbe: {httpGet: {path: /ready, port: http}}\n")
    assert lint("PR403", {"d.yaml": text}) == []


def test_pr420_fires_for_a_path_the_prodready_app_does_not_serve(lint: Lint) -> None:
    text = deployment(
        container="          readinessProbe: {httpGet: {path: /healthz, port: http}}\n"
    )
    files = {"d.yaml": text, "pyproject.toml": '[tool.prodready]\nname = "api"\n'}
    assert len(lint("PR420", files)) == 1


def test_pr420_quiet_for_the_contract_paths_or_without_a_spec(lint: Lint) -> None:
    text = deployment(
        container="          readinessProbe: {httpGet: {path: /health/ready, port: http}}\n"
    )
    files = {"d.yaml": text, "pyproject.toml": '[tool.prodready]\nname = "api"\n'}
    assert lint("PR420", files) == []
    other = deployment(
        container="          readinessProbe: {httpGet: {path: /healthz, port: http}}\n"
    )
    assert lint("PR420", {"d.yaml": other, "pyproject.toml": "[project]\nname = 'x'\n"}) == []


# PR404 / PR405 / PR406 -----------------------------------------------------------------------


def test_pr404_fires_when_the_selector_matches_no_pod(lint: Lint) -> None:
    text = deployment(labels="{app: web}") + SERVICE
    found = lint("PR404", {"d.yaml": text})
    assert [f.location.line for f in found] == [line_of(text, "selector: {app: api}")]


def test_pr404_quiet_when_the_selector_matches(lint: Lint) -> None:
    assert lint("PR404", {"d.yaml": deployment() + SERVICE}) == []


def test_pr405_fires_for_an_unknown_target_port(lint: Lint) -> None:
    text = deployment() + SERVICE.replace("targetPort: http", "targetPort: 8080")
    assert "declare 8000" in lint("PR405", {"d.yaml": text})[0].message
    text = deployment() + SERVICE.replace("targetPort: http", "targetPort: web")
    assert "'web'" in lint("PR405", {"d.yaml": text})[0].message


def test_pr405_quiet_for_a_matching_name_or_number(lint: Lint) -> None:
    assert lint("PR405", {"d.yaml": deployment() + SERVICE}) == []
    text = deployment() + SERVICE.replace("targetPort: http", "targetPort: 8000")
    assert lint("PR405", {"d.yaml": text}) == []


INGRESS = """
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: SVC, port: {number: PORT}}}
"""


def test_pr406_fires_for_a_missing_service_or_port(lint: Lint) -> None:
    missing = SERVICE + INGRESS.replace("SVC", "web").replace("PORT", "80")
    assert "'web', which is not defined" in lint("PR406", {"i.yaml": missing})[0].message
    wrong_port = SERVICE + INGRESS.replace("SVC", "api").replace("PORT", "8080")
    assert "port 8080" in lint("PR406", {"i.yaml": wrong_port})[0].message


def test_pr406_quiet_for_an_existing_service_port(lint: Lint) -> None:
    text = SERVICE + INGRESS.replace("SVC", "api").replace("PORT", "80")
    assert lint("PR406", {"i.yaml": text}) == []


# PR407 / PR408 -------------------------------------------------------------------------------

CONFIG = """
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {LOG_LEVEL: info}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: x}
"""


def test_pr407_fires_for_references_to_missing_objects(lint: Lint) -> None:
    container = (
        "          envFrom: [{configMapRef: {name: settings}}]\n"
        "          env: [{name: P, valueFrom: {secretKeyRef: {name: db, key: password}}}]\n"
    )
    found = lint("PR407", {"d.yaml": deployment(container=container) + CONFIG})
    assert sorted(f.message.split(" uses ")[1] for f in found) == [
        "ConfigMap 'settings', which is not defined here",
        "Secret 'db', which is not defined here",
    ]


def test_pr407_quiet_for_existing_optional_or_out_of_band_secrets(lint: Lint) -> None:
    container = (
        "          envFrom: [{configMapRef: {name: cfg}}, {configMapRef: {name: x, optional: "
        "true}}]\n"
        "          env: [{name: P, valueFrom: {secretKeyRef: {name: creds, key: password}}}]\n"
    )
    assert lint("PR407", {"d.yaml": deployment(container=container) + CONFIG}) == []
    only_secret_ref = (
        "          env: [{name: P, valueFrom: {secretKeyRef: {name: vault, key: k}}}]\n"
    )
    assert lint("PR407", {"d.yaml": deployment(container=only_secret_ref)}) == []


def test_pr408_fires_for_a_missing_key(lint: Lint) -> None:
    container = (
        "          env: [{name: L, valueFrom: {configMapKeyRef: {name: cfg, key: log_level}}}]\n"
    )
    found = lint("PR408", {"d.yaml": deployment(container=container) + CONFIG})
    assert "'log_level'" in found[0].message
    assert "LOG_LEVEL" in found[0].message


def test_pr408_quiet_for_an_existing_key(lint: Lint) -> None:
    container = (
        "          env: [{name: L, valueFrom: {configMapKeyRef: {name: cfg, key: LOG_LEVEL}}}]\n"
    )
    assert lint("PR408", {"d.yaml": deployment(container=container) + CONFIG}) == []


# PR409 / PR410 / PR411 -----------------------------------------------------------------------

HPA = """
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: MIN
  maxReplicas: 5
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
"""
REQUESTS = "          resources: {requests: {cpu: 100m, memory: 64Mi}}\n"


def test_pr409_fires_when_the_target_requests_no_cpu(lint: Lint) -> None:
    found = lint("PR409", {"d.yaml": deployment() + HPA.replace("MIN", "2")})
    assert "request no cpu" in found[0].message


def test_pr409_quiet_with_cpu_requests(lint: Lint) -> None:
    assert lint("PR409", {"d.yaml": deployment(container=REQUESTS) + HPA.replace("MIN", "2")}) == []


PDB = """
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api}
spec:
  BUDGET
  selector: {matchLabels: {app: api}}
"""


def test_pr410_fires_for_three_replicas_without_a_pdb(lint: Lint) -> None:
    text = deployment(replicas=3)
    assert [f.location.line for f in lint("PR410", {"d.yaml": text})] == [line_of(text, "replicas")]


def test_pr410_fires_for_an_hpa_minimum_above_one(lint: Lint) -> None:
    assert len(lint("PR410", {"d.yaml": deployment(replicas=None) + HPA.replace("MIN", "2")})) == 1


def test_pr410_quiet_with_a_pdb_or_one_replica(lint: Lint) -> None:
    with_pdb = deployment(replicas=3) + PDB.replace("BUDGET", "maxUnavailable: 1")
    assert lint("PR410", {"d.yaml": with_pdb}) == []
    assert lint("PR410", {"e/d.yaml": deployment(replicas=1)}) == []


def test_pr411_fires_for_min_available_one_on_one_replica(lint: Lint) -> None:
    text = deployment(replicas=1) + PDB.replace("BUDGET", "minAvailable: 1")
    assert "minAvailable 1" in lint("PR411", {"d.yaml": text})[0].message


def test_pr411_fires_for_max_unavailable_zero(lint: Lint) -> None:
    text = deployment(replicas=3) + PDB.replace("BUDGET", "maxUnavailable: 0")
    assert len(lint("PR411", {"d.yaml": text})) == 1


def test_pr411_quiet_when_one_pod_may_go(lint: Lint) -> None:
    text = deployment(replicas=3) + PDB.replace("BUDGET", "minAvailable: 2")
    assert lint("PR411", {"d.yaml": text}) == []


# PR412 ---------------------------------------------------------------------------------------

POLICY = """
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-egress}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app: db}}}]
      ports: [{port: 5432}]
"""
DNS_RULE = """    - to: [{namespaceSelector: {}, podSelector: {matchLabels: {k8s-app: kube-dns}}}]
      ports: [{port: 53, protocol: UDP}, {port: 53, protocol: TCP}]
"""


def test_pr412_fires_when_egress_allows_only_the_database(lint: Lint) -> None:
    found = lint("PR412", {"d.yaml": deployment() + POLICY})
    assert "api-egress" in found[0].message


def test_pr412_fires_for_deny_all_egress(lint: Lint) -> None:
    deny = (
        "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny}\n"
        "spec:\n  podSelector: {}\n  policyTypes: [Egress]\n"
    )
    assert len(lint("PR412", {"d.yaml": deployment() + deny})) == 1


def test_pr412_quiet_when_some_policy_allows_dns(lint: Lint) -> None:
    assert lint("PR412", {"d.yaml": deployment() + POLICY + DNS_RULE}) == []


# PR413 ---------------------------------------------------------------------------------------

SPEC = '[tool.prodready]\nname = "api"\n'


def test_pr413_fires_for_the_default_one_second_timeout(lint: Lint) -> None:
    text = deployment(
        container="          readinessProbe: {httpGet: {path: /health/ready, port: http}}\n"
    )
    found = lint("PR413", {"d.yaml": text, "pyproject.toml": SPEC})
    assert "after 1s" in found[0].message


def test_pr413_quiet_above_the_check_timeout(lint: Lint) -> None:
    probe = "{httpGet: {path: /health/ready, port: http}, timeoutSeconds: 3}"
    text = deployment(container=f"          readinessProbe: {probe}\n")
    assert lint("PR413", {"d.yaml": text, "pyproject.toml": SPEC}) == []


# PR414 / PR415 / PR416 -----------------------------------------------------------------------

NAMED_USER = "FROM python:3.12-slim\nRUN useradd -u 1000 -m appuser\nUSER appuser\n"


def test_pr414_fires_for_run_as_non_root_with_a_named_image_user(lint: Lint) -> None:
    text = deployment(pod="      securityContext: {runAsNonRoot: true}\n")
    found = lint("PR414", {"k8s/d.yaml": text, "api/Dockerfile": NAMED_USER})
    assert "USER appuser" in found[0].message


def test_pr414_quiet_with_run_as_user_or_numeric_user(lint: Lint) -> None:
    text = deployment(pod="      securityContext: {runAsNonRoot: true, runAsUser: 1000}\n")
    assert lint("PR414", {"k8s/d.yaml": text, "api/Dockerfile": NAMED_USER}) == []
    numeric = deployment(pod="      securityContext: {runAsNonRoot: true}\n")
    assert (
        lint("PR414", {"k8s/d.yaml": numeric, "api/Dockerfile": "FROM python:3.12\nUSER 1000\n"})
        == []
    )


def test_pr415_fires_when_run_as_user_differs_from_the_image_uid(lint: Lint) -> None:
    text = deployment(pod="      securityContext: {runAsUser: 2000}\n")
    found = lint("PR415", {"k8s/d.yaml": text, "api/Dockerfile": NAMED_USER})
    assert "UID 2000" in found[0].message
    assert "UID 1000" in found[0].message


def test_pr415_fires_when_fs_group_differs_from_the_image_group(lint: Lint) -> None:
    text = deployment(pod="      securityContext: {runAsUser: 1000, fsGroup: 3000}\n")
    files = {"k8s/d.yaml": text, "api/Dockerfile": "FROM python:3.12\nUSER 1000:1000\n"}
    assert "fsGroup 3000" in lint("PR415", files)[0].message


def test_pr415_quiet_when_the_uids_agree(lint: Lint) -> None:
    text = deployment(pod="      securityContext: {runAsUser: 1000, fsGroup: 1000}\n")
    files = {"k8s/d.yaml": text, "api/Dockerfile": "FROM python:3.12\nUSER 1000:1000\n"}
    assert lint("PR415", files) == []


def test_pr416_fires_for_gunicorn_without_a_writable_tmp(lint: Lint) -> None:
    container = (
        "          command: [gunicorn, app:app, -b, '0.0.0.0:8000']\n"
        "          env: [{name: HOME, value: /home/app}]\n"
        "          securityContext: {readOnlyRootFilesystem: true}\n"
    )
    found = lint("PR416", {"d.yaml": deployment(container=container)})
    assert "/tmp" in found[0].message
    assert "/home/app" in found[0].message


def test_pr416_quiet_with_empty_dirs_mounted(lint: Lint) -> None:
    container = (
        "          command: [gunicorn, app:app, -b, '0.0.0.0:8000']\n"
        "          env: [{name: HOME, value: /home/app}]\n"
        "          securityContext: {readOnlyRootFilesystem: true}\n"
        "          volumeMounts: [{name: tmp, mountPath: /tmp}, {name: home, mountPath: "
        "/home/app}]\n"
    )
    assert lint("PR416", {"d.yaml": deployment(container=container)}) == []


# PR417 / PR418 / PR419 -----------------------------------------------------------------------


def test_pr417_fires_when_the_grace_period_equals_gunicorns_timeout(lint: Lint) -> None:
    container = "          command: [gunicorn, app:app, -b, '0.0.0.0:8000']\n"
    found = lint("PR417", {"d.yaml": deployment(container=container)})
    assert "gets 30s" in found[0].message


def test_pr417_counts_the_pre_stop_sleep(lint: Lint) -> None:
    container = (
        "          command: [uvicorn, a:app, --host, 0.0.0.0, --timeout-graceful-shutdown, '20']\n"
        "          lifecycle: {preStop: {exec: {command: [sleep, '15']}}}\n"
    )
    assert "needs 35s" in lint("PR417", {"d.yaml": deployment(container=container)})[0].message


def test_pr417_quiet_with_a_longer_grace_period(lint: Lint) -> None:
    container = "          command: [gunicorn, app:app, -b, '0.0.0.0:8000']\n"
    text = deployment(container=container, pod="      terminationGracePeriodSeconds: 45\n")
    assert lint("PR417", {"d.yaml": text}) == []


def test_pr418_fires_for_migrations_in_a_replicated_deployment(lint: Lint) -> None:
    container = (
        "          command: [sh, -c, 'alembic upgrade head && uvicorn a:app --host 0.0.0.0']\n"
    )
    found = lint("PR418", {"d.yaml": deployment(replicas=3, container=container)})
    assert "alembic upgrade head" in found[0].message


def test_pr418_fires_for_an_image_that_migrates_then_serves(lint: Lint) -> None:
    text = (
        "FROM python:3.12\n"
        'CMD ["sh", "-c", "python manage.py migrate && gunicorn -b 0.0.0.0:8000 a.wsgi"]\n'
    )
    assert len(lint("PR418", {"Dockerfile": text})) == 1


def test_pr418_quiet_for_a_single_replica_or_a_job(lint: Lint) -> None:
    container = (
        "          command: [sh, -c, 'alembic upgrade head && uvicorn a:app --host 0.0.0.0']\n"
    )
    assert lint("PR418", {"d.yaml": deployment(replicas=1, container=container)}) == []
    job = (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: m}\nspec:\n  template:\n    spec:\n"
        "      containers: [{name: m, image: m:1, command: [alembic, upgrade, head]}]\n"
    )
    assert lint("PR418", {"j.yaml": job}) == []


REDIS_SERVICE = (
    "---\napiVersion: v1\nkind: Service\nmetadata: {name: redis}\nspec:\n  selector: {app: redis}\n"
    "  ports: [{port: 6379}]\n"
)


def test_pr419_fires_when_the_image_reads_redis_port(lint: Lint) -> None:
    files = {
        "k8s/d.yaml": deployment() + REDIS_SERVICE,
        "api/Dockerfile": "FROM python:3.12\nENV REDIS_PORT=6379\n",
    }
    found = lint("PR419", files)
    assert "REDIS_PORT" in found[0].message


def test_pr419_quiet_when_service_links_are_off_or_the_var_is_set(lint: Lint) -> None:
    files = {
        "k8s/d.yaml": deployment(pod="      enableServiceLinks: false\n") + REDIS_SERVICE,
        "api/Dockerfile": "FROM python:3.12\nENV REDIS_PORT=6379\n",
    }
    assert lint("PR419", files) == []
    explicit = deployment(container="          env: [{name: REDIS_PORT, value: '6379'}]\n")
    files = {
        "k8s/d.yaml": explicit + REDIS_SERVICE,
        "api/Dockerfile": "FROM python:3.12\nENV REDIS_PORT=6379\n",
    }
    assert lint("PR419", files) == []


MODEL_SPEC = """
[tool.prodready]
name = "api"
app = "api.main:app"

[tool.prodready.probes]
readiness = "/status/ready"
"""


def test_pr420_quiet_and_pr401_fires_for_the_specs_own_readiness_path(lint: Lint) -> None:
    probe = "{httpGet: {path: /status/ready, port: http}, timeoutSeconds: 3}"
    text = deployment(container=f"          readinessProbe: {probe}\n")
    assert lint("PR420", {"d.yaml": text, "pyproject.toml": MODEL_SPEC}) == []
    live = deployment(container=f"          livenessProbe: {probe}\n")
    assert len(lint("PR401", {"d.yaml": live, "pyproject.toml": MODEL_SPEC})) == 1


def test_pr420_uses_the_spec_of_the_service_that_owns_the_manifest(lint: Lint) -> None:
    probe = "          readinessProbe: {httpGet: {path: /healthz, port: http}}\n"
    files = {
        "svc-a/pyproject.toml": MODEL_SPEC,
        "svc-a/deploy/d.yaml": deployment(container=probe),
        "svc-b/deploy/d.yaml": deployment(container=probe),
    }
    found = lint("PR420", files)
    assert [f.location.path for f in found] == [str(Path("svc-a/deploy/d.yaml"))]


def test_pr402_fires_for_a_misspelt_fqdn_in_the_same_namespace(lint: Lint) -> None:
    """Seed 004: KAFKA_BOOTSTRAP_SERVERS named kafka-cluster-… instead of neural-hive-…."""
    env = (
        "          env: [{name: KAFKA_BOOTSTRAP_SERVERS,"
        " value: 'kafka-cluster-kafka-bootstrap.default.svc.cluster.local:9092'}]\n"
    )
    service = SERVICE.replace("name: api}", "name: neural-hive-kafka-kafka-bootstrap}")
    found = lint("PR402", {"d.yaml": deployment(container=env) + service})
    assert "'kafka-cluster-kafka-bootstrap'" in found[0].message


def test_pr402_quiet_for_a_service_in_a_namespace_the_manifests_do_not_own(lint: Lint) -> None:
    env = "          env: [{name: KAFKA_HOST, value: 'bootstrap.kafka.svc.cluster.local'}]\n"
    assert lint("PR402", {"d.yaml": deployment(container=env) + SERVICE}) == []
