"""Strategic merge patches as kustomize applies them: kyaml's merge2 walker, node for node.

:func:`strategic_merge` merges a patch into a resource (patch items first in merged lists,
``$patch`` directives on maps and lists, a replaced value keeping the field's quoting);
:func:`stringify_metadata` is what kustomize does to a patch it applies to selected targets.
"""

from __future__ import annotations

from typing import Any

from prodready.lint.loaders._kustomize._merge_schema import NONE, Schema, field_schema, root_schema
from prodready.lint.loaders._kustomize._nodes import (
    Map,
    delete_key,
    metadata_of,
    new_list,
    relines,
    set_key,
)
from prodready.lint.loaders._kustomize._unsupported import Unsupported
from prodready.lint.loaders._kustomize._values import resolve
from prodready.lint.loaders._yaml import YList


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


_NIL: Any = _Marker("<absent>")  # a missing node (Go's nil *RNode)
_BLANK: Any = _Marker("<blank>")  # a null written as nothing (``key:``)
_KEEP_NULL: Any = _Marker("<kept null>")  # a null that the walk keeps


def _is_null(value: Any) -> bool:
    return value is _NIL or value is None or value is _BLANK


def _raw(value: Any) -> str:
    """The text kyaml compares merge keys by (a scalar's ``Value``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise Unsupported("a merge key that is not a string or an integer")
    if isinstance(value, int):
        return str(value)
    return ""  # mappings and sequences have no scalar text


def _field_text(element: Any, key: str) -> str:
    """``ElementValuesList``: the key's text, ``""`` when missing, null or empty."""
    if not isinstance(element, dict) or key not in element:
        return ""
    value = element[key]
    if value is None or (isinstance(value, dict | list) and not value):
        return ""
    return _raw(value)


def _match_field(element: Any, key: str, value: str, *, any_value: bool) -> bool:
    """kyaml's FieldMatcher on a list element; ``any_value`` when it was given no value."""
    if element is None:
        return False
    if key == "":
        if isinstance(element, dict | list):
            raise Unsupported("a merge list that mixes mappings and plain values")
        return _raw(element) == value
    if not isinstance(element, dict):
        raise Unsupported("a merge list whose items are not mappings")
    if key not in element:
        return False
    if any_value:
        return True
    if element[key] is None:
        raise Unsupported("a null merge key")
    return _raw(element[key]) == value


def _element_setter(items: list[Any], element: Any, keys: list[str], values: list[str]) -> None:
    """kyaml's ElementSetter: replace (or, without ``element``, delete) the matching items."""
    keys = keys or [""]
    mapping = keys[0] != "" and bool(values) and values[0] != ""
    kept: list[Any] = []
    found_any = False
    for item in items:
        if item is None or (isinstance(item, dict) and not item):
            continue
        if not isinstance(item, dict) and mapping:
            kept.append(item)
            continue
        found = True
        matched = False  # kyaml keeps the last match for keys past the values it was given
        for j, key in enumerate(keys):
            if j < len(values):
                matched = _match_field(item, key, values[j], any_value=values[j] == "")
            if not matched:
                found = False
                break
        if not found:
            if values:
                kept.append(item)
            continue
        found_any = True
        if element is not _NIL:
            kept.append(element)
    items[:] = kept
    if element is not _NIL and not found_any:
        items.append(element)
    if isinstance(items, YList):
        relines(items)


def _element_list(source: Any, keys: list[str], values: list[str]) -> Any:
    """kyaml's ElementList / Element: the first item matching every key, else absent."""
    if not isinstance(source, list):
        return _NIL
    for item in source:
        if keys[0] == "":
            if not isinstance(item, dict | list) and item is not None and _raw(item) == values[0]:
                return item
            if isinstance(item, dict | list) and values[0] == "":
                return item
            continue
        if not isinstance(item, dict):
            continue
        if all(
            key in item and item[key] is not None and _raw(item[key]) == value
            for key, value in zip(keys, values, strict=True)
        ):
            return item
    return _NIL


