"""Books in Japanese and Chinese print their labels and dates in that language; single quotes follow the
language while apostrophes stay apostrophes; a language with no catalogue prints English throughout, with a
warning at its `language:` line."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_fixture, pdf_pages_text, run_briefing

SENTENCE = "The partner's view, the partners' view and don't; 'quoted' here."


def _book(tmp_path: Path, language: str) -> tuple[Path, str]:
    project = copy_fixture("basic", tmp_path)
    config = project / "briefing.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("language: en", f"language: {language}"), "utf-8")
    chapter = project / "content" / "digital.md"
    text = chapter.read_text(encoding="utf-8")
    chapter.write_text(text.replace("## Background\n", f"## Background\n\n{SENTENCE}\n", 1), "utf-8")
    built = run_briefing("build", cwd=project)
    assert built.code == 0, built.stderr
    return project, built.stderr


@pytest.mark.parametrize(("language", "words", "quoted"), [
    ("ja", ("目次", "出典", "ページ", "2025年1月15日 作成", "取扱注意"), "『quoted』"),
    ("zh", ("目录", "资料来源", "第 2 页，共", "2025年1月15日生成"), "‘quoted’"),
    ("zh-TW", ("目錄", "資料來源", "第 2 頁，共", "2025年1月15日生成"), "『quoted』"),
])
def test_japanese_and_chinese_books_print_their_own_labels(tmp_path: Path, language: str,
                                                           words: tuple[str, ...], quoted: str) -> None:
    project, stderr = _book(tmp_path, language)
    assert "no labels in" not in stderr
    pages = pdf_pages_text(project / "build" / "full.pdf")
    text = "\n".join(pages)
    for word in words:
        assert word in text, (word, pages[:2])
    for english in ("Contents", "Sources", "Page ", "Prepared by", "January"):
        assert english not in text, english
    flat = " ".join(text.split())
    # single quotes are the language's; an apostrophe is ’ whatever the language
    assert "partner’s view, the partners’ view and don’t;" in flat, flat[:2000]
    assert quoted in flat, flat[:2000]  # 'quoted' is a quotation inside the text: the language's single marks


def test_a_language_without_labels_prints_english_and_warns_at_its_line(tmp_path: Path) -> None:
    project, stderr = _book(tmp_path, "fr")
    assert "briefing.yaml:5: warning: no labels in 'fr'" in stderr, stderr
    text = "\n".join(pdf_pages_text(project / "build" / "full.pdf"))
    assert "Contents" in text and "15 January 2025" in text
    assert "janvier" not in text


def test_a_project_catalogue_edited_in_a_running_process_is_read_again(tmp_path: Path) -> None:
    """`watch` and `preview` build in one process: a label changed in the project's catalogue prints at the next build."""
    from briefing.book.l10n import load_labels

    catalogue = tmp_path / "locales" / "en.po"
    catalogue.parent.mkdir()
    entry = 'msgid "contents"\nmsgstr "{}"\n'
    catalogue.write_text(entry.format("In this book"), "utf-8")
    assert load_labels("en", tmp_path)("contents") == "In this book"
    catalogue.write_text(entry.format("What this book holds"), "utf-8")
    assert load_labels("en", tmp_path)("contents") == "What this book holds"
