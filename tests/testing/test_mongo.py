from __future__ import annotations

import pymongo
import pytest
from pymongo.errors import ServerSelectionTimeoutError

from prodready.testing import MongoServer
from prodready.testing.pytest_plugin import ServerFactory


def test_mongodb_server_inserts_and_finds_a_document(mongodb_server: MongoServer) -> None:
    with pymongo.MongoClient(mongodb_server.url, serverSelectionTimeoutMS=10000) as client:
        assert client.admin.command("ping")["ok"] == 1.0
        client.prodready.things.insert_one({"name": "widget", "count": 3})
        found = client.prodready.things.find_one({"name": "widget"}, {"_id": False})
    assert found == {"name": "widget", "count": 3}


def test_mongodb_stop_fails_clients_and_restart_keeps_documents(
    server_factory: ServerFactory,
) -> None:
    server = server_factory(MongoServer)
    with pymongo.MongoClient(server.url, serverSelectionTimeoutMS=10000) as client:
        client.prodready.kept.insert_one({"k": 1})
    server.stop()
    with (
        pymongo.MongoClient(server.url, serverSelectionTimeoutMS=500) as client,
        pytest.raises(ServerSelectionTimeoutError),
    ):
        client.admin.command("ping")
    server.start()
    with pymongo.MongoClient(server.url, serverSelectionTimeoutMS=10000) as client:
        assert client.prodready.kept.find_one({"k": 1}, {"_id": False}) == {"k": 1}