def _validate_keys(
    values_list: list[list[str]], values: list[str], keys: list[str]
) -> tuple[list[str], list[str]]:
    valid = {keys[i] for vs in values_list for i, v in enumerate(vs) if v != ""}
    if not valid:
        return list(keys), list(values)
    return (
        [k for k in keys if k in valid],
        [v for i, v in enumerate(values) if v != "" or keys[i] in valid],
    )


def _merge_values(values_list: list[list[str]]) -> list[list[str]]:
    """Values that differ only where one is empty name the same item (a port with and without
    its protocol); kustomize rewrites both to the fuller one, in place, as it goes."""
    for i in range(len(values_list)):
        first = values_list[i]
        for j in range(len(values_list)):
            matched, merged = _match_values(first, values_list[j])
            if matched:
                values_list[i] = merged
                values_list[j] = merged
    return values_list


def _match_values(a: list[str], b: list[str]) -> tuple[bool, list[str]]:
    if len(a) != len(b):
        return False, []
    common = False
    merged: list[str] = []
    for x, y in zip(a, b, strict=True):
        if x == y:
            common = True
            merged.append(x)
            continue
        if x and y:
            return False, []
        merged.append(x or y)
    return common, merged


def _append_list_node(dst: list[Any], src: list[Any], keys: list[str]) -> list[Any]:
    for item in list(src):
        if keys[0] == "":
            _element_setter(dst, item, [""], [_raw(item) if not isinstance(item, dict) else ""])
            continue
        values: list[str] = []
        for key in keys:
            if not isinstance(item, dict):
                raise Unsupported("a merge list whose items are not mappings")
            if key not in item:
                dst.append(item)
                continue
            if item[key] is None:
                raise Unsupported("a null merge key")
            values.append(_raw(item[key]))
        if len(keys) > 1:
            _element_setter(dst, _NIL, keys, values)
        _element_setter(dst, item, keys, values)
    return dst


