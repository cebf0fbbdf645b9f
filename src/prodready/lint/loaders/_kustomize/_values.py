"""YAML values as kubectl sees them: go-yaml v3 (resources) or v2 (kustomization files, JSON
patches), JSON, and back through prodready's loader.

:func:`load` parses a file into located :class:`Map` and :class:`YList` nodes that hold the
values prodready reads from kubectl's output (``yes`` stays a string, ``1.0`` becomes ``1``), or
raises :class:`Unsupported` where that path is not certain (timestamps, non-finite numbers,
aliases, explicit tags).
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
from typing import Any

import yaml

from prodready.lint.loaders._kustomize._nodes import Map
from prodready.lint.loaders._kustomize._unsupported import Unsupported
from prodready.lint.loaders._yaml import YList

_STR = "tag:yaml.org,2002:str"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_V3_BOOLS = {
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
_V2_BOOLS = {
    **_V3_BOOLS,
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "off", "Off", "OFF"), False),
}
_NON_FINITE = frozenset(
    {
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
        "-.inf", "-.Inf", "-.INF", "<<",
    }
)  # fmt: skip
_HINTS = frozenset("+-.0123456789yYnNtTfFoO~")
_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt ]")
_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}
_INT64 = 1 << 63


def _go_int(text: str) -> int | None:
    """Go's ``strconv.ParseInt(text, 0, 64)``, then ``ParseUint``; ``None`` when both fail."""
    sign = text[:1] if text[:1] in "+-" else ""
    body = text[len(sign) :]
    base = 10
    if len(body) > 1 and body[0] == "0":
        prefix = body[1].lower()
        base, body = {"x": (16, body[2:]), "b": (2, body[2:]), "o": (8, body[2:])}.get(
            prefix, (8, body[1:])
        )
    if not body or any(c not in _DIGITS[base] for c in body):
        return None
    value = int(body, base) * (-1 if sign == "-" else 1)
    if -_INT64 <= value < _INT64 or (not sign and 0 <= value < 2 * _INT64):
        return value
    return None


def _go_float(text: str) -> float | None:
    """Go's ``strconv.ParseFloat`` for the decimal spellings YAML resolves; ``None`` on error."""
    if not text.isascii() or any(c.isspace() or (c.isalpha() and c not in "eE") for c in text):
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None  # Go reports overflow as an error


def _go_g(value: float) -> str:
    """Go's ``strconv.FormatFloat(value, 'g', -1, 64)``: shortest digits, an exponent once it
    is below -4 or at least 6 (kubectl prints 1234567.5 as 1.2345675e+06)."""
    sign, digits, exponent = decimal.Decimal(repr(value)).normalize().as_tuple()
    if not isinstance(exponent, int):  # pragma: no cover - finite by construction
        raise Unsupported("a non-finite number")
    text = "".join(map(str, digits))
    point = len(text) + exponent
    minus = "-" if sign else ""
    if point - 1 < -4 or point - 1 >= 6:
        mantissa = text[0] + ("." + text[1:] if len(text) > 1 else "")
        exp = point - 1
        return f"{minus}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if point <= 0:
        return f"{minus}0.{'0' * -point}{text}"
    if point >= len(text):
        return f"{minus}{text}{'0' * (point - len(text))}"
    return f"{minus}{text[:point]}.{text[point:]}"


def json_float(value: float) -> int | float | str:
    """What prodready reads back after kubectl prints ``value``: JSON, then go-yaml v2.

    An integral float prints without a fraction and comes back as an int; others print with
    Go's ``%g``, and ``1e-05`` (no point) reads back as a string.
    """
    if not math.isfinite(value):
        raise Unsupported("a non-finite number")
    if value == int(value) and abs(value) < 1e21:
        whole = int(value)
        if -_INT64 <= whole < 2 * _INT64:
            return whole
    text = _go_g(value)
    if "e" in text and "." not in text:
        return text
    return value


def _timestamp(text: str, v2: bool) -> str | None:
    """A YAML timestamp: kubectl prints a date as RFC 3339 midnight UTC (v3), or keeps it as a
    string (v2, patches); a date-time is :class:`Unsupported`; ``None`` when not a timestamp."""
    date = _DATE.fullmatch(text)
    if date is None:
        if _DATETIME.match(text):
            raise Unsupported(f"the timestamp value {text!r}")
        return None
    year, month, day = (int(g) for g in date.groups())
    if year == 0:
        raise Unsupported(f"the timestamp value {text!r}")
    try:
        datetime.date(year, month, day)
    except ValueError:
        return None
    return text if v2 else f"{year:04d}-{month:02d}-{day:02d}T00:00:00Z"


