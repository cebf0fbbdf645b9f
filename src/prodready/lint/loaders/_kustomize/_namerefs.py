"""Name references: when kustomize renames a ConfigMap or Secret (its content hash), the fields
that name it follow, as its nameReference filter does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prodready.lint.loaders._kustomize._fields import ref_specs, walk_spec
from prodready.lint.loaders._kustomize._nodes import set_key
from prodready.lint.loaders._kustomize._resources import Res, cluster_scoped, effective_ns
from prodready.lint.loaders._kustomize._unsupported import Unsupported


def fix_references(acc: list[Res], where: str) -> None:
    """kustomize's name-reference fix for what was renamed (hashed ConfigMaps and Secrets),
    and a refusal where it would also rewrite references kept under the same name."""
    kinds = {r.kind for r in acc}
    for referrer in acc:
        if (
            referrer.kind in ("RoleBinding", "ClusterRoleBinding")
            and referrer.doc.get("subjects")
            and "ServiceAccount" in kinds
        ):
            raise Unsupported("role binding subjects next to service accounts", where)
        if (
            referrer.kind
            in (
                "MutatingWebhookConfiguration",
                "ValidatingWebhookConfiguration",
                "APIService",
            )
            and "Service" in kinds
        ):
            raise Unsupported(f"a {referrer.kind} next to services", where)
        if referrer.kind == "Node" and "ConfigMap" in kinds:
            raise Unsupported("a Node next to config maps", where)
    renamed = {r.kind for r in acc if any(i[2] != r.name for i in r.ids)} & {
        "ConfigMap",
        "Secret",
    }
    for kind in sorted(renamed):
        candidates = [r for r in acc if r.kind == kind and r.api_version == "v1"]
        for referrer in acc:
            for spec in ref_specs(kind):
                if spec.applies(referrer.api_version, referrer.kind):
                    walk_spec(
                        referrer.doc,
                        spec.parts()[:-1],
                        _rename(spec.parts()[-1], referrer, candidates, where),
                        create=False,
                        where=where,
                    )


def _rename(key: str, referrer: Res, candidates: list[Res], where: str) -> Callable[[Any], None]:
    """kustomize's nameref filter for one field: the referral with a matching name (any it has
    had) in the referrer's namespace gives its current name."""

    def choose(old: str) -> Res | None:
        found = [c for c in candidates if any(i[2] == old for i in c.all_ids())]
        if not cluster_scoped(referrer.api_version, referrer.kind):
            ns = effective_ns(referrer.api_version, referrer.kind, referrer.namespace)
            found = [
                c
                for c in found
                if cluster_scoped(c.api_version, c.kind)
                or effective_ns(c.api_version, c.kind, c.namespace) == ns
            ]
        if len(found) > 1 and len({c.name for c in found}) > 1:
            raise Unsupported(f"a reference to {old} that matches several objects", where)
        return found[0] if found else None

    def rename(value: Any) -> Any:
        if isinstance(value, dict):
            raise Unsupported("a name reference held in a mapping", where)
        if not isinstance(value, str):
            return value
        chosen = choose(value)
        return chosen.name if chosen is not None else value

    def visit(node: Any) -> None:
        if not isinstance(node, dict) or key not in node:
            return
        value = node[key]
        if isinstance(value, list):
            for i, item in enumerate(value):
                value[i] = rename(item)
        elif value is not None:
            new = rename(value)
            if new != value:
                set_key(node, key, new)

    return visit
