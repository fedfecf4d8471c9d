"""WeasyPrint 70 cut a line after its first word when a text overflowed the line only by its trailing space
(a Sources entry printed "NK / News. / 2022. “Why …”" one word per line). `briefing.pdf.parts.trailing_space`
fixes it in every process that lays out; these tests read the lines a reader gets."""

from __future__ import annotations

import io
import itertools
import shutil
from pathlib import Path

from conftest import REPO, pdf_pages_text, run_briefing

TEXT = "NK News. 2022. “Why the Yoon Administration Sees a Powerful Partner in Mongolia.”"


def _lines(html: str) -> list[str]:
    import weasyprint
    from pypdf import PdfReader

    from briefing.pdf.render_pdf import font_configuration

    pdf = weasyprint.HTML(string=html).render(font_config=font_configuration()).write_pdf()
    return [line.strip() for line in (PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").splitlines()]


def _page(width: float, body: str) -> str:
    return (f"<html><head><style>@page {{ size: 200mm 100mm; margin: 5mm }} body {{ margin: 0; font-size: 12px }}"
            f"p {{ width: {width:.2f}px; margin: 0 }}</style></head><body><p>{body}</p></body></html>")


def test_a_text_overflowing_only_by_its_trailing_space_keeps_its_line() -> None:
    # the narrowest width at which the text (no trailing space) fits on one line, to a tenth of a pixel
    low, high = 100.0, 700.0
    while high - low > 0.1:
        middle = (low + high) / 2
        low, high = (low, middle) if len(_lines(_page(middle, TEXT))) == 1 else (middle, high)
    # at that width the text with its trailing space overflows by the space only, and an element follows
    lines = _lines(_page(high, f"{TEXT} <em>NK News (Korea Pro)</em>, September 21."))
    assert lines[0] == TEXT, lines
    assert all(len(line.split()) > 1 for line in lines[:2]), lines


def test_the_author_date_sources_never_set_one_word_per_line(tmp_path: Path) -> None:
    project = tmp_path / "book"
    project.mkdir()
    for name in ("briefing.yaml", "content", "styles", "templates"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, project / name)
    with (project / "briefing.yaml").open("a", encoding="utf-8") as stream:
        stream.write("csl: chicago-author-date\n")
    built = run_briefing("build", "--section", "glossary", cwd=project)
    assert built.code == 0, built.stderr
    pages = pdf_pages_text(project / "build" / "full.partial.pdf")
    sources = next(page for page in pages if page.startswith("Sources"))
    lines = sources.splitlines()
    def short_word(line: str) -> bool:  # one word, not a piece of a long URL or the page furniture
        word = line.strip()
        return (len(line.split()) == 1 and len(word) < 16 and "/" not in word and word != "Sources"
                and not word.isupper())

    singles = [(a, b) for a, b in itertools.pairwise(lines) if short_word(a) and short_word(b)]
    assert not singles, singles
    assert "NK News. 2022." in sources


def test_a_section_number_in_a_note_is_never_split_after_its_dot() -> None:
    import weasyprint
    from pypdf import PdfReader

    from briefing.book.pandoc_html import inlines_html
    from briefing.pdf.render_pdf import font_configuration

    words = [{"t": "Str", "c": "Jeong,"}, {"t": "Space"}, {"t": "Str", "c": "sec."}, {"t": "Space"},
             {"t": "Str", "c": "II.1)."}]
    html = inlines_html(words)
    css = (REPO / "styles" / "book.css").read_text(encoding="utf-8")
    rule = next(line for line in css.splitlines() if line.startswith(".csl-nobreak"))
    # a column so narrow that "II.1)." would be split after "II." if it could be
    page = (f"<html><head><style>{rule} @page {{ size: 120mm 60mm; margin: 5mm }} p {{ width: 6mm; font-size: 12px }}"
            f"</style></head><body><p>{html}</p></body></html>")
    pdf = weasyprint.HTML(string=page).render(font_config=font_configuration()).write_pdf()
    lines = [line.strip() for line in (PdfReader(io.BytesIO(pdf)).pages[0].extract_text() or "").splitlines()]
    assert "II.1)." in lines, lines
    # the number inside a link's text (a URL) is left alone: the link stays one piece of text
    link = inlines_html([{"t": "Link", "c": [["", [], []], [{"t": "Str", "c": "https://x.org/v2.1"}],
                                             ["https://x.org/v2.1", ""]]}])
    assert link == '<a href="https://x.org/v2.1">https://x.org/v2.1</a>'
