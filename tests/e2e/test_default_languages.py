"""Issue 16 on the default project: the Minister's brief in Korean and in Mongolian (Cyrillic).

`minister-ko` and `minister-mn` print the same sections as `minister`, each from its translation
(`content/cover-note.ko.md` …): every label and date in the edition's language, the book's own
title from `translations:` in briefing.yaml, every character drawn by a font that has it, and a
translation reported stale, with both files and lines, once its original changes.
"""

from __future__ import annotations

import re
import shutil
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, pdf_outline_titles, pdf_pages_text, run_briefing
from fontTools.ttLib import TTFont
from pypdf import PdfReader

EDITIONS = ("minister", "minister-ko", "minister-mn")
SECTIONS = ("cover-note", "since-cut-off", "meeting-points")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
ENGLISH = ("Contents", "Page ", " of ", "Sources", "Information cut-off", "Meeting", "Place", "Participants",
           "Prepared by", "Version", "built", "INTERNAL", "Caution", "Talking points",
           "Questions to expect", "Cover note", "Korea–Mongolia Cooperation", "Minister's brief", "Ministry desk",
           "Northeast Asia Division", *MONTHS)
"""English words the English edition prints (labels, dates, the book's title and the edition's):
none may be left in the Korean or the Mongolian edition."""


def _copy_default_project(destination: Path) -> Path:
    project = destination / "briefing"
    project.mkdir()
    shutil.copy(REPO / "briefing.yaml", project)
    shutil.copytree(REPO / "content", project / "content")
    return project


