"""The incidents of the seed reports, reproduced: the checker names each one."""

from __future__ import annotations

from pathlib import Path

import pytest
from lint_helpers import write_tree

from prodready.lint import check

SEED_001_COMPOSE = """
services:
  adaptive_immune_system:
    build: ./backend
    restart: unless-stopped
    command: uvicorn hitl.api.main:app --host 0.0.0.0 --port 8003 --reload
    environment:
      - DATABASE_URL=postgresql+asyncpg://postgres:postgres@postgres:5432/adaptive_immune
      - REDIS_URL=redis://redis:6379/0
    depends_on: [postgres, redis]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8003/hitl/health"]
  postgres:
    image: postgres:15
  redis:
    image: redis:7-alpine
"""

SEED_004_DOCKERFILE = """
FROM python:3.11-slim
RUN useradd -m appuser
USER appuser
CMD ["uvicorn", "gateway.main:app", "--host", "0.0.0.0", "--port", "8000"]
"""

SEED_004_DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: gateway}
spec:
  replicas: 2
  selector: {matchLabels: {app: gateway}}
  template:
    metadata: {labels: {app: gateway}}
    spec:
      securityContext: {runAsNonRoot: true}
      containers:
        - name: gateway
          image: neural-hive/gateway:v8
          ports: [{containerPort: 8000}]
          livenessProbe: {httpGet: {path: /ready, port: 8000}, initialDelaySeconds: 60}
          readinessProbe: {httpGet: {path: /ready, port: 8000}}
          env:
            - name: KAFKA_BOOTSTRAP_SERVERS
              value: kafka-cluster-kafka-bootstrap.default.svc.cluster.local:9092
          resources: {requests: {cpu: 1, memory: 2Gi}, limits: {memory: 4Gi}}
"""


def _rules(root: Path, files: dict[str, str]) -> set[str]:
    write_tree(root, files)
    return {f.rule.id for f in check([root]).findings}


def test_seed_001_production_compose_stack(tmp_path: Path) -> None:
    found = _rules(
        tmp_path,
        {
            "docker-compose.prod.yml": SEED_001_COMPOSE,
            "backend/Dockerfile": "FROM python:3.11-slim\nUSER 10001\n",
        },
    )
    # reload in production, a literal password, start-order races, curl missing from slim
    assert {"PR106", "PR203", "PR201", "PR105"} <= found


def test_seed_004_gateway_deployment(tmp_path: Path) -> None:
    found = _rules(
        tmp_path,
        {
            "gateway/Dockerfile": SEED_004_DOCKERFILE,
            "k8s/gateway.yaml": SEED_004_DEPLOYMENT
            + (
                "---\napiVersion: v1\nkind: Service\nmetadata: {name: gateway}\n"
                "spec: {selector: {app: gateway}, ports: [{port: 80, targetPort: 8000}]}\n"
            ),
        },
    )
    # liveness on the dependency-checking /ready, runAsNonRoot with `USER appuser`,
    # the misspelt Kafka Service, two replicas without a PDB
    assert {"PR401", "PR414", "PR402", "PR410"} <= found


@pytest.mark.parametrize("name", ["Dockerfile.dev", "dev.Dockerfile"])
def test_seed_003_development_dockerfile_may_reload(tmp_path: Path, name: str) -> None:
    text = (
        "FROM python:3.11-slim\nUSER 1000\n"
        'CMD ["python", "-m", "vision.api.api_server", "--reload"]\n'
    )
    assert "PR106" not in _rules(tmp_path, {name: text})
    assert "PR106" in _rules(tmp_path / "prod", {"Dockerfile": text})
