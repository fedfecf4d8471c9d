"""Point a problem found in rendered HTML or by the fetcher back to the line the user wrote.

The HTML and the URLs WeasyPrint asks for no longer carry line numbers, so this module
searches the sources: the Markdown of each section (code blocks and spans blanked out, so
an example in backticks is never blamed) and the project's own stylesheets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urljoin

from briefing.book.citations import mask_code
from briefing.errors import Problem
from briefing.project.models import Section
from briefing.project.theme import Theme
from briefing.safety.fetch import Refusal
from briefing.safety.urls import THEME_URL

_TARGETS = re.compile(
    r"""\]\(\s*<?(?P<md>[^)\s>]+)"""                       # [text](target) and ![alt](target)
    r"""|^\s{0,3}\[[^\]]+\]:\s*<?(?P<ref>[^\s>]+)"""        # [label]: target
    r"""|\b(?:src|href|data|poster|background)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s>]+))"""
    r"""|url\(\s*(?:"(?P<udq>[^"]*)"|'(?P<usq>[^']*)'|(?P<ubare>[^)\s]*))"""
    r"""|@import\s+(?:"(?P<idq>[^"]*)"|'(?P<isq>[^']*)')""",
    re.I | re.M,
)

Where = tuple[Path, int]


def masked_lines(section: Section) -> list[str]:
    """The section body's lines with code blanked out (line numbers unchanged)."""
    return mask_code(section.body).split("\n")


def find_line(section: Section, needle: str | re.Pattern[str], occurrence: int = 0,
              lines: list[str] | None = None) -> int:
    """The line of the `occurrence`-th (0-based) match of `needle` in the body (a string: case-insensitive).

    Falls back to the last match, then to the body's first line.
    """
    lines = masked_lines(section) if lines is None else lines
    pattern = needle if isinstance(needle, re.Pattern) else re.compile(re.escape(needle), re.I)
    hits = [index for index, line in enumerate(lines) for _ in pattern.finditer(line)]
    if not hits:
        return section.body_line
    return section.body_line + hits[min(occurrence, len(hits) - 1)]


def _targets(text: str) -> Iterable[tuple[int, str]]:
    for match in _TARGETS.finditer(text):
        value = next((v for v in match.groupdict().values() if v), "")
        if value:
            yield text.count("\n", 0, match.start()), value.strip()


def resource_lines(sections: Iterable[Section], base_url: str, theme: Theme | None = None,
                   project_root: Path | None = None) -> dict[str, Where]:
    """Every URL the content and the project's stylesheets name, resolved as WeasyPrint resolves it."""
    found: dict[str, Where] = {}
    for section in sections:
        for offset, target in _targets(mask_code(section.body)):
            where = (section.path, section.body_line + offset)
            found.setdefault(_normal(urljoin(base_url, target)), where)
            found.setdefault(target, where)
    if theme is not None and project_root is not None:
        for folder in theme.style_dirs:
            if not _is_below(folder, project_root):
                continue
            for sheet in sorted(folder.rglob("*.css")):
                sheet_url = f"{THEME_URL}styles/{sheet.relative_to(folder).as_posix()}"
                try:
                    text = sheet.read_text("utf-8", errors="replace")
                except OSError:
                    continue
                for offset, target in _targets(text):
                    found.setdefault(_normal(urljoin(sheet_url, target)), (sheet, offset + 1))
    return found


def refusal_problems(refusals: list[Refusal], root: Path, lines: dict[str, Where]) -> list[Problem]:
    """One problem per refused resource, at the line that named it when it can be found."""
    problems = []
    seen: set[tuple[Path, int, str]] = set()
    for refusal in refusals:
        where = lines.get(_normal(refusal.url)) or next(
            ((path, line) for needle, (path, line) in lines.items()
             if needle and not needle.startswith("file:///briefing/") and needle in refusal.url), (root, 0))
        message = f"refused resource '{refusal.url}': {refusal.reason}"
        if (where[0], where[1], message) not in seen:
            seen.add((where[0], where[1], message))
            problems.append(Problem(where[0], where[1], message))
    return problems


def _normal(url: str) -> str:
    return unquote(url.split("#", 1)[0])


def _is_below(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
