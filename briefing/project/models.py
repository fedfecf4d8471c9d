"""Typed, frozen data that flows between the stages.

Every mapping the user writes is validated into one of these models once, at the edge
(`validate.py`); unknown keys are errors there, so a typo in a field name is reported,
not silently ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from briefing.project.references import Reference
from briefing.safety.policy import Limits, RemoteAccess

SECTORS = ("mining", "digital", "climate", "health", "diplomacy", "context")
"""The sectors of a project whose briefing.yaml declares no `sectors:` (the default project's)."""
FRAMING_SECTOR = "context"
"""The sector of framing chapters (no memo parts, no citation-coverage check); every project has it."""
Sector = str
Paper = Literal["a4", "letter"]
SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"
"""Edition and section names: they become file names, so never a path (no '/', '..', spaces)."""
PdfVariant = Literal[
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2"
]


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)


class SectorSpec(StrictModel):
    """One sector of the project (`sectors:` in briefing.yaml)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Sector id, as sections write it (`sector: water`).")
    label: str = Field("", description="Name printed over the chapter title (default: the id, capitalised).")
    colour: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$|^#[0-9a-fA-F]{3}$",
                               description="Colour of the sector label, as #rrggbb (default: the accent colour).")

    @property
    def title(self) -> str:
        return self.label or self.id.replace("-", " ").capitalize()


class BookWords(StrictModel):
    """The book's own words in another language (`translations: {ko: {...}}` in briefing.yaml)."""

    title: str = Field("", description="The book's title in this language.")
    subtitle: str = Field("", description="The cover's second line in this language.")
    author: str = Field("", description="Who prepared the book, in this language.")
    organisation: str = Field("", description="The organisation, in this language.")


