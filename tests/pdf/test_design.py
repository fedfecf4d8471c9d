"""Issue 4, print design: what a reader of the printed book gets, read back from the PDF.

The `design` fixture has every component: key points, talking points, questions, call-outs,
internal and restricted blocks, a key-facts table, a timeline, a chart from data, a glossary,
Hangul and Cyrillic names, and a chapter dense with notes. Its `full` edition is A4; its
`public` edition is Letter (set per edition) and is built with --draft.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from conftest import copy_fixture, pdf_outline_titles, pdf_pages_text, run_briefing, tool
from pypdf import PdfReader
from pypdf.generic import IndirectObject

MM = 72 / 25.4
TOP_MARGIN = 27 * MM
BOTTOM_MARGIN = 25 * MM
A4 = (595.28, 841.89)
LETTER = (612.0, 792.0)


@pytest.fixture(scope="module")
def design(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The design fixture (copied once); both builds below write into it."""
    return copy_fixture("design", tmp_path_factory.mktemp("design"))


@pytest.fixture(scope="module")
def full_pdf(design: Path) -> Path:
    result = run_briefing("build", "--project", design)
    assert result.code == 0, result.stderr
    return design / "build" / "full.pdf"


@pytest.fixture(scope="module")
def public_pdf(design: Path) -> Path:
    result = run_briefing("build", "--project", design, "--edition", "public", "--draft")
    assert result.code == 0, result.stderr
    return design / "build" / "public.pdf"


def _words(page: pdfplumber.page.Page) -> list[dict]:  # type: ignore[type-arg]
    return page.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=True)


def _chapter_of_each_page(pdf: Path) -> dict[int, str]:
    """1-based page → title of the chapter it belongs to (from the outline)."""
    starts = [(page, title) for depth, title, page in pdf_outline_titles(pdf) if depth == 0]
    total = len(PdfReader(str(pdf)).pages)
    owner: dict[int, str] = {}
    for index, (start, title) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else total + 1
        for page in range(start, end):
            owner[page] = title
    return owner


# ---------- Markings, running heads, footers ----------

@pytest.mark.parametrize(("which", "marking"), [("full_pdf", "RESTRICTED"), ("public_pdf", "PUBLIC")])
def test_marking_banner_at_top_and_bottom_of_every_page(which: str, marking: str,
                                                        request: pytest.FixtureRequest) -> None:
    pdf = request.getfixturevalue(which)
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            hits = [w for w in _words(page) if w["text"] == marking]
            assert any(w["bottom"] < TOP_MARGIN - 5 * MM for w in hits), f"no {marking} at the top of page {number}"
            assert any(w["top"] > page.height - BOTTOM_MARGIN + 5 * MM for w in hits), \
                f"no {marking} at the bottom of page {number}"


def test_running_header_of_each_chapter_page_is_its_title(full_pdf: Path) -> None:
    owner = _chapter_of_each_page(full_pdf)
    assert set(owner.values()) >= {"Executive summary", "At a glance", "Mining and critical minerals",
                                   "Climate and energy", "Sources"}
    with pdfplumber.open(full_pdf) as document:
        assert min(owner) == 3  # cover and contents carry no running head
        for number, page in enumerate(document.pages, start=1):
            head = [w for w in _words(page)
                    if w["bottom"] < TOP_MARGIN and w["x1"] < page.width / 2 and w["size"] < 9]
            text = " ".join(w["text"] for w in head)
            assert text == owner.get(number, ""), f"page {number}: running head {text!r}"


def test_footer_says_edition_and_page_x_of_y(full_pdf: Path) -> None:
    with pdfplumber.open(full_pdf) as document:
        total = len(document.pages)
        for number, page in enumerate(document.pages[1:], start=2):
            foot = " ".join(w["text"] for w in _words(page) if w["top"] > page.height - BOTTOM_MARGIN)
            assert f"Page {number} of {total}" in foot, foot
            assert "Full edition" in foot, foot


def test_contents_lists_chapters_with_leaders_and_their_pages(full_pdf: Path) -> None:
    pages = pdf_pages_text(full_pdf)
    owner = _chapter_of_each_page(full_pdf)
    first_page = {title: min(p for p, t in owner.items() if t == title) for title in set(owner.values())}
    for title, page in first_page.items():
        assert re.search(rf"^{re.escape(title)}\s*(?:\. ?)+\s*{page}$", pages[1], re.M), (title, pages[1])


