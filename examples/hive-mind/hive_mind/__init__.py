"""Neural Hive-Mind (seed 004): intent gateway + specialist; MongoDB, Neo4j, Redis, Kafka."""
