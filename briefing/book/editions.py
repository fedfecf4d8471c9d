"""Stage 4, select edition: which sections, which parts and which blocks one audience gets.

Classification is enforced here: a section above the edition's level is dropped, and so is
a fenced-div block, as Markdown's own parser finds it (`fenced_divs.classify`); the book's
marking is the highest level that was actually included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from briefing.errors import Problem, ProblemCollector, UserError
from briefing.project.blocks import keep_parts
from briefing.project.fenced_divs import Audience, Fences, classify, furniture_nonce
from briefing.project.models import Edition, Project, Section, SectionEntry


@dataclass(frozen=True)
class Chapter:
    """One section as this edition prints it."""

    section: Section
    body: str
    """Markdown with parts and blocks already selected; kept divs are HTML wrappers."""
    parts: tuple[str, ...] | None
    """The `##` parts kept (None: all)."""
    fences: Fences | None = None
    """How the renderer dresses (and filters again) the chapter's fenced divs."""


@dataclass(frozen=True)
class Book:
    """Everything one edition needs to be rendered."""

    project: Project
    edition: Edition
    chapters: tuple[Chapter, ...]
    level: str
    """The edition's ceiling: nothing above it is included."""
    marking: str
    """The highest level actually included: the book's classification marking."""
    language: str = "en"
    """The edition's language (its labels, dates and the translations it picks)."""
    opening: Chapter | None = None
    """A section printed first, before the contents (a cover note), not among the chapters."""
    notices: tuple[Problem, ...] = ()
    """Warnings: chapters printed in the original language because their translation is missing."""

    @property
    def paper(self) -> str:
        return self.edition.paper or self.project.config.paper

    @property
    def printed(self) -> tuple[Chapter, ...]:
        """Everything printed, in reading order: the opening (when there is one), then the chapters."""
        return ((self.opening,) if self.opening else ()) + self.chapters


def default_edition(project: Project) -> Edition:
    """The edition built when none is named: the configured default, or the whole book."""
    name = project.config.default_edition
    if name and name in project.editions:
        return project.editions[name]
    if project.editions:
        return next(iter(project.editions.values()))
    return Edition(name="full", title="Full briefing", level=project.config.levels[-1])


def select_edition(
    project: Project,
    name: str | None = None,
    sections: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Book:
    """Choose the edition's chapters (or the `sections` asked for), filtered to its level."""
    problems = ProblemCollector()
    if name is None:
        edition = default_edition(project)
    elif name in project.editions:
        edition = project.editions[name]
    elif name == "full" and not project.editions:
        edition = default_edition(project)
    else:
        where = project.editions_path or project.root
        known = ", ".join(project.editions) or "none defined"
        raise UserError([Problem(where, 0, f"unknown edition '{name}' (known: {known})")])
    level = edition.level or project.config.section_default_level
    rank = project.level_rank(level)
    entries = _entries(project, edition, sections, problems)
    chosen: list[tuple[Section, tuple[str, ...] | None]] = []
    for section, parts, explicit in entries:
        if section.id in exclude:
            continue
        if project.level_rank(section.level) > rank:
            if explicit:
                problems.add(section.path, 1, f"section '{section.id}' is {section.level}, above edition "
                             f"'{edition.name}' (level {level}): it cannot be included")
            continue
        chosen.append((section, parts))
    for missing in (e for e in exclude if project.section(e) is None):
        problems.add(project.root, 0, f"--exclude names a missing section '{missing}'")
    problems.raise_if_errors()
    language = edition.language or project.config.language
    notices: list[Problem] = []
    if edition.opening and (opening := project.section(edition.opening)) is not None:
        if project.level_rank(opening.level) > rank:
            problems.add(opening.path, 1, f"section '{opening.id}' is {opening.level}, above edition "
                         f"'{edition.name}' (level {level}): it cannot open it")
        chosen = [(s, p) for s, p in chosen if s.id != opening.id]
        problems.raise_if_errors()
        opening_chosen: list[tuple[Section, tuple[str, ...] | None]] = [(opening, None)]
    else:
        opening_chosen = []
    marking_rank = 0
    chapters = []
    for section, parts in opening_chosen + chosen:
        section = _in_language(section, language, project, notices)
        body, block_rank, fences = _filter_blocks(section, edition, rank, project)
        if parts is not None:
            body = keep_parts(body, parts)
        marking_rank = max(marking_rank, project.level_rank(section.level), block_rank)
        chapters.append(Chapter(section, body, parts, fences))
    first = chapters.pop(0) if opening_chosen else None
    if not chapters:
        raise UserError([Problem(project.editions_path or project.root, 0,
                                 f"edition '{edition.name}' selects no sections at level {level}")])
    return Book(project, edition, tuple(chapters), level, project.config.levels[marking_rank], language, first,
                tuple(notices))


def _in_language(section: Section, language: str, project: Project, notices: list[Problem]) -> Section:
    """The section's translation into `language`, or the original (with a warning when it lacks one)."""
    from briefing.project.translations import translated

    if language == project.config.language:
        return section
    translations = project.extra.get("translations", {})
    found = translations.get((section.id, language)) or translations.get((section.id, language.split("-")[0]))
    if found is None:
        notices.append(Problem(section.path, 1, f"no {language} translation ({section.path.stem}.{language}.md): "
                               "the original is printed instead", "warning"))
        return section
    return translated(section, found)


def _entries(project: Project, edition: Edition, asked: Sequence[str], problems: ProblemCollector,
             ) -> list[tuple[Section, tuple[str, ...] | None, bool]]:
    """(section, parts, named explicitly) in book order."""
    default_parts = None if edition.parts in (None, "all") else tuple(edition.parts)
    if asked:
        found = []
        for section_id in asked:
            section = project.section(section_id)
            if section is None:
                problems.add(project.root, 0, f"--section names a missing section '{section_id}'")
            else:
                found.append((section, default_parts, True))
        return found
    if edition.sections is None:
        return [(s, default_parts, False) for s in project.sections]
    result = []
    for entry in edition.sections:
        if isinstance(entry, str):
            entry = SectionEntry(id=entry)
        parts = default_parts if entry.parts is None else (None if entry.parts == "all" else tuple(entry.parts))
        if entry.sector:
            result += [(s, parts, False) for s in project.sections if s.meta.sector == entry.sector]
        elif entry.id and (section := project.section(entry.id)) is not None:
            result.append((section, parts, True))
    return result


def _filter_blocks(section: Section, edition: Edition, rank: int, project: Project) -> tuple[str, int, Fences]:
    """Drop blocks above the edition's level or not for this edition, as Markdown parses them."""
    levels = project.config.levels
    audience = Audience(levels, rank, edition.name)
    classified = classify(section.body, section.path, section.body_line, levels, audience)
    return classified.body, classified.rank, Fences(levels, audience, furniture_nonce(section.body))
