"""The build context as the image sees it: the project minus what ``.dockerignore`` excludes.

``up`` and ``verify`` run the service from a root-owned, read-only-to-the-app copy of it, so a
local ``.env`` (compose's secrets, never in the image), a stray virtualenv or a writable source
tree cannot make a service pass here that would fail in its container.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
from pathlib import Path

__all__ = ["copy_build_context", "dockerignore_patterns", "is_ignored"]

# Never part of a build context, whatever .dockerignore says: VCS data and local secrets.
_ALWAYS_IGNORED = (".git", ".env", ".venv")


def dockerignore_patterns(project: Path) -> list[tuple[str, bool]]:
    """``.dockerignore`` as ``(pattern, negated)`` pairs, comments and blanks dropped."""
    path = project / ".dockerignore"
    patterns = [(name, False) for name in _ALWAYS_IGNORED]
    if not path.is_file():
        return patterns
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:] if negated else line
        pattern = pattern.strip().lstrip("/").rstrip("/")
        if pattern:
            patterns.append((pattern, negated))
    return patterns


def _matches(pattern: str, relative: str) -> bool:
    if pattern.startswith("**/"):
        tail = pattern[3:]
        parts = relative.split("/")
        return any(fnmatch.fnmatchcase("/".join(parts[i:]), tail) for i in range(len(parts)))
    return fnmatch.fnmatchcase(relative, pattern)


def is_ignored(relative: str, patterns: list[tuple[str, bool]]) -> bool:
    """Docker's rule: the last matching pattern wins; a match on a parent dir excludes it all."""
    parts = relative.split("/")
    ignored = False
    for pattern, negated in patterns:
        for depth in range(1, len(parts) + 1):
            if _matches(pattern, "/".join(parts[:depth])):
                ignored = not negated
                break
    return ignored


def copy_build_context(project: Path, destination: Path) -> Path:
    """Copy ``project`` to ``destination`` honouring ``.dockerignore``; the copy's path.

    Files keep their modes but are readable by everyone and writable by the owner (root) only,
    as ``COPY`` leaves them in the image.
    """
    patterns = dockerignore_patterns(project)
    for dirpath, dirnames, filenames in os.walk(project):
        rel_dir = os.path.relpath(dirpath, project)
        rel_dir = "" if rel_dir == "." else rel_dir
        dirnames[:] = [
            d for d in dirnames if not is_ignored(os.path.join(rel_dir, d).lstrip("/"), patterns)
        ]
        target_dir = destination / rel_dir
        target_dir.mkdir(parents=True, exist_ok=True)
        os.chmod(target_dir, 0o755)  # noqa: S103 - the image's source tree is world-readable
        for name in filenames:
            relative = os.path.join(rel_dir, name).lstrip("/")
            if is_ignored(relative, patterns):
                continue
            target = target_dir / name
            shutil.copy2(Path(dirpath) / name, target)
            os.chmod(target, (os.stat(target).st_mode & 0o111) | 0o644)
    return destination
