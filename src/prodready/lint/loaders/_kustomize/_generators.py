"""``configMapGenerator`` and ``secretGenerator``: the objects kustomize generates.

Data comes from literals, env files and files as kustomize's kv loader reads them; a generator
with ``behavior: merge`` or ``replace`` takes over an earlier one (:func:`generate`), and
:func:`hash_names` appends kustomize's content hash to the names of generated objects.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from typing import Any

from prodready.lint.loaders._kustomize._kustomization import Kustomization, Reader
from prodready.lint.loaders._kustomize._nodes import (
    Map,
    delete_key,
    metadata_of,
    new_map,
    set_key,
    string_map,
)
from prodready.lint.loaders._kustomize._resources import Res, append, same_id
from prodready.lint.loaders._kustomize._unsupported import Unsupported
from prodready.lint.loaders._yaml import YList, YMap

_CONFIG_MAP_KEY = re.compile(r"[-._a-zA-Z0-9]+")
_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")


def _go_json(value: Any) -> bytes:
    """Go's ``json.Marshal`` of a map: sorted keys, HTML characters escaped."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()


def _content_hash(doc: Map, where: str) -> str:
    """kustomize's name suffix for a generated ConfigMap or Secret (its hasher; the name is
    looked up as one field named ``metadata/name``, so it hashes as empty)."""

    def part(key: str) -> Any:
        if key not in doc:
            return ""
        value = doc[key]
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise Unsupported(f"a generated object whose {key} is not strings", where)
        return dict(value)

    if doc["kind"] == "ConfigMap":
        encoded: dict[str, Any] = {"kind": "ConfigMap", "name": "", "data": part("data")}
        if isinstance(doc.get("binaryData"), dict):
            encoded["binaryData"] = part("binaryData")
    else:
        kind = doc.get("type", "")
        if not isinstance(kind, str):
            raise Unsupported("a Secret type that is not a string", where)
        encoded = {"kind": "Secret", "type": kind, "name": "", "data": part("data")}
        if isinstance(doc.get("stringData"), dict):
            encoded["stringData"] = part("stringData")
    digest = hashlib.sha256(_go_json(encoded)).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def generate(reader: Reader, k: Kustomization, acc: list[Res]) -> None:
    defaults = k.doc.get("generatorOptions")
    for kind, key in (("ConfigMap", "configMapGenerator"), ("Secret", "secretGenerator")):
        for index, args in enumerate(k.items(key)):
            res = _generated(reader, k, kind, args, defaults, k.line_of(key, index))
            _absorb(acc, res, k)


def _generated(
    reader: Reader, k: Kustomization, kind: str, args: Any, defaults: Any, line: int
) -> Res:
    allowed = {"name", "namespace", "behavior", "literals", "files", "envs", "env", "options"}
    if kind == "Secret":
        allowed.add("type")
    if not isinstance(args, dict) or set(args) - allowed:
        raise Unsupported(f"{kind} generator fields {sorted(set(args) - allowed)}", k.shown)
    name, namespace = args.get("name"), args.get("namespace") or ""
    if not isinstance(name, str) or not name or not isinstance(namespace, str):
        raise Unsupported(f"a {kind} generator without a name", k.shown)
    behavior = args.get("behavior") or "create"
    if behavior not in ("create", "merge", "replace"):
        raise Unsupported(f"the generator behavior {behavior!r}", k.shown)
    options = _options(args.get("options"), defaults, k.shown)
    data = _pairs(reader, k, args, line)
    doc = new_map(k.shown, line)
    set_key(doc, "apiVersion", "v1")
    set_key(doc, "kind", kind)
    meta = new_map(k.shown, line)
    set_key(meta, "name", name)
    if namespace:
        set_key(meta, "namespace", namespace)
    set_key(doc, "metadata", meta)
    if kind == "Secret":
        secret_type = args.get("type") or "Opaque"
        if not isinstance(secret_type, str):
            raise Unsupported("a Secret type that is not a string", k.shown)
        set_key(doc, "type", secret_type)
    if data:
        values = new_map(k.shown, line)
        for key, (value, value_line) in sorted(data.items()):
            if kind == "Secret":
                value = base64.b64encode(value.encode()).decode()
            set_key(values, key, value)
            values.key_lines[key] = value_line
        set_key(doc, "data", values)
    for field_name in ("labels", "annotations"):
        if options[field_name]:
            entries = new_map(k.shown, line)
            for key in sorted(options[field_name]):
                set_key(entries, key, options[field_name][key])
            set_key(meta, field_name, entries)
    if options["immutable"]:
        if kind == "Secret":
            raise Unsupported("an immutable generated Secret", k.shown)
        set_key(doc, "immutable", True)
    res = Res(doc, [], generated=True, behavior=behavior, hash=not options["disable"])
    res.ids = [res.cur_id()]
    return res


def _options(local: Any, defaults: Any, where: str) -> dict[str, Any]:
    result: dict[str, Any] = {"labels": {}, "annotations": {}, "disable": False}
    result["immutable"] = False
    for options in (defaults, local):
        if options is None:
            continue
        allowed = {"labels", "annotations", "disableNameSuffixHash", "immutable"}
        if not isinstance(options, dict) or set(options) - allowed:
            raise Unsupported("generator options outside labels, annotations, "
                              "disableNameSuffixHash and immutable", where)  # fmt: skip
        for key in ("labels", "annotations"):
            entries = string_map(options.get(key), f"generator {key}", where)
            for name, value in entries.items():
                if result[key].get(name, value) != value:
                    raise Unsupported(f"generator {key} set twice", where)
                result[key][name] = value
        flags = (("disableNameSuffixHash", "disable"), ("immutable", "immutable"))
        for option, target in flags:
            flag = options.get(option)
            if flag is not None and not isinstance(flag, bool):
                raise Unsupported(f"a generator option {option} that is not a boolean", where)
            result[target] = result[target] or bool(flag)
    return result


