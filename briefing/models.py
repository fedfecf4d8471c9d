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
Sector = Literal["mining", "digital", "climate", "health", "diplomacy", "context"]
Paper = Literal["a4", "letter"]
SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"
"""Edition and section names: they become file names, so never a path (no '/', '..', spaces)."""
PdfVariant = Literal[
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


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

    @field_validator("levels")
    @classmethod
    def _unique_levels(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("levels must be unique")
        return value

    @property
    def section_default_level(self) -> str:
        if self.default_level:
            return self.default_level
        return self.levels[1] if len(self.levels) > 1 else self.levels[0]


class SectionMeta(_Strict):
    """The YAML front matter of one section file."""

    title: str = Field(min_length=1, description="Chapter title.")
    summary: str = Field("", description="One short paragraph shown under the title.")
    sector: Sector = Field(description="mining, digital, climate, health, diplomacy, or context for framing sections.")
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

    @field_validator("date_parts")
    @classmethod
    def _real_dates(cls, value: tuple[tuple[int, ...], ...]) -> tuple[tuple[int, ...], ...]:
        """Each date exists: a month 1-12 (21-24: a season), a day that month has (no 2025-02-30)."""
        for parts in value:
            if len(parts) > 3 or any(abs(p) > 9999 for p in parts):
                raise ValueError(f"{list(parts)} is not a date: [year, month, day], a year of at most four digits")
            if len(parts) >= 2 and not (1 <= parts[1] <= 12 or (len(parts) == 2 and 21 <= parts[1] <= 24)):
                raise ValueError(f"month {parts[1]} does not exist (1-12)")
            if len(parts) == 3:
                try:
                    dt.date(max(parts[0], 1), parts[1], parts[2])
                except ValueError as exc:
                    raise ValueError(f"{parts[0]}-{parts[1]:02d}-{parts[2]:02d} does not exist: {exc}") from None
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


class Edition(_Strict):
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
