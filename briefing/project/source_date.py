"""The build date: from SOURCE_DATE_EPOCH, else the last git commit touching the project, else `date` in briefing.yaml.

Never the wall clock, so the same inputs give the same bytes (reproducible-builds.org).
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from briefing.errors import Problem, UserError
from briefing.project.models import Project


def source_date(project: Project) -> dt.datetime:
    """The date printed on the cover and stamped into the PDF metadata (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise UserError([Problem(project.root, 0, f"SOURCE_DATE_EPOCH must be whole seconds since 1970, not '{epoch}'")]) from None
    committed = _git_commit_time(project.root)
    if committed is not None:
        return committed
    if project.config.date is not None:
        return dt.datetime.combine(project.config.date, dt.time(), tzinfo=dt.UTC)
    newest = max((s.path.stat().st_mtime for s in project.sections), default=0.0)
    return dt.datetime.fromtimestamp(int(newest), tz=dt.UTC)


def _git_commit_time(root: Path) -> dt.datetime | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct", "--", "."],
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = result.stdout.strip()
    if result.returncode != 0 or not value.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
