"""The citation step of one book: choose its CSL style and locale, then format every citation at once.

`cite_book(book)` is what `render_html` calls; the work is in `csl.format_book_citations`.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import yaml

from briefing.book.csl import CitationSettings, FormattedBook, PandocError, format_book_citations
from briefing.book.editions import Book
from briefing.errors import Problem, UserError

BUNDLED_STYLES = ("chicago-notes-bibliography", "chicago-author-date", "ieee")
MAX_STYLE_BYTES = 2 * 1024 * 1024


def bundled_style(name: str) -> bytes:
    return (resources.files("briefing.book") / "csl_styles" / f"{name}.csl").read_bytes()


def style_name(book: Book) -> str:
    return book.edition.csl or book.project.config.csl


def load_style(book: Book) -> bytes:
    """The CSL style of the edition: a bundled style by name, or a `.csl` file inside the project."""
    name = style_name(book)
    where = book.project.config_path or book.project.root
    if name in BUNDLED_STYLES:
        return bundled_style(name)
    path = Path(name)
    if path.suffix != ".csl" or path.is_absolute() or ".." in path.parts or name.startswith("~"):
        raise UserError([Problem(where, 0, f"csl: '{name}' is neither a bundled style ({', '.join(BUNDLED_STYLES)}) "
                                           "nor a .csl file inside the project")])
    file = book.project.root / path
    try:
        if not file.resolve().is_relative_to(book.project.root.resolve()):
            raise OSError("outside the project")
        if file.stat().st_size > MAX_STYLE_BYTES:
            raise OSError(f"larger than {MAX_STYLE_BYTES // 1024} KiB")
        data = file.read_bytes()
    except OSError as exc:
        raise UserError([Problem(file, 0, f"cannot read the citation style: {exc.strerror or exc}")]) from None
    if b"independent-parent" in data:
        raise UserError([Problem(file, 0, "a dependent CSL style names its parent on the web: download the parent "
                                          "style (its 'independent-parent' link) into the project and name that")])
    return data


def references_text(book: Book) -> tuple[str, str]:
    """The valid references' CSL items as written, in the format of the file they came from."""
    items = list(book.project.extra.get("csl_items", {}).values())
    if not items:
        items = [r.model_dump(by_alias=True, exclude_defaults=True) for r in book.project.references.values()]
    path = book.project.references_path
    if path is not None and path.suffix == ".json":
        return json.dumps(items, ensure_ascii=False, sort_keys=True, indent=0), "json"
    return yaml.safe_dump({"references": items}, allow_unicode=True, sort_keys=True), "yaml"


def cite_book(book: Book) -> FormattedBook:
    """Format every citation of the book (its opening, then its chapters) and its bibliography in one processor run.

    `texts` of the result hold the opening's text first when the book has one.
    """
    config = book.project.config
    known = set(book.project.references)
    nocite = tuple(sorted(known)) if "*" in config.nocite else tuple(k for k in config.nocite if k in known)
    settings = CitationSettings(style=load_style(book), language=book.language, nocite=nocite,
                                link_citations=config.link_citations)
    text, kind = references_text(book)
    chapters = [(chapter.section.id, chapter.body) for chapter in book.printed]
    build = book.project.root / "build"
    # cached where builds already write (a release or a check never creates build/ just for a cache)
    cache = build / ".cache" / "citeproc" if build.is_dir() and not build.is_symlink() else None
    try:
        return format_book_citations(chapters, known, text, kind, settings, cache)
    except PandocError as exc:
        where = book.project.root / style_name(book) if style_name(book).endswith(".csl") else book.project.root
        raise UserError([Problem(where, 0, f"the citation processor (Pandoc) failed: {exc}")]) from None
