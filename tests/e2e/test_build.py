"""Issue 2: the built PDF, checked as a reader would (text per page, outline, metadata)."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import copy_fixture, pdf_outline_titles, pdf_pages_text, run_briefing
from pypdf import PdfReader

CHAPTERS = ["Mining Chapter", "Digital Chapter", "Climate Chapter"]


def _page_of(pages: list[str], needle: str) -> int:
    hits = [i + 1 for i, text in enumerate(pages) if needle in text]
    assert hits, f"{needle!r} not found in any page"
    return hits[0]


def test_build_reports_path_pages_and_time(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    result = run_briefing("build", cwd=project)
    assert result.code == 0, result.stderr
    pages = len(PdfReader(str(project / "build" / "full.pdf")).pages)
    assert re.fullmatch(rf"wrote build/full\.pdf \({pages} pages, \d+\.\d s\)\n", result.stdout)


def test_each_footnote_is_on_the_page_of_its_call(basic_build: Path) -> None:
    pages = pdf_pages_text(basic_build)
    # Each pair: a sentence unique to one call site, and the text of that call's note.
    pairs = [
        ("Mongolia holds large copper deposits", "Ann Alpha, Alpha Report on Mining (Alpha Institute, 2023), 4."),
        ("Alphaunique sentence cites alpha again", "Alpha, Alpha Report."),
        ("Betaunique sentence cites beta again", "Beta News, “Beta News”; Alpha, Alpha Report."),
        ("An explanatory aside", "Explanatory note text for the aside."),
        ("Gammaunique claim about climate", "Gil Gamma, “Gamma Climate Page,” Gamma Site, May 1, 2024."),
    ]
    for call, note in pairs:
        assert _page_of(pages, call) == _page_of(pages, note), (call, note)


def test_notes_are_full_first_then_short_and_numbered_through_the_book(basic_build: Path) -> None:
    text = "\n".join(pdf_pages_text(basic_build))
    notes = re.findall(r"^(\d+)\. (.+)$", text, re.M)
    numbers = [int(n) for n, body in notes if body.strip()]
    assert numbers == list(range(1, len(numbers) + 1))
    bodies = [body for _, body in notes if body.strip()]
    assert bodies[0].startswith("Ann Alpha, Alpha Report on Mining")
    assert bodies[1] == "Alpha, Alpha Report."  # second citation of the same source: short form
    assert "Beta News, “Beta News on Digital Trade,” Beta Daily, September 21, 2022" in bodies[3]


def test_contents_page_numbers_are_where_chapters_start(basic_build: Path) -> None:
    pages = pdf_pages_text(basic_build)
    contents = pages[1]
    assert contents.startswith("Contents")
    for title in [*CHAPTERS, "Sources"]:
        listed = re.search(rf"^{re.escape(title)}\s*\.+\s*(\d+)$", contents, re.M)
        assert listed, f"{title} not in contents:\n{contents}"
        starts = [i + 1 for i, text in enumerate(pages) if re.search(rf"^{re.escape(title)}$", text, re.M)
                  and i > 1]
        assert int(listed.group(1)) == starts[0]


def test_contents_entries_link_to_their_chapters(basic_build: Path) -> None:
    reader = PdfReader(str(basic_build))
    links = [a.get_object() for a in reader.pages[1].get("/Annots", [])]
    assert all(link["/Subtype"] == "/Link" for link in links)
    targets = {str(link["/Dest"]) for link in links}
    assert targets == {"mining", "digital", "climate", "sources"}
    destinations = reader.named_destinations
    pages = pdf_pages_text(basic_build)
    for target, title in zip(["mining", "digital", "climate", "sources"], [*CHAPTERS, "Sources"], strict=True):
        assert title in pages[reader.get_destination_page_number(destinations[target])]


def test_outline_has_one_top_level_entry_per_chapter(basic_build: Path) -> None:
    outline = pdf_outline_titles(basic_build)
    top = [title for depth, title, _ in outline if depth == 0]
    assert top == [*CHAPTERS, "Sources"]
    pages = pdf_pages_text(basic_build)
    for depth, title, page in outline:
        if depth == 0:
            assert title in pages[page - 1]


def test_every_page_says_page_x_of_n(basic_build: Path) -> None:
    pages = pdf_pages_text(basic_build)
    total = len(pages)
    assert re.search(rf"page {total} of {total}", pages[-1], re.I)
    for number, text in enumerate(pages[1:], start=2):
        assert re.search(rf"page {number} of {total}", text, re.I), number


def test_cover_and_metadata(basic_build: Path) -> None:
    reader = PdfReader(str(basic_build))
    cover = reader.pages[0].extract_text()
    for expected in ("Fixture Briefing", "Full edition", "Everyone in the test", "1 March 2025", "Ulaanbaatar"):
        assert expected in cover
    meta = reader.metadata
    assert meta.title == "Fixture Briefing: Full edition"
    assert meta.author == "Test Desk"
    assert meta.subject == "Everyone in the test"
    assert reader.trailer["/Root"]["/Lang"] == "en"


def test_sources_list_names_every_cited_reference(basic_build: Path) -> None:
    pages = pdf_pages_text(basic_build)
    sources = next(text for text in pages if text.startswith("Sources"))
    assert "Alpha, Ann. Alpha Report on Mining. Alpha Institute, 2023." in sources
    assert "Beta News. “Beta News on Digital Trade.” Beta Daily, September 21, 2022." in sources
    assert "Gamma, Gil. “Gamma Climate Page.”" in sources


def _chapter_titles(pdf: Path) -> list[str]:
    return [title for depth, title, _ in pdf_outline_titles(pdf) if depth == 0 and title != "Sources"]


def test_sections_on_the_command_line_in_the_order_given(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    result = run_briefing("build", "--section", "climate", "--section", "mining", "-o", "out/two.pdf", cwd=project)
    assert result.code == 0, result.stderr
    assert _chapter_titles(project / "out" / "two.pdf") == ["Climate Chapter", "Mining Chapter"]


def test_edition_selects_its_sections_and_parts_in_its_order(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    result = run_briefing("build", "--edition", "short", cwd=project)
    assert result.code == 0, result.stderr
    pdf = project / "build" / "short.pdf"
    assert _chapter_titles(pdf) == ["Climate Chapter", "Mining Chapter"]
    text = "\n".join(pdf_pages_text(pdf))
    assert "Talking points" in text and "Key points" in text
    assert "Alphaunique" not in text  # the Background part is not in this edition


def test_exclude_leaves_a_section_out(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    result = run_briefing("build", "--exclude", "digital", cwd=project)
    assert result.code == 0, result.stderr
    assert "wrote build/full.partial.pdf" in result.stdout  # a partial book never replaces the whole edition
    assert _chapter_titles(project / "build" / "full.partial.pdf") == ["Mining Chapter", "Climate Chapter"]
    assert not (project / "build" / "full.pdf").exists()


def test_a_partial_build_keeps_the_whole_book(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    assert run_briefing("build", cwd=project).code == 0
    whole = (project / "build" / "full.pdf").read_bytes()
    result = run_briefing("build", "--section", "climate", cwd=project)
    assert result.code == 0, result.stderr
    assert _chapter_titles(project / "build" / "full.partial.pdf") == ["Climate Chapter"]
    assert (project / "build" / "full.pdf").read_bytes() == whole


def test_html_format_is_one_self_contained_file(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    result = run_briefing("build", "--format", "html", cwd=project)
    assert result.code == 0, result.stderr
    html = (project / "build" / "full.html").read_text("utf-8")
    assert "<style>" in html and '<link rel="stylesheet"' not in html
    assert "Mining Chapter" in html and "Alpha Report on Mining" in html
