from __future__ import annotations

import logging

import structlog

from conftest import Lines  # type: ignore[import-not-found]
from prodready.logging import configure_logging


def test_structlog_lines_are_json_with_level_logger_and_timestamp(stream: Lines) -> None:
    configure_logging(json=True, stream=stream)
    structlog.get_logger("orders").info("order placed", order_id=7)
    (record,) = stream.records()
    assert record["event"] == "order placed"
    assert record["order_id"] == 7
    assert record["level"] == "info"
    assert record["logger"] == "orders"
    assert record["timestamp"].endswith("Z")


def test_stdlib_and_uvicorn_loggers_go_through_the_same_pipeline(stream: Lines) -> None:
    uvicorn_error = logging.getLogger("uvicorn.error")
    uvicorn_error.addHandler(logging.StreamHandler())  # what uvicorn's dictConfig installs
    configure_logging(json=True, stream=stream)
    logging.getLogger("some.library").warning("pool at %d%%", 90)
    uvicorn_error.info("Application startup complete.")
    records = stream.records()
    assert [(r["logger"], r["event"], r["level"]) for r in records] == [
        ("some.library", "pool at 90%", "warning"),
        ("uvicorn.error", "Application startup complete.", "info"),
    ]
    assert uvicorn_error.handlers == []


def test_uvicorn_access_lines_are_silenced_in_favour_of_ours(stream: Lines) -> None:
    configure_logging(json=True, stream=stream)
    logging.getLogger("uvicorn.access").info('127.0.0.1 - "GET / HTTP/1.1" 200')
    assert stream.records() == []


def test_console_format_is_used_when_asked(stream: Lines) -> None:
    configure_logging(json=False, stream=stream)
    structlog.get_logger("orders").info("order placed", order_id=7)
    line = stream.getvalue()
    assert "order placed" in line
    assert "order_id=7" in line
    assert not line.lstrip().startswith("{")


def test_json_is_chosen_automatically_when_not_on_a_terminal(stream: Lines) -> None:
    configure_logging(stream=stream)
    structlog.get_logger().info("hello")
    assert stream.records()[0]["event"] == "hello"


def test_configuring_twice_keeps_one_handler(stream: Lines) -> None:
    configure_logging(json=True, stream=stream)
    configure_logging(json=True, stream=stream)
    structlog.get_logger().info("once")
    assert len(stream.records()) == 1


def test_levels_below_the_configured_one_are_dropped(stream: Lines) -> None:
    configure_logging(json=True, stream=stream, level="WARNING")
    structlog.get_logger().info("quiet")
    logging.getLogger("lib").info("quiet too")
    structlog.get_logger().warning("loud")
    assert [r["event"] for r in stream.records()] == ["loud"]


def test_the_service_name_is_on_every_line(stream: Lines) -> None:
    configure_logging(json=True, stream=stream, service="orders")
    structlog.get_logger().info("structlog line")
    logging.getLogger("lib").warning("stdlib line")
    assert [r["service"] for r in stream.records()] == ["orders", "orders"]
