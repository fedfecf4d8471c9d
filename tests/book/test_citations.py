"""Citation syntax (Pandoc's), what the printed pages say for each form, and the notes modes.

The PDF tests build `tests/fixtures/citations` (one chapter using every form, references with
a Korean name, a particle, a suffix and Pandoc's YAML date form) once per edition.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.book.citations import Citation, find_citations
from tests.conftest import copy_fixture, pdf_pages_text, run_briefing

KNOWN = {"doe2006", "kim2020", "gogh1990", "kiep2023", "nk-2022", "x", "k", "a"}


def _keys(text: str, known: set[str] = KNOWN) -> list[list[str]]:
    return [[c.key for c in group.items] for group in find_citations(text, 1, known)]


# ---------- the parser ----------

def test_pandoc_forms_are_citations() -> None:
    text = "One [@kiep2023]. Two [@kiep2023, p. 4; @nk-2022]. Three [see @x, sec. 2]."
    assert _keys(text) == [["kiep2023"], ["kiep2023", "nk-2022"], ["x"]]
    groups = find_citations(text)
    assert groups[1].items[0] == Citation("kiep2023", "", "p. 4", "")
    assert groups[2].items[0] == Citation("x", "see", "sec. 2", "")


def test_a_group_wrapped_over_a_line_is_one_citation() -> None:
    (group,) = find_citations("Read whole [see\n@doe2006, pp. 33-35; @kim2020].\n")
    assert [c.key for c in group.items] == ["doe2006", "kim2020"]
    assert group.items[0] == Citation("doe2006", "see", "pp. 33-35", "")
    assert find_citations("Not over a paragraph [see\n\n@doe2006].") == []


def test_a_citation_glued_to_a_word_is_a_citation() -> None:
    assert _keys("본문[@kim2020]은 한국어로 쓴 문장이다. 中文[@kim2020]。") == [["kim2020"], ["kim2020"]]


def test_author_in_text_and_suppress_author() -> None:
    groups = find_citations("@doe2006 says, and @doe2006 [p. 30] adds; the study [-@doe2006]; @{doe2006}.", 1, KNOWN)
    assert [(g.source, g.items[0].mode, g.items[0].locator) for g in groups] == [
        ("@doe2006", "author-in-text", ""), ("@doe2006 [p. 30]", "author-in-text", "p. 30"),
        ("[-@doe2006]", "suppress-author", ""), ("@{doe2006}", "author-in-text", "")]


def test_addresses_handles_links_and_code_are_not_citations() -> None:
    text = ("Mail a@b.com or doe2006@example.org or [a@b.com], ping @handle, [link](http://x), ![@alt](img.png), "
            "`[@code]` `@doe2006`\n```\n[@fenced]\n@doe2006\n```\n[@label]: http://example.org\n")
    assert _keys(text) == []


def test_no_author_in_text_citation_inside_a_web_address() -> None:
    text = ("See [profile](https://medium.com/@doe2006), <https://x.org/@doe2006>, https://y.org/@doe2006; "
            "@doe2006 says.")
    assert [g.source for g in find_citations(text, 1, KNOWN)] == ["@doe2006"]


def test_a_citation_followed_by_a_colon_is_still_a_citation() -> None:
    assert _keys("As the brief says [@k, sec. II.1]: trade grew.") == [["k"]]


def test_lines_are_counted_from_the_body_start() -> None:
    groups = find_citations("first\n\nthird [@a]\n", first_line=10)
    assert groups[0].line == 12


def test_citations_in_a_footnote_know_their_note() -> None:
    text = "Text.[^side] More [@a].\n\n[^side]: In the note [@k, 12]\n    and on [@x].\n\nAfter [@doe2006].\n"
    assert [(g.items[0].key, g.note) for g in find_citations(text)] == [
        ("a", ""), ("k", "side"), ("x", "side"), ("doe2006", "")]


# ---------- what the pages say ----------

@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The citations fixture built once per edition: edition → text of each page."""
    project = copy_fixture("citations", tmp_path_factory.mktemp("citations"))
    built = {}
    for edition in ("full", "endnotes", "clean", "authordate", "numeric"):
        out = project / "build" / f"{edition}.pdf"
        result = run_briefing("build", "--project", project, "-e", edition, "-o", out)
        assert result.code == 0, result.stderr
        # the hair space before a note call (it keeps "2024" and its call "21" apart) is not compared here
        built[edition] = [" ".join(page.replace("\u200a", "").split()) for page in pdf_pages_text(out)]
    return built


