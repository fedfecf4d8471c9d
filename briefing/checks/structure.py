"""The shape of a section body: its heading hierarchy and its images' alternative text.

The chapter title is the `#` level (from the front matter), so a body starts at `##`, and
each heading goes at most one level deeper than the one before (a reader of the PDF's
outline, or a screen reader, loses their place otherwise).
"""

from __future__ import annotations

import re

from briefing.checks.finding import Finding, finding
from briefing.checks.units import SectionText, read_section
from briefing.errors import Problem
from briefing.project.models import Section

_MARKDOWN_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\](?:\([^)\n]*\)|\[[^\]\n]*\])")
_HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.I)
_ALT = re.compile(r"\balt\s*=\s*(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)'|(?P<bare>[^\s>]+))", re.I)


def title_heading_message(title: str) -> str:
    """What a build and `briefing check` both say of a `#` heading in a section body."""
    return f"'# {title}': a section body starts at '##' (the chapter title comes from the front matter's title)"


def title_heading_problems(section: Section) -> list[Problem]:
    """A `#` heading in a body: an error for the build too (it would print as a second chapter title)."""
    return [Problem(section.path, heading.line, title_heading_message(heading.title))
            for heading in read_section(section).headings if heading.level == 1]


def check_structure(text: SectionText) -> list[Finding]:
    """`title-heading`, `heading-skip` and `missing-alt` in one section."""
    path = text.section.path
    found: list[Finding] = []
    previous = 1
    for heading in text.headings:
        if heading.level == 1:
            found.append(finding(path, heading.line, "title-heading", title_heading_message(heading.title)))
        elif heading.level > previous + 1:
            found.append(finding(path, heading.line, "heading-skip",
                                 f"heading level {heading.level} ('{'#' * heading.level} {heading.title}') follows "
                                 f"level {previous}: use '{'#' * (previous + 1)}'"))
        previous = max(heading.level, 1)
    for line_number, line in text.text_lines:
        for image in _MARKDOWN_IMAGE.finditer(line):
            if not image.group("alt").strip():
                found.append(finding(path, line_number, "missing-alt",
                                     "image without alternative text: describe it in ![...](...)"))
        for tag in _HTML_IMAGE.finditer(line):
            alt = _ALT.search(tag.group(0))
            if alt is None or not (alt.group("double") or alt.group("single") or alt.group("bare") or "").strip():
                found.append(finding(path, line_number, "missing-alt",
                                     "<img> without alternative text: add alt=\"...\""))
    return found
