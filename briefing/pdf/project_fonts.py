"""A project's own fonts (`fonts/` in the project folder), for scripts the bundled fonts lack.

Each `.ttf`/`.otf` file there is declared with `@font-face` (a family of its own, a
`unicode-range` of only the characters the bundled fonts do not have), so it fills gaps by
fallback without changing how anything else prints. The font
coverage check counts its characters as covered. The cmaps are read with fontTools (which
WeasyPrint already depends on), once per file version.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from briefing.pdf.fonts import covered_codepoints
from briefing.safety.urls import PROJECT_URL

FOLDER = "fonts"
"""The project's font folder, beside `content/`."""
SUFFIXES = frozenset({".ttf", ".otf"})


def project_font_files(root: Path) -> tuple[Path, ...]:
    """The font files in the project's `fonts/` folder, sorted by name (none: empty)."""
    folder = root / FOLDER
    if not folder.is_dir():
        return ()
    return tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in SUFFIXES and p.is_file()))


def project_codepoints(root: Path) -> frozenset[int]:
    """Every code point one of the project's fonts has."""
    found: set[int] = set()
    for path in project_font_files(root):
        stat = path.stat()
        found |= _cmap(path, stat.st_mtime_ns, stat.st_size)
    return frozenset(found)


@cache
def _cmap(path: Path, mtime: int, size: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        return frozenset(TTFont(str(path), lazy=True, fontNumber=0).getBestCmap() or {})
    except (TTLibError, OSError, ValueError, AssertionError, KeyError):
        return frozenset()  # not a font: it covers nothing, and the coverage check says what is missing


def project_font_css(root: Path) -> str:
    """`@font-face` rules for the project's fonts (or ""), each under a family of its own.

    A font is never declared under a bundled family's name: WeasyPrint 70 tells the fonts of a
    PDF apart by family, weight and style, so it would draw one font's glyphs with the other.
    Declared fonts take part in fallback, so they print the characters the bundled fonts lack;
    `unicode-range` keeps them to those characters.
    """
    bundled = covered_codepoints()
    rules = []
    for number, path in enumerate(project_font_files(root), 1):
        stat = path.stat()
        extra = sorted(_cmap(path, stat.st_mtime_ns, stat.st_size) - bundled)
        if not extra:
            continue
        ranges = ", ".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in _ranges(extra))
        rules.append(f'@font-face {{ font-family: "Briefing Project {number}"; '
                     f'src: url("{PROJECT_URL}{FOLDER}/{path.name}"); unicode-range: {ranges}; }}')
    return "\n".join(rules)


def _ranges(codepoints: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in codepoints:
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out
