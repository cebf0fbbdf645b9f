"""HITL review API (seed 001): APV reviews and human decisions, RabbitMQ, Redis, a WebSocket channel."""
