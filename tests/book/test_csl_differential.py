"""Differential test: every note and Sources entry equals what Pandoc itself prints for the same citations.

The corpus (tests/fixtures/csl-corpus/references.json, 91 references of 18 CSL types, origins in
PROVENANCE.txt) comes from Pandoc's citeproc tests and the CSL test suite, plus real Korean,
Chinese, Japanese and Mongolian publications. The same citations are given to `pandoc --citeproc`
as one plain Markdown document, the reference; briefing's book must print the same text.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from briefing.book.cite_book import bundled_style
from briefing.book.csl import pandoc_path

CORPUS = Path(__file__).parents[1] / "fixtures" / "csl-corpus" / "references.json"


_MARKED = ("em", "strong", "sup", "sub", "a")
"""Formatting kept in the comparison (italic titles, bold, links)."""


class _Collect(HTMLParser):
    """The text of every element whose attributes satisfy `wanted`, nesting understood."""

    def __init__(self, wanted: Callable[[str, dict[str, str]], bool]) -> None:
        super().__init__(convert_charrefs=True)
        self.wanted, self.depth, self.found, self.stack = wanted, 0, [], []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "img", "hr", "meta", "link"):
            return
        if tag in _MARKED and self.stack and self.stack[-1] is not None:
            self.found[-1] += f"<{tag}>"
        start = not self.stack or self.stack[-1] is None
        if start and self.wanted(tag, {k: v or "" for k, v in attrs}):
            self.found.append("")
            self.stack.append(0)
        elif self.stack and self.stack[-1] is not None:
            self.stack[-1] += 1
        else:
            self.stack.append(None)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "img", "hr", "meta", "link") or not self.stack:
            return
        if tag in _MARKED and self.stack[-1]:
            self.found[-1] += f"</{tag}>"
        if self.stack[-1] is None or self.stack[-1] == 0:
            self.stack.pop()
        else:
            self.stack[-1] -= 1

    def handle_data(self, data: str) -> None:
        if any(level is not None for level in self.stack):
            self.found[-1] += data


def _texts(page: str, wanted: Callable[[str, dict[str, str]], bool]) -> list[str]:
    parser = _Collect(wanted)
    parser.feed(page)
    return [" ".join(t.replace("↩︎", "").replace("<a></a>", "").split()) for t in parser.found]


def _citations(items: list[dict]) -> list[str]:
    first = [f"First mention {n} [@{item['id']}]." for n, item in enumerate(items)]
    second = [f"Second mention {n} [see @{item['id']}, 12]." for n, item in enumerate(items)]
    pairs = [f"Both {n} [@{a['id']}; @{b['id']}, chap. 3]." for n, (a, b) in enumerate(itertools.pairwise(items))]
    return first + second + pairs[::7]


def _project(tmp_path: Path, style: str) -> Path:
    items = json.loads(CORPUS.read_text("utf-8"))
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "references.json").write_text(json.dumps(items, ensure_ascii=False), "utf-8")
    (tmp_path / "briefing.yaml").write_text(f"title: Corpus\nlanguage: en\ndate: 2025-01-01\ncsl: {style}\n", "utf-8")
    body = "\n\n".join(_citations(items))
    (tmp_path / "content" / "corpus.md").write_text(
        f"---\ntitle: Corpus\nsector: context\nreviewed: 2025-01-01\n---\n\n{body}\n", "utf-8")
    return tmp_path


def _ours(project_dir: Path) -> tuple[list[str], list[str], list[str]]:
    """(notes, paragraphs, Sources entries) as briefing renders them."""
    import datetime as dt

    from briefing.book.editions import select_edition
    from briefing.book.render_html import RenderOptions, render_html
    from briefing.pipeline import prepare
    from briefing.project.theme import load_theme

    project, _ = prepare(project_dir)
    book = select_edition(project)
    page = render_html(book, load_theme(project), RenderOptions(build_date=dt.datetime(2025, 1, 1))).html
    chapter = page[page.index('id="corpus"'):page.index('id="sources"')]
    notes = _texts(chapter, lambda tag, a: a.get("class") == "footnote citation")
    inline = _texts(chapter, lambda tag, a: tag == "p" and "class" not in a)  # sentences with author-date citations
    listing = re.sub(r'<span class="source-note">.*?</span>', "", page[page.index('id="sources"'):], flags=re.S)
    sources = _texts(listing, lambda tag, a: a.get("id", "").startswith("ref-"))  # the entry, not briefing's note
    return notes, inline, sources


def _pandoc(project_dir: Path, style: str) -> tuple[list[str], list[str], list[str]]:
    """The same, from Pandoc's own HTML of the same citations."""
    items = json.loads(CORPUS.read_text("utf-8"))
    (project_dir / "style.csl").write_bytes(bundled_style(style))
    document = "\n\n".join(_citations(items))
    done = subprocess.run([pandoc_path(), "--citeproc", "--csl", "style.csl", "--bibliography",
                           "content/references.json", "-M", "lang=en", "-t", "html", "--wrap=none"],
                          input=document, capture_output=True, text=True, cwd=project_dir, check=True)
    out = done.stdout
    notes = _texts(out, lambda tag, a: a.get("id", "").startswith("fn") and tag == "li")
    inline = _texts(out.split('<div id="refs"')[0].split('<section id="footnotes"')[0], lambda tag, a: tag == "p")
    sources = _texts(out, lambda tag, a: a.get("id", "").startswith("ref-"))
    return notes, inline, sources


