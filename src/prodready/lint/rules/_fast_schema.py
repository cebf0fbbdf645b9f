"""A fast "valid or not" answer for PR307 over the strict Kubernetes JSON schemas.

Why it exists: nearly every object PR307 sees is valid, and jsonschema's general machinery (a
``descend`` per keyword, a ``referencing`` lookup per ``$ref``) takes ~0.55 ms to prove it for
one object (0.14 s for the 260 objects of the shared corpus); these closures take ~0.015 ms
(0.004 s). :class:`Compiler` turns a schema into nested closures once, each answering only
``True``/``False``, for the keywords that kubernetes_validate's strict schemas use:

* ``type`` (with jsonschema's type semantics: ``bool`` is not an integer, ``1.0`` is),
* ``properties``, ``additionalProperties`` (``false`` or a schema), ``required``,
* ``items`` (a schema), ``enum`` (of strings), ``oneOf``/``anyOf``/``allOf`` (int-or-string and
  quantities are ``oneOf``), ``$ref`` into ``_definitions.json`` or the schema itself,
* annotations that assert nothing: ``description``, ``format`` (jsonschema asserts formats only
  with a format checker, which PR307 does not pass), ``x-kubernetes-*`` and the like.

It is an answer, not a diagnosis, and it is conservative: a schema that uses any other keyword
(or an ``$id`` below the root, a ``$ref`` to a document it does not know, a non-string ``enum``)
raises :class:`Unsupported` while compiling, and the rule then validates that kind with jsonschema
alone, as before. The rule also hands every object called invalid here to jsonschema, whose
messages and locations it reports; so the fast path decides only *whether* jsonschema runs.
``tests/lint/test_lint_fast_schema.py`` checks that the verdict equals jsonschema's
``Draft202012Validator.is_valid`` object by object.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urljoin

__all__ = ["Check", "Compiler", "Unsupported"]

Check = Callable[[Any], bool]
"""A compiled schema: ``True`` when the instance is valid."""

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# keywords that never make an instance invalid (jsonschema ignores unknown keywords too, but a
# keyword outside this list may be one it *does* know: Unsupported keeps the answer exact)
_ANNOTATIONS = frozenset(
    {
        "description",
        "title",
        "default",
        "examples",
        "$comment",
        "format",
        "deprecated",
        "readOnly",
        "writeOnly",
        "$defs",
    }
)
_ROOT_ONLY = frozenset({"$id", "$schema"})
_OBJECT = frozenset({"properties", "additionalProperties", "required"})
_APPLIED = frozenset({"type", "enum", "items", "oneOf", "anyOf", "allOf", "$ref"}) | _OBJECT


class Unsupported(Exception):
    """The schema uses something the fast path does not implement: use jsonschema instead."""


def _true(instance: Any) -> bool:
    return True


def _false(instance: Any) -> bool:
    return False


def _is_integer(instance: Any) -> bool:
    if isinstance(instance, bool):
        return False
    return isinstance(instance, int) or (isinstance(instance, float) and instance.is_integer())


def _is_number(instance: Any) -> bool:
    return not isinstance(instance, bool) and isinstance(instance, numbers.Number)


_CLASSES: dict[str, type] = {"object": dict, "array": list, "string": str, "boolean": bool}


def _type(types: Any) -> Check:
    names = [types] if isinstance(types, str) else types
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise Unsupported(f"type {types!r}")
    unknown = set(names) - {*_CLASSES, "null", "integer", "number"}
    if unknown:
        raise Unsupported(f"type {sorted(unknown)}")
    classes = tuple(_CLASSES[n] for n in names if n in _CLASSES)
    nullable = "null" in names
    numeric = _is_number if "number" in names else _is_integer if "integer" in names else None
    if numeric is None:
        if nullable:
            return lambda x: x is None or isinstance(x, classes)
        return lambda x: isinstance(x, classes)
    return lambda x: (nullable and x is None) or isinstance(x, classes) or numeric(x)


def _object(
    properties: dict[str, Check], additional: Check | None, required: tuple[str, ...]
) -> Check:
    """properties + additionalProperties + required, in one pass over the mapping's keys."""
    closed = additional is _false

    def check(x: Any) -> bool:
        if not isinstance(x, dict):
            return True
        for name in required:
            if name not in x:
                return False
        for key, value in x.items():
            sub = properties.get(key)
            if sub is None:
                if closed:
                    return False
                if additional is not None and not additional(value):
                    return False
            elif not sub(value):
                return False
        return True

    return check


def _items(sub: Check) -> Check:
    def check(x: Any) -> bool:
        if not isinstance(x, list):
            return True
        return all(sub(item) for item in x)

    return check


