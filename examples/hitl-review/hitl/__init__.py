"""HITL review API (seed 001): APV reviews and decisions, RabbitMQ, Redis, a WebSocket channel."""
