"""Figures in prose, reduced to a value that does not depend on how they were written.

US$617 million, $617 million, 617 million dollars and $617m are all 617,000,000;
300,000, 300 000 and 300000 are one number; 10%, 10 percent and 10 per cent are the
percentage 10; 1.67 million is 1,670,000; 35th is 35; a range 26–30 gives 26 and 30, and
2018–24 gives 2018 and 2024. Digits glued to letters are names, not figures (G20,
COVID-19, 5G, H5N1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_CURRENCY = r"(?:US\$|USD ?|A\$|C\$|HK\$|\$|₩|KRW ?|€|EUR ?|£|GBP ?|¥|₮|MNT ?)"
_NUMBER = (r"\d{1,3}(?:,\d{3})+(?:\.\d+)?"                        # 300,000 / 1,670,000.5
           r"|\d{1,3}(?:[ \u00a0\u2009\u202f]\d{3})+(?![\d,.]\d)"  # 300 000 (space, no-break, thin)
           r"|\d+(?:\.\d+)?")                                       # 300000 / 1.67
FIGURE = re.compile(
    rf"(?P<currency>{_CURRENCY}\s?)?"
    rf"(?P<number>{_NUMBER})"
    r"(?P<ordinal>st|nd|rd|th|s)?"
    r"(?:(?P<glued>bn|mn|m|k)\b|\s?(?P<scale>trillion|billion|million|thousand)\b)?"
    r"(?P<percent>\s?%|\s?per\s?cent\b|\s?percent\b)?"
)
SCALES = {"trillion": 10**12, "billion": 10**9, "bn": 10**9, "million": 10**6, "mn": 10**6, "m": 10**6,
          "thousand": 10**3, "k": 10**3}
_DASHES = "-–—"
_DIGIT_RUN = re.compile(r"\d+")


@dataclass(frozen=True)
class Figure:
    """One figure as written and as a comparable value."""

    written: str
    value: Decimal
    percent: bool
    start: int
    end: int
    plain: bool
    """A bare whole number: no currency, scale, decimals or percent (a year, a count, an ordinal)."""

    @property
    def key(self) -> tuple[Decimal, bool]:
        return self.value, self.percent


def extract_figures(text: str) -> list[Figure]:
    """Every figure in prose (markup already blanked), in order."""
    found: list[Figure] = []
    for match in FIGURE.finditer(text):
        start, end = match.start("number"), match.end()
        if _glued_left(text, match.start()) or (end < len(text) and (text[end].isalnum() or text[end] == "_")):
            continue
        number = match.group("number")
        value = _value(number)
        if value is None:
            continue
        scale = match.group("scale") or match.group("glued")
        if scale:
            value *= SCALES[scale.lower()]
        plain = not (match.group("currency") or scale or match.group("percent") or "." in number)
        if plain and found and _is_range_end(text, found[-1], start, number):
            value = Decimal(str(int(found[-1].value))[: -len(number)] + number)
        written = text[match.start():end].strip()
        found.append(Figure(written, value.normalize(), bool(match.group("percent")), match.start(), end, plain))
    return found


def archive_values(text: str) -> tuple[set[tuple[Decimal, bool]], set[Decimal]]:
    """What an archived text states: (figure values, every whole number written anywhere in it).

    The second set lets a bare number (a year, a count) match even where the archive glues
    it to other characters (`Date:2022-09-21`, `COVID-19`).
    """
    figures = {f.key for f in extract_figures(text)}
    runs = {Decimal(run).normalize() for run in _DIGIT_RUN.findall(text)}
    return figures, runs


def figure_in(figure: Figure, values: tuple[set[tuple[Decimal, bool]], set[Decimal]]) -> bool:
    """Whether an archive with these values states this figure."""
    figures, runs = values
    if figure.key in figures:
        return True
    return figure.plain and not figure.percent and figure.value in runs


def _value(number: str) -> Decimal | None:
    try:
        return Decimal(re.sub(r"[,\s\u00a0\u2009\u202f]", "", number))
    except InvalidOperation:
        return None


def _glued_left(text: str, start: int) -> bool:
    """Digits right after a letter (G20) or a letter and hyphen (COVID-19) belong to a name."""
    before = text[start - 1] if start else ""
    if before.isalpha() or before == "_":
        return True
    if before in _DASHES and start >= 2 and text[start - 2].isalpha():
        letters = start - 2
        while letters > 0 and text[letters - 1].isalpha():
            letters -= 1
        return not (letters > 0 and text[letters - 1].isdigit())  # 13th–14th is a range, COVID-19 a name
    return before in ".," and start >= 2 and (text[start - 2].isdigit() or text[start - 2].isalpha())  # II.1


def _is_range_end(text: str, previous: Figure, start: int, number: str) -> bool:
    """`2018–24`: a shorter whole number right after a dash and a year-like number ends its range."""
    between = text[previous.end:start]
    if len(between) != 1 or between not in _DASHES or not previous.plain or previous.value < 1000:
        return False
    whole = str(int(previous.value))
    if len(number) >= len(whole):
        return False
    return int(whole[: -len(number)] + number) > previous.value