def _pairs(reader: Reader, k: Kustomization, args: dict[Any, Any], line: int) -> dict[str, Any]:
    """The generator's data, as kustomize's kv loader reads it: envs, literals, files."""
    pairs: list[tuple[str, str, int]] = []
    envs = args.get("envs") or []
    if args.get("env"):
        envs = [*envs, args["env"]]
    for entry in _string_list(envs, "envs", k):
        pairs += _env_file(reader, k, entry, line)
    literals = args.get("literals")
    for index, entry in enumerate(_string_list(literals, "literals", k)):
        key, sep, value = entry.partition("=")
        if not sep or not key:
            raise Unsupported(f"the literal {entry!r}", k.shown)
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        item_line = literals.line_of(index) if isinstance(literals, YList) else line
        pairs.append((key, value, item_line))
    files = args.get("files")
    for index, entry in enumerate(_string_list(files, "files", k)):
        key, sep, source = entry.partition("=")
        if not sep:
            key, source = os.path.basename(entry), entry
        if not key or not source or "=" in source:
            raise Unsupported(f"the file source {entry!r}", k.shown)
        path = reader.local_file(k, source)
        if not path.is_file():
            raise Unsupported(f"the missing file {source}", k.shown)
        item_line = files.line_of(index) if isinstance(files, YList) else line
        pairs.append((key, reader.read(path, k.shown), item_line))
    data: dict[str, Any] = {}
    for key, value, item_line in pairs:
        if not _CONFIG_MAP_KEY.fullmatch(key) or key in data:
            raise Unsupported(f"the generator key {key!r}", k.shown)
        data[key] = (value, item_line)
    return data


def _string_list(value: Any, what: str, k: Kustomization) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Unsupported(f"generator {what} that are not strings", k.shown)
    return list(value)


def _env_file(
    reader: Reader, k: Kustomization, entry: str, line: int
) -> list[tuple[str, str, int]]:
    path = reader.local_file(k, entry)
    if not path.is_file():
        raise Unsupported(f"the missing env file {entry}", k.shown)
    text = reader.read(path, k.shown)
    pairs = []
    for number, raw_line in enumerate(text.split("\n")):
        content = raw_line.removesuffix("\r")
        if number == 0:
            content = content.removeprefix("\ufeff")
        if len(content) > 65536 or any("\x1c" <= c <= "\x1f" for c in content):
            raise Unsupported(f"the env file {entry}", k.shown)
        content = content.lstrip()
        if not content or content.startswith("#"):
            continue
        key, sep, value = content.partition("=")
        if not sep or not _ENV_NAME.fullmatch(key):
            raise Unsupported(f"the env file line {content!r}", k.shown)
        pairs.append((key, value, line))
    return pairs


def _absorb(acc: list[Res], res: Res, k: Kustomization) -> None:
    """kustomize's appendReplaceOrMerge for a generated object."""
    current = res.cur_id()
    matches = [r for r in acc if any(same_id(i, current) for i in r.all_ids())]
    if len(matches) > 1:
        raise Unsupported(f"a generator that matches several objects ({current[2]})", k.shown)
    if not matches:
        if res.behavior != "create":
            raise Unsupported(f"a generator {res.behavior} without a base ({current[2]})",
                              k.shown)  # fmt: skip
        append(acc, [res], k)
        return
    old = matches[0]
    if res.behavior == "create":
        raise Unsupported(f"a generator that recreates {current[2]}", k.shown)
    if not old.generated or old.hash != res.hash:
        raise Unsupported("a generator merge onto an object of another origin", k.shown)
    old_meta, new_meta = metadata_of(old.doc), metadata_of(res.doc)
    for key in ("labels", "annotations"):
        merged = {
            **string_map(old_meta.get(key), key, k.shown),
            **string_map(new_meta.get(key), key, k.shown),
        }
        if merged:
            entries = new_map(k.shown, getattr(new_meta, "line", 0))
            for name in sorted(merged):
                set_key(entries, name, merged[name])
            set_key(new_meta, key, entries)
        else:
            delete_key(new_meta, key)
    set_key(new_meta, "name", old.name)
    if old.namespace:
        set_key(new_meta, "namespace", old.namespace)
    else:
        delete_key(new_meta, "namespace")
    if res.behavior == "merge":
        for key in ("data", "binaryData"):
            merged = {
                **string_map(old.doc.get(key), key, k.shown),
                **string_map(res.doc.get(key), key, k.shown),
            }
            if merged:
                entries = new_map(k.shown, res.doc.line)
                for name in sorted(merged):
                    set_key(entries, name, merged[name])
                    source = res.doc.get(key)
                    if isinstance(source, YMap) and name in source.key_lines:
                        entries.key_lines[name] = source.key_lines[name]
                set_key(res.doc, key, entries)
    res.ids = [*old.ids, *res.ids]
    acc[acc.index(old)] = res


def hash_names(acc: list[Res], where: str) -> None:
    for res in acc:
        if res.hash:
            if res.kind not in ("ConfigMap", "Secret"):
                raise Unsupported(f"a hashed {res.kind}", where)
            suffix = _content_hash(res.doc, where)
            res.remember()
            set_key(metadata_of(res.doc), "name", f"{res.name}-{suffix}")
            res.remember()
