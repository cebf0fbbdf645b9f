"""PR1xx: each rule fires on a bad Dockerfile and stays quiet on the corrected one."""

from __future__ import annotations

from collections.abc import Callable

from prodready.lint import Finding

Lint = Callable[..., list[Finding]]

GOOD = """
FROM python:3.12-slim@sha256:0123 AS build
RUN pip install --no-cache-dir uvicorn
FROM python:3.12-slim
RUN useradd -u 10001 -m app && apt-get update && apt-get install -y curl
USER 10001
EXPOSE 8000
HEALTHCHECK CMD curl -fsS http://localhost:8000/health/live || exit 1
CMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--port", "8000"]
"""


def test_pr101_fires_when_the_final_stage_has_no_user(lint: Lint) -> None:
    found = lint("PR101", {"Dockerfile": 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n'})
    assert [(f.location.line, "no USER" in f.message) for f in found] == [(1, True)]


def test_pr101_fires_when_the_last_user_is_root(lint: Lint) -> None:
    found = lint("PR101", {"Dockerfile": "FROM python:3.12-slim\nUSER app\nUSER root\n"})
    assert [f.location.line for f in found] == [3]


def test_pr101_quiet_for_a_numeric_non_root_user(lint: Lint) -> None:
    assert lint("PR101", {"Dockerfile": GOOD}) == []


def test_pr101_quiet_when_every_kubernetes_container_sets_run_as_user(lint: Lint) -> None:
    pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: api}
        spec:
          securityContext: {runAsUser: 1000}
          containers: [{name: api, image: "registry.example.com/api:1.0"}]
        """
    files = {"api/Dockerfile": "FROM python:3.12-slim\n", "k8s/pod.yaml": pod}
    assert lint("PR101", files) == []


def test_pr102_fires_for_untagged_and_latest_images(lint: Lint) -> None:
    text = "FROM python AS a\nFROM node:latest\nFROM a\n"
    assert [f.location.line for f in lint("PR102", {"Dockerfile": text})] == [1, 2]


def test_pr102_quiet_for_tags_digests_and_stage_references(lint: Lint) -> None:
    assert lint("PR102", {"Dockerfile": GOOD}) == []


def test_pr103_fires_for_add_from_a_url(lint: Lint) -> None:
    text = "FROM python:3.12\nADD https://example.com/x.tgz /opt/\n"
    assert [f.location.line for f in lint("PR103", {"Dockerfile": text})] == [2]


def test_pr103_quiet_for_local_add_and_checksummed_urls(lint: Lint) -> None:
    text = "FROM python:3.12\nADD app.tgz /opt/\nADD --checksum=sha256:ab https://e.com/x /x\n"
    assert lint("PR103", {"Dockerfile": text}) == []


def test_pr104_fires_for_a_literal_password_in_env(lint: Lint) -> None:
    text = "FROM python:3.12\nENV DB_PASSWORD=hunter2 LOG_LEVEL=info\n"
    found = lint("PR104", {"Dockerfile": text})
    assert [f.location.line for f in found] == [2]
    assert "hunter2" not in found[0].message


def test_pr104_quiet_for_file_pointers_and_interpolation(lint: Lint) -> None:
    text = "FROM python:3.12\nENV DB_PASSWORD_FILE=/run/secrets/db TOKEN=${TOKEN}\n"
    assert lint("PR104", {"Dockerfile": text}) == []


def test_pr105_fires_for_curl_healthcheck_in_a_slim_image(lint: Lint) -> None:
    text = "FROM python:3.12-slim\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\n"
    assert [f.location.line for f in lint("PR105", {"Dockerfile": text})] == [2]


def test_pr105_fires_for_compose_curl_healthcheck_on_a_slim_build(lint: Lint) -> None:
    files = {
        "app/Dockerfile": 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n',
        "compose.yaml": """
            services:
              app:
                build: ./app
                healthcheck:
                  test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
            """,
    }
    assert [f.location.line for f in lint("PR105", files)] == [5]


def test_pr105_quiet_when_the_image_installs_curl(lint: Lint) -> None:
    assert lint("PR105", {"Dockerfile": GOOD}) == []


def test_pr106_fires_for_reload_in_the_image_command(lint: Lint) -> None:
    text = 'FROM python:3.12\nCMD ["uvicorn", "app:app", "--host", "0.0.0.0", "--reload"]\n'
    assert [f.location.line for f in lint("PR106", {"Dockerfile": text})] == [2]


def test_pr106_fires_for_flask_run_in_a_kubernetes_command(lint: Lint) -> None:
    files = {
        "k8s/app.yaml": """
            apiVersion: v1
            kind: Pod
            metadata: {name: app}
            spec:
              containers:
                - name: app
                  image: app:1
                  command: ["flask", "run", "--host", "0.0.0.0"]
            """
    }
    assert [f.location.line for f in lint("PR106", files)] == [8]


def test_pr106_quiet_for_a_production_server(lint: Lint) -> None:
    assert lint("PR106", {"Dockerfile": GOOD}) == []


def test_pr107_fires_for_uvicorn_on_its_default_loopback_host(lint: Lint) -> None:
    text = 'FROM python:3.12\nCMD ["uvicorn", "app:app", "--port", "8000"]\n'
    found = lint("PR107", {"Dockerfile": text})
    assert [f.location.line for f in found] == [2]
    assert "by default" in found[0].message


def test_pr107_fires_for_an_explicit_127_bind_in_compose(lint: Lint) -> None:
    files = {
        "compose.yaml": """
            services:
              api:
                image: api:1
                command: gunicorn app:app -b 127.0.0.1:8000
            """
    }
    assert [f.location.line for f in lint("PR107", files)] == [4]


def test_pr107_quiet_when_the_host_comes_from_the_environment(lint: Lint) -> None:
    text = 'FROM python:3.12\nENV UVICORN_HOST=0.0.0.0\nCMD ["uvicorn", "app:app"]\n'
    assert lint("PR107", {"Dockerfile": text}) == []
    assert lint("PR107", {"Dockerfile": GOOD}) == []


def test_pr108_fires_when_expose_and_the_bind_port_differ(lint: Lint) -> None:
    text = 'FROM python:3.12\nEXPOSE 8080\nCMD ["uvicorn", "a:app", "--host", "0.0.0.0"]\n'
    found = lint("PR108", {"Dockerfile": text})
    assert [f.location.line for f in found] == [2]
    assert "8000" in found[0].message


def test_pr108_quiet_when_they_agree(lint: Lint) -> None:
    assert lint("PR108", {"Dockerfile": GOOD}) == []


def test_pr109_fires_for_a_system_user_without_home(lint: Lint) -> None:
    """Seed 003/004: `useradd -r … vision` then `USER vision`, HOME never set."""
    text = (
        "FROM python:3.11-slim\nRUN groupadd -r vision && useradd -r -g vision vision\n"
        "USER vision\n"
    )
    found = lint("PR109", {"Dockerfile": text})
    assert [f.location.line for f in found] == [3]


def test_pr109_quiet_with_a_home_or_an_explicit_home_env(lint: Lint) -> None:
    assert lint("PR109", {"Dockerfile": GOOD}) == []
    text = "FROM python:3.11-slim\nRUN useradd -r app\nENV HOME=/app\nUSER app\n"
    assert lint("PR109", {"Dockerfile": text}) == []
    text = "FROM python:3.11-alpine\nRUN adduser -D app\nUSER app\n"
    assert lint("PR109", {"Dockerfile": text}) == []
