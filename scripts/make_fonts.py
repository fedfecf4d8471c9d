#!/usr/bin/env python3
"""Regenerate the bundled fonts in `styles/fonts/` from Debian's font packages.

The fonts that travel with briefing are subsets of OFL-licensed fonts shipped by Debian:

* `fonts-noto-core`: Noto Serif and Noto Sans (Latin, Greek, Cyrillic, punctuation);
* `fonts-noto-mono`: Noto Sans Mono, for code;
* `fonts-noto-cjk`: the Korean (KR) faces of Noto Serif CJK and Noto Sans CJK, cut down to
  Hangul, kana, CJK punctuation, a few symbols and the Han of GB 2312, JIS X 0208 and KS X 1001.

Usage, from the repository root::

    python3 scripts/make_fonts.py                 # apt-get download the pinned packages, rebuild
    python3 scripts/make_fonts.py --debs DIR      # use .deb files already in DIR
    python3 scripts/make_fonts.py --check         # rebuild into a temporary folder, compare bytes

The script writes the font files, `coverage.txt` (the union of their cmaps as code point
ranges, read by `briefing.pdf.fonts` at run time without fontTools), the licence files, `README.md`
in `styles/fonts/`, and `styles/fonts.css`. Nothing is installed system-wide: the packages are
unpacked with `dpkg-deb -x` into a temporary folder.

Output is deterministic for a given fontTools version and the pinned package versions:
`head.modified` is kept from the source font (not set to "now"), and every generated text file
is written from sorted data.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "styles" / "fonts"
DEFAULT_CSS = REPO / "styles" / "fonts.css"

PACKAGES: dict[str, str] = {
    "fonts-noto-core": "20201225-1",
    "fonts-noto-cjk": "1:20220127+repack1-1",
    "fonts-noto-mono": "20201225-1",
}
"""Debian packages and the versions the committed files were made from."""

Ranges = tuple[tuple[int, int], ...]

LATIN_RANGES: Ranges = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0100, 0x017F),  # Latin Extended-A
    (0x0180, 0x024F),  # Latin Extended-B (Romanian ș ț, Pinyin tones, ...)
    (0x02B0, 0x02FF),  # Spacing Modifier Letters (ʻ ʼ ˆ ˇ ...)
    (0x0300, 0x036F),  # Combining Diacritical Marks (text in NFD)
    (0x0370, 0x03FF),  # Greek and Coptic
    (0x1F00, 0x1FFF),  # Greek Extended (polytonic Greek)
    (0x0400, 0x04FF),  # Cyrillic (Mongolian Ө ө Ү ү included)
    (0x0500, 0x052F),  # Cyrillic Supplement
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese)
    (0x2000, 0x206F),  # General Punctuation
    (0x2070, 0x209F),  # Superscripts and Subscripts
    (0x20A0, 0x20CF),  # Currency Symbols (€ ₩ ₮ ...)
    (0x2100, 0x214F),  # Letterlike Symbols (№ ™ ℃ ...)
    (0x2150, 0x218F),  # Number Forms (½ Ⅳ ...)
    (0x25CC, 0x25CC),  # dotted circle (shaping of isolated combining marks)
    (0xFB00, 0xFB06),  # Latin ligatures
    (0xFFFC, 0xFFFD),  # object replacement, replacement character
)
"""Kept in the Noto Serif and Noto Sans subsets (only what the font has is kept)."""

HANGUL_RANGES: Ranges = (
    (0x0020, 0x0020),  # space (Pango sets the spaces of a Hangul run in the Hangul face)
    (0x1100, 0x1112),  # modern conjoining jamo: leading consonants
    (0x1161, 0x1175),  # modern conjoining jamo: vowels
    (0x11A8, 0x11C2),  # modern conjoining jamo: trailing consonants
    (0x2015, 0x2015),  # horizontal bar
    (0x2018, 0x201D),  # quotation marks
    (0x2025, 0x2026),  # two-dot and three-dot leaders
    (0x203B, 0x203B),  # reference mark ※
    (0x2190, 0x2199),  # arrows
    (0x2212, 0x2212),  # minus sign
    (0x221E, 0x221E),  # infinity
    (0x2248, 0x2248),  # almost equal
    (0x2260, 0x2260),  # not equal
    (0x2264, 0x2265),  # less/greater than or equal
    (0x2460, 0x2473),  # circled numbers ① - ⑳
    (0x25A0, 0x25A1),  # ■ □
    (0x25B2, 0x25B3),  # ▲ △
    (0x25B6, 0x25B7),  # ▶ ▷
    (0x25BC, 0x25BD),  # ▼ ▽
    (0x25C0, 0x25C1),  # ◀ ◁
    (0x25C6, 0x25C7),  # ◆ ◇
    (0x25CB, 0x25CB),  # ○
    (0x25CE, 0x25CF),  # ◎ ●
    (0x2605, 0x2606),  # ★ ☆
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3040, 0x309F),  # Hiragana
    (0x30A0, 0x30FF),  # Katakana
    (0x31F0, 0x31FF),  # Katakana Phonetic Extensions
    (0x3130, 0x318F),  # Hangul Compatibility Jamo
    (0x3200, 0x321E),  # parenthesized Hangul
    (0x3260, 0x327F),  # circled Hangul
    (0xAC00, 0xD7A3),  # Hangul Syllables (all 11,172)
    (0xFF01, 0xFF60),  # fullwidth ASCII forms
    (0xFF61, 0xFF9F),  # halfwidth katakana
    (0xFFA0, 0xFFDC),  # halfwidth Hangul
    (0xFFE0, 0xFFE6),  # fullwidth signs (￦ ...)
)
"""Kept in the Noto CJK KR subsets besides the Han characters of `han_codepoints()`: Hangul,
kana, CJK punctuation; no conjoining old-Hangul jamo. Of all these, a code point the face's Latin
partner has is left out unless it is the space or in `HANGUL_CSS_BLOCKS` (`hangul_codepoints`)."""

CJK_FEATURES = ("calt", "ccmp", "hist", "kern", "liga", "ljmo", "mark", "palt", "tjmo", "vjmo")
"""OpenType features kept in the CJK faces: shaping, kerning and Hangul jamo. Left out: `aalt`,
`locl` (the Chinese and Japanese regional forms), vertical and width variants (`vert`, `vrt2`,
`fwid`, `hwid`, ...), `ruby`, `dlig`: they reach about 10,000 alternate glyphs per face (5.9 MB
instead of 3.5 MB for Noto Sans CJK KR Regular), and WeasyPrint sets no vertical text."""

HAN_CHARSETS: tuple[tuple[str, str], ...] = (
    ("gb2312", "GB 2312 (Simplified Chinese, 6,763 Han)"),
    ("shift_jis", "JIS X 0208 (Japanese, 6,355 kanji: the Joyo and Jinmeiyo kanji but a few)"),
    ("euc_kr", "KS X 1001 (Korean, 4,888 Hanja)"),
)
"""National standard character sets kept whole in the CJK faces, by Python codec: together the Han
of everyday Chinese, Japanese and Korean text (about 10,000 characters) and the symbols that text
uses."""


def han_codepoints() -> list[int]:
    """Every character one of `HAN_CHARSETS` encodes in two bytes: its Han ideographs (and CJK
    compatibility ideographs), and its symbols (∈ ≒ ※ ①, box drawing, ...), kana, Greek and
    Cyrillic, which the Latin fonts may lack."""
    found: set[int] = set()
    for codec, _ in HAN_CHARSETS:
        for cp in range(0x00A0, 0x10000):
            if 0xD800 <= cp < 0xE000:
                continue
            try:
                encoded = chr(cp).encode(codec)
            except UnicodeEncodeError:
                continue
            if len(encoded) == 2:  # the double-byte set itself (not JIS X 0212's 3-byte extension)
                found.add(cp)
    return sorted(found)

HANGUL_CSS_BLOCKS: Ranges = (
    (0x1100, 0x11FF), (0x3000, 0x303F), (0x3130, 0x318F), (0x3200, 0x32FF),
    (0xA960, 0xA97F), (0xAC00, 0xD7AF), (0xD7B0, 0xD7FF), (0xFF00, 0xFFEF),
    (0x3040, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF),
)
"""Blocks always kept in the Hangul faces, even where their Latin partner has the code point."""


@dataclass(frozen=True)
class Face:
    """One bundled font file: where it comes from and what it keeps."""

    output: str
    package: str
    source: str
    """Path inside the unpacked package."""
    index: int
    """Face number inside a .ttc collection (0 for a single font)."""
    ranges: Ranges
    family: str
    """The CSS family name the face is published under in fonts.css."""
    weight: int
    style: str
    licence: str
    hangul: bool = False


NOTO = "usr/share/fonts/truetype/noto/"
CJK = "usr/share/fonts/opentype/noto/"
FACES: tuple[Face, ...] = (
    Face("NotoSerif-Regular.ttf", "fonts-noto-core", NOTO + "NotoSerif-Regular.ttf", 0,
         LATIN_RANGES, "Briefing Serif", 400, "normal", "OFL-Noto.txt"),
    Face("NotoSerif-Italic.ttf", "fonts-noto-core", NOTO + "NotoSerif-Italic.ttf", 0,
         LATIN_RANGES, "Briefing Serif", 400, "italic", "OFL-Noto.txt"),
    Face("NotoSerif-Bold.ttf", "fonts-noto-core", NOTO + "NotoSerif-Bold.ttf", 0,
         LATIN_RANGES, "Briefing Serif", 700, "normal", "OFL-Noto.txt"),
    Face("NotoSerif-BoldItalic.ttf", "fonts-noto-core", NOTO + "NotoSerif-BoldItalic.ttf", 0,
         LATIN_RANGES, "Briefing Serif", 700, "italic", "OFL-Noto.txt"),
    Face("NotoSans-Regular.ttf", "fonts-noto-core", NOTO + "NotoSans-Regular.ttf", 0,
         LATIN_RANGES, "Briefing Sans", 400, "normal", "OFL-Noto.txt"),
    Face("NotoSans-Italic.ttf", "fonts-noto-core", NOTO + "NotoSans-Italic.ttf", 0,
         LATIN_RANGES, "Briefing Sans", 400, "italic", "OFL-Noto.txt"),
    Face("NotoSans-Bold.ttf", "fonts-noto-core", NOTO + "NotoSans-Bold.ttf", 0,
         LATIN_RANGES, "Briefing Sans", 700, "normal", "OFL-Noto.txt"),
    Face("NotoSans-BoldItalic.ttf", "fonts-noto-core", NOTO + "NotoSans-BoldItalic.ttf", 0,
         LATIN_RANGES, "Briefing Sans", 700, "italic", "OFL-Noto.txt"),
    Face("NotoSansMono-Regular.ttf", "fonts-noto-mono", NOTO + "NotoSansMono-Regular.ttf", 0,
         LATIN_RANGES, "Briefing Mono", 400, "normal", "OFL-NotoMono.txt"),
    Face("NotoSansMono-Bold.ttf", "fonts-noto-mono", NOTO + "NotoSansMono-Bold.ttf", 0,
         LATIN_RANGES, "Briefing Mono", 700, "normal", "OFL-NotoMono.txt"),
    # Face 1 of the Noto CJK collections is the Korean (KR) one; checked in subset_face().
    Face("NotoSerifCJKkr-Regular.otf", "fonts-noto-cjk", CJK + "NotoSerifCJK-Regular.ttc", 1,
         HANGUL_RANGES, "Briefing Hangul Serif", 400, "normal", "OFL-NotoCJK.txt", hangul=True),
    Face("NotoSerifCJKkr-Bold.otf", "fonts-noto-cjk", CJK + "NotoSerifCJK-Bold.ttc", 1,
         HANGUL_RANGES, "Briefing Hangul Serif", 700, "normal", "OFL-NotoCJK.txt", hangul=True),
    Face("NotoSansCJKkr-Regular.otf", "fonts-noto-cjk", CJK + "NotoSansCJK-Regular.ttc", 1,
         HANGUL_RANGES, "Briefing Hangul Sans", 400, "normal", "OFL-NotoCJK.txt", hangul=True),
    Face("NotoSansCJKkr-Bold.otf", "fonts-noto-cjk", CJK + "NotoSansCJK-Bold.ttc", 1,
         HANGUL_RANGES, "Briefing Hangul Sans", 700, "normal", "OFL-NotoCJK.txt", hangul=True),
)

LICENCES: dict[str, tuple[str, str]] = {
    "OFL-Noto.txt": ("fonts-noto-core", "OFL-1.1"),
    "OFL-NotoCJK.txt": ("fonts-noto-cjk", "SIL-1.1"),
    "OFL-NotoMono.txt": ("fonts-noto-mono", "OFL-1.1"),
}
"""Licence file -> (package, name of the DEP-5 licence paragraph holding the full OFL text)."""

CSS_ALIASES: dict[str, str] = {"Briefing Hangul": "Briefing Hangul Serif"}
"""Extra CSS family names declared with the same files as an existing family."""

LATIN_COUNTERPART = {
    "Briefing Hangul Serif": "Briefing Serif",
    "Briefing Hangul Sans": "Briefing Sans",
}
"""The Latin family each CJK family backs up (the CJK faces keep their historical "Hangul" names)."""


@dataclass(frozen=True)
class Result:
    """What subsetting one face produced."""

    face: Face
    size: int
    sha256: str
    glyphs: int
    codepoints: tuple[int, ...]
    postscript_name: str
    full_name: str
    copyright: str
    version: str


def expand(ranges: Iterable[tuple[int, int]]) -> list[int]:
    """Every code point of the inclusive ranges, sorted."""
    return sorted({cp for start, end in ranges for cp in range(start, end + 1)})


def compress(codepoints: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted code points as inclusive (start, end) ranges."""
    out: list[tuple[int, int]] = []
    for cp in sorted(set(codepoints)):
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def subset_face(face: Face, root: str, out_dir: str) -> Result:
    """Subset one face into out_dir; runs in a worker process."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    source = Path(root) / face.source
    font = TTFont(str(source), fontNumber=face.index if source.suffix == ".ttc" else -1,
                  recalcTimestamp=False)
    if face.hangul:
        ps_name = font["name"].getDebugName(6) or ""
        if "kr" not in ps_name.lower():
            raise SystemExit(f"{source} face {face.index} is {ps_name!r}, not the Korean one")
    options = subset.Options()
    options.layout_features = list(CJK_FEATURES) if face.hangul else ["*"]  # kern, liga, ccmp, mark, ...
    options.name_IDs = ["*"]               # keep every name (copyright, licence, ...)
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True          # a visible box if a glyph is ever missing
    options.hinting = False                # WeasyPrint drops hints when embedding anyway
    options.glyph_names = False
    options.recalc_timestamp = False       # keep head.modified from the source: same bytes
    if face.hangul:
        # Vertical metrics: WeasyPrint sets no vertical text, and they are 2 x 4 bytes per glyph
        # in every PDF too (WeasyPrint's embedded subsets keep all glyph ids).
        options.drop_tables += ["vhea", "vmtx", "VORG"]
    subsetter = subset.Subsetter(options)
    wanted = expand(face.ranges)
    if face.hangul:
        wanted = hangul_codepoints(face, wanted + han_codepoints(), Path(root))
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    target = Path(out_dir) / face.output
    font.save(str(target))
    return describe(face, target)


def describe(face: Face, path: Path) -> Result:
    """What a bundled font file holds."""
    from fontTools.ttLib import TTFont

    data = path.read_bytes()
    saved = TTFont(str(path))
    name = saved["name"]
    return Result(
        face=face, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
        glyphs=len(saved.getGlyphOrder()), codepoints=tuple(sorted(saved.getBestCmap())),
        postscript_name=name.getDebugName(6) or "", full_name=name.getDebugName(4) or "",
        copyright=name.getDebugName(0) or "", version=name.getDebugName(5) or "")


def download(packages: dict[str, str], into: Path) -> None:
    """`apt-get download` the pinned package versions into a folder."""
    specs = [f"{name}={version}" for name, version in packages.items()]
    subprocess.run(["apt-get", "download", *specs], cwd=into, check=True)


def find_deb(debs: Path, package: str) -> Path:
    """The .deb of a package in a folder."""
    found = sorted(debs.glob(f"{package}_*.deb"))
    if not found:
        raise SystemExit(f"no {package}_*.deb in {debs} (apt-get download {package})")
    return found[-1]


def deb_version(deb: Path) -> str:
    """The Version field of a .deb."""
    return subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], check=True,
                          capture_output=True, text=True).stdout.strip()


def licence_text(copyright_file: Path, licence: str) -> str:
    """The full licence text of a stand-alone `License:` paragraph of a DEP-5 copyright file."""
    paragraphs = re.split(r"\n\s*\n", copyright_file.read_text(encoding="utf-8"))
    for paragraph in paragraphs:
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == f"License: {licence}" and len(lines) > 2:
            body = [line[1:] if line.startswith(" ") else line for line in lines[1:]]
            text = "\n".join("" if line.strip() == "." else line.rstrip() for line in body) + "\n"
            if "SIL OPEN FONT LICENSE" not in text.split("PREAMBLE")[0]:
                # Some packages give the text from PREAMBLE on, without the licence's title.
                text = "SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007\n\n" + text
            return text
    raise SystemExit(f"no '{licence}' licence text in {copyright_file}")


def write_licences(out: Path, root: Path, results: Sequence[Result], versions: dict[str, str]) -> None:
    """One OFL text per source package, headed by the copyright notices of its fonts."""
    for filename, (package, licence) in LICENCES.items():
        mine = [r for r in results if r.face.licence == filename]
        notices = sorted({r.copyright for r in mine})
        text = licence_text(root / "usr/share/doc" / package / "copyright", licence)
        header = [
            "Fonts in this folder under this licence (subsets, i.e. Modified Versions, of fonts",
            f"from Debian package {package} {versions[package]}):",
            "",
            *[f"  {r.face.output} ({r.full_name})" for r in mine],
            "",
            "Copyright notices of the original fonts:",
            "",
            *[f"  {notice}" for notice in notices],
            "",
            "The fonts are licensed under the SIL Open Font License, Version 1.1, reproduced",
            f"below from Debian's /usr/share/doc/{package}/copyright.",
            "",
            "",
        ]
        (out / filename).write_text("\n".join(header) + text, encoding="utf-8")


def write_coverage(out: Path, results: Sequence[Result]) -> None:
    """`coverage.txt`: the union of the bundled cmaps as hex ranges, one per line."""
    union = sorted({cp for r in results for cp in r.codepoints})
    lines = [
        "# Code points covered by at least one bundled font (union of their cmaps).",
        "# Generated by scripts/make_fonts.py; read by briefing.pdf.fonts.covered_codepoints().",
        f"# {len(union)} code points. Format: START-END or CP, hexadecimal, inclusive.",
    ]
    for start, end in compress(union):
        lines.append(f"{start:04X}" if start == end else f"{start:04X}-{end:04X}")
    (out / "coverage.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def css_unicode_range(ranges: Sequence[tuple[int, int]]) -> str:
    """A CSS unicode-range value for inclusive ranges."""
    return ", ".join(f"U+{s:X}" if s == e else f"U+{s:X}-{e:X}" for s, e in ranges)


def hangul_codepoints(face: Face, wanted: Sequence[int], root: Path) -> list[int]:
    """What a Hangul face is for: Hangul/CJK blocks, plus the symbols its Latin partner lacks.

    The face's cmap holds these and nothing else, so that fontconfig (which reads the charset
    from the cmap) gives the face only these characters: the Latin partner sets Latin, Greek
    and Cyrillic, and a character no face has falls back to a project's own font. Declaring the
    same set as a CSS `unicode-range` did the same, but took WeasyPrint about a second to read
    in every process (some 5,000 ranges per face).
    """
    from fontTools.ttLib import TTFont

    partner = next(f for f in FACES if f.family == LATIN_COUNTERPART[face.family] and f.weight == face.weight
                   and f.style == "normal")
    source = TTFont(str(root / partner.source), lazy=True)
    latin = set(source.getBestCmap()) & set(expand(partner.ranges))
    blocks = set(expand(HANGUL_CSS_BLOCKS))
    # the space stays: Pango never changes fonts for a space (HarfBuzz sets every other space character
    # with it), so the spaces between Korean words are set in the Hangul face
    return [cp for cp in wanted if cp == 0x20 or cp in blocks or (cp not in latin and cp > 0xFF)]


def write_css(css: Path, results: Sequence[Result]) -> None:
    """`styles/fonts.css`: one @font-face per bundled file."""
    lines = [
        "/* Bundled fonts of briefing. Generated by scripts/make_fonts.py: do not edit by hand.",
        " *",
        " * Families (use them in this order in font-family lists):",
        " *   \"Briefing Serif\"        Noto Serif: regular, italic, bold, bold italic.",
        " *                           Latin, Greek, Cyrillic (incl. Mongolian Ө ө Ү ү), punctuation.",
        " *   \"Briefing Sans\"         Noto Sans: regular, italic, bold, bold italic. Same coverage.",
        " *   \"Briefing Mono\"         Noto Sans Mono: regular, bold. For code.",
        " *   \"Briefing Hangul Serif\" Noto Serif CJK KR: regular, bold (no italic: CJK stays upright).",
        " *                           Hangul, kana and about 10,000 Han (GB 2312, JIS X 0208, KS X 1001).",
        " *   \"Briefing Hangul Sans\"  Noto Sans CJK KR: regular, bold.",
        " *   \"Briefing Hangul\"       the same faces as \"Briefing Hangul Serif\" (short name).",
        " *",
        " * The Hangul faces only ever set Hangul, Han, kana, CJK punctuation and the few symbols (arrows,",
        " * minus, circled numbers, ...) the Latin face of the pair lacks: their files hold nothing else.",
        " * Typical use:",
        " *   body   { font-family: \"Briefing Serif\", \"Briefing Hangul Serif\", serif; }",
        " *   h1, th { font-family: \"Briefing Sans\", \"Briefing Hangul Sans\", sans-serif; }",
        " * The names are unique on purpose: they cannot pick up a \"Noto Serif\" or \"Noto Sans CJK\"",
        " * installed on the machine. Render with briefing.pdf.fonts.fontconfig_env() so that fallback",
        " * for characters no bundled font has cannot reach system fonts either.",
        " */",
        "",
    ]
    declared = [(r.face.family, r) for r in results]
    for alias, family in CSS_ALIASES.items():
        declared += [(alias, r) for r in results if r.face.family == family]
    for family, result in declared:
        face = result.face
        lines += [
            "@font-face {",
            f"  font-family: \"{family}\";",
            f"  src: url(\"fonts/{face.output}\");",
            f"  font-weight: {face.weight};",
            f"  font-style: {face.style};",
        ]
        lines += ["}", ""]
    css.write_text("\n".join(lines), encoding="utf-8")


def describe_ranges(ranges: Ranges) -> str:
    """Ranges as a compact Markdown list item body."""
    return ", ".join(f"U+{s:04X}" if s == e else f"U+{s:04X}–{e:04X}" for s, e in ranges)


def write_readme(out: Path, results: Sequence[Result], versions: dict[str, str], debs: dict[str, str]) -> None:
    """`styles/fonts/README.md`: what is here, from where, and how to regenerate it."""
    from fontTools import version as fonttools_version

    total = sum(r.size for r in results)
    rows = [
        f"| `{r.face.output}` | {r.full_name} | {r.face.family} {r.face.weight}"
        f"{' italic' if r.face.style == 'italic' else ''} | `{r.face.package}` {versions[r.face.package]} "
        f"| `{Path(r.face.source).name}`{f' face {r.face.index}' if r.face.source.endswith('.ttc') else ''} "
        f"| {len(r.codepoints)} | {r.glyphs} | {r.size:,} |"
        for r in results
    ]
    text = f"""# Bundled fonts