def timestamp_valid(value: str) -> bool:
    date = _DATE.match(value)
    if date is None:
        return False
    try:
        datetime.date(*(int(g) for g in date.groups()))
    except ValueError:
        return False
    return True


def resolve(text: str, v2: bool) -> Any:
    """A plain scalar as go-yaml resolves it (v3 for resources, v2 for kustomization files and
    JSON patches), already normalised to what prodready reads back from kubectl's output."""
    if text in _NULLS:
        return None
    if text in _NON_FINITE:
        raise Unsupported(f"the value {text!r}")
    hint = text[0]
    if hint in "yYnNtTfFoO~":
        return (_V2_BOOLS if v2 else _V3_BOOLS).get(text, text)
    if hint == ".":
        number = _go_float(text)
        return text if number is None else json_float(number)
    if hint in "+-0123456789":
        stamp = _timestamp(text, v2)
        if stamp is not None:
            return stamp
        plain = text.replace("_", "")
        whole = _go_int(plain)
        if whole is not None:
            return whole
        if _YAML_FLOAT.fullmatch(plain):
            number = _go_float(plain)
            if number is not None:
                return json_float(number)
    return text


_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    source = ""
    offset = 0
    v2 = False


def _scalar(loader: _Loader, node: yaml.ScalarNode) -> Any:
    value: str = node.value
    tag: str = node.tag
    if node.style:  # quoted or block: a string unless a tag says otherwise
        if tag != _STR:
            raise Unsupported(f"the YAML tag {tag}")
        return value
    if tag == _STR and (not value or value[0] not in _HINTS):
        return value
    resolved = resolve(value, loader.v2)
    if tag == _STR and resolved == value and isinstance(resolved, str):
        return value
    if loader.resolve(yaml.ScalarNode, value, (True, False)) != tag:  # an explicit tag
        if tag == _STR:
            return value
        raise Unsupported(f"the YAML tag {tag}")
    return resolved


def _child(loader: _Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return _scalar(loader, node)
    if node.tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
        raise Unsupported(f"the YAML tag {node.tag}", loader.source)
    if node in loader.constructed_objects:
        raise Unsupported("a YAML alias", f"{loader.source}:{node.start_mark.line + 1}")
    return loader.construct_object(node, deep=True)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> Map:
    result = Map()
    result.path = loader.source
    result.line = node.start_mark.line + 1 + loader.offset
    result.end_line = node.end_mark.line + 1 + loader.offset
    result.key_lines = {}
    blank: set[Any] = set()
    quoted: set[Any] = set()
    raw: dict[Any, str] = {}
    for key_node, value_node in node.value:
        where = f"{loader.source}:{key_node.start_mark.line + 1 + loader.offset}"
        if not isinstance(key_node, yaml.ScalarNode):
            raise Unsupported("a mapping key that is not a plain value", where)
        if key_node.tag == "tag:yaml.org,2002:merge":
            raise Unsupported("a YAML merge key (<<)", where)
        key = _scalar(loader, key_node)
        if not isinstance(key, str):
            raise Unsupported("a mapping key that is not a string", where)
        if key in result:
            raise Unsupported(f"the duplicate mapping key {key!r}", where)
        value = _child(loader, value_node)
        result[key] = value
        result.key_lines[key] = key_node.start_mark.line + 1 + loader.offset
        if isinstance(value_node, yaml.ScalarNode) and value_node.style:
            quoted.add(key)
        elif isinstance(value_node, yaml.ScalarNode):
            if value is None and value_node.value == "":
                blank.add(key)
            if not isinstance(value, str) or value != value_node.value:
                raw[key] = value_node.value
    if blank:
        result.blank = frozenset(blank)
    if quoted:
        result.quoted = frozenset(quoted)
    if node.flow_style and not loader.v2:
        result.flow = True
    if raw:
        result.raw = raw
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> YList:
    result = YList(_child(loader, child) for child in node.value)
    result.path = loader.source
    result.line = node.start_mark.line + 1 + loader.offset
    result.end_line = node.end_mark.line + 1 + loader.offset
    result.item_lines = [child.start_mark.line + 1 + loader.offset for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def load(text: str, path: str, *, v2: bool = False, offset: int = 0) -> list[Any]:
    """Every document of ``text`` with kubectl's values; :class:`Unsupported` when invalid."""
    loader = _Loader(text)
    loader.source = path
    loader.v2 = v2
    loader.offset = offset
    docs: list[Any] = []
    try:
        while loader.check_data():
            docs.append(loader.get_data())
    except yaml.YAMLError as exc:
        raise Unsupported("YAML that does not parse", path) from exc
    finally:
        loader.dispose()
    return docs
