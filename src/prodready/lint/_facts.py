"""Facts derived from commands, env values and images, shared by several rules.

Pure functions, tested on their own: which server a start command runs and where it binds, whether
it reloads or runs migrations, which host an environment value names, whether a name looks like a
secret, whether an image can be expected to contain curl.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from prodready.lint.loaders._dockerfile import split_command

__all__ = [
    "ServerCommand",
    "hosts_in_env",
    "image_tag_problem",
    "is_secret_name",
    "looks_like_secret_value",
    "migration_command",
    "segments",
    "server_command",
]

_SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PWD$|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH_KEY)",
    re.IGNORECASE,
)
_NOT_SECRET_SUFFIX = re.compile(
    r"(_FILE|_PATH|_DIR|_NAME|_USER|_USERNAME|_ID|_ENABLED|_URL_PATH)$", re.I
)
_CREDENTIAL_URL = re.compile(r"^[a-z][a-z0-9+.-]*://[^/\s:@]*:([^/\s@]+)@", re.IGNORECASE)
_HOST_NAME = re.compile(
    r"(_HOST|_HOSTNAME|_ADDR|_ADDRESS|_SERVER|_SERVERS|_BROKERS?|_BOOTSTRAP_SERVERS|_ENDPOINT|_URL|_URI|_DSN)$",
    re.IGNORECASE,
)
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_SHELLS = {"sh", "bash", "/bin/sh", "/bin/bash", "/usr/bin/env", "ash", "/bin/ash", "dash"}
_SEPARATORS = {"&&", "||", ";", "|", "&"}


def is_secret_name(name: str) -> bool:
    """``DB_PASSWORD`` yes; ``DB_PASSWORD_FILE``, ``TOKEN_URL_PATH`` no."""
    return bool(_SECRET_NAME.search(name)) and not _NOT_SECRET_SUFFIX.search(name)


def looks_like_secret_value(value: str) -> bool:
    """A literal value: non-empty, no interpolation, not a placeholder or a boolean."""
    v = value.strip()
    if not v or "$" in v or v.startswith("/") or v.lower() in {"true", "false", "none", "null"}:
        return False
    return not (v.startswith("<") and v.endswith(">"))


def credential_in_url(value: str) -> bool:
    """``postgres://user:pass@db/x`` carries a literal password."""
    match = _CREDENTIAL_URL.match(value.strip())
    return match is not None and "$" not in match.group(1)


def image_tag_problem(image: str) -> str | None:
    """Why ``image`` is not pinned (``None`` when it has a tag other than latest or a digest)."""
    if not image or "$" in image or image == "scratch" or "@sha256:" in image:
        return None
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return f"image '{image}' has no tag, so it means ':latest'"
    if last.rsplit(":", 1)[1] == "latest":
        return f"image '{image}' uses the ':latest' tag"
    return None


def segments(argv: list[str]) -> list[list[str]]:
    """Split a command into simple commands: ``sh -c 'a && b'`` → ``[[a…], [b…]]``."""
    words = list(argv)
    while words and words[0] in _SHELLS:
        if len(words) >= 3 and words[1].startswith("-") and "c" in words[1]:
            words = split_command(" ".join(words[2:]))
        else:
            words = words[1:]
    result: list[list[str]] = [[]]
    for word in words:
        if word in _SEPARATORS:
            result.append([])
        elif word.endswith(";") and len(word) > 1:
            result[-1].append(word[:-1])
            result.append([])
        else:
            result[-1].append(word)
    return [s for s in result if s]


@dataclass(frozen=True)
class ServerCommand:
    """What a start command says about the HTTP server it runs."""

    server: str
    host: str
    host_explicit: bool
    port: int | None
    reload: bool
    graceful_timeout_s: float | None
    index: int  # position of the server word in the argv, for messages


def _option(words: list[str], *names: str) -> str | None:
    for i, word in enumerate(words):
        for name in names:
            if word == name and i + 1 < len(words):
                return words[i + 1]
            if name.startswith("--") and word.startswith(name + "="):
                return word.split("=", 1)[1]
            if not name.startswith("--") and word.startswith(name) and len(word) > len(name):
                return word[len(name) :]
    return None


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isdigit() else None


def _split_bind(bind: str) -> tuple[str, int | None]:
    if bind.startswith("unix:"):
        return bind, None
    host, sep, port = bind.rpartition(":")
    if not sep:
        return bind, None
    return host.strip("[]"), _int(port)


