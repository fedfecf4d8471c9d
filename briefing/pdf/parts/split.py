"""Cut the book's HTML into parts that WeasyPrint can lay out as separate documents.

A part is the front matter (everything before the first chapter: cover, contents) or one
chapter (`<section class="chapter">`, the Sources list included). Each part document keeps
the book's whole `<head>` (title, metadata, stylesheets) and the running elements that open
the `<body>` (marking banners, running heads), so it lays out exactly as its pages do in the
whole book, given three facts from outside, which `part_layout` applies:

- the footnote number the part starts at (footnote numbers are known before layout: every
  element whose class has `footnote` is one note, checked again by the worker);
- the page number the part starts at and the book's page total (for "Page 7 of 31");
- for the front matter, the pages of the anchors its links point to (the contents' page
  numbers): stub pages carrying those anchors are appended, with `counter-reset: page N`,
  and dropped again when the book is assembled.

`split_book` returns None when the book cannot be cut safely: unbalanced HTML, or styles whose
pages depend on where a part starts (left/right or first pages, page counters reset, forced
left/right breaks), or chapters that do not start a page. The caller then renders in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
                  "wbr", "param"})
UNSAFE_CSS = re.compile(
    r"@page[^{]*:(?:first|left|right|blank|nth)"          # page selectors that depend on the page's place
    r"|break-(?:before|after)\s*:\s*(?:left|right|recto|verso)"
    r"|page-break-(?:before|after)\s*:\s*(?:left|right)"
    r"|counter-(?:reset|set|increment)\s*:[^;}]*\bpages?\b",  # page counters changed by the design
    re.I)
CHAPTER_BREAK = re.compile(r"\.chapter\s*(?:,[^{]*)?\{[^}]*(?:break-before\s*:\s*page|page-break-before\s*:\s*always)",
                           re.I)
_FOOTNOTE_CLASS = re.compile(r"""<[a-zA-Z][^>]*\bclass\s*=\s*["'](?:[^"']*\s)?footnote(?:\s[^"']*)?["']""")
_INTERNAL_HREF = re.compile(r"""\bhref\s*=\s*["']#([^"']+)["']""")
_ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")


@dataclass(frozen=True)
class BookPart:
    """One part of the book: its own HTML document and what it needs from the others."""

    index: int
    name: str
    html: str
    body: str
    """The part's own top-level elements (without head and running elements)."""
    footnotes: int
    """Number of footnotes in the part (counted in the HTML, verified by the worker)."""
    footnote_start: int = 0
    """Footnotes before this part: its first note is numbered footnote_start + 1."""
    ids: frozenset[str] = frozenset()
    links_out: frozenset[str] = frozenset()
    """Internal link targets (#id) the part points to that another part holds."""


@dataclass
class SplitBook:
    """The book cut into parts, front matter first."""

    head: str
    preamble: str
    parts: list[BookPart] = field(default_factory=list)


