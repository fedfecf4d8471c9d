"""A check report as text for a person, or as JSON for CI (annotations, dashboards).

Text: each finding as `path:line: message [code]` (warnings say `warning:`), then a count;
the fact check's and the page measurement's summaries go to standard output. JSON: one
document with `findings` (path, line, severity, code, message) and a `summary`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from briefing.checks.run import CheckReport
from briefing.errors import display_path

JSON_VERSION = 1


def text_report(report: CheckReport, strict: bool = False) -> tuple[list[str], list[str]]:
    """(lines for standard output, lines for standard error)."""
    out: list[str] = []
    err = [f.format() for f in report.findings]
    if report.project is not None:
        out.append(fact_check_line(report))
    if report.pages_measured == "no":
        out.append(f"page budgets not checked: the edition '{report.edition}' has not been measured since the "
                   "last change (run briefing check --pages)")
    elif report.pages_measured == "kept":
        out.append(f"page budgets checked against the layout of '{report.edition}' measured by an earlier "
                   "briefing check --pages (no input has changed since)")
    if report.pages is not None and report.pages_measured == "now":
        out.append(f"pages in edition '{report.edition}':")
        budgets = _budgets(report)
        for chapter in report.pages:
            budget = f" (budget {budgets[chapter.section_id]})" if budgets.get(chapter.section_id) else ""
            out.append(f"  {chapter.section_id}: {chapter.pages} from page {chapter.first_page}{budget}")
    errors, warnings = report.count("error"), report.count("warning")
    if report.passed(strict):
        counts = report.counts
        out.append(f"ok: {counts.get('sections', 0)} sections, {counts.get('references', 0)} references, "
                   f"{counts.get('editions', 0)} editions" + (f", {_plural(warnings, 'warning')}" if warnings else ""))
    else:
        fatal = " (--strict: warnings are fatal)" if strict and warnings and not errors else ""
        err.append(f"briefing: {_plural(errors, 'error')}" + (f", {_plural(warnings, 'warning')}" if warnings else "")
                   + fatal)
    return out, err


def fact_check_line(report: CheckReport) -> str:
    """One line saying what the fact check did, or that it was skipped."""
    check = report.fact_check
    if check is None:
        return "fact check skipped: no archive folder given (use --archive DIR)"
    missing = sum(1 for f in check.findings if f.code == "figure-not-found")
    parts = [f"fact check: {_plural(check.figures, 'figure')} in {_plural(check.sentences, 'sentence')} "
             f"checked against {_plural(check.archived, 'archived source')} in {display_path(check.archive)}",
             f"{missing} not found"]
    if check.unverifiable:
        parts.append(f"{_plural(check.unverifiable, 'sentence')} not checkable (a cited source has no archived text)")
    if check.exempt:
        parts.append(f"{check.exempt} marked (our calculation)")
    return "; ".join(parts)


def json_report(report: CheckReport, strict: bool = False) -> str:
    """The report as one JSON document (see README: `briefing check --format json`)."""
    by_code: dict[str, int] = {}
    for f in report.findings:
        by_code[f.code] = by_code.get(f.code, 0) + 1
    summary: dict[str, Any] = {
        "errors": report.count("error"),
        "warnings": report.count("warning"),
        "by_code": by_code,
        **report.counts,
        "fact_check": _fact_check_json(report),
        "pages": None,
    }
    if report.pages_measured is not None:
        budgets = _budgets(report)
        summary["pages"] = {"edition": report.edition, "measured": report.pages_measured, "chapters": [
            {"section": c.section_id, "first_page": c.first_page, "pages": c.pages,
             "budget": budgets.get(c.section_id)} for c in report.pages or ()]}
    document = {
        "version": JSON_VERSION,
        "project": display_path(report.project.root) if report.project else None,
        "strict": strict,
        "passed": report.passed(strict),
        "findings": [f.to_json() for f in report.findings],
        "summary": summary,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _fact_check_json(report: CheckReport) -> dict[str, Any]:
    check = report.fact_check
    if check is None:
        return {"ran": False, "reason": "no archive folder given (--archive DIR)"}
    return {"ran": True, "archive": display_path(Path(check.archive)), "archived_sources": check.archived,
            "sentences": check.sentences, "figures": check.figures,
            "not_found": sum(1 for f in check.findings if f.code == "figure-not-found"),
            "unverifiable_sentences": check.unverifiable, "exempt_sentences": check.exempt}


def _budgets(report: CheckReport) -> dict[str, int | None]:
    project = report.project
    return {s.id: s.meta.pages for s in project.sections} if project else {}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
