"""Chicago notes-and-bibliography formatting of CSL references, as small HTML strings.

The first citation of a source in a book gives the full note, later ones the short form
(author's family name, short title, locator), as the Chicago Manual of Style's notes
style does. The Sources list uses the bibliography form.
"""

from __future__ import annotations

from functools import partial
from html import escape as escape_attr

from .citations import Citation
from .models import CslDate, Name, Reference

escape = partial(escape_attr, quote=False)
"""Escape text content; quotes stay typographic."""

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
ITALIC_TYPES = {"book", "report", "thesis", "motion_picture", "dataset", "document"}
"""Types whose title is set in italics; the rest (articles, web pages) go in quotation marks."""


def format_date(date: CslDate | None) -> str:
    """'September 21, 2022', 'May 2024' or '2023' (Chicago style)."""
    if date is None:
        return ""
    if date.literal:
        return date.literal
    parts = date.parts
    if len(parts) >= 3:
        return f"{MONTHS[parts[1] - 1]} {parts[2]}, {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return str(parts[0])


def _names(names: tuple[Name, ...]) -> str:
    shown = [n.display() for n in names]
    if len(shown) <= 2:
        return " and ".join(shown)
    return f"{', '.join(shown[:-1])}, and {shown[-1]}"


def _title(ref: Reference, short: bool = False) -> str:
    text = escape(ref.title_short if short and ref.title_short else ref.title)
    if ref.type in ITALIC_TYPES:
        return f"<em>{text}</em>"
    return f"“{text},”" if not short else f"“{text}”"


def _url(ref: Reference) -> str:
    return f'<a class="url" href="{escape_attr(ref.url)}">{escape(ref.url)}</a>' if ref.url else ""


def _join(pieces: list[str]) -> str:
    return ", ".join(p for p in pieces if p)


def _with_affixes(note: str, citation: Citation) -> str:
    if citation.prefix:
        note = f"{escape(citation.prefix)} {note}"
    if citation.suffix:
        note = f"{note} {escape(citation.suffix)}"
    return note


def full_note(ref: Reference, citation: Citation) -> str:
    """The first, complete note for a source."""
    title = _title(ref)
    publisher = ", ".join(p for p in (ref.publisher,) if p)
    date = format_date(ref.issued)
    if ref.type in ITALIC_TYPES:
        facts = _join([publisher, date])
        body = _join([escape(_names(ref.author)), title]) + (f" ({escape(facts)})" if facts else "")
        tail = _join([escape(citation.locator), _url(ref)])
        note = body + (f", {tail}" if tail else "")
    else:
        container = f"<em>{escape(ref.container_title)}</em>" if ref.container_title else escape(publisher)
        lead = escape(_names(ref.author)) + ", " if ref.author else ""
        rest = _join([container, escape(date), escape(citation.locator), _url(ref)])
        note = f"{lead}{title} {rest}".rstrip(", ")
    return _with_affixes(note, citation)


def short_note(ref: Reference, citation: Citation) -> str:
    """The short form for every later note of the same source."""
    author = ref.author[0].family or ref.author[0].literal if ref.author else ""
    title = _title(ref, short=True)
    note = _join([escape(author), title, escape(citation.locator)])
    return _with_affixes(note, citation)


def bibliography_entry(ref: Reference) -> str:
    """The Sources-list entry: Family, Given. Title. Container. Publisher, Date. URL."""
    authors = ""
    if ref.author:
        first, *others = ref.author
        lead = first.literal or _join([first.family, first.given])
        authors = escape(" and ".join([lead] + [o.display() for o in others]) if len(others) < 2
                         else ", ".join([lead] + [o.display() for o in others]))
    title = (f"<em>{escape(ref.title)}</em>" if ref.type in ITALIC_TYPES else f"“{escape(ref.title)}.”")
    pieces = [authors + "." if authors else "", title if ref.type not in ITALIC_TYPES else title + "."]
    if ref.container_title:
        pieces.append(f"<em>{escape(ref.container_title)}</em>.")
    if ref.editor:
        pieces.append(f"Edited by {escape(_names(ref.editor))}.")
    facts = _join([escape(ref.publisher), escape(format_date(ref.issued))])
    if facts:
        pieces.append(facts + ".")
    if ref.url:
        pieces.append(_url(ref) + ".")
    if ref.accessed:
        pieces.append(f"Accessed {escape(format_date(ref.accessed))}.")
    if ref.note:
        pieces.append(escape(ref.note.rstrip(".")) + ".")
    return " ".join(p for p in pieces if p)
