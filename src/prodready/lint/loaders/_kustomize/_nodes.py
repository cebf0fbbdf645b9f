"""Located nodes, and the edits that keep what kubectl's output depends on.

:class:`Map` is a located mapping that also remembers what PyYAML forgets (blank and quoted
values, source text, flow style); the helpers here build, copy and edit maps and lists so that
this knowledge follows each value (a key set anew forgets what was known of the old value).
"""

from __future__ import annotations

from typing import Any

from prodready.lint.loaders._kustomize._unsupported import Unsupported
from prodready.lint.loaders._yaml import YList, YMap


class Map(YMap):
    """A located mapping that also keeps what kubectl's output depends on and PyYAML forgets.

    ``blank`` holds the keys whose value was written as nothing at all (``key:``), a null that
    kustomize's strategic merge drops while it keeps ``key: null``; ``quoted`` the keys whose
    value was quoted (or a block scalar), a style a patch value inherits when it replaces it;
    ``raw`` the source text of plain scalars that are not strings, which kustomize writes back
    for annotations; ``flow`` whether it was written ``{...}``, where kubectl prints a blank
    value as an empty string; ``restyled`` whether kustomize printed and re-read it (a JSON
    patch), after which the quoting of its strings is not known.
    """

    blank: frozenset[Any] = frozenset()
    flow: bool = False
    quoted: frozenset[Any] = frozenset()
    raw: dict[Any, str] | None = None
    restyled: bool = False


def new_map(path: str, line: int) -> Map:
    result = Map()
    result.path = path
    result.line = result.end_line = line
    result.key_lines = {}
    return result


def new_list(path: str, line: int, items: list[Any] | None = None) -> YList:
    result = YList(items or [])
    result.path = path
    result.line = result.end_line = line
    relines(result)
    return result


def relines(items: YList) -> None:
    """Item lines after a list was rebuilt: an item's own line when it is from the same file."""
    items.item_lines = [
        v.line if isinstance(v, YMap | YList) and v.path == items.path else items.line
        for v in items
    ]


def copy(value: Any) -> Any:
    if isinstance(value, dict):
        result = Map((k, copy(v)) for k, v in value.items())
        result.path = getattr(value, "path", "")
        result.line = getattr(value, "line", 0)
        result.end_line = getattr(value, "end_line", 0)
        result.key_lines = dict(getattr(value, "key_lines", {}))
        if isinstance(value, Map):
            result.blank = value.blank
            result.flow = value.flow
            result.quoted = value.quoted
            result.restyled = value.restyled
            result.raw = dict(value.raw) if value.raw else None
        return result
    if isinstance(value, list):
        copied = YList(copy(v) for v in value)
        copied.path = getattr(value, "path", "")
        copied.line = getattr(value, "line", 0)
        copied.end_line = getattr(value, "end_line", 0)
        copied.item_lines = list(getattr(value, "item_lines", [0] * len(value)))
        return copied
    return value


def set_key(
    target: dict[Any, Any], key: Any, value: Any, *, quoted: bool = False, raw: str | None = None
) -> None:
    """``target[key] = value``: what ``target`` knew of the old value goes, ``quoted`` and
    ``raw`` describe the new one."""
    target[key] = value
    if isinstance(target, Map):
        if key in target.blank:
            target.blank = target.blank - {key}
        if quoted != (key in target.quoted):
            target.quoted = target.quoted | {key} if quoted else target.quoted - {key}
        if raw is not None:
            target.raw = {**(target.raw or {}), key: raw}
        elif target.raw and key in target.raw:
            del target.raw[key]


def delete_key(target: dict[Any, Any], key: Any) -> None:
    target.pop(key, None)
    if isinstance(target, YMap):
        target.key_lines.pop(key, None)
    if isinstance(target, Map):
        if key in target.blank:
            target.blank = target.blank - {key}
        if key in target.quoted:
            target.quoted = target.quoted - {key}
        if target.raw and key in target.raw:
            del target.raw[key]


def metadata_of(doc: dict[Any, Any]) -> dict[Any, Any]:
    meta = doc.get("metadata")
    if not isinstance(meta, dict):
        raise Unsupported("a resource without metadata", getattr(doc, "path", ""))
    return meta


def string_map(value: Any, what: str, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise Unsupported(f"{what} that are not strings", where)
    return dict(value)


def flow_blanks(node: Map) -> None:
    """kubectl writes a blank value inside ``{...}`` as ``''``: it reads back as a string."""
    if node.flow:
        for key in node.blank:
            if node.get(key, "") is None:
                node[key] = ""
        node.blank = frozenset()
