"""Dump generated documents (plain dicts) to YAML: block style, insertion order, long lines kept."""

from __future__ import annotations

from typing import Any

import yaml

Document = dict[str, Any]


class _Dumper(yaml.SafeDumper):
    """SafeDumper that indents sequences under their key and never emits aliases."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, indentless=False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Multi-line strings (PromQL, shell steps) read best as literal blocks.
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump(document: Document) -> str:
    """One YAML document; insertion order is kept so files read top-down like hand-written ones."""
    return yaml.dump(
        document, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=4096
    )


def dump_all(documents: list[Document]) -> str:
    """Several documents separated by ``---``."""
    return "---\n".join(dump(document) for document in documents)
