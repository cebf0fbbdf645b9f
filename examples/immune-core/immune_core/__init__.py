"""Active Immune Core (seed 000): cytokine events on Kafka, hormone state in Redis, memory in PostgreSQL."""
