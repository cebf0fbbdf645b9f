"""vision (seed 003) against real PostgreSQL and Redis; the analysis itself is pure logic."""

from __future__ import annotations

from typing import Any

import pytest
from tests.examples.conftest import AppFactory, import_example

pytestmark = pytest.mark.slow


def _pgm(width: int, height: int, pixels: bytes) -> bytes:
    return f"P5\n# test image\n{width} {height}\n255\n".encode() + pixels


@pytest.fixture
def client(example_client: AppFactory, postgres_server: Any, redis_server: Any) -> Any:
    return example_client(
        "vision",
        "vision",
        {"DATABASE_URL": postgres_server.url, "REDIS_URL": redis_server.url},
    )


def test_half_black_half_white_image_has_one_edge_column() -> None:
    analysis = import_example("vision", "vision.analysis")
    row = bytes([0, 0, 255, 255])
    stats = analysis.analyse(_pgm(4, 2, row * 2))
    assert (stats.width, stats.height, stats.brightness) == (4, 2, 127.5)
    assert stats.edge_density == 0.25  # one of four columns borders the step


def test_text_upload_is_refused_with_the_reason() -> None:
    analysis = import_example("vision", "vision.analysis")
    with pytest.raises(analysis.ImageError, match="P5"):
        analysis.analyse(b"hello world, not an image")


def test_analysis_is_stored_then_served_from_the_cache(client: Any) -> None:
    image = _pgm(3, 3, bytes(range(0, 90, 10)))
    first = client.post("/api/analyses", content=image)
    assert first.status_code == 201, first.text
    assert first.json()["cached"] is False
    second = client.post("/api/analyses", content=image)
    assert second.json()["cached"] is True
    stored = client.get(f"/api/analyses/{first.json()['sha256']}").json()
    assert stored["width"] == 3
    assert stored["brightness"] == first.json()["brightness"]


def test_unreadable_upload_is_422(client: Any) -> None:
    assert client.post("/api/analyses", content=b"GIF89a...").status_code == 422
