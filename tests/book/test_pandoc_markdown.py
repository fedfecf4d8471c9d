"""Pandoc's own Markdown test suite, a Quarto report and Chinese and Japanese text, as a reader gets them.

The fixture `tests/fixtures/pandoc` holds excerpts of Pandoc's `test/testsuite.txt` and
`test/pipe-tables.txt` (as written there), a Quarto-style report with cross-references, and
Chinese and Japanese text from CPython's `Lib/test/cjkencodings`. Every construct is either
printed as Pandoc prints it or reported at its line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import copy_fixture, pdf_pages_text, run_briefing


@pytest.fixture(scope="module")
def pandoc_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """(project, the PDF's text with whitespace collapsed, build stderr)."""
    project = copy_fixture("pandoc", tmp_path_factory.mktemp("pandoc"))
    result = run_briefing("build", cwd=project)
    assert result.code == 0, result.stderr
    text = " ".join(" ".join(pdf_pages_text(project / "build" / "full.pdf")).split()).replace("\u2010 ", "")
    return project, text, result.stderr  # (words hyphenated at a line end joined again)


@pytest.fixture(scope="module")
def pandoc_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    project = copy_fixture("pandoc", tmp_path_factory.mktemp("pandoc-html"))
    result = run_briefing("build", "--format", "html", cwd=project)
    assert result.code == 0, result.stderr
    html = (project / "build" / "full.html").read_text(encoding="utf-8")
    # a paragraph's last word, if long enough to hyphenate, is kept whole: no one-syllable last line
    assert 'explains the <span class="last-word">method.</span></p>' in html
    assert '<span class="last-word">desk.</span>' not in html  # too short to be hyphenated anyway
    return re.sub(r'<span class="last-word">([^<]*)</span>', r"\1", html)


def test_inline_markup_prints_as_pandoc_prints_it(pandoc_build: tuple[Path, str, str]) -> None:
    _, text, _ = pandoc_build
    for source in ("^bc^", "~~This", "H~2~O", "^[", "[^longnote]", "\\newpage", "{: ", "{#"):
        assert source not in text, source
    assert "H2O" in text and "This is strikeout." in text
    assert "This is easier to type. Inline notes may contain links" in text  # an inline note, at the page foot
    assert "Here's the long note." in text.replace("’", "'")
    assert "If you want, you can indent every line" in text  # the note's later paragraphs are kept


def test_lists_tables_and_line_blocks_keep_their_structure(pandoc_build: tuple[Path, str, str],
                                                          pandoc_html: str) -> None:
    _, text, _ = pandoc_build
    assert "(2) begins with 2" not in text and "begins with 2" in text
    # numbered as Pandoc numbers them: from 2, in Roman numerals and letters
    assert "2. begins with 2 3. and now 3" in text
    assert "i. sublist with roman numerals starting with i. ii. more items A. a subsublist B. a subsublist" in text
    assert "D. Upper Alpha I. Upper Roman. Decimal start with 1 a. Lower alpha with paren" in text
    assert "#." not in text and "Autonumbering: Autonumber. More. Nested." in text  # (decimal markers: CSS)
    # example lists number on through the section, and a reference to a labelled one prints its number
    assert "3. My third example will be numbered (3). 4. This is a good example. As (4) illustrates" in text
    assert "<dt>apple</dt>" in pandoc_html and "~ red fruit" not in text
    # Pandoc's simple table: a table with its caption, not a rule and a run-on paragraph
    assert "------- ------" not in text
    assert re.search(r"<caption>Demonstration of simple table syntax\.</caption>", pandoc_html)
    assert '<th style="text-align:right">Right</th>' in pandoc_html
    # Pandoc's grid table: a table, its cells' lists as lines
    assert "+-----" not in text and "+=====" not in text
    assert re.search(r"<caption>Sample grid table\.</caption>", pandoc_html)
    assert "<td>• built-in wrapper<br>• bright color</td>" in pandoc_html
    # the line block keeps its lines
    assert re.search(r"anatomical<br>\s*In space", pandoc_html)
    assert "| The limerick" not in text


def test_headings_get_stable_ids_and_their_own_ids(pandoc_html: str) -> None:
    assert "wzxhzdk" not in pandoc_html  # no Python-Markdown placeholder in a slug
    part = '<section class="part part-mongolias-policy"><h2 id="english-japanese-link--mongolias-policy">'
    assert part in pandoc_html
    assert 'id="sec-method"' in pandoc_html and 'id="sec-overview"' in pandoc_html
    # a setext "---" heading is a part like "## ..."
    assert '<section class="part part-level-2-with-emphasis">' in pandoc_html


def test_a_notes_soft_line_breaks_are_spaces(pandoc_html: str) -> None:
    notes = re.findall(r'<span class="footnote note">(.*?)</span>', pandoc_html, re.S)
    assert notes and not any("\n" in note for note in notes if "<code>" not in note)
    assert "It can go anywhere after the footnote reference." in re.sub(r" +", " ", pandoc_html)
    assert "This one contains multiple blocks." in re.sub(r" +", " ", pandoc_html)
    assert '<span class="note-block note-p">Subsequent blocks are indented' in pandoc_html


def test_quarto_cross_references_number_figures_and_tables(pandoc_build: tuple[Path, str, str]) -> None:
    _, text, _ = pandoc_build
    assert "@fig-trade" not in text and "@tbl-partners" not in text and "@sec-method" not in text
    assert "as Figure 1 shows; Table 1 lists the main partners and section ‘Method’ explains" in text
    compact = text.replace(" ", "")  # the bold sans caption labels come out letter-spaced from pypdf
    assert "Figure1.Korea–Mongoliatrade,2020–2024" in compact
    assert "Table1.MaintradingpartnersofMongolia,2024" in compact


def test_cross_references_and_custom_ids_are_working_links(pandoc_build: tuple[Path, str, str]) -> None:
    from pypdf import PdfReader

    project, _, _ = pandoc_build
    reader = PdfReader(str(project / "build" / "full.pdf"))
    targets = set(reader.named_destinations)
    links = [str(annotation.get_object().get("/Dest")) for page in reader.pages
             for annotation in page.get("/Annots") or [] if annotation.get_object().get("/Dest")]
    for label in ("fig-trade", "tbl-partners", "sec-method", "sec-overview"):  # @refs and [text](#sec-overview)
        assert label in links and label in targets, label


def test_unsupported_constructs_are_reported_at_their_line(tmp_path: Path) -> None:
    project = copy_fixture("pandoc", tmp_path)
    result = run_briefing("check", cwd=project)
    assert result.code == 0, result.stderr  # warnings only
    out = result.stderr

    def line(name: str, needle: str) -> int:
        lines = (project / "content" / name).read_text(encoding="utf-8").split("\n")
        return next(i for i, text in enumerate(lines, 1) if needle in text)

    expected = [
        ("quarto.md", "{=latex}", "a raw latex block ({=latex}) is left out"),
        ("quarto.md", "$g =", "TeX math ($…$) is not supported"),
        ("quarto.md", "{{< pagebreak", "Quarto shortcodes ({{< … >}}) are not supported"),
        ("quarto.md", "{python}", "a Quarto code cell ({python}) is not run"),
        ("testsuite-inline.md", "$$\\frac", "TeX display math ($$…$$) is not supported"),
        ("testsuite-inline.md", "\\cite[22-23]", "LaTeX commands are not supported"),
        ("testsuite-inline.md", "\\begin{tabular}", "LaTeX commands are not supported"),
        ("testsuite-blocks.md", "------------------------------", "Pandoc multiline tables are not supported"),
    ]
    for name, needle, message in expected:
        assert f"content/{name}:{line(name, needle)}: warning: {message}" in out, (name, needle, out)
    # what is not math is not reported
    assert f"testsuite-inline.md:{line('testsuite-inline.md', '$22,000')}: warning: TeX" not in out
    assert f"testsuite-inline.md:{line('testsuite-inline.md', 'Shoes ($20)')}: warning: TeX" not in out
    assert run_briefing("check", "--strict", cwd=project).code == 1


def test_build_prints_the_warnings(pandoc_build: tuple[Path, str, str]) -> None:
    _, _, stderr = pandoc_build
    assert "quarto.md:" in stderr and "warning: Quarto shortcodes" in stderr


def test_an_unknown_cross_reference_is_an_error_with_a_suggestion(tmp_path: Path) -> None:
    project = copy_fixture("pandoc", tmp_path)
    quarto = project / "content" / "quarto.md"
    quarto.write_text(quarto.read_text(encoding="utf-8").replace("as @fig-trade shows", "as @fig-trades shows"),
                      encoding="utf-8")
    for command in (("check",), ("build", "--format", "html")):
        result = run_briefing(*command, cwd=project)
        assert result.code == 1
        expected = "content/quarto.md:10: unknown cross-reference '@fig-trades' — did you mean '@fig-trade'?"
        assert expected in result.stderr


def test_chinese_and_japanese_sections_print_their_characters(pandoc_build: tuple[Path, str, str]) -> None:
    _, text, _ = pandoc_build
    compact = text.replace(" ", "")
    assert "Python（派森）语言是一种功能强大而完善的通用型计算机程序设计语言" in compact
    assert "相关的资源非常多" in compact
    assert "開発者のGuidovanRossumは教育用のプログラミング言語「ABC」の開発に参加していましたが" in compact
    assert "というのがPythonのポリシーです" in compact


def test_a_line_break_between_han_or_kana_is_no_space(pandoc_html: str) -> None:
    assert "通用型计算机程序设计语言，已经具有十多年的发展历史" in pandoc_html  # a line break in the source
    assert "開始されています。開発者の Guido van Rossum" in pandoc_html


def test_an_english_section_with_a_japanese_link_text_builds(pandoc_build: tuple[Path, str, str]) -> None:
    _, text, _ = pandoc_build
    assert "see the 日本語の概要 page" in text
    assert "K.\u00a0Tanaka" in text or "K. Tanaka" in text
