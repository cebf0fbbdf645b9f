"""One renderer per output format: pure functions from a report (or a catalogue) to text.

``REPORTERS`` maps a ``--format`` name to its renderer; the text renderer prints with rich.
"""

from __future__ import annotations

from prodready.lint.reporters._json import render_json
from prodready.lint.reporters._markdown import render_rules_markdown
from prodready.lint.reporters._sarif import render_sarif
from prodready.lint.reporters._text import render_text

__all__ = ["render_json", "render_rules_markdown", "render_sarif", "render_text"]
