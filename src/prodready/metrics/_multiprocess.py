"""prometheus_client's multiprocess mode for multi-worker servers, with dead workers compacted.

With ``uvicorn --workers 4`` or gunicorn, each worker writes its metrics to memory-mapped files in
``PROMETHEUS_MULTIPROC_DIR`` (``<type>_<pid>.db``) and a scrape merges them. Left alone, the
directory grows by one set of files per worker ever started (client_python#367: 6,800 files, a
40 s scrape). So before each scrape the files of workers that no longer exist are folded in:

- counters, histograms and summaries of dead workers are merged into one ``<type>_archive.db``
  per type, so totals never go backwards (a replaced worker's requests still count), and their
  own files are removed;
- "live" gauges of dead workers (requests in progress, open WebSockets) are removed, as
  prometheus_client's ``mark_process_dead`` does.

Compaction holds an exclusive ``flock`` on ``.prodready.lock`` in the directory and a scrape a
shared one, so a scrape never sees a dead worker's values twice. If a process is killed between
writing the archive and removing the merged files (a window of microseconds), those files are
counted twice until the counter is next reset.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from prometheus_client import values
from prometheus_client.mmap_dict import MmapedDict, mmap_key
from prometheus_client.multiprocess import MultiProcessCollector

from prodready.errors import SettingsError

__all__ = [
    "ENV_VAR",
    "compact_dead_workers",
    "enable_multiprocess",
    "multiprocess_dir",
    "scrape_lock",
]

ENV_VAR: Final = "PROMETHEUS_MULTIPROC_DIR"
_LOCK_NAME: Final = ".prodready.lock"
_MERGED_TYPES: Final = ("counter", "histogram", "summary")
_ARCHIVE: Final = "archive"


def multiprocess_dir() -> str | None:
    """The directory named by ``PROMETHEUS_MULTIPROC_DIR``, or None (single process)."""
    return os.environ.get(ENV_VAR) or None


def enable_multiprocess(path: str) -> None:
    """Check ``path`` and make sure metrics created from now on are written to it.

    prometheus_client decides between in-memory and file-backed values when it is first imported;
    if the variable was set later (loaded from a ``.env`` file, client_python#1015) the choice is
    redone, so metrics created after this call are shared across workers.
    """
    directory = Path(path)
    if not directory.is_dir() or not os.access(directory, os.W_OK):
        raise SettingsError(
            f"{ENV_VAR} names {path!r}, which is not a writable directory",
            location=ENV_VAR,
            expected="an existing directory the server's user can write (a tmpfs or emptyDir)",
            hint=f"create it before the server starts (mkdir -p {path}) or unset {ENV_VAR} "
            "for a single-process server",
        )
    os.environ[ENV_VAR] = path
    if not getattr(values.ValueClass, "_multiprocess", False):
        values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]


@contextlib.contextmanager
def scrape_lock(path: str, *, exclusive: bool = False) -> Iterator[None]:
    """Hold the directory's compaction lock (shared for a scrape, exclusive for compaction)."""
    fd = os.open(os.path.join(path, _LOCK_NAME), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _dead_files(path: str) -> dict[str, list[tuple[int, str]]]:
    """``{file prefix: [(pid, file)]}`` for the files of processes that are gone."""
    dead: dict[str, list[tuple[int, str]]] = {}
    own = os.getpid()
    for name in os.listdir(path):
        if not name.endswith(".db"):
            continue
        prefix, _, pid_text = name[:-3].rpartition("_")
        if not pid_text.isdigit():
            continue
        pid = int(pid_text)
        if pid != own and not _pid_alive(pid):
            dead.setdefault(prefix, []).append((pid, os.path.join(path, name)))
    return dead


def compact_dead_workers(path: str) -> int:
    """Fold the files of dead workers in ``path`` as described in the module doc; return how many.

    Safe to call from several workers at once (they serialise on the lock).
    """
    if not _dead_files(path):
        return 0
    removed = 0
    with scrape_lock(path, exclusive=True):
        dead = _dead_files(path)  # again, under the lock: another worker may have compacted
        for prefix, entries in dead.items():
            if prefix.startswith("gauge_live"):
                for _, file in entries:
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(file)
                        removed += 1
            elif prefix in _MERGED_TYPES:
                removed += _merge_into_archive(path, prefix, [f for _, f in entries])
    return removed


def _merge_into_archive(path: str, typ: str, files: list[str]) -> int:
    archive = os.path.join(path, f"{typ}_{_ARCHIVE}.db")
    sources = [archive, *files] if os.path.exists(archive) else list(files)
    merged = MultiProcessCollector.merge(sources, accumulate=False)  # type: ignore[no-untyped-call]
    tmp = os.path.join(path, f".{typ}_{_ARCHIVE}.tmp")
    with contextlib.suppress(FileNotFoundError):
        os.remove(tmp)
    target = MmapedDict(tmp)  # type: ignore[no-untyped-call]
    try:
        for metric in merged:
            for sample in metric.samples:
                key = mmap_key(
                    metric.name,
                    sample.name,
                    list(sample.labels),
                    list(sample.labels.values()),
                    metric.documentation,
                )
                target.write_value(key, sample.value, 0.0)  # type: ignore[no-untyped-call]
    finally:
        target.close()  # type: ignore[no-untyped-call]
    os.replace(tmp, archive)
    for file in files:
        with contextlib.suppress(FileNotFoundError):
            os.remove(file)
    return len(files)
