"""Typed, frozen data that flows between the stages.

Every mapping the user writes is validated into one of these models once, at the edge
(`validate.py`); unknown keys are errors there, so a typo in a field name is reported,
not silently ignored.
"""

from __future__ import annotations

import datetime as dt
import re
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
SLUG = r"^[a-z0-9][a-z0-9_-]{0,63}$"
"""Edition and section names: they become file names, so never a path (no '/', '..', spaces)."""
PdfVariant = Literal[
    "pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)


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


class Name(BaseModel):
    """A CSL name: family/given (with particles and suffix) or a literal (an organisation).

    Other CSL name parts are kept for the processor (an unknown one is a warning at validation)."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True, str_strip_whitespace=True)
    family: str = ""
    given: str = ""
    literal: str = ""
    non_dropping_particle: str = Field("", alias="non-dropping-particle")
    dropping_particle: str = Field("", alias="dropping-particle")
    suffix: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_plain(cls, value: Any) -> Any:
        """A plain string is a literal name, as Pandoc reads it."""
        from .csl_fields import NAME_FORMS, name_problem

        problem = name_problem(value)
        if problem:
            raise ValueError(f"{problem}; a name is {NAME_FORMS}")
        if isinstance(value, str):
            return {"literal": value}
        return {k: (str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v) for k, v in value.items()}

    def display(self) -> str:
        family = " ".join(p for p in (self.non_dropping_particle, self.family) if p)
        return self.literal or " ".join(p for p in (self.given, self.dropping_particle, family, self.suffix) if p)

    def sort_key(self) -> str:
        return (self.literal or f"{self.family}, {self.given}").lower()


class CslDate(BaseModel):
    """A CSL date in any form Pandoc reads: `{date-parts: [[2022, 9, 21]]}` (two dates for a range),
    an ISO string, Pandoc's `[{year: 2022, month: 4}]`, or `literal`/`raw` text, with `season`/`circa`."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    date_parts: tuple[tuple[int, ...], ...] = Field((), alias="date-parts")
    literal: str = ""
    raw: str = ""
    season: str = ""
    circa: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_plain(cls, value: Any) -> Any:
        """Normalise every accepted form to date-parts (and literal text); refuse the rest, naming the forms."""
        from .csl_fields import DATE_FORMS, date_problem

        problem = date_problem(value)
        if problem:
            raise ValueError(f"{problem}; a date is {DATE_FORMS}")
        if isinstance(value, dt.date):
            return {"date-parts": [[value.year, value.month, value.day]]}
        if isinstance(value, int):
            return {"date-parts": [[value]]}
        if isinstance(value, str):
            dates = [_iso_parts(piece) for piece in value.strip().split("/")]
            if all(dates) and len(dates) <= 2:
                return {"date-parts": dates}
            return {"raw": value}
        if isinstance(value, dict) and "date-parts" not in value and set(value) & {"year", "month", "day"}:
            value = [value]
        if isinstance(value, list):
            parts = [[int(d[k]) for k in ("year", "month", "day") if k in d] for d in value]
            extra = {k: d[k] for d in value for k in ("season", "circa") if k in d}
            return {"date-parts": [p for p in parts if p], **extra}
        result = dict(value)
        result.pop("edtf", None)
        if "date-parts" in result:
            result["date-parts"] = [[int(p) for p in part] for part in result["date-parts"]]
        if "season" in result:
            result["season"] = str(result["season"])
        if "circa" in result:
            result["circa"] = bool(result["circa"]) and str(result["circa"]).lower() not in ("false", "0")
        return result

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
        return self.date_parts[0] if self.date_parts else (0,)


def _iso_parts(text: str) -> list[int] | None:
    pieces = text.strip().split("-")
    if all(p.isdigit() for p in pieces) and 1 <= len(pieces) <= 3 and len(pieces[0]) == 4:
        return [int(p) for p in pieces]
    return None


class Reference(BaseModel):
    """One source in the CSL registry (`references.yaml`). Every CSL field is kept for the processor;
    those named here are the ones briefing itself reads."""

    model_config = ConfigDict(extra="allow", frozen=True, populate_by_name=True)
    id: str = Field(min_length=1, pattern=r"^[\w][\w:.#$%&+?<>~/-]*$")
    type: str = Field("document", description="CSL item type (report, article-newspaper, webpage, ...).")
    title: str = ""
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

    @model_validator(mode="before")
    @classmethod
    def _csl_forms(cls, value: Any) -> Any:
        """Numbers as CSL JSON writes them (an id, a volume) are text; every name and date field is checked."""
        from .csl_fields import DATE_FIELDS, NAME_FIELDS

        if not isinstance(value, dict):
            return value
        value = dict(value)
        for key in ("id", "title", "title-short", "container-title", "publisher", "note", "URL"):
            if isinstance(value.get(key), (int, float)) and not isinstance(value.get(key), bool):
                value[key] = str(value[key])
        for key in sorted(NAME_FIELDS - {"author", "editor"}):
            for name in value[key] if isinstance(value.get(key), list) else [value[key]] if key in value else []:
                _check_part(Name, key, name)
        for key in sorted(DATE_FIELDS - {"issued", "accessed"}):
            if key in value:
                _check_part(CslDate, key, value[key])
        for key in ("author", "editor"):
            if key in value and not isinstance(value[key], (list, tuple)):
                value[key] = [value[key]]
        return value

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str) -> str:
        """A reference's URL is printed as a link: only a web address (no file:, javascript:, ...).
        An address without a scheme (`www.example.org`, as some exports write it) prints as text."""
        scheme = re.match(r"^\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value)
        if scheme and scheme.group(1).lower() not in ("http", "https"):
            raise ValueError("must be a web address starting with http:// or https://")
        return value.strip()


def _check_part(model: type[BaseModel], key: str, value: Any) -> None:
    """Validate one name or date of a field briefing keeps only for the processor, naming the field."""
    from pydantic import ValidationError

    try:
        model.model_validate(value)
    except ValidationError as exc:
        raise ValueError(f"{key}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}") from None


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