class ProjectConfig(StrictModel):
    """`briefing.yaml`: what the whole book is, and where its parts live."""

    title: str = Field(min_length=1, description="Title of the briefing book, on the cover and in the PDF metadata.")
    subtitle: str = Field("", description="Second line of the cover.")
    author: str = Field("", description="Person or unit that prepared the book (PDF author).")
    organisation: str = Field("", description="Organisation shown on the cover.")
    language: str = Field("en", description="BCP 47 language of the text; drives hyphenation.")
    version: str = Field("draft", description="Version shown on the cover and in release file names.")
    default_edition: str | None = Field(None, description="Edition built when none is named.")
    paper: Paper = Field("a4", description="Paper size: a4 or letter.")
    levels: tuple[str, ...] = Field(
        ("public", "internal", "restricted"),
        min_length=1,
        description="Classification levels, lowest (widest audience) first.",
    )
    default_level: str | None = Field(None, description="Level of a section that declares none (default: the second level, or the only one).")
    review_interval_days: int = Field(180, ge=1, description="A section reviewed longer ago than this is stale.")
    date: dt.date | None = Field(None, description="Build date used when neither SOURCE_DATE_EPOCH nor git gives one.")
    content: str = Field("content", description="Folder of the section files, relative to the project.")
    templates: str = Field("templates", description="Folder of template overrides, relative to the project.")
    styles: str = Field("styles", description="Folder of stylesheet overrides, relative to the project.")
    sectors: tuple[SectorSpec, ...] | None = Field(
        None, description="The project's sectors (id, label, colour); default: mining, digital, climate, health, "
        "diplomacy. The framing sector 'context' is always there.")
    labels: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="Printed labels to override, by language then label id "
        "(labels: {en: {contents: In this book}}); the ids are those of briefing/book/locales/en.po.")
    translations: dict[str, BookWords] = Field(
        default_factory=dict, description="The book's title, subtitle, author and organisation in other "
        "languages, by language (translations: {ko: {title: 한·몽 협력}}): an edition in that language prints them.")
    cut_off: dt.date | None = Field(None, description="Information cut-off: the date the facts are current to, "
                                    "printed on the cover and in the running foot.")
    limits: Limits = Field(default_factory=Limits, description="Size caps on input files and resources (security).")
    remote: RemoteAccess = Field(default_factory=RemoteAccess,
                                 description="Remote hosts a build may fetch from (none by default).")
    csl: str = Field("chicago-notes-bibliography", description="Citation style: a bundled style's name "
                     "(chicago-notes-bibliography, chicago-author-date, ieee) or a .csl file in the project.")
    nocite: tuple[str, ...] = Field((), description="Reference ids listed in Sources though not cited ('*': all), "
                                    "as Pandoc's nocite.")
    link_citations: bool = Field(False, alias="link-citations",
                                 description="Link each citation to its Sources entry.")
    suppress_bibliography: bool = Field(False, alias="suppress-bibliography",
                                        description="Print no Sources list (as Pandoc's suppress-bibliography).")

    @field_validator("content", "templates", "styles")
    @classmethod
    def _inside_project(cls, value: str) -> str:
        """A folder setting must stay inside the project: relative, without '..'."""
        if value.startswith(("/", "\\", "~")) or ":" in value or ".." in Path(value).parts:
            raise ValueError(f"'{value}' must be a folder inside the project (a relative path without '..')")
        return value

    @field_validator("labels")
    @classmethod
    def _known_labels(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        from briefing.book.l10n import known_labels, placeholders

        known = known_labels()
        for language, labels in value.items():
            unknown = sorted(set(labels) - set(known) - {f"sector-{k[7:]}" for k in labels if k.startswith("sector-")})
            if unknown:
                raise ValueError(f"labels.{language}: unknown label {', '.join(repr(u) for u in unknown)} "
                                 "(the ids are those of briefing/book/locales/en.po)")
            for label, text in labels.items():
                extra = placeholders(text) - placeholders(known.get(label, ""))
                if extra:
                    raise ValueError(f"labels.{language}.{label}: unknown placeholder {{{sorted(extra)[0]}}} "
                                     f"(this label has {', '.join(sorted(placeholders(known.get(label, '')))) or 'none'})")
        return value

    @field_validator("levels")
    @classmethod
    def _unique_levels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("levels must be unique")
        return value

    def in_language(self, language: str) -> ProjectConfig:
        """This configuration with the book's own words in `language`, where `translations:` gives them."""
        words = self.translations.get(language) or self.translations.get(language.split("-")[0].lower())
        if words is None:
            return self
        return self.model_copy(update={k: v for k, v in words.model_dump().items() if v})

    @property
    def sector_specs(self) -> tuple[SectorSpec, ...]:
        """The project's sectors, with the framing sector `context` added when not declared."""
        specs = self.sectors if self.sectors is not None else tuple(SectorSpec(id=s) for s in SECTORS)
        if not any(spec.id == FRAMING_SECTOR for spec in specs):
            specs = (*specs, SectorSpec(id=FRAMING_SECTOR))
        return specs

    def sector(self, sector_id: str) -> SectorSpec | None:
        return next((spec for spec in self.sector_specs if spec.id == sector_id), None)

    @property
    def section_default_level(self) -> str:
        if self.default_level:
            return self.default_level
        return self.levels[1] if len(self.levels) > 1 else self.levels[0]


class SectionMeta(StrictModel):
    """The YAML front matter of one section file."""

    title: str = Field(min_length=1, description="Chapter title.")
    summary: str = Field("", description="One short paragraph shown under the title.")
    sector: Sector = Field(pattern=r"^[a-z0-9][a-z0-9-]*$",
                           description="One of the project's sectors (`sectors:` in briefing.yaml), or context "
                                       "for framing sections.")
    order: int = Field(0, description="Sort key among sections (lower first).")
    reviewed: dt.date | None = Field(None, description="Date of the last factual review.")
    owner: str = Field("", description="Who keeps this section up to date.")
    id: str | None = Field(None, pattern=SLUG, description="Section id; defaults to the file name.")
    level: str | None = Field(None, description="Classification level of the whole section.")
    pages: int | None = Field(None, ge=1, description="Page budget of the section in the rendered book.")


@dataclass(frozen=True)
class Section:
    """One chapter: front matter plus Markdown body."""

    id: str
    meta: SectionMeta
    level: str
    body: str
    """Markdown after the front matter."""
    body_line: int
    """Line number (1-based) in `path` of the first body line."""
    path: Path


class Meeting(StrictModel):
    """The meeting an edition prepares for."""

    date: dt.date | None = None
    place: str = ""
    participants: tuple[str, ...] = ()


PartsSpec = tuple[str, ...] | Literal["all"]


class SectionEntry(StrictModel):
    """One entry of an edition's `sections` list."""

    id: str | None = None
    sector: Sector | None = None
    parts: PartsSpec | None = None


class Clearance(StrictModel):
    """Who drafted and who cleared the edition, and when: printed on the cover or the last page."""

    drafted: str = Field("", description="Who drafted it (name, unit, telephone).")
    cleared: str = Field("", description="Who cleared it.")
    date: dt.date | None = Field(None, description="When it was cleared.")
    place: Literal["cover", "last"] = Field("cover", description="Where the block prints: cover or last page.")


class Edition(StrictModel):
    """One audience's selection of the book (`editions.yaml`)."""

    name: str = Field(pattern=SLUG, description="Edition name (its key in editions.yaml): lower-case letters, "
                      "digits, '-' and '_'.")
    title: str = ""
    audience: str = ""
    level: str | None = Field(None, description="Highest classification level this edition may include.")
    meeting: Meeting | None = None
    sections: tuple[str | SectionEntry, ...] | None = None
    parts: PartsSpec | None = None
    paper: Paper | None = None
    pdf_variant: PdfVariant | None = None
    csl: str | None = Field(None, description="Citation style of this edition (overrides briefing.yaml's csl).")
    notes: Literal["footnotes", "endnotes", "none"] = Field(
        "footnotes", description="Where notes print: at the page foot, after each chapter, or not at all "
        "(citations dropped from the text).")
    sources: bool = Field(True, description="Print the Sources list.")
    language: str | None = Field(None, pattern=r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$",
                                 description="Language of this edition (BCP 47): its labels, dates and the "
                                             "translations it picks (mining.ko.md); default: the project's.")
    contents: bool = Field(True, description="Whether the contents page prints.")
    cover: bool = Field(True, description="Whether the title cover prints (off when a cover note opens the edition).")
    opening: str | None = Field(None, description="A section printed first, before the contents: a cover note.")
    cut_off: dt.date | None = Field(None, description="Information cut-off of this edition (default: the project's).")
    clearance: Clearance | None = Field(None, description="Drafted by, cleared by, date; on the cover or last page.")



@dataclass(frozen=True)
class Project:
    """A whole validated briefing project."""

    root: Path
    config: ProjectConfig
    sections: tuple[Section, ...]
    references: dict[str, Reference]
    editions: dict[str, Edition]
    references_path: Path | None = None
    editions_path: Path | None = None
    config_path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_dir(self) -> Path:
        return self.root / self.config.content

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def level_rank(self, level: str) -> int:
        return self.config.levels.index(level)
