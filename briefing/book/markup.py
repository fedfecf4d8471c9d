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
import pymdownx
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from briefing.book.crossref import Labels
from briefing.book.csl import FormattedBook, FormattedCitation
from briefing.book.note_tree import (
    append_text,
    as_span,
    copy_element,
    fill_citation,
    move_endnotes,
    place_call,
    remove_child,
    soft_breaks,
)
from briefing.book.pandoc_tree import PandocExtension, heading_text
from briefing.cache.recent import Recent
from briefing.project.blocks import parse_attrs, part_slug
from briefing.project.fenced_divs import Fences
from briefing.project.references import Reference

SPAN = re.compile(r"(?<![!\\])\[(?P<text>[^\[\]\n]+)\]\{(?P<attrs>[^{}\n]*)\}")
EXTENSIONS = [
    "tables",
    "def_list",
    "attr_list",
    "md_in_html",
    "footnotes",
    "smarty",
    "fenced_code",
    "pymdownx.fancylists",  # Pandoc's fancy lists: 1) a. (A) i. #.  (instead of sane_lists)
    "pymdownx.caret",  # ^superscript^
    "pymdownx.tilde",  # ~subscript~ and ~~strikeout~~
    "pymdownx.tasklist",  # - [ ] and - [x]
]
"""`fenced_code`: a ``` block is code, as blocks.py and citations.py already treat it (HTML in it is shown, not run).
The pymdownx extensions (pymdown-extensions) give Pandoc's inline and list syntax; `pandoc_syntax`
rewrites the rest of Pandoc's syntax beforehand and `pandoc_tree` finishes figures, captions,
cross-references and task lists."""
EXTENSION_CONFIGS: dict[str, dict[str, object]] = {
    "footnotes": {"UNIQUE_IDS": True},
    "smarty": {"smart_angled_quotes": False},
    "pymdownx.caret": {"smart_insert": False, "insert": False},  # ^^text^^ is not Pandoc
    "pymdownx.tilde": {"smart_delete": False},
    "pymdownx.fancylists": {"inject_style": False},
}


@dataclass
class NoteState:
    """Citation state shared by all chapters of one book, in reading order.

    `formatted` holds every citation of the book as the CSL processor formatted it (`cite_book`);
    the chapters' Markdown holds placeholders for them (`csl.PLACEHOLDER`)."""

    references: dict[str, Reference]
    formatted: FormattedBook | None = None
    mode: str = "footnotes"
    """The edition's notes: 'footnotes' (page foot), 'endnotes' (after each chapter) or 'none'."""
    cited: list[str] = field(default_factory=list)
    """Keys in order of first citation, up to the chapter converted last."""
    labels: Labels = field(default_factory=Labels)
    """The book's cross-reference labels (figure and table numbers, section titles)."""

    def citation(self, index: int) -> FormattedCitation | None:
        return self.formatted.citations.get(index) if self.formatted is not None else None


_PLACEHOLDER = "\ue010(?P<index>\\d+)\ue011"


class _CitationPattern(InlineProcessor):
    """A placeholder → an empty element marked with the citation's number (filled in by the tree
    processor, so that no later inline pattern rewrites the formatted text)."""

    def __init__(self, pattern: str, md: markdown.Markdown, notes: NoteState) -> None:
        super().__init__(pattern, md)
        self.notes = notes

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element | None, int, int]:  # noqa: N802
        formatted = self.notes.citation(int(m.group("index")))
        if formatted is None:
            return None, m.start(0), m.end(0)
        span = ET.Element("span", {"class": "citation", "data-cite": ";".join(formatted.keys),
                                   "data-formatted": m.group("index")})
        return span, m.start(0), m.end(0)


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
            index = span.attrib.pop("data-formatted", None)
            formatted = self.notes.citation(int(index)) if index is not None else None
            if formatted is not None:
                parents = {child: parent for parent in root.iter() for child in parent}
                notes = fill_citation(span, parents[span], formatted, self.notes.mode)
            else:
                notes = [span]
            if formatted is not None:
                self.notes.cited.extend(k for k in formatted.keys if k not in self.notes.cited)
            for note in notes:
                if "footnote" in (note.get("class") or "").split():
                    parents = {child: parent for parent in root.iter() for child in parent}
                    place_call(note, parents[note])
        for dropped in [s for s in root.iter("span") if "dropped" in (s.get("class") or "").split()]:
            dropped.set("class", "citation dropped")
        self._wrap_parts(root)
        if self.notes.mode == "endnotes":
            move_endnotes(root, self.chapter_id)
        for element in root.iter():
            if element.tag in ("h2", "h3", "h4", "h5", "h6") and not element.get("data-custom-id"):
                text = heading_text(element, self.md)
                element.set("id", f"{self.chapter_id}--{part_slug(text) or 'heading'}")
            element.attrib.pop("data-custom-id", None)

    def _inline_footnotes(self, root: ET.Element) -> None:
        holder = next((d for d in root.iter("div") if d.get("class") == "footnote"), None)
        if holder is None:
            return
        bodies: dict[str, ET.Element] = {}
        for item in holder.iter("li"):
            note = ET.Element("span", {"class": "footnote note"})
            for index, para in enumerate(item):
                for backref in [a for a in para.iter("a") if a.get("class") == "footnote-backref"]:
                    remove_child(para, backref)
                if index:  # a later paragraph of the note: a block inside the note, not run on
                    para = as_span(para)
                    note.append(para)
                    continue
                append_text(note, para.text or "")
                note.extend(list(para))
            soft_breaks(note)
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
            replacement.text, replacement[:] = body.text, [copy_element(c) for c in body]
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
                slug = child.get("id") or part_slug(heading_text(child, self.md))
                current = ET.SubElement(root, "section", {"class": f"part part-{slug}"})
            (current if current is not None else root).append(child)


