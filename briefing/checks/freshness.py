"""Freshness: a section whose last factual review is older than the project's review interval.

"Now" is the build's source date (SOURCE_DATE_EPOCH, else the last commit, else `date` in
briefing.yaml), never the wall clock, so the same inputs always give the same findings.
"""

from __future__ import annotations

import datetime as dt

from briefing.checks.finding import Finding, finding
from briefing.checks.units import front_matter_line
from briefing.project.models import Project


def check_freshness(project: Project, today: dt.date, raw: dict[str, str]) -> list[Finding]:
    """`stale-review` and `no-review-date` for every section, relative to `today` (the source date)."""
    interval = project.config.review_interval_days
    found: list[Finding] = []
    for section in project.sections:
        reviewed = section.meta.reviewed
        if reviewed is None:
            found.append(finding(section.path, 1, "no-review-date",
                                 "no 'reviewed:' date in the front matter: add the date of the last factual review"))
            continue
        age = (today - reviewed).days
        if age > interval:
            found.append(finding(section.path, front_matter_line(section, raw, "reviewed"), "stale-review",
                                 f"reviewed {reviewed.isoformat()}, {age} days before {today.isoformat()} "
                                 f"(review interval {interval} days): review the facts and update 'reviewed:'"))
    return found

