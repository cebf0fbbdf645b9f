"""PR2xx: compose rules fire on the bad file and stay quiet on the corrected one."""

from __future__ import annotations

from collections.abc import Callable

from prodready.lint import Finding

Lint = Callable[..., list[Finding]]

GOOD = """
services:
  api:
    image: registry.example.com/api:1.4.2
    environment:
      DB_PASSWORD: ${DB_PASSWORD}
      DATABASE_HOST: db
    depends_on:
      db: {condition: service_healthy}
  db:
    image: postgres:16.4
    healthcheck:
      test: ["CMD", "pg_isready"]
"""


def test_pr201_fires_for_list_form_depends_on(lint: Lint) -> None:
    files = {
        "compose.yaml": """
            services:
              api: {image: api:1, depends_on: [db]}
              db: {image: postgres:16}
            """
    }
    found = lint("PR201", files)
    assert [f.location.line for f in found] == [2]
    assert "no healthcheck either" in found[0].message


def test_pr201_quiet_with_a_health_condition(lint: Lint) -> None:
    assert lint("PR201", {"compose.yaml": GOOD}) == []


def test_pr202_fires_for_an_untagged_image(lint: Lint) -> None:
    files = {"compose.yaml": "services:\n  db:\n    image: postgres\n"}
    assert [f.location.line for f in lint("PR202", files)] == [3]


def test_pr202_quiet_for_pinned_images_and_built_services(lint: Lint) -> None:
    files = {"compose.yaml": GOOD + "  web:\n    build: .\n    image: web\n"}
    assert lint("PR202", files) == []


def test_pr203_fires_for_a_literal_password(lint: Lint) -> None:
    files = {
        "compose.yaml": "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=s3cret\n"
    }
    found = lint("PR203", files)
    assert [f.location.line for f in found] == [4]
    assert "s3cret" not in found[0].message


def test_pr203_quiet_for_references_filled_from_the_untracked_dotenv(lint: Lint) -> None:
    files = {
        "compose.yaml": (
            "services:\n  db:\n    environment:\n"
            "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}\n"
            "      DATABASE_URL: postgresql://app:${POSTGRES_PASSWORD}@db:5432/app\n"
        ),
        ".env": "POSTGRES_PASSWORD=Zr8fq2LmX0pQ\n",
    }
    assert lint("PR203", files) == []


def test_pr203_quiet_for_interpolated_values_and_env_files(lint: Lint) -> None:
    files = {
        "compose.yaml": GOOD + "  worker:\n    image: w:1\n    env_file: [.env.worker]\n",
        ".env.worker": "API_TOKEN=abc\n",
    }
    assert lint("PR203", files) == []


def test_pr204_fires_for_privileged_and_sys_admin(lint: Lint) -> None:
    files = {
        "compose.yaml": """
            services:
              a: {image: a:1, privileged: true}
              b: {image: b:1, cap_add: [SYS_ADMIN]}
            """
    }
    assert [f.location.line for f in lint("PR204", files)] == [2, 3]


def test_pr204_quiet_for_narrow_capabilities(lint: Lint) -> None:
    files = {"compose.yaml": "services:\n  a:\n    image: a:1\n    cap_add: [NET_BIND_SERVICE]\n"}
    assert lint("PR204", files) == []
