"""What a kustomization does to the resources it accumulated (:func:`transform`), in kustomize's
order: ``patchesStrategicMerge``, ``patches``, ``namespace``, ``labels``, ``commonLabels``,
``commonAnnotations``, ``patchesJson6902``, ``replicas`` and ``images``."""

from __future__ import annotations

from typing import Any

from prodready.lint.loaders._kustomize._fields import (
    COMMON_ANNOTATIONS,
    COMMON_LABELS,
    METADATA_LABELS,
    FieldSpec,
    apply_specs,
    walk_spec,
)
from prodready.lint.loaders._kustomize._images import (
    IMAGE_NAME,
    IMAGE_SPECS,
    Image,
    legacy_images,
    update_image,
)
from prodready.lint.loaders._kustomize._jsonpatch import apply_json, json_ops
from prodready.lint.loaders._kustomize._kustomization import Kustomization, Reader
from prodready.lint.loaders._kustomize._nodes import (
    Map,
    copy,
    metadata_of,
    new_map,
    set_key,
    string_map,
)
from prodready.lint.loaders._kustomize._resources import (
    Res,
    check_resource,
    cluster_scoped,
    effective_ns,
    same_id,
)
from prodready.lint.loaders._kustomize._select import select
from prodready.lint.loaders._kustomize._strategic import strategic_merge, stringify_metadata
from prodready.lint.loaders._kustomize._unsupported import Unsupported
from prodready.lint.loaders._kustomize._values import load
from prodready.lint.loaders._yaml import YMap


def transform(reader: Reader, k: Kustomization, acc: list[Res]) -> None:
    for index, entry in enumerate(k.items("patchesStrategicMerge")):
        if not isinstance(entry, str):
            raise Unsupported("a patchesStrategicMerge entry that is not a string", k.shown)
        path = reader.resolve(k.directory / entry)
        if "\n" not in entry and path.is_file():
            file = reader.local_file(k, entry)
            docs = load(reader.read(file, k.shown), reader.display(file))
        else:
            docs = load(entry, k.shown, offset=k.line_of("patchesStrategicMerge", index))
        for doc in docs:
            if doc is not None:
                _smp(acc, doc, None, k)
    for index, entry in enumerate(k.items("patches")):
        _patch(reader, acc, entry, index, k)
    namespace = k.doc.get("namespace")
    if namespace:
        _namespace(acc, namespace, k)
    for label in k.items("labels"):
        _labels(acc, label, k)
    common = string_map(k.doc.get("commonLabels"), "commonLabels", k.shown)
    if common:
        apply_specs(acc, COMMON_LABELS, common, k)
    annotations = string_map(k.doc.get("commonAnnotations"), "commonAnnotations", k.shown)
    if annotations:
        apply_specs(acc, COMMON_ANNOTATIONS, annotations, k)
    for index, entry in enumerate(k.items("patchesJson6902")):
        _patch_json6902(reader, acc, entry, index, k)
    for entry in k.items("replicas"):
        _replicas(acc, entry, k)
    for entry in k.items("images") + k.items("imageTags"):
        _images(acc, entry, k)


def _patch_text(
    reader: Reader, k: Kustomization, entry: dict[Any, Any], key: str, index: int
) -> tuple[str, str, int]:
    """The patch's text, where it is shown and the line its first line is on."""
    if ("path" in entry) == ("patch" in entry):
        raise Unsupported(f"a {key} entry without exactly one of path and patch", k.shown)
    if "path" in entry:
        if not isinstance(entry["path"], str):
            raise Unsupported(f"a {key} path that is not a string", k.shown)
        file = reader.local_file(k, entry["path"])
        if not file.is_file():
            raise Unsupported(f"the missing patch file {entry['path']}", k.shown)
        return reader.read(file, k.shown), reader.display(file), 0
    text = entry["patch"]
    if not isinstance(text, str):
        raise Unsupported(f"a {key} patch that is not a string", k.shown)
    line = entry.line_of("patch") if isinstance(entry, YMap) else k.line_of(key, index)
    return text.strip(), k.shown, line if "\n" in text else line - 1


def _patch(reader: Reader, acc: list[Res], entry: Any, index: int, k: Kustomization) -> None:
    if not isinstance(entry, dict) or set(entry) - {"path", "patch", "target", "options"}:
        raise Unsupported("a patches entry with fields outside path, patch and target",
                          k.shown)  # fmt: skip
    if entry.get("options"):
        raise Unsupported("patch options", k.shown)
    text, shown, offset = _patch_text(reader, k, entry, "patches", index)
    docs = [d for d in load(text, shown, offset=offset) if d is not None]
    target = entry.get("target")
    if len(docs) == 1 and isinstance(docs[0], dict):
        _smp(acc, docs[0], target, k)
    elif len(docs) == 1 and isinstance(docs[0], list):
        if target is None:
            raise Unsupported("a JSON patch without a target", k.shown)
        ops = json_ops(text, shown, offset)
        for res in select(acc, target, k):
            apply_json(res, ops, shown)
    else:
        raise Unsupported("a patch that is neither one object nor a JSON patch", shown)


def _patch_json6902(
    reader: Reader, acc: list[Res], entry: Any, index: int, k: Kustomization
) -> None:
    if not isinstance(entry, dict) or set(entry) - {"path", "patch", "target"}:
        raise Unsupported("a patchesJson6902 entry with unknown fields", k.shown)
    if not isinstance(entry.get("target"), dict):
        raise Unsupported("a patchesJson6902 entry without a target", k.shown)
    text, shown, offset = _patch_text(reader, k, entry, "patchesJson6902", index)
    ops = json_ops(text.strip(), shown, offset)
    for res in select(acc, entry["target"], k):
        apply_json(res, ops, shown)


