"""Patch targets: kustomize's ResMap.Select.

A target names resources by regular expressions on their ids (original and current names and
namespaces both count) and by Kubernetes label selectors on their labels and annotations.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from prodready.lint.loaders._kustomize._kustomization import Kustomization
from prodready.lint.loaders._kustomize._nodes import metadata_of, string_map
from prodready.lint.loaders._kustomize._resources import Res, effective_ns, split_gv
from prodready.lint.loaders._kustomize._unsupported import Unsupported

_SELECTOR_KEY = r"[A-Za-z0-9][A-Za-z0-9._/-]*"
_SELECTOR_VALUE = r"[A-Za-z0-9._-]*"
_REQUIREMENT = re.compile(
    rf"\s*(?:(?P<not>!)\s*(?P<absent>{_SELECTOR_KEY})"
    rf"|(?P<key>{_SELECTOR_KEY})\s*(?:(?P<op>==|=|!=)\s*(?P<value>{_SELECTOR_VALUE})"
    rf"|\s+(?P<set>in|notin)\s*\((?P<values>[^()]*)\))?)\s*"
)


@dataclass(frozen=True)
class _Requirement:
    """One requirement of a label selector: ``key`` compared by ``op`` with ``values``."""

    key: str
    op: str  # exists, absent, in, notin
    values: frozenset[str] = frozenset()

    def holds(self, labels: dict[str, str]) -> bool:
        if self.op == "exists":
            return self.key in labels
        if self.op == "absent":
            return self.key not in labels
        if self.op == "in":
            return labels.get(self.key) in self.values
        return labels.get(self.key) not in self.values


def _selector(text: str, where: str) -> Callable[[dict[str, str]], bool]:
    """A Kubernetes label selector (``a=b,c!=d,e in (f,g),!h``) as a predicate on labels."""
    requirements: list[_Requirement] = []
    for part in _split_selector(text, where):
        match = _REQUIREMENT.fullmatch(part)
        if match is None:
            raise Unsupported(f"the label selector {text!r}", where)
        if match["absent"]:
            requirements.append(_Requirement(match["absent"], "absent"))
        elif match["op"]:
            op = "notin" if match["op"] == "!=" else "in"
            requirements.append(_Requirement(match["key"], op, frozenset({match["value"]})))
        elif match["set"]:
            values = frozenset(v.strip() for v in match["values"].split(","))
            if not all(re.fullmatch(_SELECTOR_VALUE, v) for v in values):
                raise Unsupported(f"the label selector {text!r}", where)
            requirements.append(_Requirement(match["key"], match["set"], values))
        else:
            requirements.append(_Requirement(match["key"], "exists"))
    return lambda labels: all(r.holds(labels) for r in requirements)


def _split_selector(text: str, where: str) -> Iterator[str]:
    depth = 0
    start = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            yield text[start:i]
            start = i + 1
    if depth != 0:
        raise Unsupported(f"the label selector {text!r}", where)
    if text.strip():
        yield text[start:]


_REGEX_SAFE = re.compile(r"[A-Za-z0-9._\-/*+?|()\[\]^$]*")


def _name_regex(value: Any, what: str, where: str) -> re.Pattern[str] | None:
    """A target field as kustomize reads it: an anchored regular expression, or ``None``."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _REGEX_SAFE.fullmatch(value):
        raise Unsupported(f"the patch target {what} {value!r}", where)
    try:
        return re.compile(f"(?:{value})")
    except re.error as exc:
        raise Unsupported(f"the patch target {what} {value!r}", where) from exc


def select(acc: list[Res], target: Any, k: Kustomization) -> list[Res]:
    """kustomize's ResMap.Select: regular expressions on ids, label and annotation
    selectors; original and current names and namespaces both count."""
    allowed = {
        "group", "version", "kind", "name", "namespace", "labelSelector",
        "annotationSelector",
    }  # fmt: skip
    if not isinstance(target, dict) or set(target) - allowed:
        raise Unsupported("a patch target with unknown fields", k.shown)
    regexes = {
        key: _name_regex(target.get(key), key, k.shown)
        for key in ("group", "version", "kind", "name", "namespace")
    }
    selectors = {}
    for key, field_name in (("labelSelector", "labels"), ("annotationSelector", "annotations")):
        text = target.get(key)
        if text not in (None, ""):
            if not isinstance(text, str):
                raise Unsupported(f"a {key} that is not a string", k.shown)
            selectors[field_name] = _selector(text, k.shown)
    result = []
    for res in acc:
        original, current = res.ids[0], res.cur_id()

        def fits(key: str, *values: str) -> bool:
            regex = regexes[key]
            return regex is None or any(regex.fullmatch(v) for v in values)

        group, version = split_gv(res.api_version)
        if not (
            fits(
                "namespace",
                effective_ns(*original[:2], original[3]),
                effective_ns(*current[:2], current[3]),
            )
            and fits("name", original[2], current[2])
            and fits("group", group)
            and fits("version", version)
            and fits("kind", res.kind)
        ):
            continue
        meta = metadata_of(res.doc)
        if all(
            check(string_map(meta.get(name), name, k.shown)) for name, check in selectors.items()
        ):
            result.append(res)
    return result
