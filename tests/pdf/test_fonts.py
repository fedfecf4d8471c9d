"""The bundled fonts: what they cover, the coverage check, and rendering with them alone.

The render tests run WeasyPrint in a subprocess whose fontconfig sees only the bundled fonts
(`briefing.pdf.fonts.fontconfig_env`), as a release does, and read the PDF back with pypdf.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from briefing.pdf import fonts
from briefing.pdf.fonts import (
    bundled_font_dir,
    bundled_font_files,
    covered_codepoints,
    find_uncovered,
    fontconfig_env,
    parse_coverage,
    read_cmaps,
)

FONT_DIR = bundled_font_dir()
STYLES = FONT_DIR.parent
FAMILIES = {"Briefing Serif", "Briefing Sans", "Briefing Mono", "Briefing Hangul Serif", "Briefing Hangul Sans",
            "Briefing Hangul"}
LATIN_PUNCTUATION = "– — ‘ ’ “ ” … € ₩ ₮ · « » „ ‹ › • † ‡ ′ ″ № © ® ™ ° ± × ÷ ½ ¼ ¾ § ¶"
CJK_PUNCTUATION = "「」『』《》〈〉【】、。〃〜※ㆍ（）［］！？"
KOREAN = "국회의장 우원식"
MONGOLIAN = "Ухнаагийн Хүрэлсүх"
SENTENCE = (f"The Speaker, {KOREAN} (Woo Won-shik), met President {MONGOLIAN} — “a good meeting” … "
            "€5, ₩1,000, ₮3,400 · Өлзий, Үүрийн; «кавычки» „Anführung“ 「인용」 ※ → −3%")
PROBES = "Ա א ب ก ა क ᠮ"
"""Armenian, Hebrew, Arabic, Thai, Georgian, Devanagari, traditional Mongolian: none is bundled; a
typical machine has a system font for some of them, which an unisolated render would pick up."""


# Coverage ------------------------------------------------------------------------------------

def test_every_hangul_syllable_compatibility_jamo_and_modern_jamo_is_covered() -> None:
    covered = covered_codepoints()
    syllables = range(0xAC00, 0xD7A4)
    assert len(syllables) == 11172
    assert [hex(cp) for cp in syllables if cp not in covered] == []
    assert [hex(cp) for cp in range(0x3131, 0x318F) if cp not in covered] == []
    modern_jamo = [*range(0x1100, 0x1113), *range(0x1161, 0x1176), *range(0x11A8, 0x11C3)]
    assert [hex(cp) for cp in modern_jamo if cp not in covered] == []
    assert find_uncovered(CJK_PUNCTUATION) == []


def test_the_han_of_the_national_standards_kana_and_polytonic_greek_are_covered() -> None:
    """Every Han character of GB 2312, JIS X 0208 and KS X 1001, as Python's codecs define them."""
    covered = covered_codepoints()
    for codec in ("gb2312", "shift_jis", "euc_kr"):
        missing = [hex(cp) for cp in range(0x4E00, 0xA000) if _encodes(chr(cp), codec) and cp not in covered]
        assert missing == [], codec
    assert [hex(cp) for cp in range(0x3041, 0x3097) if cp not in covered] == []  # hiragana
    assert [hex(cp) for cp in range(0x30A1, 0x30FB) if cp not in covered] == []  # katakana
    assert find_uncovered("Ἀθῆναι ᾠδή ῥήτωρ") == []


def _encodes(char: str, codec: str) -> bool:
    try:
        return len(char.encode(codec)) == 2
    except UnicodeEncodeError:
        return False


def test_cyrillic_with_the_mongolian_letters_is_covered() -> None:
    covered = covered_codepoints()
    assert [hex(cp) for cp in range(0x0400, 0x0500) if cp not in covered] == []
    assert find_uncovered("ӨөҮү Ёё " + MONGOLIAN) == []


def test_latin_typographic_punctuation_and_currencies_are_covered() -> None:
    assert find_uncovered(LATIN_PUNCTUATION) == []
    assert find_uncovered("Ångström, Dvořák, Łódź, Đorđe, ș ț, Nguyễn, naïve, œuvre, ﬁ ß ẞ") == []
    assert find_uncovered(SENTENCE) == []


def test_uncovered_characters_are_reported_with_their_offsets() -> None:
    text = "𪛖ᠮ and 😀 or 漢字 カ ᠰ\n"  # a rare Han (Extension B), traditional Mongolian, an emoji
    assert find_uncovered(text) == [(0, "𪛖"), (1, "ᠮ"), (7, "😀"), (17, "ᠰ")]
    assert find_uncovered("Meeting with ᠴᠠᠭ") == [(13, "ᠴ"), (14, "ᠠ"), (15, "ᠭ")]
    assert find_uncovered("private \ue000 use") == [(8, "\ue000")]


