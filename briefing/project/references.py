"""CSL references as briefing reads them: names, dates and items, in every form Zotero, Better
BibTeX and Pandoc write (split from models.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


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
        from briefing.project.csl_fields import NAME_FORMS, name_problem

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
        from briefing.project.csl_fields import DATE_FORMS, date_problem

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
        from briefing.project.csl_fields import DATE_FIELDS, NAME_FIELDS

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
