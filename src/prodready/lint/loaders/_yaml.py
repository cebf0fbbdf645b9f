"""YAML that remembers where every value came from.

Mappings load as :class:`YMap` and sequences as :class:`YList`: plain ``dict``/``list`` subclasses
that also carry the file, the node's first and last line, and the line of every key or item, so a
rule can point at ``spec.template.spec.containers[0].image`` precisely. Parsing uses libyaml when
available (the C parser), which keeps a whole-corpus run fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from prodready.lint._model import Location

__all__ = ["YList", "YMap", "YamlError", "as_dict", "as_list", "load_all", "loc"]

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(Exception):
    """A YAML document could not be parsed; carries the 1-based line."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class YMap(dict[Any, Any]):
    """A mapping with ``path``, ``line``, ``end_line`` and ``key_lines``."""

    path: str = ""
    line: int = 0
    end_line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """Line of ``key`` in this mapping, or the mapping's own line when absent."""
        return self.key_lines.get(key, self.line)


class YList(list[Any]):
    """A sequence with ``path``, ``line``, ``end_line`` and ``item_lines``."""

    path: str = ""
    line: int = 0
    end_line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


def loc(node: Any, key: Any = None, *, path: str = "") -> Location:
    """The location of ``node[key]`` (or of ``node``) when ``node`` came from YAML."""
    if isinstance(node, YMap):
        return Location(node.path, node.line if key is None else node.line_of(key))
    if isinstance(node, YList):
        return Location(node.path, node.line if key is None else node.line_of(int(key)))
    return Location(path, 0)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    source = ""


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> YMap:
    loader.flatten_mapping(node)
    result = YMap()
    result.path = loader.source
    result.line = node.start_mark.line + 1
    result.end_line = node.end_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError as exc:
            raise YamlError(
                "a mapping key is not a plain value", key_node.start_mark.line + 1
            ) from exc
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> YList:
    result = YList(loader.construct_object(child, deep=True) for child in node.value)
    result.path = loader.source
    result.line = node.start_mark.line + 1
    result.end_line = node.end_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:omap", _construct_seq)


def load_all(text: str, path: str) -> Iterator[Any]:
    """Every document of ``text``; raises :class:`YamlError` with a line on malformed input."""
    loader = _Loader(text)
    loader.source = path
    try:
        while loader.check_data():
            yield loader.get_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise YamlError(f"invalid YAML: {exc.problem or exc}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", 0) from exc
    finally:
        loader.dispose()


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, else ``[]``: rules read user data of any shape safely."""
    return value if isinstance(value, list) else []


def as_dict(value: Any) -> dict[Any, Any]:
    """``value`` when it is a mapping, else ``{}``."""
    return value if isinstance(value, dict) else {}
