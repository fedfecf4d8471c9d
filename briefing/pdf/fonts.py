"""The bundled fonts: where they are, which characters they cover, and an isolated fontconfig.

The fonts travel with briefing (see `styles/fonts/README.md`), so a book renders the same on
every machine. Two things would still let the machine leak in, and this module closes both:

* a character no bundled font has would be drawn by Pango from whatever system font has it:
  `find_uncovered` reports such characters before rendering, from `coverage.txt` (the union of
  the bundled cmaps, written by `scripts/make_fonts.py`), without importing fontTools;
* fontconfig's own configuration lists the system fonts, which Pango uses for fallback and
  generic families: `fontconfig_env` gives a configuration that lists only the bundled folder.
  It must be in the environment before WeasyPrint creates its first `FontConfiguration`
  (simplest: before WeasyPrint is imported, or in the environment of a subprocess).

Nothing here imports WeasyPrint or Click.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

PACKAGE_DIR = Path(__file__).resolve().parents[1]

FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc"})
"""File name suffixes of the bundled font files."""

COVERAGE_FILE = "coverage.txt"
"""Name of the generated code point coverage file in the font folder."""

GENERIC_FAMILIES: dict[str, tuple[str, ...]] = {
    "serif": ("Noto Serif", "Noto Serif CJK KR"),
    "sans-serif": ("Noto Sans", "Noto Sans CJK KR"),
    "monospace": ("Noto Sans Mono", "Noto Sans CJK KR"),
}
"""What CSS generic families resolve to under the isolated fontconfig (internal font names)."""

_IGNORED_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Controls (\\n, \\t), format characters (ZWJ, ZWNJ, soft hyphen, bidi marks, word joiner,
BOM) and spaces (U+00A0, U+2009, U+202F, U+3000, ...): HarfBuzz hides the former and
synthesises missing spaces from the font's U+0020, so neither needs a glyph."""

_IGNORED_CODEPOINTS = frozenset({
    0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0,
    *range(0x180B, 0x1810), *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0),
})
"""Other default-ignorable code points that are not in the categories above (combining
grapheme joiner, Hangul fillers, variation selectors)."""


def bundled_font_dir() -> Path:
    """The folder of the bundled fonts.

    `briefing/theme/styles/fonts` in an installed wheel, `<repo>/styles/fonts` in a checkout.
    """
    packaged = PACKAGE_DIR / "theme" / "styles" / "fonts"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "styles" / "fonts"


def bundled_font_files(font_dir: Path | None = None) -> tuple[Path, ...]:
    """The bundled font files, sorted by name."""
    folder = font_dir or bundled_font_dir()
    return tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in FONT_SUFFIXES))


def parse_coverage(text: str) -> frozenset[int]:
    """Code points of a coverage file: `START-END` or `CP` in hexadecimal, `#` comments."""
    codepoints: set[int] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        start_text, _, end_text = line.partition("-")
        try:
            start = int(start_text, 16)
            end = int(end_text, 16) if end_text else start
        except ValueError:
            raise ValueError(f"{COVERAGE_FILE} line {number}: not a code point range: {raw!r}") from None
        if end < start:
            raise ValueError(f"{COVERAGE_FILE} line {number}: range ends before it starts: {raw!r}")
        codepoints.update(range(start, end + 1))
    return frozenset(codepoints)


def read_cmaps(font_dir: Path | None = None) -> frozenset[int]:
    """The union of the cmaps of the bundled font files, read with fontTools (slow import)."""
    from fontTools.ttLib import TTCollection, TTFont

    codepoints: set[int] = set()
    for path in bundled_font_files(font_dir):
        if path.suffix.lower() == ".ttc":
            fonts = list(TTCollection(str(path), lazy=True).fonts)
        else:
            fonts = [TTFont(str(path), lazy=True)]
        for font in fonts:
            codepoints.update(font.getBestCmap() or {})
    return frozenset(codepoints)


@cache
def covered_codepoints() -> frozenset[int]:
    """Every code point at least one bundled font has a glyph for.

    Read from the generated `coverage.txt`; if that file is missing, from the fonts themselves.
    """
    coverage = bundled_font_dir() / COVERAGE_FILE
    if coverage.is_file():
        return parse_coverage(coverage.read_text(encoding="utf-8"))
    return read_cmaps()


def is_ignorable(char: str) -> bool:
    """Whether a character needs no glyph: controls, format characters, spaces, joiners."""
    return (unicodedata.category(char) in _IGNORED_CATEGORIES
            or ord(char) in _IGNORED_CODEPOINTS)


