"""The Unicode script of a character, by name, for messages ("Han", "Hiragana", "Mongolian").

fontTools (a WeasyPrint dependency) carries the Unicode Script property; Python's own
`unicodedata` does not.
"""

from __future__ import annotations

from fontTools import unicodedata as font_unicodedata

_NAMES = {"Zyyy": "common symbols", "Zinh": "inherited", "Zzzz": "unassigned or private-use"}


def script_name(char: str) -> str:
    """"Han", "Hiragana", "Greek", ... for one character."""
    code = font_unicodedata.script(char)
    return _NAMES.get(code) or str(font_unicodedata.script_name(code, default=code))
