"""Helpers every target uses: YAML dumping and logic-free Jinja2 templates.

Templates live in ``prodready/generate/templates/``; they may loop over prepared lists but hold no
conditionals or computation — the target prepares every value in Python. Undefined variables are
errors (StrictUndefined), so a renamed field fails loudly instead of rendering an empty string.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2
import yaml

__all__ = ["dump_yaml", "render_template"]


class _Dumper(yaml.SafeDumper):
    """Safe YAML with block style; multi-line strings as literal blocks; no anchors/aliases
    (a shared dict is written out in full, so every block reads on its own)."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


class _IndentedDumper(_Dumper):
    """The same, with sequences indented under their key (the style of Prometheus, Grafana and
    GitHub Actions documentation, which those files are read next to)."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, indentless=False)


def dump_yaml(data: Any, *, indent_sequences: bool = False) -> str:
    """Dump ``data`` as YAML, keeping key order (build dicts in the order you want to read).

    Sequences sit flush under their key, as ``kubectl`` and ``docker compose config`` print them,
    unless ``indent_sequences``.
    """
    return yaml.dump(
        data,
        Dumper=_IndentedDumper if indent_sequences else _Dumper,
        sort_keys=False,
        default_flow_style=False,
        width=4096,
        indent=2,
    )


@functools.cache
def _environment() -> jinja2.Environment:
    """One read-only template environment per process, built on first use."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("prodready.generate", "templates"),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html", "xml")),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, /, **context: Any) -> str:
    """Render ``templates/<name>`` with ``context``; a missing variable raises."""
    return _environment().get_template(name).render(**context)
