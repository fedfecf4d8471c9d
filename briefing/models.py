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

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .policy import Limits, RemoteAccess

SECTORS = ("mining", "digital", "climate", "health", "diplomacy", "context")
"""The sectors of a project whose briefing.yaml declares no `sectors:` (the default project's)."""
FRAMING_SECTOR = "context"
"""The sector of framing chapters (no memo parts, no citation-coverage check); every project has it."""
Sector = str
Paper = Literal["a4", "letter"]
PdfVariant = Literal[
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class SectorSpec(_Strict):
    """One sector of the project (`sectors:` in briefing.yaml)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="Sector id, as sections write it (`sector: water`).")
    label: str = Field("", description="Name printed over the chapter title (default: the id, capitalised).")
    colour: str | None = Field(None, pattern=r"^#[0-9a-fA-F]{6}$|^#[0-9a-fA-F]{3}$",
                               description="Colour of the sector label, as #rrggbb (default: the accent colour).")

    @property
    def title(self) -> str:
        return self.label or self.id.replace("-", " ").capitalize()


class ProjectConfig(_Strict):
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
        "(labels: {en: {contents: In this book}}); the ids are those of briefing/locales/en.po.")
    cut_off: dt.date | None = Field(None, description="Information cut-off: the date the facts are current to, "
                                    "printed on the cover and in the running foot.")
    limits: Limits = Field(default_factory=Limits, description="Size caps on input files and resources (security).")
    remote: RemoteAccess = Field(default_factory=RemoteAccess,
                                 description="Remote hosts a build may fetch from (none by default).")

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
        from .l10n import known_labels, placeholders

        known = known_labels()
        for language, labels in value.items():
            unknown = sorted(set(labels) - set(known) - {f"sector-{k[7:]}" for k in labels if k.startswith("sector-")})
            if unknown:
                raise ValueError(f"labels.{language}: unknown label {', '.join(repr(u) for u in unknown)} "
                                 "(the ids are those of briefing/locales/en.po)")
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


class SectionMeta(_Strict):
    """The YAML front matter of one section file."""

    title: str = Field(min_length=1, description="Chapter title.")
    summary: str = Field("", description="One short paragraph shown under the title.")
    sector: Sector = Field(pattern=r"^[a-z0-9][a-z0-9-]*$",
                           description="One of the project's sectors (`sectors:` in briefing.yaml), or context "
                                       "for framing sections.")
    order: int = Field(0, description="Sort key among sections (lower first).")
    reviewed: dt.date | None = Field(None, description="Date of the last factual review.")
    owner: str = Field("", description="Who keeps this section up to date.")
    id: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]*$", description="Section id; defaults to the file name.")
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


class Name(_Strict):
    """A CSL name: either family/given or a literal (an organisation)."""

    family: str = ""
    given: str = ""
    literal: str = ""

    def display(self) -> str:
        return self.literal or " ".join(p for p in (self.given, self.family) if p)

    def sort_key(self) -> str:
        return (self.literal or f"{self.family}, {self.given}").lower()


class CslDate(_Strict):
    """A CSL date: `{date-parts: [[2022, 9, 21]]}` or an ISO string."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    date_parts: tuple[tuple[int, ...], ...] = Field(alias="date-parts", min_length=1)
    literal: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_plain(cls, value: Any) -> Any:
        """Accept `2022-09-21`, `2022-09` or `2022` (strings or YAML dates) as Pandoc does."""
        if isinstance(value, dt.date):
            return {"date-parts": [[value.year, value.month, value.day]]}
        if isinstance(value, int):
            return {"date-parts": [[value]]}
        if isinstance(value, str):
            pieces = value.strip().split("-")
            if all(p.isdigit() for p in pieces) and 1 <= len(pieces) <= 3:
                return {"date-parts": [[int(p) for p in pieces]]}
            return {"date-parts": [[0]], "literal": value}
        return value

    @property
    def parts(self) -> tuple[int, ...]:
        return self.date_parts[0]


class Reference(BaseModel):
    """One source in the CSL registry (`references.yaml`). Unlisted CSL fields are kept but unused."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    id: str = Field(min_length=1, pattern=r"^[\w][\w:.#$%&+?<>~/-]*$")
    type: str = Field("document", description="CSL item type (report, article-newspaper, webpage, ...).")
    title: str = Field(min_length=1)
    title_short: str = Field("", alias="title-short")
    author: tuple[Name, ...] = ()
    editor: tuple[Name, ...] = ()
    container_title: str = Field("", alias="container-title")
    publisher: str = ""
    issued: CslDate | None = None
    accessed: CslDate | None = None
    url: str = Field("", alias="URL")
    note: str = ""
    archive_file: str = Field("", alias="archive-file", description="File name of the archived text, for the fact check.")
    confidence: Literal["high", "medium", "low"] | None = None
    confidence_note: str = Field("", alias="confidence-note")

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        """A reference's URL is printed as a link: only a web address (no file:, javascript:, ...)."""
        if value and not value.strip().lower().startswith(("http://", "https://")):
            raise ValueError("must be a web address starting with http:// or https://")
        return value.strip()


class Meeting(_Strict):
    """The meeting an edition prepares for."""

    date: dt.date | None = None
    place: str = ""
    participants: tuple[str, ...] = ()


PartsSpec = tuple[str, ...] | Literal["all"]


class SectionEntry(_Strict):
    """One entry of an edition's `sections` list."""

    id: str | None = None
    sector: Sector | None = None
    parts: PartsSpec | None = None


class Clearance(_Strict):
    """Who drafted and who cleared the edition, and when: printed on the cover or the last page."""

    drafted: str = Field("", description="Who drafted it (name, unit, telephone).")
    cleared: str = Field("", description="Who cleared it.")
    date: dt.date | None = Field(None, description="When it was cleared.")
    place: Literal["cover", "last"] = Field("cover", description="Where the block prints: cover or last page.")


class Edition(_Strict):
    """One audience's selection of the book (`editions.yaml`)."""

    name: str = Field(description="Edition name (its key in editions.yaml).")
    title: str = ""
    audience: str = ""
    level: str | None = Field(None, description="Highest classification level this edition may include.")
    meeting: Meeting | None = None
    sections: tuple[str | SectionEntry, ...] | None = None
    parts: PartsSpec | None = None
    paper: Paper | None = None
    pdf_variant: PdfVariant | None = None
    language: str | None = Field(None, pattern=r"^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$",
                                 description="Language of this edition (BCP 47): its labels, dates and the "
                                             "translations it picks (mining.ko.md); default: the project's.")
    contents: bool = Field(True, description="Whether the contents page prints.")
    cover: bool = Field(True, description="Whether the title cover prints (off when a cover note opens the edition).")
    opening: str | None = Field(None, description="A section printed first, before the contents: a cover note.")
    cut_off: dt.date | None = Field(None, description="Information cut-off of this edition (default: the project's).")
    clearance: Clearance | None = Field(None, description="Drafted by, cleared by, date; on the cover or last page.")


@dataclass(frozen=True)
class DataFile:
    """A data file under the content folder (charts read these)."""

    path: Path
    data: Any


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