def _smp(acc: list[Res], patch: Any, target: Any, k: Kustomization) -> None:
    where = getattr(patch, "path", k.shown)
    try:
        patch = check_resource(patch, where)
    except Unsupported as exc:
        raise Unsupported(f"a strategic merge patch: {exc.feature}", where) from exc
    if target is None:
        wanted = (
            patch["apiVersion"],
            patch["kind"],
            metadata_of(patch)["name"],
            str(metadata_of(patch).get("namespace") or ""),
        )
        selected = [r for r in acc if any(same_id(i, wanted) for i in r.all_ids())]
        if len(selected) != 1:
            raise Unsupported(
                f"a patch whose target {wanted[1]}/{wanted[2]} matches {len(selected)} objects",
                where,
            )
    else:
        selected = select(acc, target, k)
        patch = stringify_metadata(copy(patch), where)
    for res in selected:
        merged = strategic_merge(res.doc, copy(patch), where)
        if merged is None:
            acc.remove(res)
        else:
            res.doc = merged


def _namespace(acc: list[Res], namespace: str, k: Kustomization) -> None:
    for res in acc:
        if res.kind in ("RoleBinding", "ClusterRoleBinding") and res.doc.get("subjects"):
            raise Unsupported("a namespace for role bindings with subjects", k.shown)
        if res.kind in (
            "APIService",
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
        ) or (res.kind == "CustomResourceDefinition" and "conversion" in res.doc.get("spec", {})):
            raise Unsupported(f"a namespace for a {res.kind}", k.shown)
        res.remember()
        meta = metadata_of(res.doc)
        if not cluster_scoped(res.api_version, res.kind):
            set_key(meta, "namespace", namespace)
        if res.kind == "Namespace":
            set_key(meta, "name", namespace)
    ids = [r.cur_id() for r in acc]
    if len({(i[0], i[1], i[2], effective_ns(*i[:2], i[3])) for i in ids}) != len(ids):
        raise Unsupported("a namespace that makes two ids equal", k.shown)


def _labels(acc: list[Res], label: Any, k: Kustomization) -> None:
    allowed = {"pairs", "includeSelectors", "includeTemplates"}
    if not isinstance(label, dict) or set(label) - allowed:
        raise Unsupported("labels entries with fields outside pairs, includeSelectors and "
                          "includeTemplates", k.shown)  # fmt: skip
    pairs = string_map(label.get("pairs"), "labels", k.shown)
    if label.get("includeSelectors"):
        specs: tuple[FieldSpec, ...] = COMMON_LABELS
    elif label.get("includeTemplates"):
        specs = METADATA_LABELS
    else:
        specs = METADATA_LABELS[:1]
    if pairs:
        apply_specs(acc, specs, pairs, k)


def _replicas(acc: list[Res], entry: Any, k: Kustomization) -> None:
    if not isinstance(entry, dict) or set(entry) - {"name", "count"}:
        raise Unsupported("a replicas entry with fields outside name and count", k.shown)
    name, count = entry.get("name"), entry.get("count")
    if not isinstance(name, str) or not isinstance(count, int) or isinstance(count, bool):
        raise Unsupported("a replicas entry without a name and an integer count", k.shown)
    found = False
    for res in acc:
        if res.kind in (
            "Deployment",
            "ReplicationController",
            "ReplicaSet",
            "StatefulSet",
        ) and (any(i[2] == name for i in res.all_ids())):
            found = True
            spec = res.doc.get("spec")
            if spec is None:
                spec = new_map(res.doc.path, res.doc.line)
                set_key(res.doc, "spec", spec)
            if not isinstance(spec, dict):
                raise Unsupported("a workload whose spec is not a mapping", k.shown)
            if isinstance(spec, Map) and "replicas" in spec.quoted:
                set_key(spec, "replicas", str(count), quoted=True)  # the node keeps its quotes
            else:
                set_key(spec, "replicas", count)
    if not found:
        raise Unsupported(f"replicas for {name}, which matches no workload", k.shown)


def _images(acc: list[Res], entry: Any, k: Kustomization) -> None:
    allowed = {"name", "newName", "newTag", "digest", "tagSuffix"}
    if not isinstance(entry, dict) or set(entry) - allowed:
        raise Unsupported("an images entry with fields outside name, newName, newTag, "
                          "digest and tagSuffix", k.shown)  # fmt: skip
    if not all(isinstance(v, str) for v in entry.values()):
        raise Unsupported("an images entry whose values are not strings", k.shown)
    name = entry.get("name", "")
    if not IMAGE_NAME.fullmatch(name):
        raise Unsupported(f"the image name {name!r}", k.shown)
    image = Image(
        name,
        entry.get("newName", ""),
        entry.get("newTag", ""),
        entry.get("digest", ""),
        entry.get("tagSuffix", ""),
    )
    for res in acc:
        if res.kind == "CustomResourceDefinition":
            continue
        legacy_images(res.doc, image, k.shown)
        for path in IMAGE_SPECS:
            walk_spec(
                res.doc,
                path.split("/"),
                update_image(image, k.shown),
                create=False,
                where=k.shown,
            )
