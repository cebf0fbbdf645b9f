from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lint_helpers import write_tree

from prodready.lint import Finding, check

Lint = Callable[..., list[Finding]]


@pytest.fixture(autouse=True)
def _private_render_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test renders kustomizations into its own cache, never the user's."""
    monkeypatch.setenv("PRODREADY_CACHE_DIR", str(tmp_path_factory.mktemp("render-cache")))


@pytest.fixture
def lint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Lint:
    """Write ``files`` into a fresh directory and return the findings of ``rule`` on it."""
    monkeypatch.chdir(tmp_path)

    def run(rule: str, files: dict[str, str], **options: object) -> list[Finding]:
        write_tree(tmp_path, files)
        report = check([Path(".")], select=(rule,), **options)  # type: ignore[arg-type]
        # a rule that crashed reports PR003 instead of its findings: never let that pass quietly
        crashes = [f.message for f in report.findings if f.rule.id == "PR003" and rule != "PR003"]
        assert crashes == [], crashes
        return [f for f in report.findings if f.rule.id == rule]

    return run