Generated by `scripts/make_fonts.py`; do not edit the files here by hand. The fonts travel with
briefing so that a book renders the same on every machine: `styles/fonts.css` declares them with
`@font-face`, and `briefing.pdf.fonts.fontconfig_env()` gives WeasyPrint a fontconfig that sees only
this folder (no system fonts, not even as fallback).

All fonts are under the SIL Open Font License 1.1: see `OFL-Noto.txt`, `OFL-NotoMono.txt` and
`OFL-NotoCJK.txt`.
They are subsets (Modified Versions in the OFL's words) of the fonts in Debian's packages; none
of the originals declares a Reserved Font Name that the subsets use, and their names are kept.

| file | font | CSS family | Debian package | source file | code points | glyphs | bytes |
| --- | --- | --- | --- | --- | --- | --- | --- |
{chr(10).join(rows)}

Total: {total:,} bytes ({total / 1e6:.1f} MB).

Source packages (Debian bookworm, `apt-get download`; SHA-256 of the .deb):

{chr(10).join(f"- `{p}` {versions[p]}: `{debs[p]}`" for p in sorted(versions))}

## What was kept

Only code points the original font has are kept, plus every glyph the OpenType layout features
reach from them (the Latin fonts keep all features; the CJK fonts keep {", ".join(CJK_FEATURES)}:
not `locl`, `aalt` or the vertical and width variants, which would add about 10,000 alternate
glyphs to each CJK font).

- **Noto Serif, Noto Sans** (`.ttf`, TrueType outlines): {describe_ranges(LATIN_RANGES)}.
- **Noto Serif CJK KR, Noto Sans CJK KR** (`.otf`, CFF outlines; face 1, "KR", of Debian's
  `.ttc` collections): {describe_ranges(HANGUL_RANGES)}. That is all 11,172 Hangul syllables,
  the compatibility jamo, the modern conjoining jamo, hiragana and katakana, CJK punctuation,
  fullwidth forms and a few symbols the Latin fonts lack; no old-Hangul jamo. Besides, the
  characters of {"; ".join(label for _, label in HAN_CHARSETS)}: every character Python's codec
  of the standard encodes in two bytes, {len(han_codepoints()):,} in all (Han, and the symbols,
  Greek and Cyrillic of the standards). Of these, whatever the face's Latin partner (Noto Serif for
  Serif CJK, Noto Sans for Sans CJK) has is left out, except in the CJK blocks: the face's cmap is
  exactly what it sets, so `fonts.css` needs no `unicode-range` (which cost WeasyPrint about a second
  to read in every process). Han characters take the
  Korean (KR) glyph forms of Noto CJK; a handful differ slightly from the forms Chinese or
  Japanese readers expect. A project that needs more adds its own fonts in `fonts/`.
