"""`briefing list` and `briefing check`: look at a project without rendering it."""

from __future__ import annotations

import re
from pathlib import Path

import click

from .options import project_option, resolve_project


@click.command("list")
@project_option
def list_command(project_dir: Path | None) -> None:
    """List sections (id, title, sector, words, citations) and editions."""
    from ..pipeline import prepare

    project, citations = prepare(resolve_project(project_dir))
    rows = [(s.id, s.meta.title, s.meta.sector, str(len(re.findall(r"\w+", s.body))), str(citations.count(s.id)))
            for s in project.sections]
    _table(("section", "title", "sector", "words", "citations"), rows)
    click.echo()
    editions = [(e.name, e.level or project.config.section_default_level,
                 str(len(e.sections)) if e.sections is not None else "all", e.audience)
                for e in project.editions.values()]
    if editions:
        _table(("edition", "level", "sections", "audience"), editions)
    else:
        click.echo("no editions.yaml: the whole project builds as one edition, 'full'")


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())


@click.command()
@project_option
def check(project_dir: Path | None) -> None:
    """Validate the whole project without rendering: every problem, with its file and line."""
    from ..editions import select_edition
    from ..errors import ProblemCollector, UserError
    from ..pipeline import prepare

    project, _ = prepare(resolve_project(project_dir))
    problems = ProblemCollector()
    for name in project.editions or {"full": None}:
        try:
            select_edition(project, name)
        except UserError as error:
            problems.extend(error.problems)
    problems.raise_if_errors()
    click.echo(f"ok: {len(project.sections)} sections, {len(project.references)} references, "
               f"{len(project.editions) or 1} editions")