class BriefingExtension(Extension):
    """Registers briefing's inline patterns and tree processor on a Markdown instance."""

    def __init__(self, chapter_id: str, notes: NoteState) -> None:
        super().__init__()
        self.chapter_id = chapter_id
        self.notes = notes

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.inlinePatterns.register(_CitationPattern(_PLACEHOLDER, md, self.notes), "citation", 172)
        md.inlinePatterns.register(_SpanPattern(SPAN.pattern, md), "bracketed-span", 165)
        md.treeprocessors.register(_BookTreeprocessor(md, self.chapter_id, self.notes), "briefing", 1)
        PandocExtension(self.notes.labels).extendMarkdown(md)


_PYMDOWNX_VERSION = str(getattr(pymdownx, "__version__", ""))

_CONVERTED: Recent[tuple[str, tuple[str, ...]]] = Recent(256)
"""Chapters converted in this process: (HTML, citation keys in first-use order afterwards), by
`_conversion_key`. A warm process (watch, preview) converts only the chapters an edit changed."""


def render_markdown(text: str, chapter_id: str, notes: NoteState, fences: Fences | None = None,
                    quotes: tuple[str, ...] | None = None) -> str:
    """Convert one chapter's Markdown to an HTML fragment (`fences`: how its fenced divs are dressed;
    `quotes`: the language's “ ” ‘ ’, see l10n)."""
    fences = fences or Fences((), None, "")

    def convert() -> tuple[str, tuple[str, ...]]:
        smarty: dict[str, object] = {"smart_angled_quotes": False}
        apostrophes = bool(quotes) and quotes[3] != APOSTROPHE  # smarty writes a closing quote for both
        if quotes:
            single = (_OPEN_SINGLE, _CLOSE_SINGLE) if apostrophes else quotes[2:]
            smarty["substitutions"] = dict(zip(("left-double-quote", "right-double-quote", "left-single-quote",
                                                "right-single-quote"), (*quotes[:2], *single), strict=True))
        md = markdown.Markdown(
            extensions=[*EXTENSIONS, BriefingExtension(chapter_id, notes), fences.extension()],
            extension_configs={**EXTENSION_CONFIGS, "smarty": smarty},
            output_format="html",
        )
        html = str(md.convert(text))
        return (single_quotes(html, quotes[2], quotes[3]) if quotes and apostrophes else html), tuple(notes.cited)

    html, cited = _CONVERTED.get(_conversion_key(text, chapter_id + "\0" + fences.key(), notes) + "".join(quotes or ()),
                                 convert)
    notes.cited[:] = cited  # the citation state after this chapter, whether converted now or before
    return html


APOSTROPHE = "\u2019"
_OPEN_SINGLE, _CLOSE_SINGLE = "\ue020", "\ue021"
"""What smarty writes for ' while converting, when the language's single quotes are not the apostrophe's ’."""


def single_quotes(html: str, open_inner: str, close_inner: str) -> str:
    """Smarty's single quotes in the language's marks, and apostrophes as ’ (partner's, '90s, partners').

    A ' between two letters or digits is an apostrophe; any other closing ' closes the innermost
    open quotation, or is an apostrophe when none is open (the partners' view).
    """
    out: list[str] = []
    depth = 0
    for index, char in enumerate(html):
        if char == _OPEN_SINGLE:
            depth += 1
            out.append(open_inner)
        elif char == _CLOSE_SINGLE:
            before, after = html[index - 1:index], html[index + 1:index + 2]
            if (before.isalnum() and after.isalnum()) or depth == 0:
                out.append(APOSTROPHE)
            else:
                depth -= 1
                out.append(close_inner)
        else:
            out.append(char)
    return "".join(out)


def _conversion_key(text: str, chapter_id: str, notes: NoteState) -> str:
    """Everything a chapter's HTML depends on: its text and id, the formatted citations it holds
    (which already say first or later citation), the notes mode, and the sources cited before."""
    digest = hashlib.blake2b(digest_size=20)
    formatted = [repr(notes.citation(int(i))) for i in re.findall(_PLACEHOLDER.replace("(?P<index>", "("), text)]
    for piece in (text, chapter_id, notes.mode, "\0".join(formatted), "\0".join(notes.cited), markdown.__version__,
                  notes.labels.digest(), _PYMDOWNX_VERSION):
        digest.update(piece.encode("utf-8", "surrogatepass") + b"\1")
    return digest.hexdigest()
