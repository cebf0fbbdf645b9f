"""Compose files: services with ``extends``, ``*.override.*`` files and ``env_file`` merged.

Every environment value keeps its own location (the compose line, or the env file line), so a
finding about ``DATABASE_URL`` points at the place that sets it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prodready.lint._model import Location
from prodready.lint.loaders._dockerfile import split_command
from prodready.lint.loaders._yaml import YamlError, YMap, as_list, load_all, loc

__all__ = ["ComposeFile", "ComposeService", "EnvValue", "load_compose", "read_env_file"]

_INTERP = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)


@dataclass(frozen=True)
class EnvValue:
    """An environment value (interpolated when possible) and where it is set.

    ``written`` is the value as it stands in the file, before ``.env`` interpolation: a secret
    reference (``${DB_PASSWORD}``) filled from the untracked ``.env`` is not a literal in the file.
    """

    value: str
    location: Location
    written: str | None = None

    @property
    def as_written(self) -> str:
        return self.value if self.written is None else self.written

    @property
    def resolved(self) -> bool:
        return "$" not in self.value


@dataclass
class ComposeService:
    """One service after merging; ``node`` is its own YAML mapping (for locations)."""

    name: str
    node: YMap
    config: dict[str, Any]
    env: dict[str, EnvValue] = field(default_factory=dict)
    dockerfile: Path | None = None

    def command(self) -> list[str] | None:
        """``command`` as argv (string form split like a shell); ``None`` when unset or odd."""
        raw = self.config.get("command")
        if isinstance(raw, str):
            return split_command(raw)
        if isinstance(raw, list):
            return [str(c) for c in raw]
        return None

    @property
    def image(self) -> str | None:
        value = self.config.get("image")
        return str(value) if value is not None else None

    def depends_on(self) -> dict[str, tuple[str | None, Location]]:
        """``{service: (condition or None, location)}`` for both list and mapping forms."""
        raw = self.config.get("depends_on")
        result: dict[str, tuple[str | None, Location]] = {}
        if isinstance(raw, list):
            for i, name in enumerate(raw):
                result[str(name)] = (None, loc(raw, i, path=self.node.path))
        elif isinstance(raw, dict):
            for name, spec in raw.items():
                cond = spec.get("condition") if isinstance(spec, dict) else None
                result[str(name)] = (
                    str(cond) if cond else None,
                    loc(raw, name, path=self.node.path),
                )
        return result


@dataclass
class ComposeFile:
    path: str
    services: dict[str, ComposeService]
    merged_files: list[str]


def read_env_file(path: Path, shown: str) -> dict[str, EnvValue]:
    """``KEY=VALUE`` lines (``export`` and quotes allowed); unreadable files give ``{}``."""
    result: dict[str, EnvValue] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return result
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        result[key.strip()] = EnvValue(value, Location(shown, number))
    return result


def interpolate(text: str, env: dict[str, EnvValue]) -> str:
    """Compose ``${VAR}``, ``${VAR:-default}`` and ``${VAR-default}`` using the project .env."""

    def repl(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        op, default = match.group(2), match.group(3)
        if name in env and (env[name].value or op != ":-"):
            return env[name].value
        if op in (":-", "-"):
            return default or ""
        return match.group(0)

    return _INTERP.sub(repl, text)


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged: dict[Any, Any] = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(override, list):
        return base + [v for v in override if v not in base]
    return override


def _env_of(
    service: YMap | dict[str, Any], path: str, dotenv: dict[str, EnvValue]
) -> dict[str, EnvValue]:
    env: dict[str, EnvValue] = {}
    raw = service.get("environment")
    if isinstance(raw, dict):
        for key, value in raw.items():
            text = "" if value is None else str(value)
            env[str(key)] = EnvValue(
                interpolate(text, dotenv), loc(raw, key, path=path), written=text
            )
    elif isinstance(raw, list):
        for i, item in enumerate(raw):
            key, _, value = str(item).partition("=")
            env[key] = EnvValue(interpolate(value, dotenv), loc(raw, i, path=path), written=value)
    return env


class _Loader:
    def __init__(self, shown: dict[Path, str], resolve: Callable[[Path], Path]) -> None:
        self.shown = shown
        self.resolve = resolve
        self.docs: dict[Path, YMap] = {}

    def name(self, path: Path) -> str:
        return self.shown.get(path, str(path))

    def doc(self, path: Path) -> YMap:
        path = self.resolve(path)
        if path not in self.docs:
            text = path.read_text(encoding="utf-8", errors="replace")
            docs = list(load_all(text, self.name(path)))
            first = docs[0] if docs else None
            if first is None:
                first = YMap()
                first.path, first.line, first.end_line, first.key_lines = self.name(path), 1, 1, {}
            if not isinstance(first, YMap):
                raise YamlError("a compose file must be a mapping with a 'services' key", 1)
            self.docs[path] = first
        return self.docs[path]

    def service(self, path: Path, name: str, seen: frozenset[tuple[Path, str]]) -> dict[str, Any]:
        services = self.doc(path).get("services")
        node = services.get(name) if isinstance(services, dict) else None
        if not isinstance(node, dict):
            return {}
        ext = node.get("extends")
        if not isinstance(ext, dict | str) or (path, name) in seen:
            return dict(node)
        base_name = ext if isinstance(ext, str) else str(ext.get("service", ""))
        base_path = path
        if isinstance(ext, dict) and ext.get("file"):
            base_path = self.resolve(path.parent / str(ext["file"]))
        try:
            base = self.service(base_path, base_name, seen | {(path, name)})
        except (OSError, YamlError):
            base = {}
        own = {k: v for k, v in node.items() if k != "extends"}
        return dict(_merge(base, own))

    def service_env(
        self, path: Path, name: str, dotenv: dict[str, EnvValue], seen: frozenset[tuple[Path, str]]
    ) -> dict[str, EnvValue]:
        """``environment`` through the ``extends`` chain, each value located where it is set."""
        services = self.doc(path).get("services")
        node = services.get(name) if isinstance(services, dict) else None
        if not isinstance(node, dict):
            return {}
        env: dict[str, EnvValue] = {}
        ext = node.get("extends")
        if isinstance(ext, dict | str) and (path, name) not in seen:
            base_name = ext if isinstance(ext, str) else str(ext.get("service", ""))
            base_path = path
            if isinstance(ext, dict) and ext.get("file"):
                base_path = self.resolve(path.parent / str(ext["file"]))
            with contextlib.suppress(OSError, YamlError):
                env.update(self.service_env(base_path, base_name, dotenv, seen | {(path, name)}))
        env.update(_env_of(node, self.name(path), dotenv))
        return env


def override_for(path: Path) -> Path | None:
    """``compose.override.yaml`` (or ``docker-compose.override.yml``…) next to ``path``."""
    stem = path.name.split(".")[0]
    for suffix in (".yaml", ".yml"):
        candidate = path.with_name(f"{stem}.override{suffix}")
        if candidate.exists():
            return candidate
    return None


def load_compose(
    path: Path, shown: dict[Path, str], resolve: Callable[[Path], Path] = Path.resolve
) -> ComposeFile:
    """Load ``path`` and merge its override file; raises :class:`YamlError` or ``OSError``.

    ``resolve`` is ``Path.resolve`` or a caller's cache of it (the loader resolves the same
    paths once per service otherwise)."""
    loader = _Loader(shown, resolve)
    doc = loader.doc(path)
    override = override_for(path)
    real = resolve(path)
    merged_files = [loader.name(real)]
    dotenv = read_env_file(path.parent / ".env", loader.name(resolve(path.parent / ".env")))
    services_node = doc.get("services")
    if services_node is not None and not isinstance(services_node, YMap):
        raise YamlError("'services' must be a mapping of service names", doc.line_of("services"))
    names: list[str] = [str(n) for n in (services_node or {})]
    override_doc: YMap | None = None
    if override is not None:
        try:
            override_doc = loader.doc(override)
            merged_files.append(loader.name(resolve(override)))
        except (OSError, YamlError):
            override_doc = None
        extra = override_doc.get("services") if override_doc else None
        if isinstance(extra, dict):
            names += [str(n) for n in extra if str(n) not in names]
    services: dict[str, ComposeService] = {}
    for name in names:
        config = loader.service(real, name, frozenset())
        node = services_node.get(name) if isinstance(services_node, YMap) else None
        env: dict[str, EnvValue] = {}
        env_files = config.get("env_file")
        for item in [env_files] if isinstance(env_files, str | dict) else as_list(env_files):
            file = item.get("path") if isinstance(item, dict) else item
            if file:
                target = resolve(path.parent / str(file))
                env.update(read_env_file(target, loader.name(target)))
        env.update(loader.service_env(real, name, dotenv, frozenset()))
        if override_doc is not None:
            extra = override_doc.get("services")
            over = extra.get(name) if isinstance(extra, dict) else None
            if isinstance(over, dict):
                config = dict(_merge(config, dict(over)))
                env.update(
                    _env_of(over, loader.name(resolve(override)) if override else "", dotenv)
                )
                if node is None and isinstance(over, YMap):
                    node = over
        if not isinstance(node, YMap):
            node = YMap()
            node.path, node.line, node.end_line, node.key_lines = doc.path, 1, 1, {}
        service = ComposeService(name, node, config, env)
        build = config.get("build")
        if isinstance(build, str | dict):
            context = build if isinstance(build, str) else build.get("context", ".")
            dockerfile = (
                "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            )
            if isinstance(context, str) and "://" not in context and isinstance(dockerfile, str):
                service.dockerfile = resolve(path.parent / context / dockerfile)
        services[name] = service
    return ComposeFile(loader.name(real), services, merged_files)