- **Noto Sans Mono** (code): the same ranges as Noto Sans.

Hinting is dropped (TrueType instructions, CFF hints): WeasyPrint removes it when it embeds a
font anyway (its `hinting` option is off by default), and it is about a quarter of the CJK
fonts' size. The CJK fonts' vertical metrics (`vhea`, `vmtx`, `VORG`) are dropped too:
WeasyPrint sets no vertical text, and its embedded subsets keep every glyph id, so they would
cost about 100 kB in each PDF per Hangul face used. Glyph names are dropped; all `name` table
entries are kept.

`coverage.txt` is the union of the cmaps of all files here, as hexadecimal ranges:
`briefing.pdf.fonts.covered_codepoints()` reads it (no fontTools at run time) to report characters
that no bundled font can print.

## Regenerating

From the repository root, on a Debian machine (nothing is installed system-wide):

```
python3 scripts/make_fonts.py             # apt-get download the pinned versions, rebuild
python3 scripts/make_fonts.py --debs DIR  # or use .deb files already downloaded into DIR
python3 scripts/make_fonts.py --check     # rebuild in a temporary folder, compare with the files here
python3 scripts/make_fonts.py --text-only # keep the fonts, rewrite licences, coverage, README, CSS
```

A full build takes about 10 minutes of CPU (each Noto CJK face two to three minutes: about 10,000 Han each).