class _Walker:
    """kyaml's merge2 walker (kustomize's strategic merge), node for node, on Python values.

    Patches are merged into the destination in place, patch items first in merged lists, as
    kustomize does; ``$patch: delete|replace|merge`` directives work on maps and lists.
    """

    def walk(self, sources: list[Any], schema: Schema) -> Any:
        if schema == NONE:
            for source in sources:
                if isinstance(source, dict):
                    found = root_schema(source.get("apiVersion"), source.get("kind"))
                    if found != NONE:
                        schema = found
                        break
        kind = next((type(s) for s in sources if not _is_null(s)), None)
        if kind is None or issubclass(kind, dict):
            self._same_kind(sources, dict)
            return self._walk_map(sources, schema)
        if issubclass(kind, list):
            self._same_kind(sources, list)
            if schema[1] is not None:
                return self._walk_assoc(sources, schema)
            return sources[1] if sources[1] is not _NIL else sources[0]
        for source in sources:
            if isinstance(source, dict | list):
                raise Unsupported("a patch that changes a field from a value to a structure")
        return sources[1] if sources[1] is not _NIL else sources[0]

    @staticmethod
    def _same_kind(sources: list[Any], kind: type) -> None:
        for source in sources:
            if not _is_null(source) and not isinstance(source, kind):
                raise Unsupported("a patch that changes the type of a field")

    def _walk_map(self, sources: list[Any], schema: Schema) -> Any:
        dest = self._visit_map(sources)
        sources[0] = dest
        if not isinstance(dest, dict):
            return dest
        names = sorted({k for s in sources if isinstance(s, dict) for k in s})
        for key in names:
            values = [_field_of(s, key) for s in sources]
            before = values[0]  # the walk may replace it in ``values``
            value = self.walk(values, field_schema(schema, key))
            if value is _NIL or value is None or value is _BLANK:
                delete_key(dest, key)
            elif value is _KEEP_NULL:
                dest[key] = None
            elif value is not before:
                _set_from_patch(dest, key, value, sources[1])
        return dest

    @staticmethod
    def _visit_map(sources: list[Any]) -> Any:
        dest, origin = sources
        if _is_null(dest):
            if _directive(origin, strict=False) == "delete":
                return _NIL
            if origin is _NIL and dest is None:
                return _KEEP_NULL  # kyaml keeps an explicit null the patch does not mention
            return origin
        if origin is None or origin is _BLANK:
            return _NIL
        directive = _directive(origin, strict=True)
        if directive == "delete":
            return _NIL
        if directive == "replace":
            return origin
        return dest

    def _walk_assoc(self, sources: list[Any], schema: Schema) -> Any:
        dest, origin = sources
        if _is_null(dest):
            result = origin
        elif origin is None or origin is _BLANK:
            result = _NIL
        else:
            directive = _directive(origin, strict=True)
            result = {"delete": _NIL, "replace": origin}.get(directive, dest)
        sources[0] = result
        if not isinstance(result, list):
            return _NIL
        keys = schema[1]
        assert keys is not None
        element: Schema = (schema[0], None)
        if not keys:
            seen: list[str] = []
            for source in (sources[1], sources[0]):
                if isinstance(source, list):
                    for item in source:
                        text = "" if isinstance(item, dict | list) else _raw(item)
                        if text not in seen:
                            seen.append(text)
            return self._set_assoc(sources, [[v] for v in seen], [""], result, element)
        values_list: list[list[str]] = []
        for source in (sources[1], sources[0]):
            if isinstance(source, list):
                for item in source:
                    values = [_field_text(item, k) for k in keys]
                    if values not in values_list:
                        values_list.append(values)
        return self._set_assoc(sources, values_list, list(keys), result, element)

    def _set_assoc(
        self,
        sources: list[Any],
        values_list: list[list[str]],
        keys: list[str],
        dest: list[Any],
        element: Schema,
    ) -> Any:
        items = new_list(getattr(dest, "path", ""), getattr(dest, "line", 0))
        if len(keys) > 1:
            values_list = _merge_values(values_list)
        valid_keys: list[str] = list(keys)
        for values in values_list:
            valid_keys, valid_values = _validate_keys(values_list, values, keys)
            lookup_keys, lookup_values = _validate_keys([valid_values], valid_values, valid_keys)
            found = [
                _NIL if s is _NIL else _element_list(s, lookup_keys, lookup_values) for s in sources
            ]
            value = self.walk(found, element)
            if value is _KEEP_NULL:
                value = None
            if _is_null(value) or (isinstance(value, dict) and not value):
                _element_setter(dest, _NIL, valid_keys, valid_values)
                continue
            for i, key in enumerate(valid_keys):
                if key == "":
                    continue
                if not isinstance(value, dict):
                    raise Unsupported("a merge list whose items are not mappings")
                if key not in value and valid_values[i] != "":
                    # kyaml sets the missing key as an untagged scalar: YAML types it again
                    set_key(value, key, resolve(valid_values[i], False))
            _element_setter(items, value, valid_keys, valid_values)
        result: list[Any] = dest
        if values_list:
            result = _append_list_node(items, dest, valid_keys)
        if isinstance(result, YList):
            relines(result)
        return result


def _set_from_patch(dest: dict[Any, Any], key: str, value: Any, origin: Any) -> None:
    """kyaml's FieldSetter: a value replacing a field takes the field's quoting style, so a
    plain ``1.0`` over a quoted string becomes the string ``1.0``."""
    if isinstance(value, dict | list):
        set_key(dest, key, value)
        return
    raw = origin.raw.get(key) if isinstance(origin, Map) and origin.raw else None
    if key in dest:
        if isinstance(dest, Map) and dest.restyled and not isinstance(value, str):
            raise Unsupported("a patch value over a field a JSON patch rewrote")
        if isinstance(dest, Map) and key in dest.quoted:
            text = raw if raw is not None else value
            if not isinstance(text, str):
                raise Unsupported("a patch value over a quoted field")
            set_key(dest, key, text, quoted=True)
        else:
            set_key(dest, key, value, raw=raw)
        return
    quoted = isinstance(origin, Map) and key in origin.quoted
    set_key(dest, key, value, quoted=quoted, raw=raw)


def _field_of(source: Any, key: str) -> Any:
    if not isinstance(source, dict) or key not in source:
        return _NIL
    value = source[key]
    if value is None and isinstance(source, Map) and key in source.blank:
        return _BLANK
    return value


