"""PFF (seed 002): an API plus a Celery worker; PostgreSQL with pgvector; Redis as the broker."""