def _chapter(pages: dict[str, list[str]], edition: str) -> str:
    return next(p for p in pages[edition] if "Citation Forms Forms" in p)


def test_wrapped_group_prints_one_note_with_both_sources(pages: dict[str, list[str]]) -> None:
    text = _chapter(pages, "full")
    assert "Wrapped groups are read whole.1" in text
    assert ("1. See John Q. Doe, “Retirement: A Study,” Journal of Generic Studies 6, no. 2 (2006): 33–35, "
            "https:// doi.org/10.1234/jgs.2006.2; 김태석, 한국의 경제 발전 (서울대학교출판부, 2020).") in text


def test_glued_korean_citation_and_family_name_first(pages: dict[str, list[str]]) -> None:
    text = _chapter(pages, "full")
    assert "본문2은 한국어로 쓴 문장이다." in text
    assert "2. 김, 한국의 경제 발전." in text  # the short form keeps the family name, 김, not 태석
    assert "김태석. 한국의 경제 발전. 서울대학교출판부, 2020." in pages["full"][-1]


def test_author_in_text_prints_the_name_and_a_note(pages: dict[str, list[str]]) -> None:
    text = _chapter(pages, "full")
    assert "Doe3 argues the point, and Doe4 adds a page." in text
    assert "3. “Retirement: A Study.” 4. “Retirement: A Study,” 30." in text
    assert "Doe (2006) argues the point, and Doe (2006, 30) adds a page." in _chapter(pages, "authordate")


def test_suppress_author(pages: dict[str, list[str]]) -> None:
    assert "5. “Retirement: A Study.”" in _chapter(pages, "full")
    assert "The study itself (2006) is short." in _chapter(pages, "authordate")


def test_prefix_and_suffix_markdown_and_locator_terms(pages: dict[str, list[str]]) -> None:
    text = _chapter(pages, "full")
    assert ("6. See Vincent van Gogh, The Letters, trans. Anne Smith Jr. (Penguin, 1990), chap. 2, especially the "
            "end.") in text
    assert "*see*" not in text and "**" not in text
    assert "Prefixes carry Markdown (see van Gogh 1990, chap. 2, especially the end)." in _chapter(pages, "authordate")


def test_bare_at_words_stay_text(pages: dict[str, list[str]]) -> None:
    assert "Write to press@example.org or ping @handle, who is no source." in _chapter(pages, "full")


def test_citation_inside_a_footnote_is_formatted_inside_it(pages: dict[str, list[str]]) -> None:
    text = _chapter(pages, "full")
    assert "A side remark.7 Then a later citation.8" in text
    assert "7. Explained in the letters (van Gogh, The Letters, 12). 8. Van Gogh, The Letters, 7." in text


def test_sources_list_in_the_styles_order(pages: dict[str, list[str]]) -> None:
    sources = pages["full"][-1]
    assert sources.index("Doe, John Q.") < sources.index("Gogh, Vincent van. The Letters. Translated by Anne Smith Jr.")
    numeric = pages["numeric"][-1]
    assert "[1] J. Q. Doe, “Retirement: A Study,” Journal of Generic Studies, vol. 6, no. 2, pp. 33–34, 2006" in numeric
    assert "Wrapped groups are read whole see [1, pp. 33–35], [2]." in _chapter(pages, "numeric")


def test_endnotes_follow_the_chapter(pages: dict[str, list[str]]) -> None:
    text = _chapter(pages, "endnotes")
    assert "Wrapped groups are read whole.1" in text
    notes = text.index("NOTES")
    assert notes > text.index("A side remark.7")
    assert text[notes:].startswith("NOTES See John Q. Doe, “Retirement: A Study,”")
    assert "Explained in the letters (van Gogh, The Letters, 12). Van Gogh, The Letters, 7." in text[notes:]
    assert "1. See John Q. Doe" not in text  # no page-foot notes


def test_notes_none_drops_citations_and_sources(pages: dict[str, list[str]]) -> None:
    text = _chapter(pages, "clean")
    assert "Wrapped groups are read whole. 본문은 한국어로 쓴 문장이다." in text
    assert "Doe argues the point, and Doe adds a page." in text  # names in the sentence stay
    assert "A side remark.1 Then a later citation." in text  # an explanatory note stays, without its citation
    assert "1. Explained in the letters." in text
    assert not any("Sources" in page for page in pages["clean"])


