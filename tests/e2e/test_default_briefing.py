"""Issues 3 and 17: the default Korea–Mongolia briefing builds in every edition, in the shape
the desk needs, edited as a minister's office would (cover note first, asks, sensitivities and
questions for the Minister; internal advice kept out of the public edition; the restricted
negotiating position only in the master copy)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import REPO, pdf_outline_titles, pdf_pages_text, run_briefing
from pypdf import PdfReader

SECTOR_CHAPTERS = ["Mining and critical minerals", "Digital and ICT", "Climate change and environment",
                   "Health", "Diplomacy, people and culture"]
FRAMING = ["Executive summary", "Relationship at a glance", "Who's who", "Risks and constraints across sectors",
           "Glossary"]
MEETING_PACK = ["Cover note for the Minister", "Since the information cut-off", "Talking points and questions"]
ANNEX = "Annex: negotiating position"

# Internal advice: each of these is in the full book and must never print in the public edition.
INTERNAL_ADVICE = [
    'Keep "Koreanization" and the Goryeo–Mongol analogy out of remarks',
    "Do not name China or the Minerals Security Partnership, in remarks or in any shared text",
    "Do not link aid to mineral supply, give a timetable for visa changes",
    "Korea asks Mongolia for three things",
    "To be completed by the embassy before each meeting",
    "Refer to none of the agreements reported after the Speaker's visit as concluded",
    "Confirm current titles, and the script forms of names, with the embassy",
    "Address him as President Khurelsukh",
    "Monitor, as KIEP advises, but do not offer Korean support in this round",
    "keep third countries out of joint texts",
    "gains in Mongolia only if it keeps its supply-chain strategy visibly separate",
    "Commit to no timetable",
    "Mongolia will not trade its neutrality for closer ties with Seoul",
]
# Phrases of the old content that carried internal tone in unmarked public boxes: gone everywhere.
RETIRED = ["are the traps", "should not be repeated", "Confirm all three with the embassy",
           "Confirm before referring to any of it", "check them with the embassy before any meeting"]


def _normal(text: str) -> str:
    """Letters and digits only, lower case: line breaks, hyphenation and quotes do not matter."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every edition of a copy of the default project, from one `briefing release`."""
    project = tmp_path_factory.mktemp("default") / "briefing"
    project.mkdir()
    shutil.copy(REPO / "briefing.yaml", project)
    shutil.copytree(REPO / "content", project / "content")
    out = project / "dist"
    result = run_briefing("release", "--out", out, cwd=project, env={"SOURCE_DATE_EPOCH": "1764000000"})
    assert result.code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return {e["name"]: out / e["file"] for e in manifest["editions"]}


def _chapters(pdf: Path) -> list[str]:
    return [title for depth, title, _ in pdf_outline_titles(pdf) if depth == 0]


def test_every_edition_builds(release: dict[str, Path]) -> None:
    assert set(release) >= {"full", "master", "minister", "mining-trade-delegation", "health-climate-working-group",
                            "public"}
    for name, pdf in release.items():
        assert len(PdfReader(str(pdf)).pages) > 2, name


def test_full_edition_has_the_five_sectors_and_the_framing_sections(release: dict[str, Path]) -> None:
    chapters = _chapters(release["full"])
    for title in SECTOR_CHAPTERS + FRAMING + MEETING_PACK + ["Sources"]:
        assert title in chapters, title


CUT_OFF = {"en": "Information cut-off: 30 April 2025", "ko": "정보 기준일: 2025년 4월 30일",
           "mn": "Мэдээллийн огноо: 2025 оны дөрөвдүгээр сарын 30"}


def test_every_cover_and_running_foot_states_the_information_cut_off(release: dict[str, Path]) -> None:
    """`cut_off:` in briefing.yaml, in the edition's language, on the cover and at the foot of every page."""
    import yaml

    editions = yaml.safe_load((REPO / "content" / "editions.yaml").read_text("utf-8"))["editions"]
    assert {editions[name].get("language", "en") for name in release} == set(CUT_OFF)
    for name, pdf in release.items():
        pages = [" ".join(page.split()) for page in pdf_pages_text(pdf)]
        wanted = CUT_OFF[editions[name].get("language", "en")]
        assert all(wanted in page for page in pages), (name, [n for n, page in enumerate(pages, 1) if wanted not in page])


