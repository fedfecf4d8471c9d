"""Stage 5, render HTML: the book's chapters through Markdown, then the Jinja templates.

Content is only ever data to the templates (already-converted HTML passed as `Markup`):
it is never evaluated as a template, so `{{ 7*7 }}` in Markdown prints as written.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import escape

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from briefing.book.charts import draw_charts
from briefing.book.crossref import collect_labels
from briefing.book.editions import Book, Chapter
from briefing.book.l10n import Labels
from briefing.book.markup import NoteState, render_markdown
from briefing.errors import Problem, UserError
from briefing.project.theme import Theme
from briefing.safety.urls import PROJECT_URL, THEME_URL  # re-exported: older imports name them here

STYLESHEETS = ("fonts.css", "book.css", "components.css")
_TAGS = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][\w-]*)")
_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")
_HANGUL_WORD = re.compile("[^\\s<>]*[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3][^\\s<>]*")


@dataclass(frozen=True)
class RenderOptions:
    """Choices that change the rendering but are not part of the project."""

    build_date: dt.datetime
    draft: bool = False
    paper: str | None = None
    """Overrides the edition's and the project's paper."""
    inline_styles: bool = False
    """Embed the stylesheets (for --format html) instead of linking them."""
    changes: object | None = None
    """A `changes.Changes` for the "Changes since" appendix (release --since); None: no appendix."""


@dataclass(frozen=True)
class RenderedBook:
    """The book as HTML, with what the later stages and reports need to know."""

    html: str
    cited: tuple[str, ...]
    """Reference ids in order of first citation."""
    paper: str


def base_url(book: Book) -> str:
    """The base URL of the HTML: the content folder, under the virtual project URL."""
    return f"{PROJECT_URL}{book.project.config.content.strip('/')}/"


def render_html(book: Book, theme: Theme, options: RenderOptions) -> RenderedBook:
    """Convert the chapters and fill the book template."""
    from briefing.book.cite_book import cite_book
    from briefing.book.components import draw_components
    from briefing.book.l10n import load_labels
    from briefing.safety.sanitize import clean_chapter, clean_html

    config = book.project.config
    labels = load_labels(book.language, book.project.root, config.labels)
    formatted = cite_book(book)
    notes = NoteState(book.project.references, formatted, book.edition.notes,
                      labels=collect_labels(c.body for c in book.printed))
    unsafe: list[Problem] = []
    env = _environment(theme, labels)

    def chapter_context(chapter: Chapter, text: str) -> dict[str, object]:
        section = chapter.section
        html = render_markdown(text, section.id, notes, chapter.fences, labels.quotes)
        html = draw_charts(clean_chapter(html, section, config, unsafe), section, book.project, unsafe)
        html = draw_components(html, section, book.project, env, unsafe)
        spec = config.sector(section.meta.sector)
        return {
            "id": section.id,
            "title": section.meta.title,
            "summary": section.meta.summary,
            "sector": section.meta.sector,
            "sector_spec": spec,
            "sector_label": labels.sector(section.meta.sector, spec.label if spec else "",
                                          book.language == config.language),
            "level": section.level,
            "html": Markup(html),
        }

    texts = list(formatted.texts)
    opening = chapter_context(book.opening, texts.pop(0)) if book.opening else None
    chapters = [chapter_context(chapter, text) for chapter, text in zip(book.chapters, texts, strict=True)]
    if unsafe:
        raise UserError(unsafe)
    references = book.project.references
    printed = book.edition.sources and not book.project.config.suppress_bibliography
    sources = [
        {"id": key, "html": Markup(clean_html(entry, book.project.config)),
         "confidence": references[key].confidence, "confidence_note": references[key].confidence_note,
         "note": "" if _prints_note(entry, references[key].note) else references[key].note}
        for key, entry in (formatted.bibliography if printed else [])
        if key in references
    ]
    paper = options.paper or book.paper
    context = {
        "labels": labels,
        "language": book.language,
        "opening": opening,
        "cut_off": book.edition.cut_off or config.cut_off,
        "config": config.in_language(book.language),
        "edition": book.edition,
        "marking": book.marking,
        "levels": book.project.config.levels,
        "chapters": chapters,
        "sources": sources,
        "build_date": options.build_date,
        "draft": options.draft,
        "paper": paper,
        "stylesheets": book_stylesheets(book, theme, options, labels),
    }
    if options.changes is not None:
        context["changes"] = options.changes
    html = env.get_template("book.html.j2")
    try:
        rendered = html.render(context)
        if labels.keeps_words_together:  # the whole book: cover, contents, titles and summaries too
            rendered = keep_words_together(rendered)
        return RenderedBook(rendered, tuple(notes.cited), paper)
    except jinja2.TemplateError as exc:
        raise UserError([_template_problem(exc, theme)]) from None


def _prints_note(entry: str, note: str) -> bool:
    """Whether the style already printed the reference's `note` (then it is not repeated under the entry)."""
    words = note.split()[:6]
    return not words or " ".join(words) in " ".join(entry.split())


