"""Sentences of a unit, and the citations each one carries.

Markup that is not prose (citation brackets and their locators, footnote labels, link and
image targets, span attributes, inline code, HTML tags, URLs) is blanked out with spaces
first, so offsets stay valid and no number inside it is taken for a figure. Sentences end
at `.`, `!` or `?` followed by space and a capital, digit or opening quote, except after an
abbreviation (`U.S.`, `p.`, `No.`, `e.g.`, an initial). A table row is one sentence whatever
its punctuation; a bullet is one unit: its sentences that cite nothing themselves take the
citations of the whole bullet.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from briefing.book.citations import Citation, find_citations
from briefing.checks.units import Unit

ABBREVIATIONS = frozenset({
    "a.m.", "al.", "amb.", "approx.", "apr.", "art.", "aug.", "ca.", "cf.", "ch.", "co.", "corp.", "dec.",
    "dept.", "dr.", "e.g.", "ed.", "eds.", "est.", "etc.", "feb.", "fig.", "gen.", "gov.", "i.e.", "inc.",
    "jan.", "jr.", "jul.", "jun.", "lt.", "ltd.", "mar.", "mr.", "mrs.", "ms.", "mt.", "no.", "nos.", "nov.",
    "oct.", "op.", "p.", "p.m.", "para.", "paras.", "pp.", "pres.", "prof.", "rep.", "rev.", "sec.", "sen.",
    "sept.", "sep.", "sr.", "st.", "vol.", "vols.", "vs.", "v.",
})
_MASKS = (
    re.compile(r"!\[[^\]\n]*\]\([^)\n]*\)"),             # image: alt text and target
    re.compile(r"\[\^[^\]\s]+\]"),                       # footnote label
    re.compile(r"(?<=\])\([^)\n]*\)"),                   # link target
    re.compile(r"(?<=\])\[[^\]\n]*\]"),                  # reference-style link label
    re.compile(r"(?<=\])\{[^}\n]*\}"),                   # span attributes {lang=ko}
    re.compile(r"(`+).+?\1"),                            # inline code
    re.compile(r"<[A-Za-z/!][^>\n]*>"),                  # HTML tag or autolink
    re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+"),    # bare URL
)
_END = re.compile(r"[.!?…]+[\"'”’)\]*_]*(?=\s)")
_WORD_BEFORE = re.compile(r"(\S+)$")
_INITIALISM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]?\.?$")
_OPENERS = "\"'“‘([*_"
OUR_CALCULATION = re.compile(r"\(our calculations?\b[^)]*\)", re.I)
"""`(our calculation)`, also with its workings: `(our calculation: 617 − 582)`."""


@dataclass(frozen=True)
class Sentence:
    """One sentence of a unit: its span, its prose (markup blanked) and what it cites."""

    unit: Unit
    start: int
    end: int
    prose: str
    """The sentence with non-prose markup replaced by spaces (same length as the source)."""
    citations: tuple[Citation, ...]
    inherited: bool = False
    """The citations are the whole bullet's (the sentence cites nothing itself)."""

    @property
    def line(self) -> int:
        return self.unit.line_at(self.start + len(self.prose) - len(self.prose.lstrip()))

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.key for c in self.citations))

    @property
    def our_calculation(self) -> bool:
        return bool(OUR_CALCULATION.search(self.unit.text[self.start:self.end]))


def blank(match: re.Match[str]) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


@functools.lru_cache(maxsize=4096)
def mask_markup(text: str, known: frozenset[str] = frozenset()
                ) -> tuple[str, tuple[tuple[int, int, tuple[Citation, ...]], ...]]:
    """The text with non-prose blanked, and the citation groups found (start, end, items).

    Cached: the sentence splitter and the coverage check both ask for every unit.
    """
    groups = tuple((g.start, g.end, g.items) for g in find_citations(text, 1, known))
    chars = list(text)
    for start, end, _ in groups:
        chars[start:end] = [c if c == "\n" else " " for c in text[start:end]]
    masked = "".join(chars)
    for pattern in _MASKS:
        masked = pattern.sub(blank, masked)
    return masked, groups


def split_sentences(unit: Unit, known: frozenset[str] = frozenset()) -> list[Sentence]:
    """The unit's sentences (a table row is one), each with its citations (author-in-text `@key`
    counts when `key` is in `known`)."""
    text = unit.text
    masked, groups = mask_markup(text, known)
    starts = [0]
    if unit.kind != "table row":
        starts += sentence_starts(masked)
    whole = tuple(c for _, _, items in groups for c in items) if unit.kind == "bullet" else ()
    sentences = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        cited = tuple(c for g_start, _, items in groups if start <= g_start < end for c in items)
        sentences.append(Sentence(unit, start, end, masked[start:end], cited or whole, bool(whole and not cited)))
    return sentences


def sentence_starts(masked: str) -> list[int]:
    """Offsets where a new sentence starts (after the first), in prose with markup blanked."""
    starts = []
    for match in _END.finditer(masked):
        following = masked[match.end():]
        rest = following.lstrip()
        if not rest or not _opens_sentence(rest[0]):
            continue
        if match.group(0)[0] == "." and _is_abbreviation(masked[: match.start() + 1]):
            continue
        starts.append(match.end() + len(following) - len(rest))
    return starts


def _opens_sentence(char: str) -> bool:
    return char.isdigit() or char in _OPENERS or (char.isalpha() and not char.islower())


def _is_abbreviation(before: str) -> bool:
    """Whether the full stop ending `before` belongs to an abbreviation or an initial."""
    word = _WORD_BEFORE.search(before)
    if not word:
        return False
    token = word.group(1).lstrip("\"'“‘([*_").lower()
    if token in ABBREVIATIONS:
        return True
    return bool(_INITIALISM.match(token)) and len(token.replace(".", "")) <= 3
