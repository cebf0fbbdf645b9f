"""CPU and memory quantities, and their compose spelling."""

from __future__ import annotations

import pytest

from prodready.spec import compose_cpus, compose_memory, cpu_millis, memory_bytes


@pytest.mark.parametrize(
    ("text", "millis"), [("500m", 500), ("1", 1000), ("1.5", 1500), ("2", 2000)]
)
def test_cpu_quantities_parse_to_millicores(text: str, millis: int) -> None:
    assert cpu_millis(text) == millis


@pytest.mark.parametrize(
    ("text", "amount"), [("512Mi", 512 * 2**20), ("1Gi", 2**30), ("1G", 10**9)]
)
def test_memory_quantities_parse_to_bytes(text: str, amount: int) -> None:
    assert memory_bytes(text) == amount


@pytest.mark.parametrize("text", ["", "0", "-1", "1.2345", "one", "1cpu"])
def test_bad_cpu_quantities_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"CPU quantity|more than zero"):
        cpu_millis(text)


def test_compose_spelling() -> None:
    assert compose_cpus("250m") == "0.25"
    assert compose_cpus("2") == "2"
    assert compose_memory("1Gi") == "1024m"
    assert compose_memory("1G") == "954m"
