"""Shared by the monitoring tests: the spec shapes, golden comparison, PromQL metric names."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

from prodready.spec import ServiceSpec, parse_spec
from prodready.spec import load_spec as load_spec_file

SPECS_DIR = Path(__file__).parent / "specs"
SPEC_NAMES = tuple(sorted(path.stem for path in SPECS_DIR.glob("*.toml")))
EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "examples"
# The reference services: property tests (not golden files) run on their specs too.
EXAMPLE_CASES = tuple(
    sorted(f"example:{path.parent.name}" for path in EXAMPLES_DIR.glob("*/pyproject.toml"))
)
ALL_CASES = SPEC_NAMES + EXAMPLE_CASES
UPDATE_GOLDEN = os.environ.get("PRODREADY_UPDATE_GOLDEN") == "1"


def load_spec(name: str) -> ServiceSpec:
    """A test spec by name, or ``example:<dir>`` for a reference service under ``examples/``."""
    if name.startswith("example:"):
        return load_spec_file(EXAMPLES_DIR / name.removeprefix("example:"))
    with (SPECS_DIR / f"{name}.toml").open("rb") as handle:
        return parse_spec(tomllib.load(handle))


def check_golden(files: Mapping[str, str], golden_dir: Path) -> None:
    """Compare ``files`` with the golden tree (rewrite it when PRODREADY_UPDATE_GOLDEN=1)."""
    if UPDATE_GOLDEN:
        for path, text in files.items():
            target = golden_dir / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    on_disk = {
        path.relative_to(golden_dir).as_posix() for path in golden_dir.rglob("*") if path.is_file()
    }
    assert on_disk == set(files), (
        "golden files differ in names; rerun with PRODREADY_UPDATE_GOLDEN=1"
    )
    for path, text in files.items():
        assert (golden_dir / path).read_text(encoding="utf-8") == text, path


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
_IDENT = re.compile(r"(?<![\w:.$])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()")
_KEYWORDS = frozenset({"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring"})


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects (functions, labels and keywords removed)."""
    text = _STRING.sub('""', expr)
    text = _MATCHERS.sub("", text)
    text = _RANGE.sub("", text)
    text = _GROUPING.sub("", text)
    return {name for name in _IDENT.findall(text) if name not in _KEYWORDS}


def all_metric_names(exprs: Iterable[str]) -> set[str]:
    names: set[str] = set()
    for expr in exprs:
        names |= metric_names(expr)
    return names
