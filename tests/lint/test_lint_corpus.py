"""The whole third-party corpus loads and checks without a crash or an internal rule error."""

from __future__ import annotations

from pathlib import Path

import pytest
from lint_helpers import CORPUS

from prodready.lint import Report, check

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS} (it lives outside the repo)"
)


@pytest.fixture(scope="module")
def report() -> Report:
    return check([CORPUS])


def test_the_corpus_is_checked_without_crashes_or_parse_errors(report: Report) -> None:
    assert len(report.files) >= 140
    internal = [f for f in report.findings if f.rule.id in {"PR000", "PR003"}]
    assert internal == [], [f.message for f in internal]


def test_every_finding_on_the_corpus_points_at_a_real_line(report: Report) -> None:
    assert report.findings
    for finding in report.findings:
        path = Path(finding.location.path)
        assert path.is_file(), finding
        assert 1 <= finding.location.line <= len(path.read_text().splitlines()), finding
