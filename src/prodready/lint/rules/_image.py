"""What the linked Dockerfile says about the image's user (for the identity rules)."""

from __future__ import annotations

import re

from prodready.lint.loaders import Dockerfile

_UID = re.compile(
    r"(?:useradd|adduser)\b[^\n&;|]*?(?:-u|--uid)[ =]?(\d+)"
    r"[^\n&;|]*?\s([a-z_][\w-]*)\s*(?:$|[&;|\n])"
)


def image_user(dockerfile: Dockerfile) -> tuple[str, int | None, int] | None:
    """``(user as written, numeric UID if known, line)`` of the final USER, or ``None``."""
    if dockerfile.final is None:
        return None
    user = dockerfile.user(dockerfile.final)
    if user is None:
        return None
    name = user.args.strip().split(":")[0]
    if name.isdigit():
        return user.args.strip(), int(name), user.line
    for match in _UID.finditer(dockerfile.run_text(dockerfile.final)):
        if match.group(2) == name:
            return user.args.strip(), int(match.group(1)), user.line
    return user.args.strip(), None, user.line
