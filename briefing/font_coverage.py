"""Check, before rendering, that the bundled fonts can print every character the book prints.

A character no bundled font has would come out as an empty box (or, worse, in whatever font
the machine happens to have). So every character of what an edition prints is checked
against the bundled fonts' coverage (`fonts.find_uncovered`): the included part of each
chapter's Markdown, its title and summary, the cover's fields from `briefing.yaml` and the
edition, the references the chapters cite, and the chart data files. Each uncovered
character is reported once per line, at the file and line where it was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path

from .charts import chart_texts
from .citations import find_citations
from .editions import Book, Chapter
from .errors import Problem
from .fonts import find_uncovered

MESSAGE = "character '{char}' (U+{code:04X}) is not covered by the bundled fonts: it would print as an empty box"


def check_font_coverage(book: Book) -> list[Problem]:
    """Every uncovered character of what this edition prints, as `path:line` problems."""
    found: dict[tuple[Path, int, str], Problem] = {}
    project = book.project
    from .components import component_texts

    for chapter in (*((book.opening,) if book.opening else ()), *book.chapters):
        section = chapter.section
        for line, text in _printed_body_lines(chapter):
            _report(found, section.path, line, text)
        for value in (section.meta.title, section.meta.summary):
            _report_value(found, section.path, value)
        for path, line, text in (*chart_texts(project, section), *component_texts(project, section)):
            _report(found, path, line, text)
    config = project.config
    if project.config_path is not None:
        for value in (config.title, config.subtitle, config.author, config.organisation, config.version):
            _report_value(found, project.config_path, value)
    edition = book.edition
    edition_values = [edition.title, edition.audience]
    if edition.meeting is not None:
        edition_values += [edition.meeting.place, *edition.meeting.participants]
    if project.editions_path is not None:
        for value in edition_values:
            _report_value(found, project.editions_path, value)
    if project.references_path is not None:
        for key in _cited_keys(book):
            reference = project.references.get(key)
            if reference is not None:
                for value in _printed_fields(reference):
                    _report_value(found, project.references_path, value, after=key)
    return sorted(found.values(), key=lambda p: (str(p.path), p.line, p.message))


def _printed_body_lines(chapter: Chapter) -> Iterable[tuple[int, str]]:
    """(file line, text) of the section's Markdown lines this edition keeps.

    The chapter body is the section body with dropped blocks and parts removed and fence
    lines replaced by HTML wrappers, so the kept lines are those a line diff finds in both.
    """
    section = chapter.section
    original = section.body.split("\n")
    matcher = SequenceMatcher(None, original, chapter.body.split("\n"), autojunk=False)
    for block in matcher.get_matching_blocks():
        for index in range(block.a, block.a + block.size):
            yield section.body_line + index, original[index]


def _report(found: dict[tuple[Path, int, str], Problem], path: Path, line: int, text: str) -> None:
    for _, char in find_uncovered(text):
        key = (path, line, char)
        if key not in found:
            found[key] = Problem(path, line, MESSAGE.format(char=char, code=ord(char)))


def _report_value(found: dict[tuple[Path, int, str], Problem], path: Path, value: str, after: str = "") -> None:
    """Report a value from a parsed file at the line of the file where its character was written."""
    uncovered = find_uncovered(value or "")
    if not uncovered:
        return
    lines = _file_lines(path)
    start = next((i for i, text in enumerate(lines) if after and after in text), 0)
    for _, char in uncovered:
        index = next((i for i in range(start, len(lines)) if char in lines[i]),
                     next((i for i, text in enumerate(lines) if char in text), -1))
        line = index + 1 if index >= 0 else 0
        key = (path, line, char)
        if key not in found:
            found[key] = Problem(path, line, MESSAGE.format(char=char, code=ord(char)))


def _file_lines(path: Path) -> list[str]:
    """The lines of an input file, read only to point at a line (it was read and validated before)."""
    try:
        return path.read_text("utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return []


def _cited_keys(book: Book) -> list[str]:
    keys: list[str] = []
    for chapter in book.chapters:
        for group in find_citations(chapter.body):
            keys += [c.key for c in group.items if c.key not in keys]
    return keys


_FIELD_NAMES = ("title", "title_short", "container_title", "publisher", "note", "url")


def _printed_fields(reference: object) -> list[str]:
    values = [str(getattr(reference, name, "") or "") for name in _FIELD_NAMES]
    for name in (*getattr(reference, "author", ()), *getattr(reference, "editor", ())):
        values += [name.family, name.given, name.literal]
    return [re.sub(r"\s+", " ", v) for v in values if v]