def book_stylesheets(book: Book, theme: Theme, options: RenderOptions, labels: Labels | None = None
                     ) -> list[dict[str, str]]:
    """The `<link>`ed and inline stylesheets of the book's head, in order (`href` or `inline`)."""
    from briefing.book.l10n import load_labels

    config = book.project.config
    labels = labels or load_labels(book.language, book.project.root, config.labels)
    return [*_stylesheets(theme, options, options.paper or book.paper), *_project_fonts(book),
            {"inline": Markup(labels.css(config.levels).replace("</", "<\\/"))}]


def head_document(book: Book, theme: Theme, options: RenderOptions, body: str) -> str:
    """A small document with the book's stylesheets as its head, as `book.html.j2` writes them, and
    `body`: what the layout workers warm up on while the chapters are still being converted."""
    sheets = "".join(f'<link rel="stylesheet" href="{escape(sheet["href"])}">' if "href" in sheet
                     else f"<style>{sheet['inline']}</style>"
                     for sheet in book_stylesheets(book, theme, options))
    return (f'<!DOCTYPE html>\n<html lang="{escape(book.language)}"><head><meta charset="utf-8">{sheets}</head>'
            f"<body>{body}</body></html>")


def _stylesheets(theme: Theme, options: RenderOptions, paper: str) -> list[dict[str, str]]:
    sheets: list[dict[str, str]] = []
    for name in (*STYLESHEETS, f"paper-{paper}.css"):
        path = theme.find_style(name)
        if path is None:
            continue
        if options.inline_styles:
            sheets.append({"inline": Markup(path.read_text("utf-8").replace("</", "<\\/"))})
        else:
            sheets.append({"href": f"{THEME_URL}styles/{name}"})
    return sheets


def _project_fonts(book: Book) -> list[dict[str, str]]:
    """The project's own fonts (`fonts/`), declared for the characters the bundled fonts lack."""
    from briefing.pdf.project_fonts import project_font_css

    css = project_font_css(book.project.root)
    return [{"inline": Markup(css)}] if css else []


def keep_words_together(html: str) -> str:
    """Korean typesetting: a line breaks between words (at spaces), never inside one.

    WeasyPrint 70 ignores `word-break: keep-all`, so each word holding Hangul is set in a
    `<span class="kw">` that may not break (`white-space: nowrap`); text inside tags, SVG and
    preformatted blocks is left as it is.
    """
    out = []
    skip = 0
    for piece in _TAGS.split(html):
        if piece.startswith("<"):
            name = _TAG_NAME.match(piece)
            if name and name.group(2).lower() in ("svg", "pre", "code", "style", "script", "title"):
                skip += -1 if name.group(1) else (0 if piece.endswith("/>") else 1)
            out.append(piece)
        elif skip or not _HANGUL.search(piece):
            out.append(piece)
        else:
            out.append(_HANGUL_WORD.sub(r'<span class="kw">\g<0></span>', piece))
    return "".join(out)


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per process, not once per build (a warm `preview` or `watch` builds
    after every edit): Jinja keys each by its name and file and recompiles when its source changes."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if (code := self._code.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _CompiledTemplates()


def _environment(theme: Theme, labels: Labels | None = None) -> jinja2.Environment:
    env = SandboxedEnvironment(  # templates come from the project too: no access to Python internals
        loader=jinja2.FileSystemLoader([str(p) for p in theme.template_dirs]),
        bytecode_cache=_COMPILED,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    if labels is None:
        env.filters["longdate"] = lambda d: f"{d.day} {d.strftime('%B')} {d.year}" if d else ""
    else:
        env.filters["longdate"] = labels.date
        env.filters["level"] = labels.level
        env.globals["labels"] = labels
    env.filters["esc"] = escape
    return env


def _template_problem(exc: jinja2.TemplateError, theme: Theme) -> Problem:
    """Name the template file and line: from a syntax error, or from the traceback Jinja rewrote."""
    from pathlib import Path

    name = getattr(exc, "filename", None) or ""
    line = getattr(exc, "lineno", None) or 0
    if not name:
        trace = exc.__traceback__
        while trace is not None:
            filename = trace.tb_frame.f_code.co_filename
            if filename.endswith(".j2"):
                name, line = filename, trace.tb_lineno
            trace = trace.tb_next
    return Problem(Path(name or "templates"), line, f"template error: {exc.message or type(exc).__name__}")
