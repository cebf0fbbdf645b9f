"""A Dockerfile parser that keeps the line of every instruction.

It understands line continuations, comments, parser directives, heredocs (``RUN <<EOF``), the JSON
(exec) and shell forms, build stages with ``AS`` aliases and ``ARG`` defaults used in ``FROM``. It
never raises on odd input: an instruction it cannot make sense of is kept verbatim.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field

__all__ = ["Dockerfile", "Instruction", "Stage", "parse_dockerfile", "split_command"]

_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")
_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


@dataclass
class Instruction:
    """One instruction: upper-case ``keyword``, raw ``args`` text, ``exec_form`` when JSON."""

    keyword: str
    args: str
    line: int
    exec_form: list[str] | None = None

    @property
    def argv(self) -> list[str]:
        """The command as argv: the JSON list, or the shell text split like a shell would."""
        if self.exec_form is not None:
            return self.exec_form
        return split_command(self.args)


@dataclass
class Stage:
    """A build stage: its ``FROM`` image (ARG-substituted), alias and instructions."""

    index: int
    image: str
    alias: str | None
    line: int
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction | None:
        found = self.all(keyword)
        return found[-1] if found else None


@dataclass
class Dockerfile:
    """A parsed Dockerfile; ``stages[-1]`` is the image that ships."""

    path: str
    stages: list[Stage]
    global_args: dict[str, str]

    @property
    def final(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def chain(self, stage: Stage) -> list[Stage]:
        """``stage`` and the stages it is built ``FROM``, nearest first."""
        result = [stage]
        seen = {stage.index}
        current = stage
        while True:
            parent = next(
                (s for s in self.stages if s.alias and s.alias == current.image.lower()), None
            )
            if parent is None or parent.index in seen:
                return result
            result.append(parent)
            seen.add(parent.index)
            current = parent

    def base_image(self, stage: Stage) -> str:
        """The external image at the root of ``stage``'s chain."""
        return self.chain(stage)[-1].image

    def env(self, stage: Stage) -> dict[str, str]:
        """ENV values visible in ``stage`` (inherited through ``FROM <stage>``)."""
        values: dict[str, str] = {}
        for s in reversed(self.chain(stage)):
            for ins in s.all("ENV"):
                values.update(parse_key_values(ins.args))
        return values

    def user(self, stage: Stage) -> Instruction | None:
        """The USER in effect at the end of ``stage``, if any."""
        for s in self.chain(stage):
            found = s.last("USER")
            if found is not None:
                return found
        return None

    def command(self, stage: Stage) -> tuple[list[str], int]:
        """ENTRYPOINT + CMD of ``stage`` as argv, and the line of the last of them (0 if none)."""
        entry: Instruction | None = None
        cmd: Instruction | None = None
        for s in reversed(self.chain(stage)):
            entry = s.last("ENTRYPOINT") or entry
            cmd = s.last("CMD") or cmd
        argv = (entry.argv if entry else []) + (cmd.argv if cmd else [])
        line = max(entry.line if entry else 0, cmd.line if cmd else 0)
        return argv, line

    def run_text(self, stage: Stage) -> str:
        """All RUN commands of ``stage``'s chain, joined (to look for package installs)."""
        return "\n".join(i.args for s in self.chain(stage) for i in s.all("RUN"))


def split_command(text: str) -> list[str]:
    """Split shell text into words; falls back to whitespace on unbalanced quotes."""
    try:
        return shlex.split(text, comments=False)
    except ValueError:
        return text.split()


def parse_key_values(text: str) -> dict[str, str]:
    """``ENV``/``LABEL`` arguments: ``K=V K2="a b"`` or the legacy ``K value with spaces``."""
    words = split_command(text)
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    result: dict[str, str] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if sep:
            result[key] = value
    return result


def substitute(text: str, values: dict[str, str]) -> str:
    """Expand ``$VAR``/``${VAR}``/``${VAR:-default}`` from ``values``; unknown ones stay."""

    def repl(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in values and values[name] != "":
            return values[name]
        if match.group(2) is not None:
            return match.group(2)
        return match.group(0)

    return _VAR.sub(repl, text)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    lines = text.splitlines()
    result: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i + 1
        parts: list[str] = []
        current = raw
        while True:
            body = current.rstrip()
            if body.endswith("\\"):
                parts.append(body[:-1])
                i += 1
                while i < len(lines) and lines[i].strip().startswith("#"):
                    i += 1
                if i >= len(lines):
                    break
                current = lines[i]
                continue
            parts.append(body)
            break
        i += 1
        joined = " ".join(p.strip() for p in parts)
        marker = _HEREDOC.search(joined)
        if marker and joined.split(None, 1)[0].upper() in {"RUN", "COPY", "ADD"}:
            end = marker.group(1)
            body_lines: list[str] = []
            while i < len(lines) and lines[i].strip() != end:
                body_lines.append(lines[i])
                i += 1
            i += 1
            joined = joined + "\n" + "\n".join(body_lines)
        result.append((start, joined))
    return result


def parse_dockerfile(text: str, path: str) -> Dockerfile:
    """Parse ``text``; instructions before the first FROM (ARG) become ``global_args``."""
    stages: list[Stage] = []
    global_args: dict[str, str] = {}
    for line, logical in _logical_lines(text):
        keyword, _, args = logical.partition(" ")
        keyword = keyword.upper()
        args = args.strip()
        exec_form: list[str] | None = None
        if args.startswith("[") and keyword in {"CMD", "ENTRYPOINT", "RUN", "SHELL", "HEALTHCHECK"}:
            try:
                parsed = json.loads(args)
            except ValueError:
                parsed = None
            if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed):
                exec_form = parsed
        if keyword == "FROM":
            words = [w for w in args.split() if not w.startswith("--")]
            image = substitute(words[0], global_args) if words else ""
            alias = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(len(stages), image, alias, line))
            continue
        if not stages:
            if keyword == "ARG":
                name, _, default = args.partition("=")
                global_args[name.strip()] = default.strip().strip("\"'")
            continue
        stages[-1].instructions.append(Instruction(keyword, args, line, exec_form))
    return Dockerfile(path, stages, global_args)
