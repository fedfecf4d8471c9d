"""A section body as the checker reads it: units of text, headings, and where each one is.

A unit is what one citation can cover: a paragraph (split into sentences later), one bullet,
one table row, one definition, one footnote text or one block quote. Each unit keeps its
newlines, so an offset in its text maps back to a line of the file. Fenced code blocks,
HTML comments, fenced-div lines and table separator rows are not text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from briefing.project.blocks import iter_lines, part_slug
from briefing.project.models import Section

UnitKind = Literal["paragraph", "bullet", "table row", "definition", "note", "quotation"]

_DIV_FENCE = re.compile(r"^\s{0,3}:{3,}")
_HEADING = re.compile(r"^\s{0,3}(?P<marks>#{1,6})(?:\s+(?P<title>.*?))?\s*#*\s*$")
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d{1,9}[.)])(?:\s+|$)")
_DEFINITION = re.compile(r"^\s{0,3}:\s+")
_FOOTNOTE_DEF = re.compile(r"^\s{0,3}\[\^[^\]\s]+\]:\s*")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_TABLE_ROW = re.compile(r"^\s*\|")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_THEMATIC_BREAK = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")


@dataclass
class Unit:
    """One piece of text a citation can cover, with the file line of its first line."""

    kind: UnitKind
    path: Path
    """The section file."""
    line: int
    part: str
    """Slug of the `##` part it is in ('intro' before the first)."""
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def line_at(self, offset: int) -> int:
        """The file line of an offset in `text`."""
        return self.line + self.text.count("\n", 0, offset)


@dataclass(frozen=True)
class Heading:
    """An ATX heading of the body."""

    level: int
    title: str
    line: int


@dataclass
class SectionText:
    """Everything the checks read from one section body."""

    section: Section
    units: list[Unit]
    headings: list[Heading]
    text_lines: list[tuple[int, str]]
    """(file line, line) of every line outside code blocks, for the checks that scan lines."""


def read_section(section: Section) -> SectionText:
    """Split a section body into units and headings."""
    units: list[Unit] = []
    headings: list[Heading] = []
    text_lines: list[tuple[int, str]] = []
    current: Unit | None = None
    part = "intro"
    in_comment = False
    lines = section.body.split("\n")

    def close() -> None:
        nonlocal current
        if current is not None and any(line.strip() for line in current.lines):
            units.append(current)
        current = None

    for index, line, in_code in iter_lines(section.body):
        number = section.body_line + index
        if in_code:
            close()
            continue
        text_lines.append((number, line))
        stripped = line.strip()
        if in_comment or stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            close()
            continue
        if not stripped or _DIV_FENCE.match(line) or _THEMATIC_BREAK.match(line):
            close()
            continue
        heading = _HEADING.match(line)
        if heading:
            close()
            title = heading.group("title") or ""
            headings.append(Heading(len(heading.group("marks")), title, number))
            if len(heading.group("marks")) == 2:
                part = part_slug(title) or "intro"
            continue
        if _TABLE_ROW.match(line):
            close()
            following = lines[index + 1] if index + 1 < len(lines) else ""
            if not _TABLE_SEPARATOR.match(line) and not _TABLE_SEPARATOR.match(following):
                units.append(Unit("table row", section.path, number, part, [line]))  # a header row is followed by |---|
            continue
        started = _start(line)
        if started is not None:
            kind, rest = started
            if kind == "definition" and current is not None and current.kind == "paragraph" and len(current.lines) == 1:
                current = None  # the paragraph was the term being defined
            elif kind == "definition" and current is None and units and units[-1].kind == "paragraph" \
                    and len(units[-1].lines) == 1 and units[-1].line >= number - 2:
                units.pop()
            if kind == "quotation" and current is not None and current.kind == "quotation":
                current.lines.append(rest)
                continue
            close()
            current = Unit(kind, section.path, number, part, [rest])
            continue
        if current is None:
            current = Unit("paragraph", section.path, number, part, [])
        current.lines.append(stripped)
    close()
    return SectionText(section, units, headings, text_lines)


def _start(line: str) -> tuple[UnitKind, str] | None:
    """The kind of unit a line starts (with the line's text after its marker), if it starts one."""
    for pattern, kind in ((_FOOTNOTE_DEF, "note"), (_DEFINITION, "definition"), (_QUOTE, "quotation"),
                          (_BULLET, "bullet")):
        match = pattern.match(line)
        if match:
            return kind, line[match.end():]  # type: ignore[return-value]
    return None


def front_matter_line(section: Section, raw: dict[str, str], key: str) -> int:
    """The line of `key:` in a section's front matter (1 when it cannot be found)."""
    front = raw.get(str(section.path), "").split("\n")[: max(section.body_line - 1, 1)]
    pattern = re.compile(rf"^{re.escape(key)}\s*:")
    return next((index + 1 for index, line in enumerate(front) if pattern.match(line)), 1)