def _all(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda x: first(x) and second(x)
    return lambda x: all(c(x) for c in checks)


class Compiler:
    """Compiles schemas that ``$ref`` one shared definitions document (one Kubernetes version).

    Compiled definitions are kept and shared between the kinds compiled here, so the second
    kind that uses ``ObjectMeta`` or ``PodSpec`` compiles only what is new to it.
    """

    def __init__(self, definitions: Mapping[str, Any]) -> None:
        uri = definitions.get("$id")
        if not isinstance(uri, str):
            raise Unsupported("a definitions document without $id")
        self._documents: dict[str, Any] = {uri.partition("#")[0]: definitions}
        self._compiled: dict[str, Check] = {}
        self._failed: dict[str, str] = {}

    def compile(self, schema: Mapping[str, Any]) -> Check:
        """A check equal to jsonschema's ``is_valid`` for ``schema``; raises :class:`Unsupported`
        when it uses something the fast path does not implement."""
        uri = schema.get("$id")
        if not isinstance(uri, str):
            raise Unsupported("a schema without $id")
        base = uri.partition("#")[0]
        known = self._documents.get(base)
        if known is not None and known is not schema and known != schema:
            raise Unsupported(f"two different documents with the $id {base}")
        self._documents[base] = schema
        before = set(self._compiled)
        try:
            return self._node(schema, base)
        except Unsupported:
            # a definition compiled during this call may hold a forward reference to one that
            # failed: drop everything this call added, keep what earlier kinds compiled
            for key in set(self._compiled) - before:
                del self._compiled[key]
            raise

    def _node(self, schema: Any, base: str) -> Check:
        if schema is True:
            return _true
        if schema is False:
            return _false
        if not isinstance(schema, dict):
            raise Unsupported(f"a schema that is a {type(schema).__name__}")
        keywords = set(schema)
        at_root = schema is self._documents.get(base)  # $id and $schema belong there only
        if at_root:
            if schema.get("$schema", DIALECT) != DIALECT:
                raise Unsupported(f"$schema {schema['$schema']!r}")
            keywords -= _ROOT_ONLY
        keywords -= {k for k in keywords if isinstance(k, str) and k.startswith("x-kubernetes-")}
        unknown = keywords - _APPLIED - _ANNOTATIONS
        if unknown:
            raise Unsupported(f"the keywords {sorted(unknown, key=str)}")
        checks: list[Check] = []
        if "type" in schema:
            checks.append(_type(schema["type"]))
        if "enum" in schema:
            checks.append(self._enum(schema["enum"]))
        if "$ref" in schema:
            checks.append(self._ref(schema["$ref"], base))
        if keywords & _OBJECT:
            checks.append(self._object(schema, base))
        if "items" in schema:
            checks.append(_items(self._node(schema["items"], base)))
        for keyword in ("oneOf", "anyOf", "allOf"):
            if keyword in schema:
                checks.append(self._combinator(keyword, schema[keyword], base))
        return _all(checks) if checks else _true

    def _enum(self, values: Any) -> Check:
        # jsonschema compares a string to anything with ==, so a set lookup is the same answer;
        # other values need its bool-is-not-int equality
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise Unsupported(f"enum {values!r}")
        allowed = frozenset(values)
        return lambda x: isinstance(x, str) and x in allowed

    def _object(self, schema: dict[str, Any], base: str) -> Check:
        properties = schema.get("properties", {})
        required = schema.get("required", [])
        if not isinstance(properties, dict) or not isinstance(required, list):
            raise Unsupported("properties or required of an unexpected shape")
        additional: Check | None = None
        if "additionalProperties" in schema:
            compiled = self._node(schema["additionalProperties"], base)
            additional = None if compiled is _true else compiled
        subs = {name: self._node(sub, base) for name, sub in properties.items()}
        return _object(subs, additional, tuple(required))

    def _combinator(self, keyword: str, subschemas: Any, base: str) -> Check:
        if not isinstance(subschemas, list) or not subschemas:
            raise Unsupported(f"{keyword} {subschemas!r}")
        checks = [self._node(sub, base) for sub in subschemas]
        if keyword == "allOf":
            return _all(checks)
        if keyword == "anyOf":
            return lambda x: any(c(x) for c in checks)
        return lambda x: sum(1 for c in checks if c(x)) == 1

    def _ref(self, ref: Any, base: str) -> Check:
        if not isinstance(ref, str):
            raise Unsupported(f"$ref {ref!r}")
        target = urljoin(base, ref)
        if target in self._failed:
            raise Unsupported(self._failed[target])
        known = self._compiled.get(target)
        if known is not None:
            return known
        cell: list[Check] = []
        # a recursive definition (JSONSchemaProps) meets itself while compiling: the forward
        # reference answers through the cell once the definition is compiled
        self._compiled[target] = lambda x: cell[0](x)
        document, _, fragment = target.partition("#")
        try:
            compiled = self._node(self._lookup(document, fragment), document)
        except Unsupported as exc:
            self._failed[target] = str(exc)
            del self._compiled[target]
            raise
        cell.append(compiled)
        self._compiled[target] = compiled
        return compiled

    def _lookup(self, document: str, fragment: str) -> Any:
        if document not in self._documents:
            raise Unsupported(f"a $ref to the unknown document {document!r}")
        node = self._documents[document]
        if not fragment:
            return node
        if not fragment.startswith("/"):
            raise Unsupported(f"the anchor {fragment!r}")
        for segment in unquote(fragment).split("/")[1:]:
            segment = segment.replace("~1", "/").replace("~0", "~")
            try:
                node = node[int(segment)] if isinstance(node, list) else node[segment]
            except (KeyError, IndexError, ValueError, TypeError) as exc:
                raise Unsupported(f"the unresolvable $ref #{fragment}") from exc
        return node
