"""Scripts the bundled fonts lack: one error per line naming the characters and their script, in
`check` as in `build`; a font in the project's `fonts/` folder fills the gap."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, copy_fixture, pdf_pages_text, run_briefing

MONGOLIAN = "ᠮᠣᠩᠭᠣᠯ ᠤᠯᠤᠰ"


def _add_section(project: Path) -> Path:
    path = project / "content" / "mongol.md"
    path.write_text("---\ntitle: Traditional script\nsector: context\norder: 50\nreviewed: 2025-01-01\n---\n\n"
                    f"The country's name in the traditional script: {MONGOLIAN} (Монгол Улс).\n", encoding="utf-8")
    return path


def test_uncovered_characters_fail_check_and_build_once_per_line_with_their_script(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    _add_section(project)
    for command in (("check",), ("build", "--format", "html")):
        result = run_briefing(*command, cwd=project)
        assert result.code == 1, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.startswith("content/mongol.md:")]
        assert len(lines) == 1, result.stderr  # one line of text, one error (not one per character)
        assert lines[0].startswith("content/mongol.md:8: 7 characters are not covered by the bundled fonts")
        assert "'ᠮ' (U+182E)" in lines[0] and "(script: Mongolian;" in lines[0] and "fonts/ folder" in lines[0]


def test_a_project_font_covers_what_the_bundled_fonts_lack(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    _add_section(project)
    (project / "fonts").mkdir()
    shutil.copy(FIXTURES / "fonts" / "NotoSansMongolian-subset.ttf", project / "fonts")
    assert run_briefing("check", cwd=project).code == 0
    result = run_briefing("build", cwd=project)
    assert result.code == 0, result.stderr
    text = "".join(pdf_pages_text(project / "build" / "full.pdf"))
    assert "ᠮᠣᠩᠭᠣᠯ" in text and "Монгол Улс" in text


def test_han_kana_and_polytonic_greek_are_covered(tmp_path: Path) -> None:
    from briefing.pdf.fonts import find_uncovered

    assert not find_uncovered("中华人民共和国 日本語のテキスト カタカナ 大韓民國 漢字 ἀρχὴ ᾅδης 横浜 北京")
    assert not find_uncovered("print('hello')  # code")


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def test_a_project_label_the_fonts_cannot_print_is_an_error_at_its_line(tmp_path: Path) -> None:
    """`labels:` in briefing.yaml is printed text too: checked against the fonts like the content."""
    project = copy_fixture("meeting-pack", tmp_path)
    config = project / "briefing.yaml"
    config.write_text(config.read_text("utf-8").replace("labels:\n", f"labels:\n  en: {{contents: \"{MONGOLIAN}\"}}\n"),
                      "utf-8")
    line = _line_of(config, MONGOLIAN)
    for command in (("check",), ("build", "--edition", "minister")):
        result = run_briefing(*command, cwd=project)
        assert result.code == 1, result.stderr
        assert f"briefing.yaml:{line}: 7 characters are not covered by the bundled fonts" in result.stderr, command
        assert "(script: Mongolian;" in result.stderr and "Traceback" not in result.stderr
    assert not (project / "build" / "minister.pdf").exists()
    (project / "fonts").mkdir()  # a project font that has the script makes it printable
    shutil.copy(FIXTURES / "fonts" / "NotoSansMongolian-subset.ttf", project / "fonts")
    built = run_briefing("build", "--edition", "minister", cwd=project)
    assert built.code == 0, built.stderr
    assert any(page.startswith(MONGOLIAN) for page in pdf_pages_text(project / "build" / "minister.pdf"))


def test_a_project_catalogue_the_fonts_cannot_print_is_an_error_at_its_line(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    (project / "locales").mkdir()
    catalogue = project / "locales" / "fr.po"
    catalogue.write_text(f'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\nmsgid "contents"\nmsgstr "Sommaire {MONGOLIAN}"\n',
                         "utf-8")
    editions = project / "content" / "editions.yaml"
    editions.write_text(editions.read_text("utf-8") + "  minister-fr:\n    title: Note au ministre\n"
                        "    level: internal\n    language: fr\n", "utf-8")
    result = run_briefing("build", "--edition", "minister-fr", cwd=project)
    assert result.code == 1, result.stderr
    assert f"locales/fr.po:{_line_of(catalogue, MONGOLIAN)}: 7 characters are not covered" in result.stderr
    assert run_briefing("build", "--edition", "minister", cwd=project).code == 0  # English prints no French label


def test_the_books_words_in_another_language_are_checked_for_that_languages_editions(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    config = project / "briefing.yaml"
    config.write_text(config.read_text("utf-8") + f"translations:\n  ko: {{title: \"한·몽 {MONGOLIAN}\"}}\n", "utf-8")
    result = run_briefing("build", "--edition", "minister-ko", cwd=project)
    assert result.code == 1, result.stderr
    assert f"briefing.yaml:{_line_of(config, MONGOLIAN)}: 7 characters are not covered" in result.stderr
    assert run_briefing("build", "--edition", "minister", cwd=project).code == 0  # the English title is printable