# ---------- settings and bad input ----------

def test_unknown_style_and_dependent_style_are_errors(tmp_path: Path) -> None:
    project = copy_fixture("citations", tmp_path)
    config = project / "briefing.yaml"
    config.write_text(config.read_text() + "csl: chicago-fullnote\n")
    result = run_briefing("build", "--project", project, "--format", "html")
    assert result.code == 1 and "Traceback" not in result.stderr
    assert "csl: 'chicago-fullnote' is neither a bundled style" in result.stderr
    (project / "dependent.csl").write_text('<style><info><link href="http://www.zotero.org/styles/apa" '
                                           'rel="independent-parent"/></info></style>')
    config.write_text(config.read_text().replace("chicago-fullnote", "dependent.csl"))
    result = run_briefing("build", "--project", project, "--format", "html")
    assert result.code == 1 and "dependent CSL style" in result.stderr and "Traceback" not in result.stderr


def test_csl_fields_and_forms_accepted_unknown_fields_warned(tmp_path: Path) -> None:
    project = copy_fixture("citations", tmp_path)
    refs = project / "content" / "references.yaml"
    refs.write_text(refs.read_text() + """\
  - id: odd
    type: chapter
    container-title: A Volume
    editor: [{family: Berg, given: Anna, dropping-particle: van den}]
    issued: {date-parts: [[2019], [2021]], season: 2}
    accessed: {raw: last spring}
    publisher-plce: Oslo
  - id: broken
    title: Broken
    issued: {year-month: 2020}
""")
    result = run_briefing("check", "--project", project)
    assert "references.yaml:34: warning: reference 'odd': unknown CSL field 'publisher-plce' — did you mean " \
           "'publisher-place'?" in result.stdout + result.stderr
    out = result.stdout + result.stderr
    assert "references.yaml:37: reference 'broken' 'issued': unknown date key 'year-month'; a date is 2022-09-21" in out
    assert "unknown reference key" not in out and "Traceback" not in out


def _html(project: Path, *args: str) -> str:
    out = project / "build" / "book.html"
    result = run_briefing("build", "--project", project, "--format", "html", "-o", out, "--force", *args)
    assert result.code == 0, result.stderr
    return out.read_text("utf-8")


def test_nocite_link_citations_and_suppress_bibliography(tmp_path: Path) -> None:
    project = copy_fixture("citations", tmp_path)
    refs = project / "content" / "references.yaml"
    refs.write_text(refs.read_text() + "  - id: extra\n    type: book\n    title: Never Cited\n    issued: 2001\n")
    config = project / "briefing.yaml"
    base = config.read_text()
    html = _html(project)
    assert "Never Cited" not in html
    config.write_text(base + "nocite: [extra]\nlink-citations: true\n")
    html = _html(project)
    sources = html[html.index('id="sources"'):]
    assert '<li id="ref-extra"><em>Never Cited</em>. 2001.' in sources
    assert '<a href="#ref-doe2006">' in html[:html.index('id="sources"')]  # citations link to their entry
    config.write_text(base + "suppress-bibliography: true\n")
    assert 'id="sources"' not in _html(project)


