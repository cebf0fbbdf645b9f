"""The service spec: the model every face reads, its loader and project detection.

Load it with :func:`load_spec` (a project directory or a spec file); the result is a frozen
:class:`ServiceSpec`. Errors are :class:`prodready.errors.SpecError` naming file, field and fix.
"""

from __future__ import annotations

from prodready.spec._detect import (
    DEPENDENCY_SERVICES,
    Detection,
    Finding,
    detect_project,
    locate_app,
    spec_to_table,
)
from prodready.spec._load import SPEC_FILES, find_spec_file, load_spec, parse_spec
from prodready.spec._model import (
    CACHE_DIR,
    KINDS,
    Autoscaling,
    BackingService,
    Build,
    BuildFile,
    Environment,
    Ingress,
    Kind,
    Probes,
    Process,
    Resources,
    Server,
    ServiceSpec,
    Volume,
)
from prodready.spec._quantity import compose_cpus, compose_memory, cpu_millis, memory_bytes

__all__ = [
    "CACHE_DIR",
    "DEPENDENCY_SERVICES",
    "KINDS",
    "SPEC_FILES",
    "Autoscaling",
    "BackingService",
    "Build",
    "BuildFile",
    "Detection",
    "Environment",
    "Finding",
    "Ingress",
    "Kind",
    "Probes",
    "Process",
    "Resources",
    "Server",
    "ServiceSpec",
    "Volume",
    "compose_cpus",
    "compose_memory",
    "cpu_millis",
    "detect_project",
    "find_spec_file",
    "load_spec",
    "locate_app",
    "memory_bytes",
    "parse_spec",
    "spec_to_table",
]