def test_the_full_book_is_internal_and_only_the_master_copy_is_restricted(release: dict[str, Path]) -> None:
    full, master = pdf_pages_text(release["full"]), pdf_pages_text(release["master"])
    assert all("INTERNAL" in page and "RESTRICTED" not in page for page in full)
    assert ANNEX not in _chapters(release["full"]) and "right of first negotiation" not in "\n".join(full)
    assert all("RESTRICTED" in page for page in master)
    assert _chapters(release["master"])[-2:] == [ANNEX, "Sources"]
    assert "right of first negotiation" in "\n".join(master)
    for name, pdf in release.items():
        if name != "master":
            assert not [page for page in pdf_pages_text(pdf) if "RESTRICTED" in page], name


def test_minister_edition_opens_with_the_cover_note_and_holds_asks_sensitivities_and_questions(
        release: dict[str, Path]) -> None:
    pages = pdf_pages_text(release["minister"])
    assert len(pages) <= 12
    assert _chapters(release["minister"]) == MEETING_PACK  # no Sources page: nothing in it is footnoted
    cover_note = next(i for i, page in enumerate(pages) if "Cover note for the Minister" in page and "Purpose" in page)
    assert "Contents" in pages[cover_note - 1]  # the first chapter after the contents
    one_page = pages[cover_note]  # the cover note fits on one page
    for part in ("Purpose, counterpart and objectives", "Three asks", "Sensitivities", "What not to say",
                 "Outcome sought"):
        assert part in one_page, part
    for warning in ("Do not name China or the Minerals Security Partnership", "Koreanization", "Goryeo"):
        assert warning in one_page, warning
    text = "\n".join(pages)
    assert "Talking points" in text and "Questions to expect" in text
    for question in ("Will Korea ease visas for Mongolians, and take more Mongolian workers?",
                     "Will Korea support more flights between our capitals?",
                     "Will Korea help finance the Ulaanbaatar Metro?", "Will Korea buy more from Mongolia?"):
        assert _normal(question) in _normal(text), question
    assert "Trade in 2024" not in text  # no chart page
    # no footnotes: no source is named in a note (the talking points are the Minister's own words)
    assert not [name for name in ("Trade Strategies", "NK News", "Unlocking Mongolia", "ECnet News", "ASB Media")
                if name in text]


def test_public_edition_carries_no_internal_advice(release: dict[str, Path]) -> None:
    public = _normal("\n".join(pdf_pages_text(release["public"])))
    full = _normal("\n".join(pdf_pages_text(release["full"])))
    for sentence in INTERNAL_ADVICE:
        assert _normal(sentence) in full, f"positive control: not in the full book: {sentence}"
        assert _normal(sentence) not in public, f"internal advice in the public edition: {sentence}"
    for every in release.values():
        text = _normal("\n".join(pdf_pages_text(every)))
        for phrase in RETIRED:
            assert _normal(phrase) not in text, phrase


def test_repeated_figures_are_stated_where_they_matter_not_everywhere(release: dict[str, Path]) -> None:
    body = "\n".join(pdf_pages_text(release["full"]))
    assert body.count("300,000") <= 3
    assert body.count("US$53 million") <= 2


def test_the_timeline_ends_on_the_page_it_starts(release: dict[str, Path]) -> None:
    for name in ("full", "public"):
        pages = pdf_pages_text(release[name])
        start = next(page for page in pages if "Timeline, 1990–2025" in page)
        assert "35th anniversary year" in start, name


def test_a_note_call_never_fuses_with_the_figure_or_call_before_it(release: dict[str, Path]) -> None:
    """The key-facts row "2018–2024" with its note call reads "2018–2024 21", not "2018–202421"."""
    text = "\n".join(pdf_pages_text(release["full"]))
    assert re.search(r"2018–2024\u200a\d+", text)
    assert not re.search(r"2018–2024\d", text)