@pytest.fixture(scope="module")
def default(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = _copy_default_project(tmp_path_factory.mktemp("default"))
    for edition in EDITIONS:
        built = run_briefing("build", "--edition", edition, cwd=project, env={"SOURCE_DATE_EPOCH": "1764000000"})
        assert built.code == 0, built.stderr
        assert "warning" not in built.stderr, built.stderr  # every section has its translation
    return project


def _pages(project: Path, edition: str) -> list[str]:
    """Each page's text; the narrow no-break spaces of Mongolian dates read as spaces."""
    return [page.replace("\u202f", " ") for page in pdf_pages_text(project / "build" / f"{edition}.pdf")]


def _front_matter(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text("utf-8").split("---\n")[1])


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_english_edition_prints_the_english_words_the_others_must_not(default: Path) -> None:
    """Control: each word the next tests forbid is there in the English edition (months: December)."""
    text = "\n".join(_pages(default, "minister"))
    for word in ENGLISH:
        if word not in (*MONTHS, "Sources"):  # no Sources page: the Minister's brief cites nothing
            assert word in text, word
    assert "December" in text


@pytest.mark.parametrize(("language", "words", "page_number"), [
    ("ko", ("목차", "회담", "장소", "참석자", "대외비", "작성:", "판 2026.1", "2026년 12월 11일", "말씀자료",
            "예상 질문", "주의"), "{pages}쪽 중 {page}쪽"),
    ("mn", ("Агуулга", "Уулзалт", "Газар", "Оролцогчид", "АЛБАНЫ", "Албаны", "Бэлтгэсэн:", "Хувилбар 2026.1",
            "2026 оны арван хоёрдугаар сарын 11", "Анхаар", "А1"), "Хуудас {page}/{pages}"),
])
def test_every_label_and_date_is_in_the_editions_language(default: Path, language: str, words: tuple[str, ...],
                                                         page_number: str) -> None:
    pages = _pages(default, f"minister-{language}")
    text = "\n".join(pages)
    for word in words:
        assert word in text, word
    for number, page in enumerate(pages[1:], 2):  # the cover has no page number
        assert page_number.format(page=number, pages=len(pages)) in page, (number, page[-120:])
    for word in ENGLISH:
        assert word not in text, f"English left in the {language} edition: {word!r}"
    assert PdfReader(str(default / "build" / f"minister-{language}.pdf")).trailer["/Root"]["/Lang"] == language


@pytest.mark.parametrize("language", ["ko", "mn"])
def test_the_cover_chapters_and_contents_come_from_the_translations(default: Path, language: str) -> None:
    config = yaml.safe_load((default / "briefing.yaml").read_text("utf-8"))["translations"][language]
    edition = yaml.safe_load((default / "content" / "editions.yaml").read_text("utf-8"))["editions"][
        f"minister-{language}"]
    pages = _pages(default, f"minister-{language}")
    cover = _flat(pages[0].replace("-\n", "-"))
    for value in (config["title"], config["organisation"], edition["title"], edition["meeting"]["place"],
                  *edition["meeting"]["participants"]):
        assert _flat(value) in cover, value
    titles = [_front_matter(default / "content" / f"{section}.{language}.md")["title"] for section in SECTIONS]
    assert [title for depth, title, _ in pdf_outline_titles(default / "build" / f"minister-{language}.pdf")
            if depth == 0] == titles
    for title in titles:
        assert title in pages[1], title  # the contents page
    for page in pages[2:]:
        assert config["title"] in page  # the running head
        assert edition["title"] in page  # the running foot
    assert len(pages) <= 8
    note = pages[2]  # after the cover and the contents
    heads = [line[3:].split(" {#")[0] for line in
             (default / "content" / f"cover-note.{language}.md").read_text("utf-8").splitlines()
             if line.startswith("## ")]
    assert titles[0] in note and len(heads) == 5
    for head in heads:  # the cover note fits on one page
        assert head in note, head


def test_korean_lines_break_between_words_never_inside_one(default: Path) -> None:
    written: set[str] = set()
    for path in [default / "briefing.yaml", default / "content" / "editions.yaml",
                 *(default / "content").glob("*.ko.md")]:
        written |= set(_words(path.read_text("utf-8")))
    labels = {"목차", "쪽", "중", "년", "월", "일", "작성", "판", "회담", "장소", "참석자", "대외비", "주의",
              "말씀자료", "예상", "질문", "자료", "포함", "지정된", "독자", "외", "배포", "금지"}
    broken = []
    for page in _pages(default, "minister-ko"):
        for line in page.split("\n"):
            tokens = _words(line)  # a word cut at a line end leaves a piece the source never wrote
            broken += [t for t in tokens[:1] + tokens[-1:] if re.search("[가-힣]", t) and t not in written | labels]
    assert len(written) > 300
    assert broken == []


def _words(text: str) -> list[str]:
    return re.findall(r"[^\s.,:;!?()\[\]{}\"'“”‘’—–·0-9*_-]+", text)


def _bundled_cmaps() -> dict[str, set[int]]:
    """PostScript name → code points, read from the font files in styles/fonts."""
    found = {}
    for path in sorted((REPO / "styles" / "fonts").glob("*.[ot]tf")):
        font = TTFont(str(path), lazy=True)
        found[font["name"].getDebugName(6) or ""] = set(font.getBestCmap())
    return found


def drawn_without_a_glyph(pdf: Path) -> list[str]:
    """Each character the PDF draws with a font that has no glyph for it (an empty box, `.notdef`):
    every font's ToUnicode map, checked against the cmap of the font it embeds."""
    cmaps = _bundled_cmaps()
    missing = []
    for page in PdfReader(str(pdf)).pages:
        for reference in page["/Resources"]["/Font"].values():
            font: Any = reference.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            key = next(k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor)
            embedded = TTFont(BytesIO(descriptor[key].get_object().get_data()))
            name = embedded["name"].getDebugName(6) or ""
            has = cmaps.get(name, set()) | set(embedded.getBestCmap() or {})
            for char in _mapped_text(font["/ToUnicode"].get_object().get_data().decode("latin-1")):
                if not char.isspace() and ord(char) not in has:
                    missing.append(f"{char} (U+{ord(char):04X}) in {name}")
    return missing


def _mapped_text(cmap: str) -> str:
    chars = []
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        targets = re.findall(r"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", block)
        chars += [bytes.fromhex(target).decode("utf-16-be") for target in targets]
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, start in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first = ord(bytes.fromhex(start).decode("utf-16-be"))
            chars += [chr(first + n) for n in range(int(high, 16) - int(low, 16) + 1)]
    return "".join(chars)


def test_every_character_is_drawn_by_a_font_that_has_it(default: Path) -> None:
    for edition in EDITIONS:
        pdf = default / "build" / f"{edition}.pdf"
        assert drawn_without_a_glyph(pdf) == [], edition
    hangul = _mapped_text("".join(
        ref.get_object()["/ToUnicode"].get_object().get_data().decode("latin-1")
        for page in PdfReader(str(default / "build" / "minister-ko.pdf")).pages
        for ref in page["/Resources"]["/Font"].values()))
    assert re.search("[가-힣]", hangul)  # the Korean text is there, in the maps checked


def test_the_glyph_check_can_fail(tmp_path: Path) -> None:
    """Control: Hangul set in a Latin-only font is drawn with no glyph, and the check says so."""
    import weasyprint

    font = REPO / "styles" / "fonts" / "NotoSans-Regular.ttf"
    html = (f"<style>@font-face {{ font-family: OnlyLatin; src: url({font.as_uri()}); }} "
            "body { font-family: OnlyLatin; }</style><p>Seoul 서울</p>")
    weasyprint.HTML(string=html).write_pdf(tmp_path / "tofu.pdf")
    assert {entry.split(" ")[0] for entry in drawn_without_a_glyph(tmp_path / "tofu.pdf")} >= {"서", "울"}


def test_a_translation_goes_stale_when_its_original_changes(tmp_path: Path) -> None:
    project = _copy_default_project(tmp_path)
    clean = run_briefing("check", cwd=project)
    assert clean.code == 0, clean.stderr
    assert "stale-translation" not in clean.stderr and "translation" not in clean.stderr
    original = project / "content" / "meeting-points.md"
    original.write_text(original.read_text("utf-8").replace("Will Korea buy more from Mongolia?",
                                                            "Will Korea import more from Mongolia?"), "utf-8")
    result = run_briefing("check", cwd=project)
    assert result.code == 0, result.stderr  # a warning
    for language in ("ko", "mn"):
        translation = project / "content" / f"meeting-points.{language}.md"
        line = next(n for n, text in enumerate(translation.read_text("utf-8").splitlines(), 1)
                    if text.startswith("translates:"))
        assert (f"content/meeting-points.{language}.md:{line}: warning: translation is stale: "
                "content/meeting-points.md:1 changed since the version translated") in result.stderr
    assert "cover-note.ko.md" not in result.stderr and "since-cut-off.mn.md" not in result.stderr
    assert run_briefing("check", "--strict", cwd=project).code == 1
