"""Typesetting decided in the HTML, where CSS cannot: what must not break or hyphenate.

* a no-break space after an initial before a name ("J. Smith");
* no space at a source line break between Han or kana characters (Chinese and Japanese);
* bare e-mail and web addresses wrapped so the design never hyphenates them;
* a paragraph's last word kept unhyphenated, so no line holds a single syllable;
* list markers written out for lists that start elsewhere than 1 or count in letters or
  Roman numerals (the renderer does not read the `start` and `type` hints).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

_INITIAL = re.compile(r"(?<![\w.])([A-Z]\.) (?=[A-Z])")
"""An initial before a name ("J. Smith", "K. M. Lee"): the line never breaks after it."""
_ADDRESS = re.compile(r"(?<![\w@/])(?:https?://[^\s<>()]+[^\s<>().,;:!?'\"]|"
                      r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
"""A bare web or e-mail address in running text: never hyphenated (a hyphen would look like part of it)."""
_LITERAL_TAGS = frozenset({"code", "pre", "kbd", "samp", "a", "script", "style"})


_HAN_KANA = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_EAST_ASIAN_BREAK = re.compile(rf"(?<=[{_HAN_KANA}])[ \t]*\n[ \t]*(?=[{_HAN_KANA}])")
"""A line break in the source between two Han or kana characters (or CJK punctuation): Chinese and
Japanese put no space between words, so it is no space (Pandoc's `east_asian_line_breaks`).
Korean, which spaces its words, keeps the space."""


def keep_initials(text: str) -> str:
    """A no-break space after each initial that precedes a name; no space at a line break in
    Chinese or Japanese text."""
    return _EAST_ASIAN_BREAK.sub("", _INITIAL.sub("\\1\u00a0", text))


def typeset(element: ET.Element) -> None:
    """Initials joined to names, bare addresses wrapped, in every text outside code and links."""
    if element.tag in _LITERAL_TAGS:
        return
    for child in list(element):
        typeset(child)
    element.text = keep_initials(element.text) if element.text else element.text
    _wrap_addresses(element, None)
    for child in list(element):
        if child.tail:
            child.tail = keep_initials(child.tail)
            _wrap_addresses(element, child)


def _wrap_addresses(parent: ET.Element, after: ET.Element | None) -> None:
    """Wrap the addresses in `parent.text` (after=None) or in `after.tail` in `<span class="address">`."""
    text = parent.text if after is None else after.tail
    if not text or not _ADDRESS.search(text):
        return
    pieces = _ADDRESS.split(text)
    found = _ADDRESS.findall(text)
    index = 0 if after is None else list(parent).index(after) + 1
    if after is None:
        parent.text = pieces[0]
    else:
        after.tail = pieces[0]
    for offset, (address, rest) in enumerate(zip(found, pieces[1:], strict=True)):
        span = ET.Element("span", {"class": "address"})
        span.text, span.tail = address, rest
        parent.insert(index + offset, span)


def list_markers(ol: ET.Element) -> None:
    """Number a list that starts elsewhere than 1 or counts in letters or Roman numerals.

    The `start` and `type` attributes are presentational hints, which the renderer does not
    read (on purpose: content must not style itself); each item's marker is written out instead.
    """
    style = ol.get("type", "1")
    try:
        start = int(ol.get("start", "1"))
    except ValueError:
        start = 1
    if start == 1 and style == "1":
        return
    ol.set("class", " ".join(filter(None, (ol.get("class"), "marked-list"))))
    items = [child for child in ol if child.tag == "li"]
    for number, item in enumerate(items, start):
        paragraph = item[0] if len(item) and item[0].tag == "p" and not (item.text or "").strip() else None
        (paragraph if paragraph is not None else item).set("data-marker", f"{_marker(number, style)}.")


def _marker(number: int, style: str) -> str:
    if style in "aA" and number > 0:
        letters = ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters.upper() if style == "A" else letters
    if style in "iI" and 0 < number < 4000:
        roman = ""
        for value, digits in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                              (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
            count, number = divmod(number, value)
            roman += digits * count
        return roman.upper() if style == "I" else roman
    return str(number)


_LAST_WORD = re.compile(r"(?<=\s)(?P<word>[^\s]*\w{6}[^\s]*)(?P<end>\s*)$")
"""A last word long enough to be hyphenated (`hyphenate-limit-chars: 6` in the design)."""
_BLOCKS_WITH_TEXT = frozenset({"p", "li", "dd", "dt", "td", "th", "figcaption", "caption"})


def keep_last_word(element: ET.Element) -> None:
    """The last word of a paragraph is never hyphenated, so the last line never holds a single
    syllable ("… cited fig-" / "ures."): the word moves whole to the last line."""
    if element.tag not in _BLOCKS_WITH_TEXT:
        return
    owner, attribute = (element[-1], "tail") if len(element) else (element, "text")
    text = getattr(owner, attribute) or ""
    match = _LAST_WORD.search(text)
    if match is None:
        return
    word = ET.Element("span", {"class": "last-word"})
    word.text, word.tail = match.group("word"), match.group("end") or None
    setattr(owner, attribute, text[:match.start()])
    element.append(word)
