"""The fact check's reading of prose: figures and their formats, sentences, units, what counts as factual."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from briefing.checks.budget import chapter_pages
from briefing.checks.coverage import factual_reason
from briefing.checks.figures import archive_values, extract_figures, figure_in
from briefing.checks.sentences import split_sentences
from briefing.checks.units import Unit, read_section
from briefing.project.models import Section, SectionMeta


def values(text: str) -> list[tuple[Decimal, bool]]:
    return [f.key for f in extract_figures(text)]


@pytest.mark.parametrize(("one", "other"), [
    ("US$617 million", "$617 million"),
    ("US$617 million", "617 million dollars"),
    ("$617m", "617,000,000"),
    ("300,000", "300 000"),
    ("300,000", "300000"),
    ("300\u202f000", "300000"),
    ("10%", "10 percent"),
    ("10%", "10 per cent"),
    ("1.67 million", "1,670,000"),
    ("US$1.3 billion", "$1,300 million"),
    ("the 35th anniversary", "35"),
])
def test_formats_of_one_figure_are_equal(one: str, other: str) -> None:
    assert values(one) == values(other)
    assert len(values(one)) == 1


@given(st.integers(min_value=1000, max_value=10**12), st.sampled_from(["", "US$", "$"]))
def test_any_amount_reads_the_same_with_or_without_separators(number: int, currency: str) -> None:
    plain, commas, spaced = (f"{currency}{number}", f"{currency}{number:,}", f"{currency}{number:,}".replace(",", " "))
    assert values(f"about {plain} in total") == values(f"about {commas} in total") == values(f"about {spaced} in total")
    assert values(plain) == [(Decimal(number), False)]


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=99))
def test_scaled_amounts_equal_their_digits(whole: int, hundredths: int) -> None:
    scaled = f"US${whole}.{hundredths:02d} million"
    digits = f"{whole * 1_000_000 + hundredths * 10_000:,}"
    assert values(scaled) == values(digits)


@pytest.mark.parametrize(("text", "expected"), [
    ("26–30 April 2025", [26, 30, 2025]),
    ("from 2018–2024", [2018, 2024]),
    ("over 2018–24", [2018, 2024]),
    ("in 2024, trade grew", [2024]),
    ("(2024)", [2024]),
    ("the 13th–14th-century alliances", [13, 14]),
    ("on 2022-09-21", [2022, 9, 21]),
    ("G20, COVID-19, 5G networks and H5N1", []),
    ("as section II.1 and v.2 say", []),
    ("the 1990s", [1990]),
])
def test_ranges_dates_and_names(text: str, expected: list[int]) -> None:
    assert [int(v) for v, _ in values(text)] == expected


def test_percentages_are_not_plain_numbers() -> None:
    archive = archive_values("It had 10 projects in 2020.")
    (percent,) = extract_figures("10%")
    (plain,) = extract_figures("10")
    assert not figure_in(percent, archive)
    assert figure_in(plain, archive)


def test_a_wrong_or_rounded_figure_is_not_found() -> None:
    archive = archive_values("Trade reached $617 million, with exports at $582 million. A city of 1.67 million.")
    for right in ("US$617 million", "$582m", "1,670,000", "617 million dollars"):
        assert figure_in(extract_figures(right)[0], archive), right
    for wrong in ("$528 million", "US$0.6 billion", "1.7 million", "617%"):
        assert not figure_in(extract_figures(wrong)[0], archive), wrong


def test_bare_numbers_match_where_the_archive_glues_them() -> None:
    archive = archive_values("Date:2022-09-21 ... COVID-19 ...")
    assert figure_in(extract_figures("21 September 2022")[0], archive)
    assert figure_in(extract_figures("19")[0], archive)


def unit(kind: str, *lines: str) -> Unit:
    return Unit(kind, Path("content/x.md"), 10, "background", list(lines))  # type: ignore[arg-type]


def test_sentences_survive_abbreviations_and_initials() -> None:
    sentences = split_sentences(unit("paragraph",
        "The U.S. and Korea agreed (see No. 5) to meet, e.g. in Ulaanbaatar [@a]. Dr. Choi",
        "and A. V. Rinna wrote it [@b, p. 4]. Trade reached 617 million in 2024 [@c]."))
    assert [s.keys for s in sentences] == [("a",), ("b",), ("c",)]
    assert [s.line for s in sentences] == [10, 10, 11]


def test_citation_locators_footnote_labels_and_link_targets_hold_no_figures() -> None:
    (sentence,) = split_sentences(unit("paragraph",
        "Exports rose[^3] as [the report](https://example.org/2019/report-77) says [@a, pp. 12–14; @b, sec. 8]."))
    assert extract_figures(sentence.prose) == []
    assert sentence.keys == ("a", "b")


def test_a_citation_after_the_full_stop_belongs_to_the_sentence_before() -> None:
    first, second = split_sentences(unit("paragraph", "Trade was $617 million. [@a] Aid was US$53 million [@b]."))
    assert (first.keys, second.keys) == (("a",), ("b",))


def test_a_bullet_is_one_unit_and_a_table_row_one_sentence() -> None:
    first, second, third = split_sentences(unit("bullet", "Trade was $617 million. Aid was US$53 million [@b].",
                                                "Exports were $582 million [@a]."))
    assert [(s.keys, s.inherited) for s in (first, second, third)] == [(("b", "a"), True), (("b",), False),
                                                                       (("a",), False)]
    (row,) = split_sentences(unit("table row", "| Trade, 2024. Exports | US$617 million. $582m [@a] |"))
    assert row.keys == ("a",)
    assert [f.written for f in extract_figures(row.prose)] == ["2024", "US$617 million", "$582m"]


def test_our_calculation_marks_a_sentence() -> None:
    first, second, third = split_sentences(unit("paragraph", "The surplus was US$547 million (our calculation) [@a].",
                                                "Imports were US$35 million (our calculation: 617 − 582) [@a].",
                                                "Trade was $617 million [@a]."))
    assert first.our_calculation and second.our_calculation and not third.our_calculation


def section(body: str) -> Section:
    meta = SectionMeta(title="T", sector="mining")
    return Section("x", meta, "internal", body, 9, Path("content/x.md"))


def test_units_of_a_body() -> None:
    text = read_section(section("\n".join([
        "## Key facts",                   # 9
        "",
        "| Indicator | Value |",          # 11: header, not a unit
        "|---|---|",
        "| Trade | $617m [@a] |",          # 13
        "",
        "Third-neighbour policy",         # 15: a term, not a unit
        ": Balancing China and Russia [@a].",
        "",
        "```",
        "- not a bullet",
        "```",
        "- A bullet that goes",           # 21
        "  on to a second line [@a].",
        "",
        "## Talking points",
        "",
        "A paragraph.[^n]",               # 26
        "",
        "[^n]: A note.",                   # 28
    ])))
    assert [(u.kind, u.line, u.part) for u in text.units] == [
        ("table row", 13, "key-facts"), ("definition", 16, "key-facts"), ("bullet", 21, "key-facts"),
        ("paragraph", 26, "talking-points"), ("note", 28, "talking-points")]
    assert [(h.level, h.line) for h in text.headings] == [(2, 9), (2, 24)]


@pytest.mark.parametrize(("text", "factual"), [
    ("The delegation should keep the matter under review.", False),
    ("Officials will prepare options for the principals.", False),
    ("We value the partnership.", False),
    ("Trade grew sharply in 2024.", True),
    ("The country borders Russia and China.", True),
    ("The ODA programme is large.", True),
    ("He called it “a bridge”.", True),
    ("Mongolia is landlocked.", True),  # 'Mongolia' is written capitalised inside other sentences
])
def test_what_counts_as_factual(text: str, factual: bool) -> None:
    names = {"Mongolia"}
    assert (factual_reason(unit("paragraph", text), names) is not None) is factual


def test_chapter_pages_run_to_the_next_chapter_or_the_sources() -> None:
    anchors = [{"cover"}, {"contents"}, {"a"}, set(), {"b", "b--x"}, {"c"}, set(), {"sources"}, set()]
    measured = chapter_pages(anchors, ["a", "b", "c"])
    assert [(c.section_id, c.first_page, c.pages) for c in measured] == [("a", 3, 2), ("b", 5, 1), ("c", 6, 2)]
