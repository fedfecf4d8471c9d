"""Issue 16: localised editions (Korean, Mongolian Cyrillic), translations, and the meeting-pack components.

One fixture project (`tests/fixtures/meeting-pack`): a cover note and a sector chapter with
counterpart profiles, agenda, commitments and press lines, each translated into Korean and
Mongolian; editions in English, Korean and Mongolian, and one that opens on the cover note.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import copy_fixture, pdf_pages_text, run_briefing
from pypdf import PdfReader

EDITIONS = ("minister", "minister-ko", "minister-mn", "note-first")
ENGLISH_LABELS = ("Contents", "Sources", "Page ", "Meeting", "Place", "Participants", "Prepared by", "Version",
                  "built", "Clearance", "Drafted by", "Cleared by", "Previous contacts", "INTERNAL", "Internal",
                  "Information cut-off", "Cover note", "Commitment", "Owner", "Status", "Agenda", "Time", "Lead",
                  "January", "April", "May", "June", "Trade and investment", "Confidence", "Contains", "Note",
                  "Caution")
"""Every English word the tool prints in these editions (the project's own data, such as its title, is not a label)."""


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_fixture("meeting-pack", tmp_path_factory.mktemp("pack"))
    for edition in EDITIONS:
        built = run_briefing("build", "--edition", edition, cwd=project)
        assert built.code == 0, built.stderr
        assert "warning" not in built.stderr  # every chapter has its translation
    return project


def _text(project: Path, edition: str) -> list[str]:
    """Each page's text; Babel's narrow no-break spaces (in Mongolian dates) read as spaces."""
    return [page.replace("\u202f", " ") for page in pdf_pages_text(project / "build" / f"{edition}.pdf")]


PROJECT_DATA = ("Visit of the Speaker", "Meeting pack", "Ministry of Foreign Affairs", "East Asia Desk",
                "Trade statistics 2024", "Customs Office")
"""Words of the project's own (English) data: the book's title, organisation and the one reference."""


def _labels_only(text: str) -> str:
    for data in PROJECT_DATA:
        text = text.replace(data, "")
    return text


def test_the_korean_edition_prints_every_label_and_date_in_korean(pack: Path) -> None:
    pages = _text(pack, "minister-ko")
    text = "\n".join(pages)
    for label in ("목차", "출처", "회담", "장소", "참석자", "대외비", "정보 기준일: 2025년 4월 30일", "2025년 6월 12일",
                  "결재", "작성자", "결재자", "개요", "과거 접촉", "시간", "내용", "담당", "약속", "상태", "통상·투자",
                  "작성: East Asia Desk", "판 1.0", "2025년 5월 1일 작성", "참고", "Q1", "예상 질문"):
        assert label in text, label
    for page, content in enumerate(pages, 1):
        assert f"{len(pages)}쪽 중 {page}쪽" in content or page == 1, (page, content[-80:])  # no number on the cover
    for word in ENGLISH_LABELS:
        assert word not in _labels_only(text), word
    assert PdfReader(str(pack / "build" / "minister-ko.pdf")).pdf_header
    root = PdfReader(str(pack / "build" / "minister-ko.pdf")).trailer["/Root"]
    assert root["/Lang"] == "ko"


def test_the_mongolian_edition_prints_every_label_and_date_in_mongolian(pack: Path) -> None:
    pages = _text(pack, "minister-mn")
    text = "\n".join(pages)
    for label in ("Агуулга", "Эх сурвалж", "Уулзалт", "Газар", "Оролцогчид", "АЛБАНЫ", "2025 оны зургаадугаар сарын 12",
                  "Мэдээллийн огноо: 2025 оны дөрөвдүгээр сарын 30", "Батламж", "Бэлтгэсэн", "Хянасан",
                  "Товч танилцуулга", "Өмнөх уулзалтууд", "Цаг", "Асуудал", "Хариуцагч", "Амлалт", "Төлөв",
                  "Худалдаа, хөрөнгө оруулалт", f"Хуудас 2/{len(pages)}"):
        assert label in text, label
    for word in ENGLISH_LABELS:
        assert word not in _labels_only(text), word


def test_translations_are_picked_by_the_editions_language(pack: Path) -> None:
    korean = "\n".join(_text(pack, "minister-ko"))
    mongolian = "\n".join(_text(pack, "minister-mn"))
    english = "\n".join(_text(pack, "minister"))
    assert "통상 현황과 방문" in korean and "Trade and the visit" not in korean
    assert "Худалдаа ба айлчлал" in mongolian and "Trade and the visit" not in mongolian
    assert "Trade and the visit" in english and "통상 현황과 방문" not in english


def test_korean_lines_break_between_words_never_inside_one(pack: Path) -> None:
    written = set()
    for path in (pack / "content").glob("*.ko.*"):
        written |= set(_words(path.read_text("utf-8")))
    broken = []
    for page in _text(pack, "minister-ko")[1:]:
        for line in page.split("\n"):
            tokens = _words(line)  # a word cut at a line end would leave a piece the source never wrote
            broken += [t for t in (tokens[:1] + tokens[-1:]) if re.search("[가-힣]", t) and t not in written]
    assert len(written) > 100
    labels = {"쪽", "중", "년", "월", "일", "정보", "기준일", "2025년", "4월", "30일", "장관", "보고서",
              "작성", "판", "작성자", "결재자", "일자", "결재", "대외비", "목차", "출처", "과거", "접촉", "통상",
              "투자", "참고",
              "통상·투자", "개요", "시간", "내용", "담당", "약속", "상태", "이행", "현황"}
    assert [t for t in broken if t not in labels] == []


def _words(text: str) -> list[str]:
    return re.findall(r"[^\s.,:;!?()\[\]{}\"'“”‘’—–·0-9-]+", text)


def test_the_cover_note_opens_the_edition_and_the_clearance_sits_on_the_cover(pack: Path) -> None:
    pages = _text(pack, "minister")
    assert "Clearance" in pages[0] and "Drafted by J. Park, East Asia Desk" in pages[0]
    assert "Cleared by Director-General, Asia Bureau" in pages[0] and "Date 2 May 2025" in pages[0]
    assert "Information cut-off: 30 April 2025" in pages[0]
    note = pages[1]
    assert note.startswith("Cover note\nMeeting with the Speaker of the State")
    for part in ("Purpose", "Objectives", "Asks", "Avoid", "Outcome", "feasibility study of a processing plant"):
        assert part in note, part
    assert pages[2].startswith("Contents")
    for page in pages[1:]:
        assert "Information cut-off: 30 April 2025" in page  # in the running foot


def test_an_edition_can_open_on_its_cover_note_without_cover_or_contents(pack: Path) -> None:
    pages = _text(pack, "note-first")
    assert pages[0].startswith("Cover note\nMeeting with the Speaker")
    assert "Page 1 of" in pages[0]
    assert not any(page.startswith("Contents") for page in pages)
    assert "Clearance" not in "\n".join(pages[:-1])
    assert "Clearance\nDrafted by J. Park\nCleared by Director-General\nDate 2 May 2025" in pages[-1]


def test_counterparts_agenda_commitments_and_press_lines(pack: Path) -> None:
    pdf = pack / "build" / "minister.pdf"
    page = next(p for p in _text(pack, "minister") if "Counterparts" in p)
    assert "Дашзэгвийн Амарбаясгалан Dashzegviin Amarbayasgalan" in " ".join(page.split())  # never hyphenated
    assert "Speaker of the State Great Khural" in page and "Previous contacts" in page
    assert "2024-10-03, Seoul: courtesy call on the Minister" in page
    assert "우원식 Woo Won-shik" in page
    assert "Time Item Lead" in page and "10:05 Opening remarks: critical minerals Minister" in page
    assert "Commitment Owner Status Source" in page
    assert "Share the draft feasibility" in page and "Minerals desk Sent in March" in page
    number = next(i for i, p in enumerate(PdfReader(str(pdf)).pages) if "Counterparts" in p.extract_text())
    assert len(PdfReader(str(pdf)).pages[number].images) == 1  # the photo
    text = "\n".join(_text(pack, "minister"))
    assert "Press lines\nProactive\n" in text and "\nReactive\n" in text
    assert "“shared rules”" in text  # quotation marks of the language


def test_the_photo_carries_its_alt_text(pack: Path) -> None:
    result = run_briefing("build", "--edition", "minister", "--format", "html", "-o", "out/pack.html", cwd=pack)
    assert result.code == 0, result.stderr
    html = (pack / "out" / "pack.html").read_text("utf-8")
    assert 'alt="Portrait placeholder of the Speaker, a grey silhouette"' in html
    assert '<span class="profile-own" lang="mn">Дашзэгвийн Амарбаясгалан</span>' in html


def test_a_stale_translation_is_reported_with_both_files_and_lines(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    assert run_briefing("check", cwd=project).code == 0
    original = project / "content" / "trade.md"
    original.write_text(original.read_text("utf-8").replace("Trade grew in 2024", "Trade grew by a third in 2024"),
                        "utf-8")
    result = run_briefing("check", cwd=project)
    assert result.code == 0  # a warning
    for language in ("ko", "mn"):
        assert (f"content/trade.{language}.md:4: warning: translation is stale: content/trade.md:1 changed since "
                "the version translated") in result.stderr
    assert "[stale-translation]" in result.stderr
    assert "cover-note.ko.md" not in result.stderr  # its original did not change
    assert run_briefing("check", "--strict", cwd=project).code == 1


def test_a_missing_translation_falls_back_with_a_warning_and_fails_strict(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    (project / "content" / "trade.mn.md").unlink()
    built = run_briefing("build", "--edition", "minister-mn", cwd=project)
    assert built.code == 0, built.stderr
    assert ("content/trade.md:1: warning: no mn translation (trade.mn.md): the original is printed instead"
            in built.stderr)
    assert "Trade and the visit" in "\n".join(_text(project, "minister-mn"))
    checked = run_briefing("check", "--strict", cwd=project)
    assert checked.code == 1
    assert "edition 'minister-mn': no mn translation" in checked.stderr and "[missing-translation]" in checked.stderr


def test_a_project_overrides_a_label_and_an_unknown_label_is_refused(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    config = project / "briefing.yaml"
    config.write_text(config.read_text("utf-8").replace("labels:\n", "labels:\n  en: {contents: In this book}\n"),
                      "utf-8")
    built = run_briefing("build", "--edition", "minister", cwd=project)
    assert built.code == 0, built.stderr
    assert any(page.startswith("In this book") for page in _text(project, "minister"))
    config.write_text(config.read_text("utf-8").replace("{contents: In this book}", "{contnets: In this book}"),
                      "utf-8")
    refused = run_briefing("build", "--edition", "minister", cwd=project)
    assert refused.code == 1
    assert "briefing.yaml:" in refused.stderr and "unknown label 'contnets'" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_bad_component_data_is_reported_at_its_line(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    agenda = project / "content" / "agenda.yaml"
    agenda.write_text(agenda.read_text("utf-8").replace("lead: Speaker}", "leader: Speaker}"), "utf-8")
    people = project / "content" / "people.yaml"
    alt = "  alt: Portrait placeholder of the Speaker, a grey silhouette\n"
    people.write_text(people.read_text("utf-8").replace(alt, ""), "utf-8")
    result = run_briefing("build", "--edition", "minister", cwd=project)
    assert result.code == 1
    assert "content/agenda.yaml:3: unknown agenda key 'leader'" in result.stderr
    assert "content/people.yaml:1: counterparts: a photo needs its alt text" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "build" / "minister.pdf").exists()


def test_a_project_adds_a_language_with_its_own_catalogue(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    (project / "locales").mkdir()
    (project / "locales" / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "contents"\nmsgstr "Sommaire"\n\n'
        'msgid "page-x-of-y"\nmsgstr "Page {page} sur {pages}"\n\nmsgid "date-format"\nmsgstr "d MMMM y"\n', "utf-8")
    editions = project / "content" / "editions.yaml"
    editions.write_text(editions.read_text("utf-8") + "  minister-fr:\n    title: Note au ministre\n"
                        "    level: internal\n    language: fr\n    meeting: {date: 2025-06-12}\n", "utf-8")
    built = run_briefing("build", "--edition", "minister-fr", cwd=project)
    assert built.code == 0, built.stderr
    assert "no fr translation" in built.stderr  # the chapters themselves fall back to English, saying so
    pages = _text(project, "minister-fr")
    assert pages[1].startswith("Sommaire")
    assert f"Page 2 sur {len(pages)}" in pages[1]
    assert "12 juin 2025" in pages[0]  # Babel's French month, in the project's pattern
    assert "Sources" in "\n".join(pages)  # a label the project's catalogue leaves out comes from English


def test_a_label_override_with_an_unknown_placeholder_is_refused(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    config = project / "briefing.yaml"
    config.write_text(config.read_text("utf-8").replace("labels:\n", "labels:\n  en: {page-x-of-y: 'p. {pag}'}\n"),
                      "utf-8")
    result = run_briefing("build", "--edition", "minister", cwd=project)
    assert result.code == 1
    assert "briefing.yaml:" in result.stderr and "unknown placeholder {pag}" in result.stderr
    assert "Traceback" not in result.stderr


UDHR_KO = ("모든 인간은 태어날 때부터 자유로우며 그 존엄과 권리에 있어 동등하다. 인간은 천부적으로 이성과 양심을 "
           "부여받았으며 서로 형제애의 정신으로 행동하여야 한다.")
UDHR_MN = "Хүн бүр төрж мэндлэхэд эрх чөлөөтэй, адилхан нэр төртэй, ижил эрхтэй байдаг."
"""Article 1 of the Universal Declaration of Human Rights in the United Nations' Korean and Mongolian
translations (text we did not write, as quoted in public font and text-sample code)."""


def test_real_korean_and_mongolian_text_sets_whole_words(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    for language, text in (("ko", UDHR_KO), ("mn", UDHR_MN)):
        path = project / "content" / f"trade.{language}.md"
        path.write_text(path.read_text("utf-8").replace("\n## ", f"\n{' '.join([text] * 6)}\n\n## ", 1), "utf-8")
        built = run_briefing("build", "--edition", f"minister-{language}", cwd=project)
        assert built.code == 0, built.stderr
    korean = _text(project, "minister-ko")
    mongolian = "\n".join(_text(project, "minister-mn"))
    assert " ".join(" ".join(korean).split()).count("형제애의 정신으로") >= 6
    words = set(_words(UDHR_KO))
    lines = [line for page in korean for line in page.split("\n") if "존엄과" in line or "형제애의" in line]
    assert len(lines) >= 6
    for line in lines:
        ends = _words(line)[:1] + _words(line)[-1:]
        assert all(word in words for word in ends if re.search("[가-힣]", word)), line
    assert "адилхан нэр төртэй" in " ".join(mongolian.split())


def test_an_unknown_citation_key_in_a_translation_is_reported_at_its_line(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    path = project / "content" / "trade.ko.md"
    path.write_text(path.read_text("utf-8").replace("[@trade-stats]", "[@trade-statz]"), "utf-8")
    result = run_briefing("build", "--edition", "minister-ko", cwd=project)
    assert result.code == 1
    assert "content/trade.ko.md:9: unknown citation key 'trade-statz' — did you mean 'trade-stats'?" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def test_characters_the_fonts_lack_in_the_cover_note_or_a_component_are_errors(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    people = project / "content" / "people.yaml"
    people.write_text(people.read_text("utf-8").replace("  title: Speaker of the National Assembly of Korea",
                                                        "  title: Speaker \u182e"), "utf-8")
    note = project / "content" / "cover-note.md"
    note.write_text(note.read_text("utf-8").replace("Agree the next steps", "Agree \u182e the next steps"), "utf-8")
    result = run_briefing("build", "--edition", "minister", cwd=project)
    assert result.code == 1
    assert "content/cover-note.md:11: character '\u182e' (U+182E) is not covered by the bundled fonts" in result.stderr
    assert "content/people.yaml:13: character '\u182e' (U+182E) is not covered by the bundled fonts" in result.stderr


def test_the_notes_follow_the_editions_language_not_the_projects(pack: Path) -> None:
    """Pandoc's citeproc takes the edition's locale: English title case in the English edition's
    note, none in the Korean and Mongolian editions' (CSL applies title case to English only)."""
    english = "\n".join(_text(pack, "minister"))
    assert "Trade Statistics 2024 (Customs Office, 2025)" in english
    for edition in ("minister-ko", "minister-mn"):
        text = "\n".join(_text(pack, edition))
        assert "Trade statistics 2024 (Customs Office, 2025)" in text, edition
        assert "Trade Statistics 2024" not in text, edition