def server_command(argv: list[str], env: dict[str, str] | None = None) -> ServerCommand | None:
    """The Python web server run by ``argv`` (uvicorn, gunicorn, hypercorn, flask, Django)."""
    env = env or {}
    for words in segments(argv):
        names = [w.rsplit("/", 1)[-1] for w in words]
        for i, name in enumerate(names):
            rest = words[i + 1 :]
            module = (
                rest[1]
                if name.startswith("python") and rest[:1] == ["-m"] and len(rest) > 1
                else None
            )
            kind = module or name
            if kind in {"uvicorn", "hypercorn"} and (
                module or i == 0 or names[i - 1] in {"exec", "poetry", "run", "pipenv"}
            ):
                args = rest[2:] if module else rest
                if kind == "uvicorn":
                    host = _option(args, "--host")
                    port = _int(_option(args, "--port"))
                    explicit = host is not None or "UVICORN_HOST" in env
                    host = host or env.get("UVICORN_HOST", "127.0.0.1")
                    if port is None:
                        port = _int(env.get("UVICORN_PORT")) or 8000
                    graceful = _option(args, "--timeout-graceful-shutdown")
                else:
                    bind = _option(args, "--bind", "-b")
                    host, port = _split_bind(bind) if bind else ("127.0.0.1", 8000)
                    explicit = bind is not None or _option(args, "--config", "-c") is not None
                    graceful = _option(args, "--graceful-timeout")
                return ServerCommand(
                    kind,
                    host,
                    explicit,
                    port,
                    "--reload" in args,
                    float(graceful) if graceful and graceful.replace(".", "").isdigit() else None,
                    i,
                )
            if kind == "gunicorn" and (module or i == 0 or names[i - 1] in {"exec", "run"}):
                args = rest[2:] if module else rest
                bind = _option(args, "--bind", "-b")
                config = _option(args, "--config", "-c")
                cmd_args = env.get("GUNICORN_CMD_ARGS", "")
                if (bind is None and "--bind" in cmd_args) or "-b" in cmd_args.split():
                    bind = _option(split_command(cmd_args), "--bind", "-b")
                host, port = _split_bind(bind) if bind else ("127.0.0.1", 8000)
                explicit = bind is not None or config is not None or "PORT" in env
                graceful = _option(args, "--graceful-timeout")
                return ServerCommand(
                    "gunicorn",
                    host,
                    explicit,
                    port,
                    "--reload" in args,
                    float(graceful) if graceful and graceful.isdigit() else 30.0,
                    i,
                )
            if kind == "flask" and "run" in rest:
                args = rest[rest.index("run") + 1 :]
                host = _option(args, "--host", "-h")
                explicit = host is not None or "FLASK_RUN_HOST" in env
                host = host or env.get("FLASK_RUN_HOST", "127.0.0.1")
                port = (
                    _int(_option(args, "--port", "-p")) or _int(env.get("FLASK_RUN_PORT")) or 5000
                )
                reload = "--reload" in args or "--debug" in rest or env.get("FLASK_DEBUG") == "1"
                return ServerCommand("flask run", host, explicit, port, reload, None, i)
            if name.endswith("manage.py") and rest[:1] == ["runserver"]:
                addr = rest[1] if len(rest) > 1 and not rest[1].startswith("-") else None
                if addr is None:
                    host, port = "127.0.0.1", 8000
                elif ":" in addr:
                    host, port = _split_bind(addr)
                else:
                    host, port = ("127.0.0.1", _int(addr)) if addr.isdigit() else (addr, 8000)
                return ServerCommand(
                    "manage.py runserver",
                    host,
                    addr is not None,
                    port,
                    "--noreload" not in rest,
                    None,
                    i,
                )
    return None


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_MIGRATIONS = (
    ("alembic", "upgrade"),
    ("manage.py", "migrate"),
    ("flask", "db"),
    ("aerich", "upgrade"),
    ("yoyo", "apply"),
)


def migration_command(argv: list[str]) -> str | None:
    """The migration step inside a start command (``alembic upgrade head``…), if any."""
    for words in segments(argv):
        names = [w.rsplit("/", 1)[-1] for w in words]
        for tool, verb in _MIGRATIONS:
            if tool in names:
                after = names[names.index(tool) + 1 :]
                if verb in after and (tool != "flask" or "upgrade" in after):
                    return " ".join(words)
    return None


def _host_of(part: str) -> str | None:
    part = part.strip()
    if not part or "$" in part or "{" in part:
        return None
    if "://" in part:
        try:
            host = urlsplit(part).hostname
        except ValueError:
            return None
    else:
        host = part.split("/", 1)[0].rsplit("@", 1)[-1]
        host = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return host.lower() if host else None


def hosts_in_env(name: str, value: str) -> list[str]:
    """In-cluster host names an env value points at: ``redis``, or ``redis.cache`` (service and
    namespace) for ``redis.cache.svc.cluster.local``; never IPs, ``localhost`` or external names."""
    if "$" in value:
        return []
    if "://" not in value and not _HOST_NAME.search(name):
        return []
    if "://" not in value and name.upper().endswith(("_URL", "_URI", "_DSN")):
        return []
    hosts = []
    for part in value.split(","):
        host = _host_of(part)
        if host is None or host in _NOT_HOSTS:
            continue
        try:
            ipaddress.ip_address(host)
            continue
        except ValueError:
            pass
        labels = host.split(".")
        if host.endswith((".svc.cluster.local", ".svc")) and len(labels) >= 3:
            hosts.append(f"{labels[0]}.{labels[1]}")  # service.namespace
        elif len(labels) == 1 and _LABEL.match(host):
            hosts.append(host)
    return hosts


_NOT_HOSTS = frozenset(
    {
        "localhost",
        "0.0.0.0",
        "host.docker.internal",
        "true",
        "false",
        "yes",
        "no",
        "on",
        "off",
        "none",
        "null",
        "disabled",
        "enabled",
    }
)
_CURL_FREE = ("-slim", "alpine", "distroless", "scratch", "busybox", "chainguard", "-minimal")


def lacks_tool(base_image: str, tool: str, run_text: str) -> bool:
    """Whether an image from ``base_image`` whose RUN steps are ``run_text`` surely lacks ``tool``.

    Slim, alpine, distroless and scratch bases ship no curl (alpine's busybox has wget); a RUN
    that installs the tool (apt-get/apk/dnf/yum/microdnf … ``tool``) makes it present.
    """
    name = base_image.lower()
    if not any(marker in name for marker in _CURL_FREE):
        return False
    if tool == "wget" and "alpine" in name and "distroless" not in name:
        return False
    return re.search(rf"\b(install|add)\b[^\n&;|]*\b{tool}\b", run_text) is None
