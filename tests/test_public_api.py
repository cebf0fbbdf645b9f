from __future__ import annotations

import subprocess
import sys

import prodready

DRIVERS = ("asyncpg", "psycopg", "redis", "aiokafka", "aio_pika", "pymongo", "neo4j", "celery")


def test_all_is_sorted_and_resolvable() -> None:
    assert prodready.__all__ == sorted(prodready.__all__)
    for name in prodready.__all__:
        assert getattr(prodready, name) is not None


def test_import_prodready_imports_no_driver() -> None:
    code = (
        "import sys, prodready, prodready.health\n"
        f"loaded = [d for d in {DRIVERS!r} if d in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


def test_public_api_is_pinned() -> None:
    """Adding or removing a public name is a deliberate API change: update this list with it."""
    assert prodready.__all__ == [
        "Instrumented",
        "ProdreadyError",
        "ServiceSettings",
        "ServiceSpec",
        "__version__",
        "instrument",
    ]
