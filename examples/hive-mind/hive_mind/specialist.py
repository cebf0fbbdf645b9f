"""The specialist worker: consumes classified intents and links them in the knowledge graph.

``python -m hive_mind.specialist`` — one consumer group, so scaling the process out splits the
partitions instead of processing each intent twice. Each intent becomes an ``(:Intent)-[:ABOUT]->
(:Domain)`` edge in Neo4j and its MongoDB document turns ``analysed``.
"""

from __future__ import annotations

import asyncio
import json
import signal

from aiokafka import AIOKafkaConsumer
from neo4j import AsyncGraphDatabase
from pymongo import AsyncMongoClient

from hive_mind.events import INTENTS_TOPIC
from hive_mind.settings import Settings

LINK = (
    "MERGE (d:Domain {name: $domain}) "
    "MERGE (i:Intent {id: $id}) SET i.text = $text, i.confidence = $confidence "
    "MERGE (i)-[:ABOUT]->(d)"
)


async def run(settings: Settings, stop: asyncio.Event) -> None:
    consumer = AIOKafkaConsumer(
        INTENTS_TOPIC,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id="hive-specialists",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    mongo: AsyncMongoClient[dict[str, object]] = AsyncMongoClient(
        settings.mongodb_url.get_secret_value()
    )
    graph = AsyncGraphDatabase.driver(
        settings.neo4j_uri, auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value())
    )
    await consumer.start()
    try:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500)
            for messages in batches.values():
                for message in messages:
                    intent = json.loads(message.value)
                    async with graph.session() as session:
                        await session.run(
                            LINK,
                            domain=intent["domain"],
                            id=intent["_id"],
                            text=intent["text"],
                            confidence=intent["confidence"],
                        )
                    await mongo.hive.intents.update_one(
                        {"_id": intent["_id"]}, {"$set": {"status": "analysed"}}
                    )
            if batches:
                await consumer.commit()
    finally:
        await consumer.stop()
        await graph.close()
        await mongo.close()


def main() -> None:
    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run(Settings(), stop)

    asyncio.run(_main())


if __name__ == "__main__":
    main()
