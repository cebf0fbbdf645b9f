"""Active Immune Core (seed 000): cytokines on Kafka, hormones in Redis, memory in PostgreSQL."""
