from __future__ import annotations

import prodready.testing

CONTRACT = {
    "BlackholeServer",
    "KafkaServer",
    "LatencyProxy",
    "MongoServer",
    "Neo4jServer",
    "OpenSearchServer",
    "PostgresServer",
    "RabbitMQServer",
    "RedisServer",
    "free_port",
}


def test_testing_all_is_sorted_and_holds_the_server_contract() -> None:
    assert prodready.testing.__all__ == sorted(prodready.testing.__all__)
    assert set(prodready.testing.__all__) >= CONTRACT
    for name in prodready.testing.__all__:
        assert getattr(prodready.testing, name) is not None


def test_every_server_class_has_the_same_life_cycle_surface() -> None:
    for name in CONTRACT - {"free_port"}:
        cls = getattr(prodready.testing, name)
        for member in ("start", "stop", "restart", "close", "is_running", "url", "__enter__"):
            assert hasattr(cls, member), f"{name}.{member}"