def test_spaces_controls_and_joiners_are_never_reported() -> None:
    text = "a\tb\nc\r\u200dd\u200ce\u200bf\u00a0g\u202fh\u2009i\u3000j\u00adk\u2060l\ufeffm\u200e\ufe0f\u034f"
    assert find_uncovered(text) == []
    assert find_uncovered("👍\u200d👍\ufe0f") == [(0, "👍"), (2, "👍")]


def test_coverage_file_is_the_union_of_the_bundled_cmaps() -> None:
    """coverage.txt is generated; it must not go stale when the fonts change."""
    from_file = parse_coverage((FONT_DIR / "coverage.txt").read_text(encoding="utf-8"))
    assert from_file == read_cmaps()
    assert covered_codepoints() == from_file
    assert covered_codepoints() is covered_codepoints()  # cached


def test_parse_coverage_rejects_garbage() -> None:
    assert parse_coverage("# comment\n0041-0043\n00E9 # é\n\n") == frozenset({0x41, 0x42, 0x43, 0xE9})
    with pytest.raises(ValueError, match="line 2"):
        parse_coverage("0041\nzz\n")
    with pytest.raises(ValueError, match="ends before"):
        parse_coverage("0043-0041\n")


# The bundle ----------------------------------------------------------------------------------

def _font_faces() -> list[dict[str, str]]:
    css = (STYLES / "fonts.css").read_text(encoding="utf-8")
    faces = []
    for body in re.findall(r"@font-face\s*\{([^}]*)\}", css):
        faces.append({key.strip(): value.strip().strip('"')
                      for key, value in re.findall(r"([\w-]+)\s*:\s*([^;]+);", body)})
    return faces


def test_fonts_css_declares_every_family_from_existing_files() -> None:
    faces = _font_faces()
    assert {face["font-family"] for face in faces} == FAMILIES
    for face in faces:
        url = re.fullmatch(r'url\("?(fonts/[^")]+)"?\)', face["src"])
        assert url, face["src"]
        assert (STYLES / url.group(1)).is_file(), url.group(1)
    for family in ("Briefing Serif", "Briefing Sans"):
        styles = {(f["font-weight"], f["font-style"]) for f in faces if f["font-family"] == family}
        assert styles == {("400", "normal"), ("400", "italic"), ("700", "normal"), ("700", "italic")}
    mono = {(f["font-weight"], f["font-style"]) for f in faces if f["font-family"] == "Briefing Mono"}
    assert mono == {("400", "normal"), ("700", "normal")}
    used = {re.search(r"fonts/([^\")]+)", face["src"]).group(1) for face in faces}  # type: ignore[union-attr]
    assert used == {path.name for path in bundled_font_files()}


def test_hangul_faces_hold_only_what_their_latin_partner_lacks() -> None:
    """Fontconfig gives a face the characters of its cmap: the Hangul files hold Hangul, kana, Han,
    CJK punctuation and the symbols their Latin partner lacks, and nothing the partner sets (Latin,
    Greek, Cyrillic), so no `unicode-range` is needed (WeasyPrint took about a second to read the
    5,000 ranges per face it took, in every process)."""
    faces = _font_faces()
    assert not [face for face in faces if "unicode-range" in face], "the cmaps say what each face sets"
    hangul = [face for face in faces if "Hangul" in face["font-family"]]
    assert len(hangul) == 6
    partners = {"NotoSerifCJKkr": "NotoSerif", "NotoSansCJKkr": "NotoSans"}
    for face in hangul:
        name = re.search(r"fonts/([^\")]+)", face["src"]).group(1)  # type: ignore[union-attr]
        cmap = set(TTFont(str(FONT_DIR / name), lazy=True).getBestCmap())
        stem, _, weight = name.removesuffix(".otf").partition("-")
        latin = set(TTFont(str(FONT_DIR / f"{partners[stem]}-{weight}.ttf"), lazy=True).getBestCmap())
        assert set(range(0xAC00, 0xD7A4)) <= cmap and {0x3042, 0x4E00, 0x97D3, 0x3001} <= cmap, name  # 가 あ 一 韓 、
        assert not {ord(c) for c in "aZ9é.,Жжα–“"} & cmap, name
        assert ord(" ") in cmap, name  # Pango never changes fonts for a space: a Hangul run sets its own
        cjk_blocks = [(0x1100, 0x11FF), (0x3000, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF),
                      (0xFF00, 0xFFEF)]
        shared = sorted(cp for cp in cmap & latin - {0x20} if not any(a <= cp <= b for a, b in cjk_blocks))
        assert shared == [], (name, [hex(cp) for cp in shared[:10]])


