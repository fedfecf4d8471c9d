"""The element-tree work on a chapter's notes: a formatted citation put where it was cited, a
note call placed after the sentence's punctuation, endnotes gathered after the chapter, a
Markdown footnote turned into a page-foot note (split from markup.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown.extensions.footnotes import NBSP_PLACEHOLDER

from briefing.book.csl import FormattedCitation


def fill_citation(span: ET.Element, parent: ET.Element, formatted: FormattedCitation, mode: str) -> list[ET.Element]:
    """Print a citation where its element is; returns the note elements it made.

    Text printed in the line (an author-date parenthesis, an author-in-text name) goes beside the
    element, not inside it: WeasyPrint 70 breaks a line badly (a lone hyphenated fragment) before an
    inline span whose text must wrap. The element stays, empty, as the marker of what is cited."""
    if mode == "none" and not formatted.in_text:
        span.set("class", "footnote citation dropped")  # placed like a note call (no space left), then emptied
        return [span]
    if formatted.note and not formatted.inline:
        span.set("class", "footnote citation")
        if mode == "none":
            span.set("class", "footnote citation dropped")
            return [span]
        body = ET.fromstring(f"<span>{formatted.note}</span>")
        span.text, span[:] = body.text, list(body)
        return [span]
    pieces = ET.fromstring(f"<span>{formatted.inline}</span>")
    notes: list[ET.Element] = []
    note: ET.Element | None = None
    if formatted.note and mode != "none":
        note = ET.fromstring(f'<span class="footnote citation">{formatted.note}</span>')
        note.set("data-cite", span.get("data-cite", ""))
        notes.append(note)
    _replace_with(span, parent, pieces, [*([note] if note is not None else []), *([] if note is not None else [span])])
    return notes


def _replace_with(element: ET.Element, parent: ET.Element, pieces: ET.Element, then: list[ET.Element]) -> None:
    """Put the text and children of `pieces`, then the elements `then`, where `element` is."""
    index = list(parent).index(element)
    tail = element.tail
    parent.remove(element)
    new = list(pieces) + then
    previous = parent[index - 1] if index else None
    if pieces.text:
        if previous is not None:
            previous.tail = (previous.tail or "") + pieces.text
        else:
            parent.text = (parent.text or "") + pieces.text
    for offset, child in enumerate(new):
        if child in then:
            child.tail = None
        parent.insert(index + offset, child)
    if new:
        new[-1].tail = (new[-1].tail or "") + (tail or "") or None
    elif previous is not None:
        previous.tail = (previous.tail or "") + (tail or "") or None
    else:
        parent.text = (parent.text or "") + (tail or "") or None


_CLOSING_PUNCTUATION = re.compile(r"^[.,;:!?]+")


def place_call(span: ET.Element, parent: ET.Element) -> None:
    """Put the note call after punctuation and without a space before it, as Pandoc does for notes."""
    index = list(parent).index(span)
    if index:
        previous = parent[index - 1]
        previous.tail = (previous.tail or "").rstrip(" ") or None
    else:
        parent.text = (parent.text or "").rstrip(" ") or None
    punctuation = _CLOSING_PUNCTUATION.match(span.tail or "")
    if punctuation:
        mark = punctuation.group(0)
        span.tail = span.tail[len(mark):] if span.tail else None
        if index:
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + mark
        else:
            parent.text = (parent.text or "") + mark


def move_endnotes(root: ET.Element, chapter_id: str) -> None:
    """Replace every page-foot note of the chapter by a numbered call, and list the notes after it."""
    parents = {child: parent for parent in root.iter() for child in parent}
    notes = [s for s in root.iter("span") if "footnote" in (s.get("class") or "").split()]
    if not notes:
        return
    section = ET.Element("section", {"class": "endnotes"})
    ET.SubElement(section, "p", {"class": "endnotes-title"}).text = "Notes"
    listing = ET.SubElement(section, "ol")
    for number, note in enumerate(notes, start=1):
        ident = f"{chapter_id}-endnote-{number}"
        call = ET.Element("a", {"class": "endnote-call", "href": f"#{ident}"})
        call.text, call.tail = str(number), note.tail
        parent = parents[note]
        parent[list(parent).index(note)] = call
        item = ET.SubElement(listing, "li", {"id": ident})
        item.text, item[:] = note.text, list(note)
    root.append(section)


def remove_child(parent: ET.Element, child: ET.Element) -> None:
    for element in parent.iter():
        if child in list(element):
            index = list(element).index(child)
            tail = (child.tail or "").replace(NBSP_PLACEHOLDER, "").rstrip()
            if index:
                prev = element[index - 1]
                prev.tail = ((prev.tail or "").replace(NBSP_PLACEHOLDER, "") + tail).rstrip() or None
            else:
                element.text = ((element.text or "").replace(NBSP_PLACEHOLDER, "") + tail).rstrip() or None
            element.remove(child)
            return


def append_text(element: ET.Element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def soft_breaks(element: ET.Element) -> None:
    """A line break in a note's source is a space, as in a paragraph (a note is laid out
    inline, where the renderer would keep it): not in code, and `<br>` stays a break."""
    if element.tag in ("pre", "code") or "note-pre" in (element.get("class") or ""):
        element.tail = element.tail.replace("\n", " ") if element.tail else element.tail
        return
    element.text = element.text.replace("\n", " ") if element.text else element.text
    for child in element:
        soft_breaks(child)
    element.tail = element.tail.replace("\n", " ") if element.tail else element.tail


def as_span(block: ET.Element) -> ET.Element:
    """A note's later paragraph (or list, quote, code) as a span the design shows as a block."""
    span = ET.Element("span", {"class": f"note-block note-{block.tag}"})
    span.text = block.text
    span.extend(list(block))
    return span


def copy_element(element: ET.Element) -> ET.Element:
    clone = ET.Element(element.tag, dict(element.attrib))
    clone.text, clone.tail = element.text, element.tail
    clone.extend(copy_element(c) for c in element)
    return clone
