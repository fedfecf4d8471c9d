"""`check_project`: load and validate the project like a build, then run every check family.

The stages are the build's own (load → validate → resolve citations → select each
edition), with problems collected instead of raised, so one run reports everything. Then:
references, structure, freshness, citation coverage, the fact check (with an archive
folder) and page budgets (with `--pages`, or when a section declares `pages:`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.checks.budget import ChapterPages
from briefing.checks.factcheck import FactCheck
from briefing.checks.finding import Finding, finding, from_problem, sort_findings
from briefing.errors import ProblemCollector, UserError
from briefing.project.models import Project

if TYPE_CHECKING:
    from briefing.book.citations import CitationIndex
    from briefing.project.load import ProjectFiles


@dataclass(frozen=True)
class CheckOptions:
    """What the user asked `briefing check` for."""

    archive: Path | None = None
    """Folder of the references' archived texts; None skips the fact check."""
    pages: bool = False
    """Measure every chapter's pages (a layout of the edition) even if no section has a budget."""
    edition: str | None = None
    """Edition whose layout the page budgets are measured on (default: the default edition)."""


@dataclass
class CheckReport:
    """Everything one `briefing check` found."""

    findings: list[Finding]
    project: Project | None = None
    fact_check: FactCheck | None = None
    """None when no archive folder was given (the fact check was skipped)."""
    pages: list[ChapterPages] | None = None
    edition: str | None = None
    """The edition the pages were measured on."""
    pages_measured: str | None = None
    """'now' (laid out by this run), 'kept' (from an earlier --pages run, inputs unchanged), or
    'no' (budgets declared but not measured); None when no budget is declared and --pages not given."""
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def passed(self, strict: bool = False) -> bool:
        """No errors (and, when strict, no warnings)."""
        return self.count("error") == 0 and (not strict or self.count("warning") == 0)


def check_project(project_dir: Path, options: CheckOptions) -> CheckReport:
    """Run every check on the project at `project_dir`."""
    from briefing.book.citations import resolve_citations
    from briefing.pipeline import read_project

    collected = ProblemCollector()
    try:
        files, project = read_project(project_dir, collected)
    except UserError as error:
        return CheckReport(sort_findings([from_problem(p) for p in error.problems]))
    findings = [from_problem(p) for p in collected.problems]
    complete = not collected.errors
    unknown = ProblemCollector()
    citations = resolve_citations(project, unknown)
    raw = {str(s.path): s.text for s in files.sections}
    report = CheckReport(findings, project)
    findings += _check_text(project, citations, files, unknown, complete, options, report, raw)
    if complete:
        findings += _check_editions(project, options, report, raw)
    report.findings = sort_findings(_without_repeats(findings))
    report.counts = {"sections": len(project.sections), "references": len(project.references),
                     "editions": len(project.editions) or 1}
    return report


def _check_text(project: Project, citations: CitationIndex, files: ProjectFiles, unknown: ProblemCollector,
                complete: bool, options: CheckOptions, report: CheckReport, raw: dict[str, str]) -> list[Finding]:
    """Every check that reads the Markdown and the references, without rendering."""
    from briefing.checks.coverage import check_coverage
    from briefing.checks.factcheck import check_facts
    from briefing.checks.freshness import check_freshness
    from briefing.checks.references import ReferenceLines, check_references, check_unparsed, unknown_key_findings
    from briefing.checks.sentences import split_sentences
    from briefing.checks.structure import check_structure
    from briefing.checks.units import read_section
    from briefing.project.source_date import source_date

    texts = [read_section(section) for section in project.sections]
    known = frozenset(project.references)
    sentences = {id(unit): split_sentences(unit, known) for text in texts for unit in text.units}
    lines = ReferenceLines(files.references)
    found = unknown_key_findings(unknown.problems)
    found += check_references(project, citations, lines, complete)
    found += check_unparsed(project, citations)
    for text in texts:
        found += check_structure(text)
    found += check_freshness(project, source_date(project).date(), raw)
    found += check_coverage(texts, sentences)
    if options.archive is not None:
        every = [s for text in texts for unit in text.units for s in sentences[id(unit)]]
        report.fact_check = check_facts(project, every, options.archive, lines)
        found += report.fact_check.findings
    return found


def _check_editions(project: Project, options: CheckOptions, report: CheckReport,
                    raw: dict[str, str]) -> list[Finding]:
    """Every edition is selected and rendered to HTML as a build would (the pipeline's `render_book`:
    raw-HTML audit, images, links, chart data, font coverage, `#` headings, templates), then page
    budgets on the chosen edition's layout."""
    from briefing.book.editions import select_edition
    from briefing.book.render_html import RenderOptions
    from briefing.pipeline import render_book
    from briefing.project.source_date import source_date
    from briefing.project.theme import load_theme
    from briefing.project.translations import stale_translations

    found: list[Finding] = [finding(p.path, p.line, "stale-translation", p.message)
                            for p in stale_translations(project.extra.get("translations", {}))]
    theme = load_theme(project)
    options_html = RenderOptions(build_date=source_date(project))
    names: list[str | None] = [*project.editions] or [None]  # None: the default edition
    for name in names:
        try:
            book = select_edition(project, name)
            found += [finding(p.path, p.line, "missing-translation", f"edition '{book.edition.name}': {p.message}")
                      for p in book.notices]
        except UserError as error:
            found += [from_problem(p, "edition") for p in error.problems]
            continue
        rendered = ProblemCollector()
        render_book(project, theme, options_html, rendered, edition=name)
        seen = {(f.path, f.line, f.message) for f in found}  # a problem shared by several editions, once
        found += [from_problem(p, "render") for p in rendered.problems
                  if (p.path, p.line, p.message) not in seen]
    wants_pages = options.pages or any(s.meta.pages for s in project.sections)  # laid out only with --pages
    if not wants_pages:
        return found
    try:
        book = select_edition(project, options.edition)
    except UserError as error:
        return found + [from_problem(p, "edition") for p in error.problems]
    from briefing.checks.budget import check_budgets, inputs_fingerprint, measurement_path, stored_measurement

    report.edition = book.edition.name
    if options.pages:
        from briefing.checks.budget import measure_chapters, store_measurement
        from briefing.pipeline import BuildRequest, make_book

        made = make_book(BuildRequest(project.root, book.edition.name))  # the PDF `build` writes, kept in memory
        report.pages = measure_chapters(made.data, [chapter.section.id for chapter in made.book.chapters])
        report.pages_measured = "now"
        store_measurement(book, inputs_fingerprint(book), report.pages)
    else:
        kept = measurement_path(book).is_file()  # hashing the inputs costs time: only when there is something to reuse
        report.pages = stored_measurement(book, inputs_fingerprint(book)) if kept else None
        report.pages_measured = "kept" if report.pages is not None else "no"
    return found + check_budgets(book, report.pages, raw) if report.pages is not None else found


def _without_repeats(findings: list[Finding]) -> list[Finding]:
    """One finding per file, line and message: a check's own code wins over the build's `render`
    (a `#` heading is both a `title-heading` and a problem the build refuses)."""
    specific = {(f.path, f.line, f.message) for f in findings if f.code != "render"}
    return [f for f in findings if f.code != "render" or (f.path, f.line, f.message) not in specific]
