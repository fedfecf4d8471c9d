"""Citation coverage: every factual paragraph, bullet and row of a sector chapter cites a source.

What counts as factual is decided from the text itself: a unit is factual when it states a
figure, quotes someone, or names something (a capitalised word inside a sentence, an
acronym, a word in Hangul, or a sentence-initial word that the project writes capitalised
elsewhere). "The delegation agreed to keep the matter under review." is not; "Mongolia
limits any one country's investment." is. Talking points and questions to expect are the
analyst's own words and are exempt, as are headings, footnote texts and framing
(`sector: context`) chapters.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from briefing.checks.figures import extract_figures
from briefing.checks.finding import Finding, finding
from briefing.checks.sentences import Sentence, mask_markup, sentence_starts
from briefing.checks.units import SectionText, Unit

EXEMPT_PARTS = frozenset({"talking-points", "questions-to-expect", "press-lines"})  # what to say, not facts
COMMON_WORDS = frozenset({
    "a", "about", "after", "all", "also", "although", "an", "and", "any", "as", "at", "because", "before",
    "both", "but", "by", "can", "could", "despite", "do", "does", "each", "either", "even", "every", "few",
    "for", "from", "further", "given", "has", "have", "here", "how", "however", "i", "if", "in", "into", "is",
    "it", "its", "just", "many", "may", "more", "most", "much", "must", "neither", "no", "nor", "not", "now",
    "of", "on", "once", "one", "only", "or", "other", "our", "over", "same", "should", "since", "so", "some",
    "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "though",
    "three", "through", "to", "two", "under", "unless", "until", "up", "upon", "was", "we", "were", "what",
    "when", "where", "whether", "which", "while", "who", "whom", "whose", "why", "will", "with", "within",
    "without", "would", "yet", "you", "your",
})
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_EMPHASIS = re.compile(r"[*_~]")
_QUOTE = re.compile(r"[“”\"]")
_UNCASED_SCRIPT = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f\u4e00-\u9fff]")


def check_coverage(texts: Iterable[SectionText], sentences: dict[int, list[Sentence]]) -> list[Finding]:
    """`uncited-paragraph` in sector chapters; `uncited-figure` for citing-less sentences with figures."""
    texts = list(texts)
    names = capitalised_names(unit for text in texts for unit in text.units)
    found: list[Finding] = []
    for text in texts:
        path = text.section.path
        sector_chapter = text.section.meta.sector != "context"
        for unit in text.units:
            if unit.part in EXEMPT_PARTS:
                continue
            unit_sentences = sentences[id(unit)]
            if not any(s.citations for s in unit_sentences):
                reason = factual_reason(unit, names)
                if sector_chapter and unit.kind != "note" and reason:
                    found.append(finding(path, unit.line, "uncited-paragraph",
                                         f"uncited factual {unit.kind} ({reason}): cite its source, e.g. [@key]"))
                    continue
            for sentence in unit_sentences:
                figures = extract_figures(sentence.prose)
                if figures and not sentence.citations:
                    shown = ", ".join(f"'{f.written}'" for f in figures[:3])
                    where = unit.kind if unit.kind in ("bullet", "table row") else "sentence"
                    found.append(finding(path, sentence.line, "uncited-figure",
                                         f"{shown} stated without a citation in the same {where}: "
                                         "the figure cannot be checked against a source"))
    return found


def factual_reason(unit: Unit, names: set[str]) -> str | None:
    """Why a unit reads as a statement of fact (a figure, a quotation, a name), or None."""
    prose, _ = mask_markup(unit.text)
    prose = _EMPHASIS.sub(" ", prose)
    figures = extract_figures(prose)
    if figures:
        return f"states '{figures[0].written}'"
    if _QUOTE.search(prose):
        return "quotes a source"
    if _UNCASED_SCRIPT.search(prose):
        return "names a person or place in Korean or Chinese script"
    for sentence in _sentences(prose):
        for position, match in enumerate(_WORD.finditer(sentence)):
            word = match.group(0).strip("'’-")
            if not word or word.lower() in COMMON_WORDS:
                continue
            if len(word) >= 2 and word.isupper():
                return f"names '{word}'"
            if word[0].isupper() and (position > 0 or _base(word) in names):
                return f"names '{word}'"
    return None


def capitalised_names(units: Iterable[Unit]) -> set[str]:
    """Words the project writes capitalised inside sentences: its names (Mongolia, Ulaanbaatar)."""
    names: set[str] = set()
    for unit in units:
        prose, _ = mask_markup(unit.text)
        for sentence in _sentences(_EMPHASIS.sub(" ", prose)):
            for position, match in enumerate(_WORD.finditer(sentence)):
                word = match.group(0).strip("'’-")
                if position and word and word[0].isupper() and word.lower() not in COMMON_WORDS:
                    names.add(_base(word))
    return names


def _base(word: str) -> str:
    """`Mongolia's` → `Mongolia`, so a possessive at the start of a sentence is recognised."""
    return re.sub(r"['’]s$", "", word)


def _sentences(prose: str) -> list[str]:
    starts = [0, *sentence_starts(prose), len(prose)]
    return [prose[a:b] for a, b in itertools.pairwise(starts)]