def _directive(patch: Any, *, strict: bool) -> str:
    """The ``$patch`` directive of a patch node, removed from it (kyaml's determineSmpDirective);
    with ``strict``, an invalid one is an error, else it reads as ``unknown``."""
    if patch is _NIL:
        return "merge"
    value: Any = None
    if isinstance(patch, dict):
        if "$patch" not in patch:
            return "merge"
        value = patch["$patch"]
        if value in ("delete", "replace", "merge"):
            delete_key(patch, "$patch")
            return str(value)
    elif isinstance(patch, list):
        item = next((i for i in patch if isinstance(i, dict) and "$patch" in i), None)
        if item is None or len(item) > 1:
            return "merge"
        value = item["$patch"]
        if value in ("delete", "replace", "merge"):
            patch[:] = [
                i
                for i in patch
                if not (i is None or (isinstance(i, dict) and not i))
                and not (isinstance(i, dict) and i.get("$patch") == value)
            ]
            if isinstance(patch, YList):
                relines(patch)
            return str(value)
    if not strict:
        return "unknown"
    if isinstance(patch, dict | list):
        raise Unsupported(f"the $patch directive {value!r}")
    raise Unsupported("a strategic merge patch of a plain value")


def stringify_metadata(patch: Map, where: str) -> Map:
    """What kustomize does to a patch it applies to selected targets (CopyMergeMetaDataFields):
    labels and annotations become their source text, and empty ones are dropped."""
    meta = metadata_of(patch)
    for key in ("labels", "annotations"):
        value = meta.get(key)
        if value is not None and not isinstance(value, dict):
            raise Unsupported(f"patch {key} that are not a mapping", where)
        if not value:
            delete_key(meta, key)
            continue
        raw = value.raw if isinstance(value, Map) else None
        for name in list(value):
            if raw and name in raw:
                set_key(value, name, raw[name])
            elif not isinstance(value[name], str):
                raise Unsupported(f"patch {key} that are not strings", where)
    return patch


def _lists_under(value: Any) -> bool:
    if isinstance(value, list):
        return True
    if isinstance(value, dict):
        return any(_lists_under(v) for v in value.values())
    return False


def _check_patch_keys(value: Any, where: str) -> None:
    """kyaml knows ``$patch`` only; other SMP directives would land in the output."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key.startswith("$") and key != "$patch":
                raise Unsupported(f"the strategic merge directive {key}", where)
            _check_patch_keys(item, where)
    elif isinstance(value, list):
        for item in value:
            _check_patch_keys(item, where)


def strategic_merge(doc: Map, patch: Map, where: str) -> Map | None:
    """``patch`` merged into ``doc`` as kustomize's ApplySmPatch does; ``None`` when deleted."""
    for node in (doc, patch):
        if _lists_under(node.get("status")):
            raise Unsupported("a strategic merge patch on an object with status lists", where)
    annotations = metadata_of(patch).get("annotations")
    if isinstance(annotations, dict) and not all(isinstance(v, str) for v in annotations.values()):
        raise Unsupported("a patch with annotations that are not strings", where)
    _check_patch_keys(patch, where)
    name, namespace, kind = (
        metadata_of(doc).get("name"),
        metadata_of(doc).get("namespace"),
        doc["kind"],
    )
    # kustomize gives the patch its target's identity before merging (SetGvk, SetName, ...)
    set_key(patch, "apiVersion", doc["apiVersion"])
    set_key(patch, "kind", kind)
    set_key(metadata_of(patch), "name", name)
    if namespace is None:
        delete_key(metadata_of(patch), "namespace")
    else:
        set_key(metadata_of(patch), "namespace", namespace)
    merged = _Walker().walk([doc, patch], NONE)
    if merged is _KEEP_NULL or not isinstance(merged, Map):
        if _is_null(merged) or merged is _KEEP_NULL:
            return None
        raise Unsupported("a strategic merge patch that replaces the whole object", where)
    if not merged:
        return None
    meta = merged.get("metadata")
    if not isinstance(meta, dict):
        raise Unsupported("a strategic merge patch that removes metadata", where)
    set_key(merged, "kind", kind)
    set_key(meta, "name", name)
    if namespace is None:
        delete_key(meta, "namespace")
    else:
        set_key(meta, "namespace", namespace)
    return merged
