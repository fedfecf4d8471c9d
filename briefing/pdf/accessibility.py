"""Accessible release PDFs: what WeasyPrint's tagged variants need from the HTML, and a finisher.

WeasyPrint 70 tags images and SVG as `/Figure` and takes their alternative text from `alt`
or from the SVG's own `<title>` child. A figure without one is silently untagged text for a
screen reader (for SVG) or only a logged error (for images), so a release of a tagged
edition checks the HTML first and reports every figure without alt text at its source.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from briefing.book.editions import Book
from briefing.errors import Problem

TAGGED_VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-1a", "pdf/a-2a", "pdf/a-3a")


class _FigureFinder(HTMLParser):
    """Finds `<img>` without a non-empty alt and `<svg>` without a `<title>` child."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chapter = ""
        self.missing: list[tuple[str, str]] = []
        """(chapter id, description of the figure)"""
        self._svg_stack: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "section" and "chapter" in (values.get("class") or "").split():
            self.chapter = values.get("id") or ""
        if self._svg_stack:
            top = self._svg_stack[-1]
            if tag == "title" and top["depth"] == 0:
                top["title_open"] = True
            if tag != "svg":
                top["depth"] += 1
                return
        if tag == "img" and not (values.get("alt") or "").strip():
            self.missing.append((self.chapter, f"image '{values.get('src') or '?'}' has no alt text"))
        elif tag == "svg":
            self._svg_stack.append({"depth": 0, "title": "", "title_open": False,
                                    "label": values.get("aria-label") or values.get("id") or ""})

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if self._svg_stack and tag != "svg":
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._svg_stack and self._svg_stack[-1]["title_open"]:
            self._svg_stack[-1]["title"] += data

    def handle_endtag(self, tag: str) -> None:
        if not self._svg_stack:
            return
        top = self._svg_stack[-1]
        if tag == "svg" and top["depth"] == 0:
            self._svg_stack.pop()
            if not top["title"].strip():
                name = f" '{top['label']}'" if top["label"] else ""
                self.missing.append((self.chapter, f"SVG figure{name} has no <title> (its alt text)"))
            return
        if tag == "title":
            top["title_open"] = False
        top["depth"] = max(0, top["depth"] - 1)


def missing_alt_text(html: str, book: Book, source_lines: dict[str, tuple[Path, int]], variant: str,
                     ) -> list[Problem]:
    """A problem for every figure a tagged PDF would carry without alternative text."""
    finder = _FigureFinder()
    finder.feed(html)
    finder.close()
    chapters = {chapter.section.id: chapter.section for chapter in book.printed}
    problems = []
    for chapter_id, message in finder.missing:
        where = next(((p, n) for needle, (p, n) in source_lines.items() if needle and f"'{needle}'" in message), None)
        if where is None:
            section = chapters.get(chapter_id)
            where = (section.path, section.body_line) if section else (book.project.root, 0)
        problems.append(Problem(where[0], where[1], f"{message}; edition '{book.edition.name}' is "
                                f"{variant} and needs alt text on every figure"))
    return problems


def finish_pdf(document: Any, pdf: Any) -> None:
    """WeasyPrint finisher for release PDFs: show the document title, not the file name, in viewers.

    Tagged variants already set `/ViewerPreferences << /DisplayDocTitle true >>`; the others
    (PDF/A-*b, plain PDF) get it here.
    """
    import pydyf

    if "ViewerPreferences" not in pdf.catalog:
        pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})


def untagged_figures(pdf: Any) -> int:
    """How many `/Figure` structure elements of a pydyf PDF have no `/Alt`."""
    return sum(1 for obj in pdf.objects if isinstance(obj, dict) and obj.get("S") == "/Figure" and "Alt" not in obj)
