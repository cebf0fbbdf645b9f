"""Neural Hive-Mind (seed 004): an intent gateway and a specialist worker; MongoDB, Neo4j, Redis, Kafka."""
