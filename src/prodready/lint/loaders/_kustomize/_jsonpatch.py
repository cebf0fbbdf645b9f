"""JSON patches (RFC 6902) as kustomize applies them.

:func:`json_ops` reads a patch's operations (JSON or YAML); :func:`apply_json` applies them to a
resource, then leaves what kustomize's round trip through JSON leaves: explicit nulls, no source
text, integers through float64.
"""

from __future__ import annotations

import json
import re
from typing import Any

from prodready.lint.loaders._kustomize._nodes import (
    Map,
    copy,
    delete_key,
    flow_blanks,
    metadata_of,
    new_list,
    new_map,
    relines,
    set_key,
)
from prodready.lint.loaders._kustomize._resources import Res
from prodready.lint.loaders._kustomize._unsupported import Unsupported
from prodready.lint.loaders._kustomize._values import json_float, load
from prodready.lint.loaders._yaml import YList


def _pointer(path: Any, where: str) -> list[str]:
    if not isinstance(path, str) or not path.startswith("/"):
        raise Unsupported(f"the JSON pointer {path!r}", where)
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in path[1:].split("/")]
    if any(t == "" for t in tokens):
        raise Unsupported(f"the JSON pointer {path!r}", where)
    return tokens


def _index(step: str, size: int, *, append: bool, where: str) -> int:
    if append and step == "-":
        return size
    if not re.fullmatch(r"0|[1-9][0-9]*", step) or int(step) > size - (0 if append else 1):
        raise Unsupported(f"the list index {step!r} in a JSON patch", where)
    return int(step)


def _parent(doc: Any, tokens: list[str], where: str) -> Any:
    node = doc
    for token in tokens[:-1]:
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list):
            node = node[_index(token, len(node), append=False, where=where)]
        else:
            raise Unsupported("a JSON patch path that does not exist", where)
    if not isinstance(node, dict | list):
        raise Unsupported("a JSON patch path that does not exist", where)
    return node


def _get_at(doc: Any, tokens: list[str], where: str) -> Any:
    parent = _parent(doc, tokens, where)
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise Unsupported("a JSON patch path that does not exist", where)
        return parent[last]
    return parent[_index(last, len(parent), append=False, where=where)]


def _remove_at(doc: Any, tokens: list[str], where: str) -> Any:
    parent = _parent(doc, tokens, where)
    last = tokens[-1]
    if isinstance(parent, dict):
        if last not in parent:
            raise Unsupported("a JSON patch that removes a missing field", where)
        value = parent[last]
        delete_key(parent, last)
        return value
    value = parent.pop(_index(last, len(parent), append=False, where=where))
    if isinstance(parent, YList):
        relines(parent)
    return value


def _add_at(doc: Any, tokens: list[str], value: Any, where: str) -> None:
    parent = _parent(doc, tokens, where)
    last = tokens[-1]
    if isinstance(parent, dict):
        set_key(parent, last, value)
        return
    parent.insert(_index(last, len(parent), append=True, where=where), value)
    if isinstance(parent, YList):
        relines(parent)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _json_patch(doc: Map, ops: list[Any], where: str) -> None:
    for op in ops:
        if not isinstance(op, dict) or not isinstance(op.get("op"), str):
            raise Unsupported("a JSON patch operation without op", where)
        kind = op["op"]
        tokens = _pointer(op.get("path"), where)
        if kind in ("add", "replace", "test") and "value" not in op:
            raise Unsupported(f"a JSON patch {kind} without a value", where)
        if kind == "add":
            _add_at(doc, tokens, copy(op["value"]), where)
        elif kind == "remove":
            _remove_at(doc, tokens, where)
        elif kind == "replace":
            _get_at(doc, tokens, where)
            _add_at(doc, tokens, copy(op["value"]), where)
        elif kind in ("move", "copy"):
            source = _pointer(op.get("from"), where)
            if kind == "move" and tokens[: len(source)] == source:
                raise Unsupported("a JSON patch move into itself", where)
            value = (
                _remove_at(doc, source, where)
                if kind == "move"
                else copy(_get_at(doc, source, where))
            )
            _add_at(doc, tokens, value, where)
        elif kind == "test":
            current = _get_at(doc, tokens, where)
            if not _plain_scalars(current) or not _plain_scalars(op["value"]):
                raise Unsupported("a JSON patch test of numbers", where)
            if _plain(current) != _plain(op["value"]):
                raise Unsupported("a JSON patch test that fails", where)
        else:
            raise Unsupported(f"the JSON patch operation {kind!r}", where)


def _plain_scalars(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_plain_scalars(v) for v in value.values())
    if isinstance(value, list):
        return all(_plain_scalars(v) for v in value)
    return value is None or isinstance(value, str | bool)


def _json_round_trip(doc: Any, where: str) -> None:
    """What kustomize's JSON patch leaves behind: nulls become explicit, raw text is gone,
    integers pass through float64."""
    if isinstance(doc, dict):
        if isinstance(doc, Map):
            flow_blanks(doc)
            doc.blank = frozenset()
            doc.raw = None
            doc.flow = False
            doc.restyled = True
        for value in doc.values():
            _json_round_trip(value, where)
    elif isinstance(doc, list):
        for value in doc:
            _json_round_trip(value, where)
    elif isinstance(doc, int) and not isinstance(doc, bool) and abs(doc) > 2**53:
        raise Unsupported("a JSON-patched object with integers beyond 2^53", where)


def _located(value: Any, path: str, line: int) -> Any:
    """JSON values as located YAML nodes (the patch's first line stands for all of them)."""
    if isinstance(value, dict):
        result = new_map(path, line)
        for key, item in value.items():
            set_key(result, key, _located(item, path, line))
        return result
    if isinstance(value, list):
        return new_list(path, line, [_located(v, path, line) for v in value])
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        raise Unsupported("a JSON patch with integers beyond 2^53", path)
    return value


def json_ops(text: str, shown: str, offset: int) -> list[Any]:
    if text.startswith("["):
        try:
            ops = json.loads(text, parse_float=lambda t: json_float(float(t)))
        except ValueError as exc:
            raise Unsupported("a JSON patch that does not parse", shown) from exc
        ops = _located(ops, shown, offset + 1)
    else:
        docs = load(text, shown, v2=True, offset=offset)
        ops = docs[0] if len(docs) == 1 else None
    if not isinstance(ops, list):
        raise Unsupported("a JSON patch that is not a list of operations", shown)
    return ops


def apply_json(res: Res, ops: list[Any], where: str) -> None:
    before = res.cur_id()
    res.remember()
    _json_patch(res.doc, [copy(op) for op in ops], where)
    _json_round_trip(res.doc, where)
    res.json_patched = True
    if not isinstance(res.doc.get("metadata"), dict) or res.cur_id() != before:
        raise Unsupported("a JSON patch that renames its target", where)
    annotations = metadata_of(res.doc).get("annotations")
    if isinstance(annotations, dict) and not all(isinstance(v, str) for v in annotations.values()):
        raise Unsupported("a JSON patch that leaves annotations that are not strings", where)
