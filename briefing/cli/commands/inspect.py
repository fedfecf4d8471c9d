"""`briefing list` and `briefing check`: look at a project without rendering it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import click

from briefing.cli.commands.options import project_option, resolve_project


@click.command("list")
@project_option
def list_command(project_dir: Path | None) -> None:
    """List sections (id, title, sector, words, citations) and editions."""
    from briefing.cache.answers import emit
    from briefing.pipeline import prepare

    project, citations = prepare(resolve_project(project_dir))
    rows = [(s.id, s.meta.title, s.meta.sector, str(len(re.findall(r"\w+", s.body))), str(citations.count(s.id)))
            for s in project.sections]
    lines = _table(("section", "title", "sector", "words", "citations"), rows)
    lines.append("")
    editions = [(e.name, e.level or project.config.section_default_level,
                 str(len(e.sections)) if e.sections is not None else "all", e.audience)
                for e in project.editions.values()]
    if editions:
        lines += _table(("edition", "level", "sections", "audience"), editions)
    else:
        lines.append("no editions.yaml: the whole project builds as one edition, 'full'")
    emit([(False, line) for line in lines], 0)


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in [header, *rows]]


@click.command()
@project_option
@click.option("--archive", type=click.Path(path_type=Path), metavar="DIR",
              help="Folder of the references' archived texts (archive-file): run the fact check against them.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (exit 1), not only on errors.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text for people; json (on standard output) for CI annotations.")
@click.option("--pages", "measure_pages", is_flag=True,
              help="Lay the edition out and report each chapter's pages (done anyway when a section has pages:).")
@click.option("-e", "--edition", metavar="NAME",
              help="Edition whose pages are measured (default: the default edition).")
def check(project_dir: Path | None, archive: Path | None, strict: bool, output_format: str, measure_pages: bool,
          edition: str | None) -> None:
    """Check the project: every finding with its file and line, errors and warnings.

    Validates everything a build would, then looks for stale reviews, unused references,
    impossible locators, skipped headings, images without alt text, uncited factual text,
    chapters over their page budget and, with --archive, figures their sources do not state.
    Exit code 0 when there are no errors (no warnings either, with --strict), else 1.
    """
    from briefing.cache.answers import emit
    from briefing.checks.finding import from_problem
    from briefing.checks.report import json_report, text_report
    from briefing.checks.run import CheckOptions, CheckReport, check_project
    from briefing.errors import UserError

    try:
        report = check_project(resolve_project(project_dir), CheckOptions(archive, measure_pages, edition))
    except UserError as error:
        if output_format != "json":
            raise
        report = CheckReport([from_problem(p) for p in error.problems])
    if output_format == "json":
        events = [(False, json_report(report, strict))]
    else:
        out, err = text_report(report, strict)
        events = [(True, line) for line in err] + [(False, line) for line in out]
    emit(events, 0 if report.passed(strict) else 1)