@pytest.mark.parametrize("style", ["chicago-notes-bibliography", "chicago-author-date", "ieee"])
def test_notes_and_sources_equal_pandocs(tmp_path: Path, style: str) -> None:
    project = _project(tmp_path, style)
    our_notes, our_inline, our_sources = _ours(project)
    their_notes, their_inline, their_sources = _pandoc(project, style)
    assert len(their_sources) == 91
    assert our_sources == their_sources
    if style == "chicago-notes-bibliography":
        assert len(their_notes) == 91 * 2 + 13
        assert our_notes == their_notes
    else:
        assert not our_notes and len(their_inline) == 91 * 2 + 13
        assert our_inline == their_inline


BIBTEX = Path(__file__).parents[1] / "fixtures" / "bibtex" / "references.bib"
"""Fifteen entries of biblatex's own example database (see PROVENANCE.txt there): @string macros, LaTeX
accents, date ranges, translators, editors, multi-volume works."""


@pytest.mark.parametrize("style", ["chicago-notes-bibliography", "chicago-author-date"])
def test_bibtex_references_print_as_pandoc_prints_them(tmp_path: Path, style: str) -> None:
    from briefing.project.bibtex import entry_lines

    keys = list(entry_lines(BIBTEX.read_text("utf-8")))
    assert len(keys) == 15
    items = [{"id": key} for key in keys]
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "references.bib").write_text(BIBTEX.read_text("utf-8"), "utf-8")
    (tmp_path / "briefing.yaml").write_text(f"title: Corpus\nlanguage: en\ndate: 2025-01-01\ncsl: {style}\n", "utf-8")
    body = "\n\n".join(_citations(items))
    (tmp_path / "content" / "corpus.md").write_text(
        f"---\ntitle: Corpus\nsector: context\nreviewed: 2025-01-01\n---\n\n{body}\n", "utf-8")
    our_notes, our_inline, our_sources = _ours(tmp_path)
    (tmp_path / "style.csl").write_bytes(bundled_style(style))
    done = subprocess.run([pandoc_path(), "--citeproc", "--csl", "style.csl", "--bibliography",
                           "content/references.bib", "-M", "lang=en", "-t", "html", "--wrap=none"],
                          input=body, capture_output=True, text=True, cwd=tmp_path, check=True)
    out = done.stdout
    their_sources = _texts(out, lambda tag, a: a.get("id", "").startswith("ref-"))
    assert len(their_sources) == 15 and our_sources == their_sources
    if style == "chicago-notes-bibliography":
        their_notes = _texts(out, lambda tag, a: a.get("id", "").startswith("fn") and tag == "li")
        assert len(their_notes) == 15 * 2 + 2 and our_notes == their_notes
    else:
        their_inline = _texts(out.split('<div id="refs"')[0], lambda tag, a: tag == "p")
        assert our_inline == their_inline and len(our_inline) == 15 * 2 + 2
