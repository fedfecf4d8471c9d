"""Check, before rendering, that the bundled fonts can print every character the book prints.

A character no bundled font has would come out as an empty box (or, worse, in whatever font
the machine happens to have). So every character of what an edition prints is checked
against the bundled fonts' coverage (`fonts.find_uncovered`): the included part of each
chapter's Markdown, its title and summary, the cover's fields from `briefing.yaml` (in the edition's
language) and the edition, the project's own labels (`labels:`, `locales/<lang>.po`), the references
the chapters cite, and the chart and component data files. Each uncovered
character is reported once per line, at the file and line where it was written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path

from briefing.book.charts import chart_texts
from briefing.book.citations import find_citations
from briefing.book.editions import Book, Chapter
from briefing.errors import Problem
from briefing.pdf.fonts import find_uncovered

MESSAGE = "character '{char}' (U+{code:04X}) is not covered by the bundled fonts: it would print as an empty box"


def check_font_coverage(book: Book) -> list[Problem]:
    """Every uncovered character of what this edition prints, as `path:line` problems (one per line)."""
    from briefing.pdf.project_fonts import project_codepoints

    found: dict[tuple[Path, int, str], Problem] = {}
    project = book.project
    from briefing.book.components import component_texts

    _PROJECT_COVERED[:] = [project_codepoints(project.root)]
    for chapter in book.printed:
        section = chapter.section
        for line, text in _printed_body_lines(chapter):
            _report(found, section.path, line, text)
        for value in (section.meta.title, section.meta.summary):
            _report_value(found, section.path, value)
        for path, line, text in (*chart_texts(project, section), *component_texts(project, section)):
            _report(found, path, line, text)
    config = project.config.in_language(book.language)
    if project.config_path is not None:
        for value in (config.title, config.subtitle, config.author, config.organisation, config.version):
            _report_value(found, project.config_path, value)
    _report_labels(found, book)
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
    return group_by_line(found)


def _report_labels(found: dict[tuple[Path, int, str], Problem], book: Book) -> None:
    """The project's own words for the labels this edition prints: `labels:` in briefing.yaml for the
    book's language, and the project's catalogue (`locales/<lang>.po`); the tool's catalogues are covered."""
    from briefing.book.l10n import catalogue_files, catalogue_messages

    project = book.project
    language = book.language
    if project.config_path is not None:
        for key in dict.fromkeys((language.split("-")[0].lower(), language)):
            for label_id, text in (project.config.labels.get(key) or {}).items():
                _report_value(found, project.config_path, text, after=label_id)
    root = project.root.resolve()
    for path in catalogue_files(language, project.root):
        if root in path.resolve().parents:
            for text in catalogue_messages(path).values():
                _report_value(found, path, text)


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


_PROJECT_COVERED: list[frozenset[int]] = [frozenset()]
"""Code points the project's own fonts (`fonts/`) cover, for the check in progress."""


def _uncovered(text: str) -> list[tuple[int, str]]:
    extra = _PROJECT_COVERED[0]
    return [(offset, char) for offset, char in find_uncovered(text) if ord(char) not in extra]


def group_by_line(found: dict[tuple[Path, int, str], Problem]) -> list[Problem]:
    """One problem per file line, naming every missing character on it and its script."""
    lines: dict[tuple[Path, int], list[str]] = {}
    for path, line, char in found:
        chars = lines.setdefault((path, line), [])
        if char not in chars:
            chars.append(char)
    problems = []
    for (path, line), chars in lines.items():
        problems.append(Problem(path, line, describe_missing(chars)))
    return sorted(problems, key=lambda p: (str(p.path), p.line, p.message))


def describe_missing(chars: list[str]) -> str:
    """What one line lacks: each character, its code point, and the scripts they belong to."""
    from briefing.pdf.scripts import script_name

    scripts: list[str] = []
    for char in chars:
        if (name := script_name(char)) not in scripts:
            scripts.append(name)
    if len(chars) == 1:
        return (f"character '{chars[0]}' (U+{ord(chars[0]):04X}) is not covered by the bundled fonts: it would print "
                f"as an empty box (script: {scripts[0]}; a font that has it can go in the project's fonts/ folder)")
    shown = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars[:10])
    more = f" and {len(chars) - 10} more" if len(chars) > 10 else ""
    return (f"{len(chars)} characters are not covered by the bundled fonts and would print as empty boxes: "
            f"{shown}{more} (script{'s' if len(scripts) > 1 else ''}: {', '.join(scripts)}; a font that has them "
            "can go in the project's fonts/ folder)")


def _report(found: dict[tuple[Path, int, str], Problem], path: Path, line: int, text: str) -> None:
    for _, char in _uncovered(text):
        key = (path, line, char)
        if key not in found:
            found[key] = Problem(path, line, MESSAGE.format(char=char, code=ord(char)))


def _report_value(found: dict[tuple[Path, int, str], Problem], path: Path, value: str, after: str = "") -> None:
    """Report a value from a parsed file at the line of the file where its character was written."""
    uncovered = _uncovered(value or "")
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
    for chapter in book.printed:
        for group in find_citations(chapter.body, 1, book.project.references):
            keys += [c.key for c in group.items if c.key not in keys]
    nocite = book.project.config.nocite
    return keys + [k for k in (book.project.references if "*" in nocite else nocite) if k not in keys]


_FIELD_NAMES = ("title", "title_short", "container_title", "publisher", "note", "url")


def _printed_fields(reference: object) -> list[str]:
    values = [str(getattr(reference, name, "") or "") for name in _FIELD_NAMES]
    for name in (*getattr(reference, "author", ()), *getattr(reference, "editor", ())):
        values += [name.family, name.given, name.literal]
    for extra in (getattr(reference, "model_extra", None) or {}).values():  # every other CSL field prints too
        for item in extra if isinstance(extra, list) else [extra]:
            parts = item.values() if isinstance(item, dict) else [item]
            values += [str(v) for v in parts if isinstance(v, str)]
    return [re.sub(r"\s+", " ", v) for v in values if v]
