"""The whole journey of a briefing, in one place:

    load project → validate → resolve citations → select edition
      → render HTML (Jinja) → render PDF (WeasyPrint) → write atomically

`build` chains the stages; `prepare` runs the first three for commands that do not render
(list, check). Only `load_project` and `write_atomic` touch the file system.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .citations import CitationIndex, resolve_citations
from .errors import ProblemCollector, UserError
from .load import load_project
from .models import Project
from .validate import validate_project

if TYPE_CHECKING:
    from .editions import Book
    from .theme import Theme

# The rendering stages (editions, Jinja, Markdown, fonts, WeasyPrint) are imported inside
# `build`: `briefing list` and `briefing check` need only the first three stages.

OutputFormat = Literal["pdf", "html"]


@dataclass(frozen=True)
class BuildRequest:
    """What the user asked `briefing build` for."""

    project_dir: Path
    edition: str | None = None
    sections: Sequence[str] = ()
    exclude: Sequence[str] = ()
    output: Path | None = None
    format: OutputFormat = "pdf"
    draft: bool = False
    paper: str | None = None


@dataclass(frozen=True)
class BuildResult:
    """What a build produced."""

    path: Path
    edition: str
    pages: int | None
    seconds: float
    book: Book
    cited: tuple[str, ...]
    bytes: int
    layout: str = ""
    """How the pages were laid out (one pass, or parts in worker processes), for `--verbose`."""


def prepare(project_dir: Path) -> tuple[Project, CitationIndex]:
    """Load, validate and resolve citations: everything short of choosing an edition."""
    problems = ProblemCollector()
    project = validate_project(load_project(project_dir), problems)
    citations = resolve_citations(project, problems)
    problems.raise_if_errors()
    return project, citations


def build(request: BuildRequest) -> BuildResult:
    """Build one edition of the book and write it atomically."""
    from .editions import select_edition
    from .font_coverage import check_font_coverage
    from .render_html import RenderOptions, base_url, render_html
    from .source_date import source_date
    from .theme import load_theme
    from .write import write_atomic

    started = time.perf_counter()
    if request.format == "pdf":
        from .render_parts import start_workers
        from .reproducible import isolate_fonts

        isolate_fonts()  # fonts come from the tool, never the machine: before WeasyPrint loads anywhere

        start_workers(request.project_dir)  # they import WeasyPrint while this process prepares the HTML
    project, _ = prepare(request.project_dir)
    book = select_edition(project, request.edition, request.sections, request.exclude)
    if uncovered := check_font_coverage(book):
        raise UserError(uncovered)
    theme = load_theme(project)
    options = RenderOptions(build_date=source_date(project), draft=request.draft, paper=request.paper,
                            inline_styles=request.format == "html")
    rendered = render_html(book, theme, options)
    target = request.output or default_output(project, book.edition.name, request.format,
                                              partial=bool(request.sections or request.exclude))
    pages: int | None = None
    layout = ""
    if request.format == "html":
        data = rendered.html.encode("utf-8")
    else:
        from .fetch import SandboxPolicy
        from .render_parts import render_book_pdf as render_pdf  # part by part where it applies, else one pass

        pdf = render_pdf(rendered.html, base_url(book), project.root, theme,
                         pdf_variant=book.edition.pdf_variant, created=options.build_date,
                         source_lines=_source_lines(book, theme),
                         policy=SandboxPolicy(project.root, theme, project.config.limits, project.config.remote))
        data, pages, layout = pdf.data, pdf.pages, pdf.layout
    write_atomic(target, data)
    return BuildResult(target, book.edition.name, pages, time.perf_counter() - started, book, rendered.cited, len(data),
                       layout)


def default_output(project: Project, edition: str, output_format: OutputFormat, partial: bool = False) -> Path:
    """`build/<edition>.pdf` (or .html) in the project folder; `build/<edition>.partial.pdf` for a book cut
    down with `--section` or `--exclude`, so that it never replaces the whole edition."""
    return project.root / "build" / f"{edition}{'.partial' if partial else ''}.{output_format}"


def _source_lines(book: Book, theme: Theme) -> dict[str, tuple[Path, int]]:
    """Map resource URLs named in the content and the project's styles to their file and line, for errors."""
    from .locate import resource_lines
    from .render_html import base_url

    return resource_lines((chapter.section for chapter in book.chapters), base_url(book), theme, book.project.root)