def test_payload_is_small_and_every_font_has_its_licence() -> None:
    files = bundled_font_files()
    assert len(files) == 14
    total = sum(path.stat().st_size for path in files)
    assert total < 24_000_000, total  # about 2.6 MB of Latin, Greek and Cyrillic; Hangul, kana and 10,000 Han
    licences = {path.name: path.read_text(encoding="utf-8") for path in FONT_DIR.glob("OFL*.txt")}
    assert set(licences) == {"OFL-Noto.txt", "OFL-NotoCJK.txt", "OFL-NotoMono.txt"}
    readme = (FONT_DIR / "README.md").read_text(encoding="utf-8")
    for path in files:
        holders = [name for name, text in licences.items() if path.name in text]
        assert len(holders) == 1, path.name
        assert "SIL OPEN FONT LICENSE Version 1.1" in licences[holders[0]]
        assert path.name in readme


def test_bundled_font_dir_prefers_the_wheel_layout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "briefing"
    (tmp_path / "styles" / "fonts").mkdir(parents=True)
    package.mkdir()
    monkeypatch.setattr(fonts, "PACKAGE_DIR", package)
    assert bundled_font_dir() == tmp_path / "styles" / "fonts"
    (package / "theme" / "styles" / "fonts").mkdir(parents=True)
    assert bundled_font_dir() == package / "theme" / "styles" / "fonts"


# Isolated fontconfig -------------------------------------------------------------------------

def test_fontconfig_file_lists_the_bundle_and_nothing_else(tmp_path: Path) -> None:
    env = fontconfig_env(tmp_path / "cache")
    config = Path(env["FONTCONFIG_FILE"])
    assert config.parent == tmp_path / "cache"
    text = config.read_text(encoding="utf-8")
    assert re.findall(r"<dir[^>]*>([^<]*)</dir>", text) == [str(FONT_DIR.resolve())]
    assert "<include" not in text and "/usr/share/fonts" not in text
    assert fontconfig_env(tmp_path / "cache") == env  # stable, rewritten only on change
    if shutil.which("fc-list") is None:
        pytest.skip("fc-list (Debian package fontconfig) is not installed")
    listed = subprocess.run(["fc-list", "--format", "%{file}\n"], env={**os.environ, **env},
                            capture_output=True, text=True, check=True).stdout.split()
    assert sorted(listed) == sorted(str(path.resolve()) for path in bundled_font_files())
    assert (tmp_path / "cache" / "cache").is_dir() and any((tmp_path / "cache" / "cache").iterdir())


RENDER = r"""
import json, sys, time
started = time.perf_counter()
import weasyprint
from weasyprint.text.fonts import FontConfiguration
imported = time.perf_counter()
jobs, base_url = json.loads(sys.argv[1]), sys.argv[2]
times = {"import": imported - started}
for html, out in jobs:
    begin = time.perf_counter()
    weasyprint.HTML(string=html, base_url=base_url).write_pdf(out, font_config=FontConfiguration())
    times[out] = time.perf_counter() - begin
print(json.dumps(times))
"""

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<link rel="stylesheet" href="fonts.css"><style>
body {{ font-family: "Briefing Serif", "Briefing Hangul Serif", serif; font-size: 11pt; }}
h1 {{ font-family: "Briefing Sans", "Briefing Hangul Sans", sans-serif; font-weight: bold; }}
</style></head><body>{body}</body></html>"""

NAMES_BODY = f"""<h1>{KOREAN} · {MONGOLIAN}</h1><p>{SENTENCE}</p>
<p><b>{KOREAN}</b> <i>Italic</i> <b><i>{MONGOLIAN}</i></b></p>"""


def _render(out_dir: Path, jobs: list[tuple[str, Path]], env: dict[str, str]) -> dict[str, float]:
    payload = json.dumps([(html, str(path)) for html, path in jobs])
    result = subprocess.run([sys.executable, "-c", RENDER, payload, STYLES.resolve().as_uri() + "/"],
                            env=env, capture_output=True, text=True, check=False, timeout=300, cwd=out_dir)
    assert result.returncode == 0, result.stderr
    times: dict[str, float] = json.loads(result.stdout.strip().splitlines()[-1])
    return times


@pytest.fixture(scope="module")
def isolated_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The names page and a page of unbundled scripts, rendered with only the bundled fonts."""
    out = tmp_path_factory.mktemp("fonts-render")
    env = {**os.environ, **fontconfig_env(out / "fontconfig-cache")}
    pdfs = {"names": out / "names.pdf", "probes": out / "probes.pdf"}
    times = _render(out, [(PAGE.format(body=NAMES_BODY), pdfs["names"]),
                          (PAGE.format(body=f"<p>Probes: {PROBES}</p>"), pdfs["probes"])], env)
    print(f"isolated render times (s): {times}")
    return pdfs