class _Spans(HTMLParser):
    """Find the body and the character spans of its top-level children."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.stack: list[str] = []
        self.body_start = -1
        self.body_end = -1
        self.children: list[tuple[str, str, int, int]] = []  # (tag, class, start, end)
        self.balanced = True
        self._current: tuple[str, str, int] | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self.body_start = self._offset() + len(self.get_starttag_text() or "")
            self.stack = ["body"]
            return
        if not self.stack:
            return
        if len(self.stack) == 1:
            classes = next((v or "" for k, v in attrs if k == "class"), "")
            self._current = (tag, classes, self._offset())
            if tag in VOID:
                start = self._offset()
                self.children.append((tag, classes, start, start + len(self.get_starttag_text() or "")))
                self._current = None
                return
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if len(self.stack) == 1:
            classes = next((v or "" for k, v in attrs if k == "class"), "")
            start = self._offset()
            self.children.append((tag, classes, start, start + len(self.get_starttag_text() or "")))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or tag in VOID:
            return
        if tag == "body" and self.stack == ["body"]:
            self.body_end = self._offset()
            self.stack = []
            return
        if self.stack[-1] != tag:
            self.balanced = False
            return
        self.stack.pop()
        if len(self.stack) == 1 and self._current is not None:
            end = self.rawdata.find(">", self._offset()) + 1
            self.children.append((*self._current, end))
            self._current = None


def css_allows_parts(css_texts: list[str]) -> bool:
    """True when the stylesheets lay each chapter out independently of where it starts."""
    joined = "\n".join(css_texts)
    return not UNSAFE_CSS.search(joined) and bool(CHAPTER_BREAK.search(joined))


def style_texts(style_dirs: tuple[Path, ...]) -> list[str]:
    """Every stylesheet of the style chain (project and built-in), for `css_allows_parts`."""
    texts = []
    for folder in style_dirs:
        for path in sorted(folder.rglob("*.css")):
            try:
                texts.append(path.read_text("utf-8", errors="replace"))
            except OSError:
                continue
    return texts


def split_book(html: str) -> SplitBook | None:
    """Cut the book into parts, or None when its structure is not one this module can cut."""
    spans = _Spans(html)
    spans.feed(html)
    spans.close()
    if not spans.balanced or spans.body_start < 0 or spans.body_end < 0 or not spans.children:
        return None
    preamble_end = next((i for i, (tag, _, _, _) in enumerate(spans.children) if tag in ("section", "nav")), None)
    if preamble_end is None:
        return None
    preamble = "\n".join(html[s:e] for _, _, s, e in spans.children[:preamble_end])
    groups: list[list[tuple[str, str, int, int]]] = [[]]
    for child in spans.children[preamble_end:]:
        tag, classes, _, _ = child
        if tag == "section" and "chapter" in classes.split() and groups[-1]:
            groups.append([])
        groups[-1].append(child)
    if len(groups) < 2:
        return None
    book = SplitBook(html[: spans.body_start], preamble)
    footnotes = 0
    all_ids = [set(_ID.findall(html[g[0][2]: g[-1][3]])) for g in groups]
    for index, group in enumerate(groups):
        body = html[group[0][2]: group[-1][3]]
        count = len(_FOOTNOTE_CLASS.findall(body))
        ids = frozenset(all_ids[index])
        links = frozenset(t for t in _INTERNAL_HREF.findall(body) if t not in ids)
        name = "front" if index == 0 else (_ID.findall(html[group[0][2]: group[0][3]])[:1] or [f"part-{index}"])[0]
        book.parts.append(BookPart(index, name, _document(book, body), body, count, footnotes, ids, links))
        footnotes += count
    return book


def with_body(book: SplitBook, body: str) -> str:
    """A document with the book's head and running elements and `body` (the zygote's warm-up)."""
    return _document(book, body)


def _document(book: SplitBook, body: str, extra_head: str = "", tail: str = "") -> str:
    head = book.head
    if extra_head:
        close = head.rfind("</head>")
        head = head[:close] + extra_head + head[close:] if close >= 0 else head + extra_head
    return f"{head}\n{book.preamble}\n{body}\n{tail}</body>\n</html>\n"


def with_stubs(book: SplitBook, part: BookPart, targets: dict[str, int]) -> tuple[str, int]:
    """The part's document with stub pages holding `targets` (anchor id → page number).

    Returns the HTML and the number of stub pages (dropped when the book is assembled).
    """
    by_page: dict[int, list[str]] = {}
    for anchor, page in sorted(targets.items(), key=lambda item: (item[1], item[0])):
        by_page.setdefault(page, []).append(anchor)
    rules, stubs = [], []
    for page, anchors in sorted(by_page.items()):
        rules.append(f"@page briefing-stub-{page} {{ counter-reset: page {page} }}")
        inner = "".join(f'<div id="{_attr(a)}" style="height: 0.1px"></div>' for a in anchors)
        stubs.append(f'<div class="briefing-stub" aria-hidden="true" style="page: briefing-stub-{page}; '
                     f'break-before: page; height: 1px; bookmark-level: none">{inner}</div>')
    extra_head = "<style>" + "\n".join(rules) + "</style>\n" if rules else ""
    return _document(book, part.body, extra_head, "\n".join(stubs)), len(by_page)


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
