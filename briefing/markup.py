"""Markdown → HTML for one chapter, with briefing's extensions.

- Pandoc citations become footnote spans whose text is the Chicago note (full on the
  book's first citation of a source, short after), numbered through the book by CSS.
- Markdown footnotes (`[^label]`) become the same page-foot spans instead of end notes.
- `[text]{lang=ko}` becomes `<span lang="ko">` (Pandoc's bracketed spans).
- Each `##` part is wrapped in `<section class="part part-<slug>">`, so the design can box
  key points, talking points and questions; headings get book-unique ids.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import markdown
from markdown.extensions import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .blocks import parse_attrs, part_slug
from .citations import CITATION_GROUP, Citation, parse_group
from .models import Reference
from .notes import full_note, short_note
from .recent import Recent

SPAN = re.compile(r"(?<![!\\])\[(?P<text>[^\[\]\n]+)\]\{(?P<attrs>[^{}\n]*)\}")
EXTENSIONS = ["tables", "def_list", "attr_list", "md_in_html", "footnotes", "sane_lists", "smarty", "fenced_code"]
"""`fenced_code`: a ``` block is code, as blocks.py and citations.py already treat it (HTML in it is shown, not run)."""


@dataclass
class NoteState:
    """Citation state shared by all chapters of one book, in reading order."""

    references: dict[str, Reference]
    seen: set[str] = field(default_factory=set)
    cited: list[str] = field(default_factory=list)
    """Keys in order of first citation."""
    _digest: str = field(default="", repr=False, compare=False)

    def references_digest(self) -> str:
        """A hash of the references' content (every field, in id order)."""
        if not self._digest:
            text = repr(sorted((key, ref.model_dump(by_alias=True)) for key, ref in self.references.items()))
            self._digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
        return self._digest

    def note_for(self, citations: tuple[Citation, ...]) -> str:
        """The HTML text of one footnote for a citation group; later notes use short forms."""
        texts = []
        for citation in citations:
            ref = self.references[citation.key]
            if citation.key in self.seen:
                texts.append(short_note(ref, citation))
            else:
                self.seen.add(citation.key)
                self.cited.append(citation.key)
                texts.append(full_note(ref, citation))
        return finish_sentence("; ".join(t.removesuffix(".") for t in texts))


def finish_sentence(note: str) -> str:
    """End a note with a full stop, inside a closing quotation mark (Chicago), apostrophes curled."""
    note = re.sub(r"(?<=\w)'(?=\w)", "’", note.rstrip())
    if note.endswith(",”"):
        note = note[:-2] + "”"
    if note.endswith("”"):
        return note[:-1] + ".”"
    return note if note.endswith((".", "?", "!")) else note + "."


class _CitationPattern(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element | None, int, int]:  # noqa: N802
        items = parse_group(m.group("body"))
        if not items:
            return None, m.start(0), m.end(0)
        span = ET.Element("span", {"class": "footnote citation"})
        span.set("data-cite", ";".join(c.key for c in items))
        span.set("data-group", _encode(items))
        return span, m.start(0), m.end(0)


def _encode(items: tuple[Citation, ...]) -> str:
    return "\x1f".join("\x1e".join((c.key, c.prefix, c.locator, c.suffix)) for c in items)


def _decode(value: str) -> tuple[Citation, ...]:
    return tuple(Citation(*item.split("\x1e")) for item in value.split("\x1f"))


class _SpanPattern(InlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element | None, int, int]:  # noqa: N802
        attrs = parse_attrs(m.group("attrs"))
        span = ET.Element("span")
        span.text = m.group("text")
        for key, value in attrs.attrs:
            if key in ("lang", "title", "dir"):
                span.set(key, value)
        if attrs.classes:
            span.set("class", " ".join(attrs.classes))
        return span, m.start(0), m.end(0)


class _BookTreeprocessor(Treeprocessor):
    """Runs last: notes in place, parts wrapped, ids made unique to the chapter."""

    def __init__(self, md: markdown.Markdown, chapter_id: str, notes: NoteState) -> None:
        super().__init__(md)
        self.chapter_id = chapter_id
        self.notes = notes

    def run(self, root: ET.Element) -> None:
        self._inline_footnotes(root)
        parents = {child: parent for parent in root.iter() for child in parent}
        for span in list(root.iter("span")):
            group = span.attrib.pop("data-group", None)
            if group is not None:
                note = ET.fromstring(f"<span>{self.notes.note_for(_decode(group))}</span>")
                span.text, span[:] = note.text, list(note)
            if "footnote" in (span.get("class") or "").split():
                _place_call(span, parents[span])
        self._wrap_parts(root)
        for element in root.iter():
            if element.tag in ("h2", "h3", "h4", "h5", "h6"):
                text = "".join(element.itertext())
                element.set("id", f"{self.chapter_id}--{element.get('id') or part_slug(text) or 'heading'}")

    def _inline_footnotes(self, root: ET.Element) -> None:
        holder = next((d for d in root.iter("div") if d.get("class") == "footnote"), None)
        if holder is None:
            return
        bodies: dict[str, ET.Element] = {}
        for item in holder.iter("li"):
            note = ET.Element("span", {"class": "footnote note"})
            for index, para in enumerate(item):
                for backref in [a for a in para.iter("a") if a.get("class") == "footnote-backref"]:
                    _remove(para, backref)
                if index:
                    _append_text(note, " ")
                _append_text(note, para.text or "")
                note.extend(list(para))
            bodies[item.get("id", "")] = note
        parents = {child: parent for parent in root.iter() for child in parent}
        for sup in [s for s in root.iter("sup") if (s.get("id") or "").startswith("fnref")]:
            link = sup.find("a")
            target = (link.get("href") or "").lstrip("#") if link is not None else ""
            body = bodies.get(target)
            parent = parents.get(sup)
            if body is None or parent is None:
                continue
            replacement = ET.Element("span", dict(body.attrib))
            replacement.text, replacement[:] = body.text, [_copy(c) for c in body]
            replacement.tail = sup.tail
            parent[list(parent).index(sup)] = replacement
        parents[holder].remove(holder)

    def _wrap_parts(self, root: ET.Element) -> None:
        children = list(root)
        if not any(c.tag == "h2" for c in children):
            return
        root[:] = []
        current: ET.Element | None = None
        for child in children:
            if child.tag == "h2":  # `## 핵심 요점 {#key-points}`: a translation keeps the part's slug
                slug = child.get("id") or part_slug("".join(child.itertext()))
                current = ET.SubElement(root, "section", {"class": f"part part-{slug}"})
            (current if current is not None else root).append(child)