def _pdf_fonts(path: Path) -> list[tuple[str, str | None, bytes | None]]:
    """(BaseFont, font file key, font program) of every font on every page."""
    found = []
    for page in PdfReader(str(path)).pages:
        resources: Any = page["/Resources"]
        for reference in resources["/Font"].values():
            font: Any = reference.get_object()
            descriptor: Any = None
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            else:
                descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            key = next((k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in descriptor), None)
            program = descriptor[key].get_object().get_data() if key else None
            found.append((str(font["/BaseFont"]), key, program))
    return found


def _bundled_postscript_names() -> set[str]:
    return {TTFont(str(path), lazy=True)["name"].getDebugName(6) or "" for path in bundled_font_files()}


def _assert_only_bundled_fonts(pdf: Path) -> set[str]:
    """Every font is embedded, is one of the bundled ones, and is published under a bundled family."""
    bundled = _bundled_postscript_names()
    families = set()
    for base_font, key, program in _pdf_fonts(pdf):
        assert key is not None and program, f"{base_font} is not embedded"
        tagged = re.fullmatch(r"/[A-Z]{6}\+(Briefing-[A-Za-z-]+)", base_font)
        assert tagged, f"{base_font} is not a bundled family"
        families.add(tagged.group(1))
        embedded = TTFont(BytesIO(program))["name"].getDebugName(6)
        assert embedded in bundled, f"{base_font} embeds {embedded}, not a bundled font"
    return families


def test_render_embeds_only_the_bundled_fonts(isolated_pdfs: dict[str, Path]) -> None:
    families = _assert_only_bundled_fonts(isolated_pdfs["names"])
    assert {"Briefing-Serif", "Briefing-Serif-Italic", "Briefing-Serif-Bold-Italic", "Briefing-Sans-Bold",
            "Briefing-Hangul-Serif", "Briefing-Hangul-Serif-Bold", "Briefing-Hangul-Sans-Bold"} <= families
    if shutil.which("pdffonts"):
        listing = subprocess.run(["pdffonts", str(isolated_pdfs["names"])], capture_output=True, text=True,
                                 check=True).stdout.splitlines()[2:]
        assert listing
        for row in listing:
            assert re.match(r"[A-Z]{6}\+Briefing-", row), row
            assert row.split()[-5:-2] == ["yes", "yes", "yes"], row  # embedded, subset, ToUnicode


def test_render_text_extracts_exactly(isolated_pdfs: dict[str, Path]) -> None:
    text = "\n".join(page.extract_text() for page in PdfReader(str(isolated_pdfs["names"])).pages)
    for expected in ("우원식", "Хүрэлсүх", KOREAN, MONGOLIAN, "Өлзий, Үүрийн"):
        assert expected in text
    assert text.count("우원식") == 3 and text.count("Хүрэлсүх") == 3
    flowing = " ".join(text.split())  # line breaks fall where the layout puts them
    for expected in ("— “a good meeting” … €5, ₩1,000, ₮3,400 ·", "«кавычки» „Anführung“ 「인용」 ※ → −3%"):
        assert expected in flowing


def test_unbundled_characters_never_fall_back_to_system_fonts(isolated_pdfs: dict[str, Path]) -> None:
    _assert_only_bundled_fonts(isolated_pdfs["probes"])


def test_the_isolation_check_can_fail(tmp_path: Path) -> None:
    """Control: the same probe page rendered with the machine's fontconfig picks up a system font."""
    if shutil.which("fc-list") is None:
        pytest.skip("fc-list (Debian package fontconfig) is not installed")
    env = {key: value for key, value in os.environ.items() if key != "FONTCONFIG_FILE"}
    charsets = [f":charset={ord(char):x}" for char in PROBES.split()]
    if not any(subprocess.run(["fc-list", pattern, "file"], env=env, capture_output=True, text=True,
                              check=False).stdout.strip() for pattern in charsets):
        pytest.skip("no system font covers any probe character: nothing to fall back to")
    pdf = tmp_path / "probes.pdf"
    _render(tmp_path, [(PAGE.format(body=f"<p>Probes: {PROBES}</p>"), pdf)], env)
    with pytest.raises(AssertionError):
        _assert_only_bundled_fonts(pdf)
