"""The CSL 1.0.2 vocabulary: which fields a reference may have, and checks of the forms they take.

An unknown field is a warning naming the reference and the field (with the nearest known
name), not an error: Zotero, Better BibTeX and Pandoc all write fields of their own.
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

NAME_FIELDS = frozenset({
    "author", "chair", "collection-editor", "compiler", "composer", "container-author", "contributor",
    "curator", "director", "editor", "editorial-director", "editor-translator", "executive-producer",
    "guest", "host", "illustrator", "interviewer", "narrator", "organizer", "original-author",
    "performer", "producer", "recipient", "reviewed-author", "script-writer", "series-creator",
    "translator"})
DATE_FIELDS = frozenset({"accessed", "available-date", "event-date", "issued", "original-date", "submitted"})
NUMBER_FIELDS = frozenset({
    "chapter-number", "citation-number", "collection-number", "edition", "first-reference-note-number",
    "issue", "locator", "number", "number-of-pages", "number-of-volumes", "page", "page-first", "part-number",
    "printing-number", "section", "supplement-number", "version", "volume"})
TEXT_FIELDS = frozenset({
    "abstract", "annote", "archive", "archive_collection", "archive-collection", "archive_location",
    "archive-location", "archive-place", "authority", "call-number", "citation-key", "citation-label",
    "collection-title", "collection-title-short", "container-title", "container-title-short", "dimensions",
    "division", "DOI", "event", "event-title", "event-place", "genre", "ISBN", "ISSN", "jurisdiction",
    "keyword", "language", "license", "medium", "note", "original-publisher", "original-publisher-place",
    "original-title", "part-title", "PMCID", "PMID", "publisher", "publisher-place", "references",
    "reviewed-genre", "reviewed-title", "scale", "source", "status", "title", "title-short", "URL",
    "volume-title", "volume-title-short", "year-suffix", "journalAbbreviation", "shortTitle"})
BRIEFING_FIELDS = frozenset({"id", "type", "archive-file", "confidence", "confidence-note", "custom",
                             "categories", "event-place"})
KNOWN_FIELDS = NAME_FIELDS | DATE_FIELDS | NUMBER_FIELDS | TEXT_FIELDS | BRIEFING_FIELDS
TYPES = frozenset({
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
    "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
    "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case",
    "legislation", "manuscript", "map", "motion_picture", "musical_score", "pamphlet", "paper-conference",
    "patent", "performance", "periodical", "personal_communication", "post", "post-weblog", "regulation",
    "report", "review", "review-book", "software", "song", "speech", "standard", "thesis", "treaty",
    "webpage"})
NAME_PARTS = frozenset({"family", "given", "literal", "non-dropping-particle", "dropping-particle", "suffix",
                        "comma-suffix", "static-ordering", "parse-names", "isInstitution"})
DATE_KEYS = frozenset({"date-parts", "season", "circa", "literal", "raw", "edtf"})
PANDOC_DATE_KEYS = frozenset({"year", "month", "day", "season", "circa"})
DATE_FORMS = ("2022-09-21 (or 2022-09, 2022, a range 2020/2022), {date-parts: [[2022, 9, 21]]}, "
              "Pandoc's [{year: 2022, month: 9}], {literal: 'Spring 2022'} or {raw: ...}")
NAME_FORMS = ("{family: Doe, given: Jane} (with optional non-dropping-particle, dropping-particle, suffix), "
              "{literal: Organisation}, or a plain string")


def suggest(name: str, known: frozenset[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" — did you mean '{close[0]}'?" if close else ""


def unknown_fields(item: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    """(location, message) for each field and name part CSL does not define."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    for key, value in item.items():
        if key not in KNOWN_FIELDS and key.replace("_", "-") not in KNOWN_FIELDS:
            found.append(((key,), f"unknown CSL field '{key}'{suggest(key, KNOWN_FIELDS)}"))
        elif key in NAME_FIELDS and isinstance(value, list):
            for index, name in enumerate(value):
                for part in name if isinstance(name, dict) else ():
                    if part not in NAME_PARTS:
                        found.append(((key, index, part), f"unknown name part '{part}' in {key}"
                                      f"{suggest(part, NAME_PARTS)}"))
    if "type" in item and str(item["type"]) not in TYPES:
        found.append((("type",), f"unknown CSL type '{item['type']}'{suggest(str(item['type']), TYPES)}"))
    return found


def date_problem(value: Any) -> str:
    """'' when `value` is a CSL date in a form Pandoc reads, else what is wrong with it."""
    if isinstance(value, (dt.date, int, str)):
        return ""
    if isinstance(value, list):
        if value and all(isinstance(v, dict) and v and set(v) <= PANDOC_DATE_KEYS for v in value):
            return ""
        return "not a date"
    if not isinstance(value, dict):
        return "not a date"
    if set(value) <= PANDOC_DATE_KEYS and value:
        return ""
    extra = set(value) - DATE_KEYS
    if extra:
        return f"unknown date key '{sorted(extra)[0]}'"
    parts = value.get("date-parts")
    if parts in (None, []) and (value.get("literal") or value.get("raw")):
        return ""
    if parts is None:
        written = value.get("literal") or value.get("raw") or value.get("edtf")
        return "" if written else "a date needs date-parts, literal or raw"
    if not isinstance(parts, list) or not 1 <= len(parts) <= 2:
        return "date-parts must hold one date, or two for a range"
    for part in parts:
        if not isinstance(part, list) or not 1 <= len(part) <= 3 or not all(_is_number(p) for p in part):
            return "each date in date-parts is [year], [year, month] or [year, month, day]"
    return ""


def name_problem(value: Any) -> str:
    if isinstance(value, str):
        return ""
    if not isinstance(value, dict) or not any(value.get(k) for k in ("family", "literal", "given")):
        return "not a name"
    return ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.strip().lstrip("-").isdigit())