It unpacks the packages with `dpkg-deb -x` into a temporary folder, subsets with fontTools
(`{fonttools_version}` made these files; another version may give other bytes), and rewrites
the fonts, `coverage.txt`, the licence files, this README and `styles/fonts.css`. The output is
deterministic: `head.modified` is kept from the original fonts, never set to the current time.
The package versions are pinned in the script (`PACKAGES`); if Debian no longer serves them,
pass `--any-version` to use what `--debs` holds, and commit the new files together.
"""
    (out / "README.md").write_text(text, encoding="utf-8")


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, hexadecimal."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(debs: Path, out: Path, css: Path, *, any_version: bool, jobs: int,
          text_only: bool = False) -> list[Result]:
    """Unpack the packages, subset every face, and write all generated files.

    With `text_only`, the fonts already in `out` are kept and only the text files (licences,
    coverage, README, CSS) are written again from them.
    """
    versions: dict[str, str] = {}
    deb_hashes: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="briefing-fonts-") as tmp:
        root = Path(tmp) / "root"
        for package, pinned in PACKAGES.items():
            deb = find_deb(debs, package)
            version = deb_version(deb)
            if version != pinned and not any_version:
                raise SystemExit(f"{deb.name} is version {version}, expected {pinned} (or --any-version)")
            versions[package] = version
            deb_hashes[package] = sha256_file(deb)
            subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
        if text_only:
            results = [describe(face, out / face.output) for face in FACES]
        else:
            results = subset_all(root, out, Path(tmp) / "fonts", jobs)
        for r in results:
            print(f"{r.face.output:28} {r.size:>10,} bytes {r.glyphs:>6} glyphs {len(r.codepoints):>6} cps",
                  file=sys.stderr)
        write_licences(out, root, results, versions)
    write_coverage(out, results)
    write_css(css, results)
    write_readme(out, results, versions, deb_hashes)
    total = sum(r.size for r in results)
    print(f"total font payload: {total:,} bytes", file=sys.stderr)
    return results


def subset_all(root: Path, out: Path, staging: Path, jobs: int) -> list[Result]:
    """Subset every face in parallel into `staging`, then move the files into `out`."""
    staging.mkdir()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        # Biggest first, so the workers finish together.
        order = sorted(FACES, key=lambda f: (not f.hangul, "Serif" not in f.output))
        futures = {face: pool.submit(subset_face, face, str(root), str(staging)) for face in order}
        results = [futures[face].result() for face in FACES]
    # Replace the files one by one (each atomically), so that a render or a test running
    # meanwhile never finds the folder empty; then remove fonts no longer made.
    out.mkdir(parents=True, exist_ok=True)
    for face in FACES:
        shutil.move(str(staging / face.output), str(out / (face.output + ".new")))
        os.replace(out / (face.output + ".new"), out / face.output)
    made = {face.output for face in FACES}
    for stale in out.iterdir():
        if stale.suffix in {".ttf", ".otf", ".ttc", ".woff", ".woff2"} and stale.name not in made:
            stale.unlink()
    return results


def compare(a: Path, b: Path) -> list[str]:
    """Names of files that differ between two folders (either side missing counts)."""
    names = sorted({p.name for p in a.iterdir()} | {p.name for p in b.iterdir()})
    return [n for n in names if not ((a / n).is_file() and (b / n).is_file()
                                     and (a / n).read_bytes() == (b / n).read_bytes())]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--debs", type=Path, help="folder with the .deb files (default: apt-get download)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="font folder (default: styles/fonts)")
    parser.add_argument("--css", type=Path, default=DEFAULT_CSS, help="CSS file (default: styles/fonts.css)")
    parser.add_argument("--any-version", action="store_true", help="accept other package versions")
    parser.add_argument("--check", action="store_true",
                        help="rebuild into a temporary folder and compare with --out and --css")
    parser.add_argument("--text-only", action="store_true",
                        help="keep the fonts in --out; rewrite only licences, coverage, README and CSS")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="briefing-debs-") as tmp:
        debs = args.debs
        if debs is None:
            debs = Path(tmp)
            download(PACKAGES, debs)
        if not args.check:
            build(debs, args.out, args.css, any_version=args.any_version, jobs=args.jobs,
                  text_only=args.text_only)
            return 0
        with tempfile.TemporaryDirectory(prefix="briefing-check-") as check:
            out = Path(check) / "fonts"
            css = Path(check) / "fonts.css"
            build(debs, out, css, any_version=args.any_version, jobs=args.jobs)
            differ = compare(args.out, out)
            if css.read_bytes() != args.css.read_bytes():
                differ.append(str(args.css))
    if differ:
        print("differ from a fresh build: " + ", ".join(differ), file=sys.stderr)
        return 1
    print("the committed files match a fresh build", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
