"""PR109: the image's user has no home directory and HOME is not set."""

from __future__ import annotations

import re
from collections.abc import Iterator

from prodready.lint._model import Hit, Layer, Location, Rule, Severity
from prodready.lint.loaders import Project
from prodready.lint.loaders._dockerfile import split_command

_CREATE = re.compile(r"\b(useradd|adduser)\b([^\n&;|]*)")


def _homeless(tool: str, words: list[str]) -> bool:
    """Whether this useradd/adduser call leaves the user without a home directory."""
    if tool == "useradd":  # Debian's useradd creates no home unless asked
        return not ({"-m", "--create-home"} & set(words)) or "-M" in words
    return bool({"--no-create-home", "-H", "--system", "-S"} & set(words))


def _check(project: Project) -> Iterator[Hit]:
    for dockerfile in project.dockerfiles:
        stage = dockerfile.final
        user = dockerfile.user(stage) if stage is not None else None
        if stage is None or user is None or "HOME" in dockerfile.env(stage):
            continue
        name = user.args.strip().split(":")[0]
        for match in _CREATE.finditer(dockerfile.run_text(stage)):
            words = split_command(match.group(2))
            if not words or words[-1] != name:
                continue
            if _homeless(match.group(1), words):
                yield Hit(
                    f"USER {name} is created without a home directory and HOME is not set: "
                    "tools that write ~/.cache or ~/.config fail at run time",
                    Location(dockerfile.path, user.line),
                )


RULE = Rule(
    id="PR109",
    slug="user-without-home",
    layer=Layer.DOCKERFILE,
    severity=Severity.WARNING,
    summary="The final USER was created without a home directory and no ENV HOME is set.",
    rationale=(
        "HOME points at a directory that does not exist (or at /): pip, Hugging Face, matplotlib "
        "and Whisper caches fail with permission errors only once the container runs."
    ),
    fix=(
        "Create the user with a home ('useradd -m -u 10001 app') or set 'ENV HOME=/home/app' "
        "and XDG_CACHE_HOME to a directory the user owns."
    ),
    check=_check,
)
