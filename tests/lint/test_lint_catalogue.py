"""The rule catalogue checks itself: stable unique IDs, complete metadata, tests, current docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from prodready.errors import RegistryError
from prodready.lint import Layer, RuleRegistry, default_registry
from prodready.lint.reporters import render_rules_markdown

TESTS = Path(__file__).parent
DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"

# IDs are permanent: a rule may be added, never renumbered or renamed. Extend this table only.
STABLE = {
    "PR000": "input-error",
    "PR001": "unused-suppression",
    "PR002": "suppression-without-reason",
    "PR003": "rule-failed",
    "PR101": "dockerfile-runs-as-root",
    "PR102": "dockerfile-base-image-unpinned",
    "PR103": "dockerfile-remote-add",
    "PR104": "dockerfile-secret-in-env",
    "PR105": "healthcheck-tool-missing",
    "PR106": "dev-server-in-production",
    "PR107": "server-bound-to-loopback",
    "PR108": "expose-vs-bind-port",
    "PR109": "user-without-home",
    "PR201": "compose-depends-on-without-health",
    "PR202": "compose-image-unpinned",
    "PR203": "compose-secret-in-environment",
    "PR204": "compose-privileged",
    "PR301": "k8s-may-run-as-root",
    "PR302": "k8s-image-unpinned",
    "PR303": "k8s-missing-resources",
    "PR304": "k8s-privileged",
    "PR305": "k8s-secret-in-configmap",
    "PR306": "k8s-secret-in-env-literal",
    "PR307": "k8s-schema-invalid",
    "PR308": "k8s-deprecated-api",
    "PR401": "liveness-checks-dependencies",
    "PR402": "env-host-undefined",
    "PR403": "probe-port-mismatch",
    "PR404": "service-selects-nothing",
    "PR405": "service-target-port-mismatch",
    "PR406": "ingress-backend-undefined",
    "PR407": "reference-to-missing-object",
    "PR408": "reference-to-missing-key",
    "PR409": "hpa-utilization-without-requests",
    "PR410": "replicas-without-pdb",
    "PR411": "pdb-blocks-drain",
    "PR412": "networkpolicy-blocks-dns",
    "PR413": "probe-timeout-below-check-timeout",
    "PR414": "non-root-with-named-user",
    "PR415": "run-as-user-differs-from-image",
    "PR416": "read-only-root-without-writable-dirs",
    "PR417": "grace-period-shorter-than-shutdown",
    "PR418": "migrations-in-every-replica",
    "PR419": "service-link-env-collision",
    "PR420": "probe-path-not-served",
}
_PREFIX = {
    Layer.GENERAL: "PR0",
    Layer.DOCKERFILE: "PR1",
    Layer.COMPOSE: "PR2",
    Layer.KUBERNETES: "PR3",
    Layer.CROSSFILE: "PR4",
}


def test_ids_and_slugs_are_the_stable_ones() -> None:
    assert {r.id: r.slug for r in default_registry(plugins=False)} == STABLE


def test_each_id_sits_in_its_layers_range() -> None:
    for rule in default_registry(plugins=False):
        assert rule.id.startswith(_PREFIX[rule.layer]), rule.id


def test_every_text_field_is_a_full_sentence() -> None:
    for rule in default_registry(plugins=False):
        for field in (rule.summary, rule.rationale, rule.fix):
            assert field.strip(), (rule.id, field)
            assert field.rstrip().endswith("."), (rule.id, field)
            assert len(field) >= 20, (rule.id, field)


def test_every_rule_module_is_small() -> None:
    rules_dir = Path(__file__).resolve().parents[2] / "src" / "prodready" / "lint" / "rules"
    for module in rules_dir.glob("*/*.py"):
        if module.name != "__init__.py":
            assert len(module.read_text().splitlines()) <= 130, module


def test_every_rule_has_a_firing_and_a_quiet_test() -> None:
    text = "\n".join(p.read_text() for p in TESTS.glob("test_lint_*.py"))
    engine_rules = {"PR000", "PR001", "PR002", "PR003"}  # exercised in test_lint_engine.py
    for rule_id in STABLE:
        if rule_id in engine_rules:
            continue
        lower = rule_id.lower()
        family = f"pr{rule_id[2]}xx"
        fires = re.search(rf"def test_({lower}|{family})_fires", text)
        quiet = re.search(rf"def test_({lower}|{family})_quiet", text)
        assert fires, rule_id
        assert quiet, rule_id
        if not re.search(rf"def test_{lower}_", text):
            assert f'"{rule_id}"' in text, rule_id  # covered through a parametrized family test


def test_the_registry_rejects_a_duplicate_id() -> None:
    registry = RuleRegistry()
    rule = default_registry(plugins=False).get("PR101")
    registry.register(rule)
    with pytest.raises(RegistryError, match="registered twice"):
        registry.register(rule)


def test_the_registry_rejects_a_malformed_id() -> None:
    from dataclasses import replace

    rule = replace(default_registry(plugins=False).get("PR101"), id="DL3007")
    with pytest.raises(RegistryError, match="malformed"):
        RuleRegistry().register(rule)


def test_docs_rules_md_is_generated_from_the_catalogue() -> None:
    expected = render_rules_markdown(default_registry(plugins=False))
    assert DOCS.read_text(encoding="utf-8") == expected, (
        "docs/rules.md is stale: run 'prodready check --list-rules --format markdown > "
        "docs/rules.md'"
    )