def test_one_processor_run_cached_and_a_damaged_entry_is_a_miss(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.book import csl
    from briefing.book.cite_book import bundled_style

    runs: list[int] = []
    real = csl.run_pandoc

    def counting(*args: object) -> dict[str, object]:
        runs.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(csl, "run_pandoc", counting)
    chapters = [("a", "One [@doe2006]. Two @doe2006 [p. 3].\n"), ("b", "Three [-@doe2006].\n")]
    refs = "references:\n- {id: doe2006, type: book, title: A Book, author: [{family: Doe, given: Jo}], issued: 2006}\n"
    settings = csl.CitationSettings(style=bundled_style("chicago-notes-bibliography"))
    cache = tmp_path / "cache"
    first = csl.format_book_citations(chapters, {"doe2006"}, refs, "yaml", settings, cache)
    assert len(runs) == 1 and len(first.citations) == 3  # every citation of every chapter: one run
    again = csl.format_book_citations(chapters, {"doe2006"}, refs, "yaml", settings, cache)
    assert len(runs) == 1 and again.citations == first.citations and again.bibliography == first.bibliography
    (entry,) = cache.glob("*.json")
    entry.write_text(entry.read_text().replace("Doe", "Forged"))
    third = csl.format_book_citations(chapters, {"doe2006"}, refs, "yaml", settings, cache)
    assert len(runs) == 2 and third.citations == first.citations
    assert "Forged" not in entry.read_text()


def test_same_inputs_same_bytes(tmp_path: Path) -> None:
    project = copy_fixture("citations", tmp_path)
    first = _html(project)
    for entry in (project / "build" / ".cache" / "citeproc").glob("*.json"):
        entry.unlink()  # cold, then cached: the same book
    assert _html(project) == first == _html(project)


def test_language_picks_the_csl_locale(tmp_path: Path) -> None:
    project = copy_fixture("citations", tmp_path)
    config = project / "briefing.yaml"
    english = _html(project)
    assert "<em>Journal of Generic Studies</em> 6, no. 2 (2006)" in english
    config.write_text(config.read_text().replace("language: en", "language: ko"))
    korean = _html(project)
    assert "<em>Journal of Generic Studies</em> 6, 호 2 (2006)" in korean


def test_check_understands_every_form(tmp_path: Path) -> None:
    """Sources cited only by wrapped groups, glued or author-in-text citations are used; a page
    locator written after `@key` is checked; no advice to put a space before a glued citation."""
    project = copy_fixture("citations", tmp_path)
    refs = project / "content" / "references.yaml"
    refs.write_text(refs.read_text() + "  - id: paper\n    type: article-newspaper\n    title: A Paper\n"
                    "  - id: unused\n    type: book\n    title: Unused\n")
    (project / "content" / "forms.md").write_text(
        "---\ntitle: Citation Forms\nsector: context\norder: 1\nreviewed: 2025-01-01\n---\n\n"
        "Grew [see\n@doe2006, p. 3]. 본문[@kim2020]은 문장이다. @gogh1990 wrote it. @paper [p. 3] says so.\n")
    result = run_briefing("check", "--project", project)
    out = result.stdout + result.stderr
    assert "reference 'unused' is cited nowhere" in out
    for key in ("doe2006", "kim2020", "gogh1990", "paper"):
        assert f"reference '{key}' is cited nowhere" not in out, out
    assert "forms.md:9: page locator 'p. 3' on 'paper' (type article-newspaper)" in out
    assert "put a space before it" not in out and "unparsed-citation" not in out


def test_in_text_citation_does_not_break_the_line_before_it(tmp_path: Path) -> None:
    """An author-date citation ending a wrapped bullet in a marked block: WeasyPrint 70 set 'tung-'
    on a line of its own when the citation's text was inside an inline element."""
    project = copy_fixture("citations", tmp_path)
    forms = project / "content" / "forms.md"
    forms.write_text(forms.read_text() + (
        "\n## Bullets\n\n::: {.internal}\n\n- **Processing is Korea's best offer.** Mongolia wants to add value "
        "at home and sell to \"third neighbours\"; Korean help with lithium refining and tungsten processing "
        "serves that aim and Korea's supply security at once [@doe2006, sec. II.1; @doe2006, sec. III.1].\n\n:::\n"))
    out = project / "build" / "a.pdf"
    assert run_briefing("build", "--project", project, "-e", "authordate", "-o", out).code == 0
    text = " ".join(" ".join(pdf_pages_text(out)).replace("\u200a", "").split())
    assert "refining and tungsten processing serves that aim" in text


def test_csl_file_in_the_project(tmp_path: Path) -> None:
    from briefing.book.cite_book import bundled_style

    project = copy_fixture("citations", tmp_path)
    (project / "styles").mkdir(exist_ok=True)
    (project / "styles" / "numeric.csl").write_bytes(bundled_style("ieee"))
    config = project / "briefing.yaml"
    config.write_text(config.read_text() + "csl: styles/numeric.csl\n")
    html = _html(project)
    assert "Wrapped groups are read whole see [1, pp. 33–35], [2]." in " ".join(re.sub(r"<[^>]+>", "", html).split())
    config.write_text(config.read_text().replace("styles/numeric.csl", "../outside.csl"))
    result = run_briefing("build", "--project", project, "--format", "html", "--force")
    assert result.code == 1 and "nor a .csl file inside the project" in result.stderr