_CLOSING_PUNCTUATION = re.compile(r"^[.,;:!?]+")


def _place_call(span: ET.Element, parent: ET.Element) -> None:
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


def _remove(parent: ET.Element, child: ET.Element) -> None:
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


def _append_text(element: ET.Element, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text


def _copy(element: ET.Element) -> ET.Element:
    clone = ET.Element(element.tag, dict(element.attrib))
    clone.text, clone.tail = element.text, element.tail
    clone.extend(_copy(c) for c in element)
    return clone


class BriefingExtension(Extension):
    """Registers briefing's inline patterns and tree processor on a Markdown instance."""

    def __init__(self, chapter_id: str, notes: NoteState) -> None:
        super().__init__()
        self.chapter_id = chapter_id
        self.notes = notes

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.inlinePatterns.register(_CitationPattern(CITATION_GROUP.pattern, md), "citation", 172)
        md.inlinePatterns.register(_SpanPattern(SPAN.pattern, md), "bracketed-span", 165)
        md.treeprocessors.register(_BookTreeprocessor(md, self.chapter_id, self.notes), "briefing", 1)


_CONVERTED: Recent[tuple[str, tuple[str, ...]]] = Recent(256)
"""Chapters converted in this process: (HTML, citation keys in first-use order afterwards), by
`_conversion_key`. A warm process (watch, preview) converts only the chapters an edit changed."""


def render_markdown(text: str, chapter_id: str, notes: NoteState, quotes: tuple[str, ...] | None = None) -> str:
    """Convert one chapter's Markdown to an HTML fragment (`quotes`: the language's “ ” ‘ ’, see l10n)."""
    def convert() -> tuple[str, tuple[str, ...]]:
        smarty: dict[str, object] = {"smart_angled_quotes": False}
        if quotes:
            smarty["substitutions"] = dict(zip(("left-double-quote", "right-double-quote", "left-single-quote",
                                                "right-single-quote"), quotes, strict=True))
        md = markdown.Markdown(
            extensions=[*EXTENSIONS, BriefingExtension(chapter_id, notes)],
            extension_configs={"footnotes": {"UNIQUE_IDS": True}, "smarty": smarty},
            output_format="html",
        )
        return str(md.convert(text)), tuple(notes.cited)

    html, cited = _CONVERTED.get(_conversion_key(text, chapter_id, notes) + "".join(quotes or ()), convert)
    notes.cited[:] = cited  # the citation state after this chapter, whether converted now or before
    notes.seen.clear()
    notes.seen.update(cited)
    return html


def _conversion_key(text: str, chapter_id: str, notes: NoteState) -> str:
    """Everything a chapter's HTML depends on: its text and id, the references, and which
    sources earlier chapters cited first (the first citation of a source is a full note)."""
    digest = hashlib.blake2b(digest_size=20)
    for piece in (text, chapter_id, notes.references_digest(), "\0".join(notes.cited), markdown.__version__):
        digest.update(piece.encode("utf-8", "surrogatepass") + b"\1")
    return digest.hexdigest()
