"""Run a service locally the way its container would, and prove its probe contract.

Private: use the ``prodready up`` and ``prodready verify`` commands.
"""

from __future__ import annotations

from prodready.verify._drill import Drill, Step
from prodready.verify._report import report_data, report_table, step_line
from prodready.verify._run import LocalRun

__all__ = ["Drill", "LocalRun", "Step", "report_data", "report_table", "step_line"]