def find_uncovered(text: str) -> list[tuple[int, str]]:
    """(offset, character) for every character of `text` that no bundled font can print.

    Offsets are indexes into `text` (code points, as Python counts them). Characters that
    need no glyph (see `is_ignorable`) are never reported. Unassigned, private-use and
    surrogate code points are reported, since no bundled font has them.
    """
    covered = covered_codepoints()
    return [(offset, char) for offset, char in enumerate(text)
            if ord(char) not in covered and not is_ignorable(char)]


def default_cache_dir() -> Path:
    """Where the isolated fontconfig file and fontconfig's cache go by default.

    `$XDG_CACHE_HOME/briefing/fontconfig` (or `~/.cache/...`), else a per-user folder in the
    temporary directory when the home cache is not writable. Never the project folder.
    """
    try:
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        candidate = Path(base) / "briefing" / "fontconfig"
        candidate.mkdir(parents=True, exist_ok=True)
        if os.access(candidate, os.W_OK):
            return candidate
    except (OSError, RuntimeError):  # RuntimeError: no home directory to be found
        pass
    user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"briefing-{user}" / "fontconfig"


def fontconfig_xml(font_dir: Path, cache_dir: Path) -> str:
    """A fontconfig configuration that sees only `font_dir`, caching in `cache_dir`.

    It includes none of the system configuration (`/etc/fonts/conf.d`), so no system font
    folder, no user font folder and no distribution aliases: only the bundled fonts, and the
    generic families mapped onto them.
    """
    aliases = "".join(
        f"  <alias binding=\"same\">\n    <family>{escape(generic)}</family>\n    <prefer>\n"
        + "".join(f"      <family>{escape(name)}</family>\n" for name in names)
        + "    </prefer>\n  </alias>\n"
        for generic, names in GENERIC_FAMILIES.items())
    return (
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE fontconfig SYSTEM \"urn:fontconfig:fonts.dtd\">\n"
        "<!-- Generated by briefing.pdf.fonts: only the bundled fonts, no system fonts. -->\n"
        "<fontconfig>\n"
        f"  <dir>{escape(str(font_dir))}</dir>\n"
        f"  <cachedir>{escape(str(cache_dir))}</cachedir>\n"
        f"{aliases}"
        "  <config>\n    <rescan>\n      <int>0</int>\n    </rescan>\n  </config>\n"
        "</fontconfig>\n")


def write_fontconfig(cache_dir: Path | None = None, font_dir: Path | None = None) -> Path:
    """Write the isolated fontconfig file into `cache_dir` and return its path.

    The file is named after the font folder, so checkouts sharing a cache do not clash, and is
    replaced atomically, and only when its content changes, so concurrent runs are safe.
    """
    folder = (font_dir or bundled_font_dir()).resolve()
    cache = (cache_dir or default_cache_dir()).resolve()
    fc_cache = cache / "cache"
    fc_cache.mkdir(parents=True, exist_ok=True)
    content = fontconfig_xml(folder, fc_cache)
    digest = hashlib.sha256(str(folder).encode("utf-8")).hexdigest()[:16]
    target = cache / f"fonts-{digest}.conf"
    if target.is_file() and target.read_text(encoding="utf-8") == content:
        return target
    handle, temporary = tempfile.mkstemp(dir=cache, prefix=".fonts-", suffix=".conf")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(content)
    os.replace(temporary, target)
    return target


def fontconfig_env(cache_dir: Path | None = None, font_dir: Path | None = None) -> dict[str, str]:
    """Environment variables that make fontconfig (so Pango and WeasyPrint) see only the bundle.

    Merge them into the environment of a subprocess, or into `os.environ` with
    `isolate_fontconfig` before WeasyPrint creates its first `FontConfiguration`.
    """
    return {"FONTCONFIG_FILE": str(write_fontconfig(cache_dir, font_dir))}


def isolate_fontconfig(cache_dir: Path | None = None, font_dir: Path | None = None) -> Path:
    """Set `FONTCONFIG_FILE` in this process's environment; returns the configuration file.

    Best called before WeasyPrint is imported. WeasyPrint loads a fontconfig configuration at
    import time and again for each `FontConfiguration`: those created after this call are
    isolated (fontconfig reads the variable each time), one created before keeps the system
    fonts for as long as it is used.
    """
    env = fontconfig_env(cache_dir, font_dir)
    os.environ.update(env)
    return Path(env["FONTCONFIG_FILE"])
