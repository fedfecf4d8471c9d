"""The whole journey of a briefing, in one place:

    load project → validate → resolve citations → select edition
      → render HTML (Jinja) → render PDF (WeasyPrint) → write atomically

This module is the only one that chains the stages. `build` runs them all; the other
commands call the same steps: `briefing check` runs `prepare` and `render_book` on every
edition (everything a build checks, short of the layout) and, with `--pages`, `make_pdf`
(the very PDF `build` would write, not written); `briefing release` runs `prepare` once,
then `render_book` and `lay_out` per edition; watch and preview call `build`.

Problems are collected across stages, so one run reports every problem it can find: an
unknown citation key does not hide a missing image in the same chapter. Only a project that
cannot be validated (the later stages would have nothing sound to work on) stops early.
Only `load_project` and `write_atomic` touch the file system.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from briefing.book.citations import CitationIndex, resolve_citations
from briefing.errors import ProblemCollector, UserError
from briefing.project.load import ProjectFiles, load_project
from briefing.project.models import Project
from briefing.project.validate import validate_project

if TYPE_CHECKING:
    from briefing.book.editions import Book
    from briefing.book.render_html import RenderedBook, RenderOptions
    from briefing.pdf.render_pdf import RenderedPdf
    from briefing.project.theme import Theme

# The rendering stages (editions, Jinja, Markdown, fonts, WeasyPrint) are imported inside the
# functions: `briefing list` and `briefing check` never import WeasyPrint.

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


@dataclass(frozen=True)
class MadeBook:
    """One edition carried through every stage but the write: what `build` writes, in memory."""

    project: Project
    book: Book
    rendered: RenderedBook
    data: bytes
    pdf: RenderedPdf | None
    """None for `--format html`."""


def read_project(project_dir: Path, problems: ProblemCollector) -> tuple[ProjectFiles, Project]:
    """Load and validate; validation problems go to `problems` (with errors, the project is incomplete).

    A project that cannot be read at all (no briefing.yaml, an unreadable file) raises `UserError`.
    """
    files = load_project(project_dir)
    return files, validate_project(files, problems)


def prepare(project_dir: Path, problems: ProblemCollector | None = None) -> tuple[Project, CitationIndex]:
    """Load, validate and resolve citations: everything short of choosing an edition.

    With validation errors, they are raised here with the citations' problems (the later
    stages would have nothing sound to work on). Otherwise citation problems go to `problems`
    when given, so the caller can add the later stages' problems to them; else they are raised.
    """
    collect = problems if problems is not None else ProblemCollector()
    validated = ProblemCollector()
    _, project = read_project(project_dir, validated)
    collect.extend(validated.problems)
    citations = resolve_citations(project, collect)
    if problems is None or validated.errors:
        collect.raise_if_errors()
    project.extra["warnings"] = tuple(p for p in collect.problems if p.severity == "warning")  # build prints them
    return project, citations


def render_book(project: Project, theme: Theme, options: RenderOptions, problems: ProblemCollector, *,
                edition: str | None = None, sections: Sequence[str] = (),
                exclude: Sequence[str] = ()) -> tuple[Book, RenderedBook] | None:
    """Select an edition and render it to HTML, with every check a build makes before the layout.

    Font coverage, `#` headings in a body, the raw-HTML audit with the content's images and
    links, chart data and templates: each problem goes to `problems`; None when the edition
    cannot be rendered at all.
    """
    from briefing.book.editions import select_edition
    from briefing.book.render_html import render_html
    from briefing.checks.structure import title_heading_problems
    from briefing.pdf.font_coverage import check_font_coverage

    try:
        book = select_edition(project, edition, sections, exclude)
    except UserError as error:
        problems.extend(error.problems)
        return None
    for chapter in book.printed:
        problems.extend(title_heading_problems(chapter.section))
    problems.extend(check_font_coverage(book))
    try:
        return book, render_html(book, theme, options)
    except UserError as error:
        problems.extend(error.problems)
        return None


def lay_out(book: Book, theme: Theme, html: str, *, pdf_variant: str | None = None, created: Any = None,
            finisher: Callable[[Any, Any], None] | None = None, identifier: bool | None = None,
            in_parts: bool = True) -> RenderedPdf:
    """Stage 6: the PDF of rendered HTML, through the sandboxed fetcher the project's settings make.

    Part by part in worker processes where that gives the same pages (`render_parts`), else
    in one WeasyPrint pass; `in_parts=False` always takes the single pass.
    """
    from briefing.book.render_html import base_url
    from briefing.safety.policy import sandbox_policy

    policy = sandbox_policy(book.project, theme)
    lines = source_lines(book, theme)
    if not in_parts or finisher is not None or identifier:
        from briefing.pdf.render_pdf import render_pdf

        return render_pdf(html, base_url(book), book.project.root, theme, pdf_variant=pdf_variant, created=created,
                          source_lines=lines, finisher=finisher, identifier=identifier, policy=policy)
    from briefing.pdf.route import render_book_pdf

    return render_book_pdf(html, base_url(book), book.project.root, theme, pdf_variant=pdf_variant,
                           created=created, source_lines=lines, policy=policy)


def _warm_workers(project: Project, theme: Theme, options: RenderOptions, request: BuildRequest) -> None:
    """Let the layout workers' parent parse the book's stylesheets and load its fonts now, while this
    process converts the chapters (a second or two of a cold build's critical path otherwise)."""
    from briefing.book.editions import select_edition
    from briefing.book.render_html import base_url, head_document
    from briefing.pdf.parts.zygote import WARM_BODY
    from briefing.pdf.route import warm_workers, workers_cold
    from briefing.safety.policy import sandbox_policy

    if not workers_cold():  # none started (html, one pass), or a warm process's, warmed long ago
        return
    try:
        book = select_edition(project, request.edition, request.sections, request.exclude)
    except UserError:
        return  # `render_book` reports it
    warm_workers(head_document(book, theme, options, WARM_BODY), base_url(book), sandbox_policy(project, theme))


def make_book(request: BuildRequest) -> MadeBook:
    """Every stage of `build` but the write: the bytes `build` would write for `request`."""
    from briefing.book.render_html import RenderOptions
    from briefing.project.source_date import source_date
    from briefing.project.theme import load_theme

    if request.format == "pdf":
        from briefing.pdf.route import start_workers

        start_workers(request.project_dir)  # they import WeasyPrint while this process prepares the HTML
    problems = ProblemCollector()
    project, _ = prepare(request.project_dir, problems)
    from briefing.write import output_in

    output_in(project.root / "build", "full.pdf", project.root)  # build/ (outputs, caches) may not lead out
    theme = load_theme(project)
    options = RenderOptions(build_date=source_date(project), draft=request.draft, paper=request.paper,
                            inline_styles=request.format == "html")
    if request.format == "pdf":
        _warm_workers(project, theme, options, request)
    made = render_book(project, theme, options, problems, edition=request.edition, sections=request.sections,
                       exclude=request.exclude)
    problems.raise_if_errors()
    assert made is not None  # a book that could not be rendered left an error
    book, rendered = made
    from briefing.safety.leakproof import prove_no_leak

    if request.format == "html":
        data = rendered.html.encode("utf-8")
        prove_no_leak(book, data, request.format)  # nothing above the edition's level in what it prints
        return MadeBook(project, book, rendered, data, None)
    pdf = lay_out(book, theme, rendered.html, pdf_variant=book.edition.pdf_variant, created=options.build_date)
    prove_no_leak(book, pdf.data, request.format)
    return MadeBook(project, book, rendered, pdf.data, pdf)


def build(request: BuildRequest) -> BuildResult:
    """Build one edition of the book and write it atomically."""
    from briefing.write import write_atomic

    started = time.perf_counter()
    made = make_book(request)
    target = request.output or default_output(made.project, made.book.edition.name, request.format,
                                              partial=bool(request.sections or request.exclude))
    write_atomic(target, made.data)
    pdf = made.pdf
    return BuildResult(target, made.book.edition.name, pdf.pages if pdf else None, time.perf_counter() - started,
                       made.book, made.rendered.cited, len(made.data), pdf.layout if pdf else "")


def default_output(project: Project, edition: str, output_format: OutputFormat, partial: bool = False) -> Path:
    """`build/<edition>.pdf` (or .html) in the project folder; `build/<edition>.partial.pdf` for a book cut
    down with `--section` or `--exclude`, so that it never replaces the whole edition."""
    from briefing.write import output_in

    return output_in(project.root / "build", f"{edition}{'.partial' if partial else ''}.{output_format}", project.root)


def source_lines(book: Book, theme: Theme) -> dict[str, tuple[Path, int]]:
    """Map resource URLs named in the content and the project's styles to their file and line, for errors."""
    from briefing.book.locate import resource_lines
    from briefing.book.render_html import base_url

    return resource_lines((chapter.section for chapter in book.printed), base_url(book), theme, book.project.root)

