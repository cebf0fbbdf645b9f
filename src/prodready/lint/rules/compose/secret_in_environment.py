"""PR203: a literal secret in a compose environment."""

from __future__ import annotations

from collections.abc import Iterator

from prodready.lint._facts import credential_in_url, is_secret_name, looks_like_secret_value
from prodready.lint._model import Hit, Layer, Rule, Severity
from prodready.lint.loaders import Project


def _check(project: Project) -> Iterator[Hit]:
    for compose in project.compose_files:
        for service in compose.services.values():
            for name, env in service.env.items():
                if env.location.path != compose.path and not env.location.path.endswith(
                    (".yml", ".yaml")
                ):
                    continue  # env files are where secrets belong
                # Judge the file's own text: a ${REFERENCE} filled from .env is not a literal.
                written = env.as_written
                literal = is_secret_name(name) and looks_like_secret_value(written)
                if literal or credential_in_url(written):
                    yield Hit(
                        f"service '{service.name}': {name} is set to a literal secret", env.location
                    )


RULE = Rule(
    id="PR203",
    slug="compose-secret-in-environment",
    layer=Layer.COMPOSE,
    severity=Severity.WARNING,
    summary="A compose file writes a password, token or credential URL in plain text.",
    rationale=(
        "The compose file is committed and shared; the secret leaks with it and cannot be rotated "
        "per environment."
    ),
    fix=(
        "Reference it: 'DB_PASSWORD: ${DB_PASSWORD}' from an untracked .env, or use compose "
        "'secrets:'."
    ),
    check=_check,
)
