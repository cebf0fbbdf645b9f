"""Detect a service spec from a project: package manager, Python, ASGI app, backing services.

Only files are read, nothing is imported or executed: the project's code may need settings or a
database to import. Every decision is recorded as a :class:`Finding` (what, from where) so
``prodready init`` can show the plan before writing it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prodready.errors import SpecError
from prodready.spec._load import parse_spec, toml_error_line
from prodready.spec._model import Resources, ServiceSpec

__all__ = ["DEPENDENCY_SERVICES", "Detection", "Finding", "detect_project", "spec_to_table"]

# normalised distribution name -> backing-service kind.
DEPENDENCY_SERVICES: dict[str, str] = {
    "asyncpg": "postgres",
    "psycopg": "postgres",
    "psycopg-binary": "postgres",
    "psycopg2": "postgres",
    "psycopg2-binary": "postgres",
    "pg8000": "postgres",
    "pgvector": "postgres",
    "redis": "redis",
    "aioredis": "redis",
    "arq": "redis",
    "rq": "redis",
    "aiokafka": "kafka",
    "confluent-kafka": "kafka",
    "kafka-python": "kafka",
    "aio-pika": "rabbitmq",
    "pika": "rabbitmq",
    "aiormq": "rabbitmq",
    "motor": "mongodb",
    "pymongo": "mongodb",
    "beanie": "mongodb",
    "odmantic": "mongodb",
    "mongoengine": "mongodb",
    "neo4j": "neo4j",
    "neomodel": "neo4j",
    "elasticsearch": "elasticsearch",
    "elasticsearch-dsl": "elasticsearch",
    "opensearch-py": "opensearch",
    "aiomysql": "mysql",
    "asyncmy": "mysql",
    "pymysql": "mysql",
    "mysqlclient": "mysql",
    "mysql-connector-python": "mysql",
}
# extras that name a driver: ``sqlalchemy[asyncpg]``, ``celery[redis]``, ``faststream[kafka]``.
EXTRA_SERVICES: dict[str, str] = {
    "asyncpg": "postgres",
    "postgresql": "postgres",
    "postgresql-asyncpg": "postgres",
    "postgresql-psycopg": "postgres",
    "postgresql-psycopg2binary": "postgres",
    "psycopg": "postgres",
    "redis": "redis",
    "kafka": "kafka",
    "confluent": "kafka",
    "rabbit": "rabbitmq",
    "amqp": "rabbitmq",
    "mongodb": "mongodb",
    "motor": "mongodb",
    "asyncmy": "mysql",
    "aiomysql": "mysql",
    "mysql": "mysql",
}

_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[([^\]]*)\])?")
_APP_ASSIGN = re.compile(
    r"^(?P<attr>[A-Za-z_]\w*)\s*(?::\s*[\w.\[\], ]+)?=\s*(?:[\w.]+\.)?(?P<cls>FastAPI|Starlette)\(",
    re.MULTILINE,
)
# ``app = create_app()`` where ``def create_app`` in the same file builds a FastAPI/Starlette.
_FACTORY_CALL = re.compile(
    r"^(?P<attr>[A-Za-z_]\w*)\s*=\s*(?P<func>[A-Za-z_]\w*)\(\)", re.MULTILINE
)
_FRAMEWORK_CALL = re.compile(r"\b(?:FastAPI|Starlette)\(")
_CELERY_ASSIGN = re.compile(
    r"^(?P<attr>[A-Za-z_]\w*)\s*(?::\s*[\w.]+)?=\s*(?:celery\.)?Celery\(", re.MULTILINE
)
_SKIP_DIRS = frozenset(
    {
        ".git",
        ".venv",
        "venv",
        "env",
        "node_modules",
        "site-packages",
        "tests",
        "test",
        "migrations",
        "alembic",
        "docs",
        "build",
        "dist",
        "__pycache__",
        ".tox",
        ".nox",
    }
)
_PREFERRED_FILES = ("main.py", "app.py", "asgi.py", "server.py", "api.py", "__init__.py")


@dataclass(frozen=True)
class Finding:
    """One decision of detection: ``what`` was decided ``because`` of ``source``."""

    what: str
    because: str


@dataclass(frozen=True)
class Detection:
    """The detected spec, the reasons, and where ``init`` should write it."""

    spec: ServiceSpec
    findings: tuple[Finding, ...]
    target: Path
    dependencies: tuple[str, ...] = field(default=())


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _read_pyproject(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(
            f"not valid TOML: {exc}",
            path=path,
            location=toml_error_line(exc),
            hint="fix the TOML syntax at that line, then run 'prodready init' again",
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError(f"cannot read the file: {exc}", path=path) from exc


def _requirement_lines(path: Path, seen: set[Path]) -> Iterator[str]:
    if path in seen or not path.is_file():
        return
    seen.add(path)
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith(("-r ", "--requirement ")):
            yield from _requirement_lines(path.parent / line.split(None, 1)[1].strip(), seen)
        elif line and not line.startswith("-"):
            yield line


def _parse_requirement(text: str) -> tuple[str, tuple[str, ...]] | None:
    match = _REQUIREMENT.match(text)
    if match is None:
        return None
    extras = tuple(_normalise(e) for e in (match.group(3) or "").split(",") if e.strip())
    return _normalise(match.group(1)), extras


def _dependencies(
    project: Path, pyproject: dict[str, Any]
) -> tuple[dict[str, tuple[str, ...]], str]:
    """Normalised name -> extras, and a description of the sources read."""
    found: dict[str, tuple[str, ...]] = {}
    sources: list[str] = []
    project_table = pyproject.get("project", {})
    declared = list(project_table.get("dependencies", []))
    for group in project_table.get("optional-dependencies", {}).values():
        declared += list(group)
    if declared:
        sources.append("pyproject.toml [project]")
    poetry = pyproject.get("tool", {}).get("poetry", {})
    poetry_deps = dict(poetry.get("dependencies", {}))
    for group in poetry.get("group", {}).values():
        if isinstance(group, dict) and group is not poetry.get("group", {}).get("dev"):
            poetry_deps.update(group.get("dependencies", {}))
    for name, value in poetry_deps.items():
        extras = value.get("extras", []) if isinstance(value, dict) else []
        declared.append(f"{name}[{','.join(extras)}]" if extras else name)
    if poetry_deps:
        sources.append("pyproject.toml [tool.poetry]")
    seen: set[Path] = set()
    for candidate in sorted(project.glob("requirements*.txt")) + sorted(
        project.glob("requirements/*.txt")
    ):
        if any(word in candidate.name for word in ("dev", "test", "lint", "doc")):
            continue
        lines = list(_requirement_lines(candidate, seen))
        if lines:
            sources.append(str(candidate.relative_to(project)))
        declared += lines
    for text in declared:
        parsed = _parse_requirement(text)
        if parsed is not None and parsed[0] != "python":
            name, extras = parsed
            found[name] = tuple(sorted(set(found.get(name, ())) | set(extras)))
    return found, ", ".join(sources) or "no dependency list"


def _package_manager(project: Path, pyproject: dict[str, Any]) -> tuple[str, str]:
    tool = pyproject.get("tool", {})
    if (project / "uv.lock").is_file():
        return "uv", "uv.lock"
    if (project / "poetry.lock").is_file() or "poetry" in tool:
        return "poetry", "poetry.lock" if (project / "poetry.lock").is_file() else "[tool.poetry]"
    if (project / "pdm.lock").is_file() or "pdm" in tool:
        return "pdm", "pdm.lock" if (project / "pdm.lock").is_file() else "[tool.pdm]"
    return "pip", "no lock file"


def _python_version(project: Path, pyproject: dict[str, Any]) -> tuple[str, str]:
    pinned = project / ".python-version"
    if pinned.is_file():
        match = re.match(r"^\s*(3\.\d+)", pinned.read_text(encoding="utf-8"))
        if match and int(match.group(1).split(".")[1]) >= 11:
            return match.group(1), ".python-version"
    requires = str(pyproject.get("project", {}).get("requires-python", ""))
    if not requires:
        deps = pyproject.get("tool", {}).get("poetry", {}).get("dependencies", {})
        requires = str(deps.get("python", "")) if isinstance(deps, dict) else ""
    lower = re.search(r"(?:>=|~=|\^|==)\s*3\.(\d+)", requires)
    upper = re.search(r"<\s*3\.(\d+)", requires)
    minor = 12
    if lower and int(lower.group(1)) >= 11:
        minor = int(lower.group(1))
    if upper and int(upper.group(1)) - 1 < minor:
        minor = max(11, int(upper.group(1)) - 1)
    source = f"requires-python {requires!r}" if requires else "default"
    return f"3.{minor}", source


def _python_files(project: Path) -> Iterator[Path]:
    for path in sorted(project.rglob("*.py")):
        relative = path.relative_to(project)
        if any(part in _SKIP_DIRS or part.startswith(".") for part in relative.parts[:-1]):
            continue
        yield path


def _module(project: Path, path: Path) -> tuple[str, str]:
    """``(source_dir, dotted module)`` for a file; ``src/`` layouts import from ``src``."""
    parts = list(path.relative_to(project).with_suffix("").parts)
    source_dir = "."
    if parts[0] == "src" and len(parts) > 1:
        source_dir, parts = "src", parts[1:]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return source_dir, ".".join(parts)


def _rank(project: Path, path: Path) -> tuple[int, int, str]:
    relative = path.relative_to(project)
    preferred = _PREFERRED_FILES.index(path.name) if path.name in _PREFERRED_FILES else 99
    return len(relative.parts), preferred, str(relative)


def _find_instances(project: Path, pattern: re.Pattern[str]) -> list[tuple[Path, str]]:
    hits: list[tuple[Path, str]] = []
    for path in _python_files(project):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for match in pattern.finditer(text):
            hits.append((path, match.group("attr")))
    return sorted(hits, key=lambda hit: _rank(project, hit[0]))


def _find_factories(project: Path) -> list[tuple[Path, str]]:
    """Module-level ``app = make()`` whose ``def make`` in the same file calls FastAPI()."""
    hits: list[tuple[Path, str]] = []
    for path in _python_files(project):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        if not _FRAMEWORK_CALL.search(text):
            continue
        for match in _FACTORY_CALL.finditer(text):
            if re.search(rf"^(async\s+)?def {match.group('func')}\(", text, re.MULTILINE):
                hits.append((path, match.group("attr")))
    return sorted(hits, key=lambda hit: _rank(project, hit[0]))


def _has_text(project: Path, needle: str) -> bool:
    for path in _python_files(project):
        try:
            if needle in path.read_text(encoding="utf-8"):
                return True
        except (OSError, UnicodeDecodeError):
            continue
    return False


def _dns_name(raw: str) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-")
    name = re.sub(r"-{2,}", "-", name)[:63].strip("-")
    if not name or not name[0].isalpha():
        name = f"app-{name}".strip("-")
    return name


def detect_project(project: Path) -> Detection:
    """Detect the spec of ``project``; :class:`SpecError` when the ASGI app cannot be found."""
    if not project.is_dir():
        raise SpecError(
            "no such project directory", path=project, hint="pass the project's root directory"
        )
    pyproject_path = project / "pyproject.toml"
    pyproject = _read_pyproject(pyproject_path) if pyproject_path.is_file() else {}
    findings: list[Finding] = []

    name_source = pyproject.get("project", {}).get("name") or pyproject.get("tool", {}).get(
        "poetry", {}
    ).get("name")
    name = _dns_name(str(name_source or project.resolve().name))
    findings.append(Finding(f"name {name}", "project name" if name_source else "directory name"))

    manager, manager_source = _package_manager(project, pyproject)
    findings.append(Finding(f"package manager {manager}", manager_source))
    python, python_source = _python_version(project, pyproject)
    findings.append(Finding(f"Python {python}", python_source))

    apps = _find_instances(project, _APP_ASSIGN) or _find_factories(project)
    if not apps:
        raise SpecError(
            "cannot find the ASGI app: no module assigns FastAPI(...)/Starlette(...) or the "
            "result of a factory that builds one",
            path=project,
            location="tool.prodready.app",
            expected="a module-level 'app = FastAPI()' (or Starlette) in the project",
            hint="write [tool.prodready] by hand with app = 'package.module:attribute'",
        )
    app_path, app_attr = apps[0]
    source_dir, module = _module(project, app_path)
    app = f"{module}:{app_attr}"
    findings.append(Finding(f"app {app}", str(app_path.relative_to(project))))

    dependencies, dependency_source = _dependencies(project, pyproject)
    services: dict[str, dict[str, Any]] = {}
    for dependency, extras in sorted(dependencies.items()):
        kinds = {DEPENDENCY_SERVICES[dependency]} if dependency in DEPENDENCY_SERVICES else set()
        kinds |= {EXTRA_SERVICES[extra] for extra in extras if extra in EXTRA_SERVICES}
        for kind in sorted(kinds):
            if kind not in services:
                services[kind] = {"kind": kind}
                findings.append(Finding(f"service {kind}", f"dependency {dependency}"))
    if "pgvector" in dependencies:
        services.setdefault("postgres", {"kind": "postgres"})["extensions"] = ["pgvector"]
        findings.append(Finding("postgres with pgvector", "dependency pgvector"))
    # one SQL database: the app reads a single DATABASE_URL
    if "postgres" in services and "mysql" in services:
        del services["mysql"]
        findings.append(Finding("mysql dropped", "postgres also found; one DATABASE_URL"))
    if "elasticsearch" in services and "opensearch" in services:
        del services["opensearch"]
        findings.append(Finding("opensearch dropped", "elasticsearch also found"))

    processes: dict[str, dict[str, Any]] = {}
    if "celery" in dependencies:
        if "redis" not in services and "rabbitmq" not in services:
            services["rabbitmq"] = {"kind": "rabbitmq"}
            findings.append(Finding("service rabbitmq", "celery's default broker (AMQP)"))
        celery_apps = _find_instances(project, _CELERY_ASSIGN)
        if celery_apps:
            celery_path, celery_attr = celery_apps[0]
            _, celery_module = _module(project, celery_path)
            plain = celery_attr in ("app", "celery")
            target = celery_module if plain else f"{celery_module}:{celery_attr}"
            # Explicit concurrency: Celery's default is the *host's* core count, not the limit.
            concurrency = max(1, Resources().cpu_limit_millis // 1000)
            processes["worker"] = {
                "command": f"celery -A {target} worker --loglevel=INFO --concurrency={concurrency}"
            }
            findings.append(
                Finding("process worker (celery)", str(celery_path.relative_to(project)))
            )
            if _has_text(project, "beat_schedule"):
                processes["beat"] = {
                    "kind": "scheduler",
                    "command": f"celery -A {target} beat --loglevel=INFO",
                }
                findings.append(Finding("process beat (celery scheduler)", "beat_schedule"))
        else:
            findings.append(
                Finding(
                    "no celery worker",
                    "celery is a dependency but no module assigns Celery(...); "
                    "add [tool.prodready.processes.worker] by hand",
                )
            )

    table: dict[str, Any] = {
        "name": name,
        "app": app,
        "python": python,
        "package_manager": manager,
    }
    if source_dir != ".":
        table["source_dir"] = source_dir
    if "gunicorn" in dependencies and "uvicorn" not in dependencies:
        table["server"] = {"kind": "gunicorn"}
    if manager == "pip":
        requirements = project / "requirements.txt"
        if requirements.is_file():
            table["build"] = {"requirements": "requirements.txt"}
    if services:
        table["services"] = services
    if processes:
        table["processes"] = processes
    if "alembic" in dependencies:
        table["migrate"] = "alembic upgrade head"
        findings.append(Finding("migrate: alembic upgrade head", "dependency alembic"))
    findings.append(Finding(f"{len(dependencies)} dependencies read", dependency_source))

    spec_file = pyproject_path if pyproject_path.is_file() else project / "prodready.toml"
    spec = parse_spec(table, path=spec_file)
    return Detection(
        spec=spec,
        findings=tuple(findings),
        target=spec_file,
        dependencies=tuple(sorted(dependencies)),
    )


def spec_to_table(spec: ServiceSpec) -> dict[str, Any]:
    """The spec as a TOML-ready table: the identity keys always, otherwise non-defaults only."""
    full = spec.model_dump(mode="json")
    data = {key: full[key] for key in ("name", "app", "port", "python", "package_manager")}
    data.update(spec.model_dump(mode="json", exclude_defaults=True))
    for name, service in spec.services.items():
        data.setdefault("services", {}).setdefault(name, {})["kind"] = service.kind
    return data


def locate_app(spec: ServiceSpec, root: Path, spec_file: Path | None = None) -> Path:
    """The file that defines ``spec.app``; :class:`SpecError` (naming ``app``) when it is absent.

    Read, not imported: the module must exist under ``source_dir`` and assign, define or import
    the attribute at module level.
    """
    location = (
        "app"
        if spec_file is not None and spec_file.name == "prodready.toml"
        else ("tool.prodready.app")
    )
    base = root / spec.source_dir
    parts = spec.app_module.split(".")
    candidates = [base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts, "__init__.py")]
    module_file = next((path for path in candidates if path.is_file()), None)
    if module_file is None:
        looked = " or ".join(str(path.relative_to(root)) for path in candidates)
        raise SpecError(
            f"the app module {spec.app_module!r} does not exist (looked for {looked})",
            path=spec_file,
            location=location,
            expected=f"'package.module:attribute' importable from source_dir ({spec.source_dir!r})",
            hint="correct app (or source_dir), or run 'prodready init --force' to detect it",
        )
    text = module_file.read_text(encoding="utf-8", errors="replace")
    attr = re.escape(spec.app_attr)
    defined = re.search(
        rf"^(?:{attr}\s*(?::[^=\n]*)?=|(?:async\s+)?def\s+{attr}\s*\(|class\s+{attr}\b"
        rf"|from\s+\S+\s+import\s+[^\n]*\b{attr}\b)",
        text,
        re.MULTILINE,
    )
    if defined is None:
        raise SpecError(
            f"{module_file.relative_to(root)} has no module-level {spec.app_attr!r}",
            path=spec_file,
            location=location,
            expected=f"'{spec.app_attr} = FastAPI(...)' (or a factory call) in that module",
            hint="correct the attribute after ':' in app",
        )
    return module_file