def test_draft_puts_a_watermark_on_every_page(public_pdf: Path, full_pdf: Path) -> None:
    with pdfplumber.open(public_pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            big = "".join(c["text"] for c in page.chars if c["size"] > 40)
            assert big == "DRAFT", f"page {number}: {big!r}"
    with pdfplumber.open(full_pdf) as document:
        assert not any(c["size"] > 40 for page in document.pages for c in page.chars)


# ---------- Paper ----------

def _sizes(pdf: Path) -> set[tuple[float, float]]:
    return {(round(float(p.mediabox.width), 1), round(float(p.mediabox.height), 1)) for p in PdfReader(str(pdf)).pages}


def test_a4_by_default_and_letter_per_edition(full_pdf: Path, public_pdf: Path) -> None:
    assert _sizes(full_pdf) == {(round(A4[0], 1), round(A4[1], 1))}
    assert _sizes(public_pdf) == {LETTER}


def test_letter_from_the_command_line(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    result = run_briefing("build", "--project", project, "--paper", "letter", "-o", tmp_path / "letter.pdf")
    assert result.code == 0, result.stderr
    assert _sizes(tmp_path / "letter.pdf") == {LETTER}


@pytest.mark.parametrize("which", ["full_pdf", "public_pdf"])
def test_nothing_overflows_into_the_margins(which: str, request: pytest.FixtureRequest) -> None:
    """Body text and notes stay in the text block: the bottom margin holds only the footer and marking."""
    pdf = request.getfixturevalue(which)
    furniture = re.compile(r"^(Page|of|\d+|Full|Public|edition|RESTRICTED|PUBLIC|INTERNAL)$")
    with pdfplumber.open(pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            for word in _words(page):
                if word["size"] > 40:
                    continue  # the draft watermark
                assert word["x1"] <= page.width - 20 * MM, f"page {number}: {word['text']!r} past the right margin"
                assert word["x0"] >= 8 * MM, f"page {number}: {word['text']!r} past the left edge"
                if word["bottom"] > page.height - BOTTOM_MARGIN + 0.5:
                    assert furniture.match(word["text"]), f"page {number}: {word['text']!r} in the bottom margin"


# ---------- Footnotes ----------

def test_every_note_is_on_the_page_of_its_call(full_pdf: Path) -> None:
    """Calls (small superscript digits in the text) and note numbers must share a page."""
    calls: dict[int, int] = {}
    markers: dict[int, int] = {}
    with pdfplumber.open(full_pdf) as document:
        for number, page in enumerate(document.pages, start=1):
            for word in _words(page):
                if TOP_MARGIN < word["top"] < page.height - BOTTOM_MARGIN:
                    if re.fullmatch(r"\d+", word["text"]) and 6 <= word["size"] <= 7:
                        calls[int(word["text"])] = number
                    elif re.fullmatch(r"\d+\.", word["text"]) and 6.5 <= word["size"] <= 7.5:
                        markers[int(word["text"][:-1])] = number
    assert len(calls) >= 30, calls  # the fixture has 34 notes, 18 of them in one chapter
    assert sorted(markers) == list(range(1, len(markers) + 1))
    assert calls == markers


# ---------- Chart ----------

def _image_xobjects(resources: object) -> list[str]:
    """Names of image XObjects reachable from a resource dictionary (through form XObjects)."""
    found: list[str] = []
    resources = resources.get_object() if isinstance(resources, IndirectObject) else resources
    xobjects = (resources or {}).get("/XObject", {})  # type: ignore[union-attr]
    for name, ref in (xobjects.get_object() if xobjects else {}).items():
        xobject = ref.get_object()
        if xobject.get("/Subtype") == "/Image":
            found.append(name)
        elif xobject.get("/Subtype") == "/Form":
            found += _image_xobjects(xobject.get("/Resources"))
    return found


def test_chart_is_vector_with_its_caption_and_source_note(full_pdf: Path) -> None:
    pages = pdf_pages_text(full_pdf)
    caption = "Bilateral trade in 2024, exports against imports, in US$ million."
    chart_pages = [i for i, text in enumerate(pages) if caption in " ".join(text.split())]
    assert len(chart_pages) == 1
    text = " ".join(pages[chart_pages[0]].split())
    for drawn in ("Korea–Mongolia trade, 2024", "US$ million", "Korean exports to Mongolia", "512", "105", "617"):
        assert drawn in text, drawn  # drawn as text in the bundled font, not pixels
    # the caption's source note: a later citation of the source, so Chicago's short form
    assert "Customs Office, “Trade Statistics" in text
    page = PdfReader(str(full_pdf)).pages[chart_pages[0]]
    assert _image_xobjects(page.get("/Resources")) == []


def test_chart_has_its_alt_text_and_is_a_figure(tmp_path: Path) -> None:
    project = copy_fixture("design", tmp_path)
    result = run_briefing("build", "--project", project, "--format", "html", "-o", tmp_path / "book.html")
    assert result.code == 0, result.stderr
    html = (tmp_path / "book.html").read_text("utf-8")
    figure = re.search(r'<figure class="chart"[^>]*>(.*?)</figure>', html, re.S)
    assert figure, "no chart figure"
    assert re.search(r'<svg [^>]*role="img"[^>]*aria-labelledby="([^"]+)"', figure.group(1))
    body = figure.group(1)
    assert "<title" in body and "Horizontal bar chart. Korean exports to Mongolia were 512" in body
    assert "<figcaption>" in body and "<img" not in body


@pytest.mark.parametrize(("data", "line", "message"), [
    ("kind: pie\nalt: A.\nbars: [{label: A, value: 1}]\n", 1, "chart kind 'pie' is not supported"),
    ("kind: bar\nalt: A.\nbars:\n  - {label: A, value: 1}\n  - {label: B, value: lots}\n", 5,
     "the value of bar 'B' must be a number"),
    ("kind: bar\nbars: [{label: A, value: 1}]\ncolour: red\n", 3, "unknown key 'colour' in chart data"),
    ("kind: bar\nalt: A.\nkind: bar\n", 3, "duplicate key 'kind' (first at line 1)"),
    ("kind: bar\nbars: [{label: A, value: 1}]\n", 1, "a chart needs 'alt'"),
])
def test_bad_chart_data_is_reported_at_its_line(tmp_path: Path, data: str, line: int, message: str) -> None:
    project = copy_fixture("design", tmp_path)
    (project / "content" / "data" / "trade-2024.yaml").write_text(data, "utf-8")
    result = run_briefing("build", cwd=project)
    assert result.code == 1
    assert f"content/data/trade-2024.yaml:{line}: {message}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "build" / "full.pdf").exists()


def test_chart_data_outside_the_content_folder_is_refused(tmp_path: Path) -> None:
    project = copy_fixture("design", tmp_path)
    glance = project / "content" / "glance.md"
    glance.write_text(glance.read_text("utf-8").replace("data/trade-2024.yaml", "../briefing.yaml"), "utf-8")
    result = run_briefing("build", cwd=project)
    assert result.code == 1
    line = glance.read_text("utf-8").split("\n").index('::: {.chart src="../briefing.yaml"}') + 1
    assert f"content/glance.md:{line}: chart data '../briefing.yaml' must be a file inside the content folder" \
        in result.stderr, result.stderr


# ---------- Fonts and scripts ----------

def test_every_font_is_embedded_and_bundled(full_pdf: Path) -> None:
    listing = subprocess.run([tool("pdffonts"), str(full_pdf)], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", row
        assert "+Briefing-" in name, row  # a subset of a bundled font, never a system font
    assert any("Briefing-Hangul" in row for row in rows)


def test_hangul_and_cyrillic_are_extracted_as_written(full_pdf: Path) -> None:
    text = " ".join(" ".join(pdf_pages_text(full_pdf)).split())
    for name in ("우원식", "Хүрэлсүх", "Хүрэлсүх Ухнаагийн", "Гомбожавын Занданшатар"):
        assert name in text, name


def test_a_character_no_bundled_font_covers_fails_the_build_at_its_line(tmp_path: Path) -> None:
    project = copy_fixture("uncovered", tmp_path)
    result = run_briefing("build", cwd=project)
    assert result.code == 1
    lines = result.stderr.splitlines()
    assert any(line.startswith("content/names.md:10: character '\U0010fffd' (U+10FFFD) is not covered by the "
                               "bundled fonts: it would print as an empty box (script: unassigned or private-use;")
               for line in lines), result.stderr
    assert any(line.startswith("content/names.md:3: character '\U0002a6d6' (U+2A6D6)") for line in lines)
    assert not any("우" in line or "Х" in line for line in lines)  # Hangul and Cyrillic are covered
    assert not (project / "build").exists()


def test_a_table_that_continues_repeats_its_header_row(full_pdf: Path) -> None:
    pages = [" ".join(text.split()) for text in pdf_pages_text(full_pdf)]
    holding = [text for text in pages if "Project milestone" in text]
    assert len(holding) >= 2, "the fixture's long table should split"
    for text in holding:
        assert "Year Milestone" in text, text[:300]
