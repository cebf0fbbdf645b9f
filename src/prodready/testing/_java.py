"""Java servers from the jar cache that ``scripts/install-test-deps`` fills from Maven Central."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from prodready.errors import ExternalToolError
from prodready.testing._base import INSTALL_HINT, cache_dir

__all__ = ["classpath", "java", "jvm_options"]


def java() -> str:
    """``$JAVA_HOME/bin/java`` if set, else ``java`` on PATH."""
    home = os.environ.get("JAVA_HOME")
    if home and os.access(Path(home) / "bin" / "java", os.X_OK):
        return str(Path(home) / "bin" / "java")
    found = shutil.which("java")
    if found is None:
        raise ExternalToolError(
            "java is not on PATH (needed for the Kafka, Neo4j and OpenSearch test servers)",
            expected="a Java 17 runtime",
            hint="install openjdk-17-jre-headless, or set JAVA_HOME",
        )
    return found


def classpath(server: str, *, launcher: bool = False) -> str:
    """The classpath of ``server``'s jars in the cache (plus its compiled launcher if asked)."""
    base = cache_dir() / server
    lib = base / "lib"
    if not any(lib.glob("*.jar")):
        raise ExternalToolError(
            f"the {server} jars are not in {lib}",
            expected="the jars fetched from Maven Central by scripts/install-test-deps",
            hint=INSTALL_HINT,
        )
    entries = [str(lib / "*")]
    if launcher:
        classes = base / "classes"
        if not classes.is_dir():
            raise ExternalToolError(
                f"the {server} launcher is not compiled in {classes}",
                expected="classes compiled by scripts/install-test-deps",
                hint=INSTALL_HINT,
            )
        entries.insert(0, str(classes))
    return os.pathsep.join(entries)


def jvm_options(heap: str = "512m") -> list[str]:
    """Small-machine JVM flags: a capped heap, one GC thread, a quick-starting JIT."""
    return [
        f"-Xmx{heap}",
        "-Xms64m",
        "-XX:+UseSerialGC",
        "-XX:TieredStopAtLevel=1",
        "-XX:+ExitOnOutOfMemoryError",
        "-Djava.awt.headless=true",
        "-Djava.net.preferIPv4Stack=true",
    ]
