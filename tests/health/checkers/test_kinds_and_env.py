"""The checker-kind registry, the entry-point door shared with plug-ins, registration from env."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from prodready.errors import MissingDependencyError, RegistryError
from prodready.health import Status
from prodready.health._registry import HealthRegistry
from prodready.health._runner import HealthRunner
from prodready.health.checkers import (
    CeleryCheck,
    CheckerKinds,
    ElasticsearchCheck,
    HttpCheck,
    KafkaCheck,
    MongoCheck,
    Neo4jCheck,
    PostgresCheck,
    RabbitMQCheck,
    RedisCheck,
    add_checks_from_env,
)

BUILT_INS = {
    "celery",
    "disk",
    "elasticsearch",
    "http",
    "kafka",
    "memory",
    "mongodb",
    "neo4j",
    "opensearch",
    "postgres",
    "rabbitmq",
    "redis",
    "tcp",
}

PLUGIN = '''
import asyncio


class AcmeCheck:
    """A third-party checker: is the TCP address in ACME_ADDR accepting connections?"""

    kind = "acme"
    component_type = "component"

    def __init__(self, host, port):
        self.host, self.port = host, int(port)

    @classmethod
    def from_env(cls, env):
        addr = env.get("ACME_ADDR")
        return cls(*addr.rsplit(":", 1)) if addr else None

    async def __call__(self):
        _reader, writer = await asyncio.open_connection(self.host, self.port)
        writer.close()
        await writer.wait_closed()
        return {"reachable": True}

    async def aclose(self):
        pass


class Misnamed(AcmeCheck):
    kind = "something-else"
'''


def _install_plugin(root: Path, entry_points: str) -> None:
    """A real installed distribution: a module plus a ``*.dist-info`` with ``entry_points.txt``."""
    (root / "acme_checks.py").write_text(PLUGIN)
    dist = root / "acme_checks-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-checks\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(textwrap.dedent(entry_points))


def test_built_ins_are_loaded_through_the_entry_point_group() -> None:
    kinds = CheckerKinds.from_entry_points()
    assert set(kinds) >= BUILT_INS
    for name in BUILT_INS:
        assert kinds.get(name).kind == name


def test_a_duplicate_kind_is_refused() -> None:
    kinds = CheckerKinds()
    kinds.register("redis", RedisCheck)
    with pytest.raises(RegistryError, match="registered twice"):
        kinds.register("redis", RedisCheck)


def test_an_unknown_kind_names_the_known_ones() -> None:
    kinds = CheckerKinds()
    kinds.register("redis", RedisCheck)
    with pytest.raises(RegistryError, match="unknown checker kind 'redsi'") as info:
        kinds.get("redsi")
    assert info.value.expected == "one of: redis"


async def test_a_third_party_entry_point_works_like_a_built_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_server: Any
) -> None:
    _install_plugin(tmp_path, "[prodready.checkers]\nacme = acme_checks:AcmeCheck\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    kinds = CheckerKinds.from_entry_points()
    assert {"acme", *BUILT_INS} <= set(kinds)
    registry = HealthRegistry()
    env = {"ACME_ADDR": f"{redis_server.host}:{redis_server.port}", "REDIS_URL": redis_server.url}
    assert add_checks_from_env(registry, env, kinds=kinds) == ["acme", "redis"]
    runner = HealthRunner(registry, handle_signals=False)
    try:
        acme, redis = await runner.run("acme"), await runner.run("redis")
    finally:
        await runner.stop()
    assert acme.status is Status.HEALTHY
    assert acme.details == {"reachable": True}
    assert redis.status is Status.HEALTHY


def test_a_plugin_claiming_a_built_in_name_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_plugin(tmp_path, "[prodready.checkers]\nredis = acme_checks:AcmeCheck\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(RegistryError, match="'redis' is registered twice"):
        CheckerKinds.from_entry_points()


def test_a_plugin_whose_kind_differs_from_its_entry_point_name_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _install_plugin(tmp_path, "[prodready.checkers]\nacme = acme_checks:Misnamed\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    kinds = CheckerKinds.from_entry_points()
    with pytest.raises(RegistryError, match="not a checker kind named 'acme'"):
        kinds.get("acme")


async def test_from_env_registers_every_configured_service_in_one_call(
    postgres_server: Any, redis_server: Any, rabbitmq_server: Any
) -> None:
    registry = HealthRegistry()
    env = {
        "DATABASE_URL": postgres_server.url,
        "REDIS_URL": redis_server.url,
        "RABBITMQ_URL": rabbitmq_server.url,
        "UNRELATED": "x",
    }
    added = add_checks_from_env(registry, env, timeout=10)
    assert added == ["postgres", "rabbitmq", "redis"]
    assert registry["postgres"].component_type == "datastore"
    runner = HealthRunner(registry, handle_signals=False)
    try:
        report = await runner.report("readiness")
    finally:
        await runner.stop()
    assert report.status is Status.HEALTHY
    assert {n: r.status for n, r in report.components.items()} == dict.fromkeys(
        added, Status.HEALTHY
    )


def test_from_env_with_nothing_configured_registers_nothing() -> None:
    registry = HealthRegistry()
    assert add_checks_from_env(registry, {}) == []
    assert len(registry) == 0


def test_from_env_keeps_a_check_the_application_registered_itself() -> None:
    registry = HealthRegistry()

    async def own() -> None:
        return None

    registry.add("redis", own)
    added = add_checks_from_env(registry, {"REDIS_URL": "redis://localhost:6379/0"})
    assert added == []
    assert registry["redis"].check is own


def test_from_env_passes_options_and_honours_exclude() -> None:
    registry = HealthRegistry()
    env = {"REDIS_URL": "redis://localhost/0", "KAFKA_BOOTSTRAP_SERVERS": "a:9092,b:9092"}
    added = add_checks_from_env(registry, env, exclude=["kafka"], critical=False, interval=30)
    assert added == ["redis"]
    assert registry["redis"].critical is False
    assert registry["redis"].interval == 30


@pytest.mark.parametrize(
    ("env", "kind"),
    [
        ({"NEO4J_URI": "bolt://db:7687", "NEO4J_USER": "u", "NEO4J_PASSWORD": "p"}, Neo4jCheck),
        ({"NEO4J_URI": "bolt://db:7687", "NEO4J_AUTH": "neo4j/p"}, Neo4jCheck),
        ({"MONGODB_URL": "mongodb://db:27017/app"}, MongoCheck),
        ({"ELASTICSEARCH_URL": "http://es:9200"}, ElasticsearchCheck),
        ({"KAFKA_BOOTSTRAP_SERVERS": "k1:9092, k2:9092"}, KafkaCheck),
        ({"CELERY_BROKER_URL": "redis://localhost:6379/1"}, CeleryCheck),
        ({"AMQP_URL": "amqp://guest:guest@mq:5672/"}, RabbitMQCheck),
        ({"POSTGRES_URL": "postgres://u:p@db/app"}, PostgresCheck),
    ],
)
def test_from_env_reads_the_conventional_variable(env: dict[str, str], kind: Any) -> None:
    assert isinstance(kind.from_env(env), kind)


@pytest.mark.parametrize(
    ("build", "module", "extra"),
    [
        (lambda: PostgresCheck("postgresql://db/app"), "asyncpg", "postgres"),
        (lambda: RedisCheck("redis://localhost"), "redis.asyncio", "redis"),
        (lambda: KafkaCheck("k:9092"), "aiokafka", "kafka"),
        (lambda: RabbitMQCheck("amqp://mq/"), "aio_pika", "rabbitmq"),
        (lambda: MongoCheck("mongodb://db"), "pymongo", "mongodb"),
        (lambda: Neo4jCheck("bolt://db:7687"), "neo4j", "neo4j"),
        (lambda: ElasticsearchCheck("http://es:9200"), "httpx", "elasticsearch"),
        (lambda: HttpCheck("http://upstream/health"), "httpx", "http"),
        (lambda: CeleryCheck(broker_url="redis://localhost"), "celery", "celery"),
    ],
)
def test_a_missing_driver_names_the_extra_to_install(
    build: Any, module: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # what `import module` sees when not installed
    with pytest.raises(MissingDependencyError) as info:
        build()
    assert f"pip install 'prodready[{extra}]'" in str(info.value)
    assert isinstance(info.value.__cause__, ImportError)


def test_importing_the_checkers_imports_no_driver() -> None:
    drivers = ["asyncpg", "psycopg", "redis", "aiokafka", "aio_pika", "pymongo", "neo4j", "httpx"]
    code = (
        "import sys, prodready.health.checkers as c\n"
        "c.CheckerKinds.from_entry_points()\n"
        f"print([m for m in {drivers!r} + ['celery'] if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
