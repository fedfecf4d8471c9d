"""What an author wrote that briefing cannot print as Pandoc would, said at its line.

`unsupported_constructs` finds, in a section body, constructs Pandoc or Quarto would interpret
but briefing does not (TeX math, raw LaTeX, shortcodes, executable cells, grid tables, ...):
each is a `path:line` warning naming the construct and what to write instead (`check --strict`
makes them errors). `empty_body` warns about a section whose body prints nothing.
`check_selection_names` checks the names an edition and a fenced div use: `parts:` against
the sections' actual `##` parts, `editions=` against the editions, with a did-you-mean.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from briefing.book.crossref import prose_lines
from briefing.errors import Problem
from briefing.project.blocks import parse_divs, split_parts, walk

_CONSTRUCTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\$\$"), "TeX display math ($$…$$) is not supported and would print as source: "
                          "write the formula in words or with Unicode characters (x², ≤, π)"),
    (re.compile(r"(?<![\\$\w])\$(?=[^\s$])(?:[^$\n]*?[^\s$\\])?\$(?!\d)"),
     "TeX math ($…$) is not supported and would print as source: write it in words or with "
     "Unicode characters (x², ≤, π)"),
    (re.compile(r"\\(?:begin|end)\{\w+\*?\}|\\(?:cite|ref|label|newpage|clearpage|textbf|emph|footnote)\b"),
     "LaTeX commands are not supported and would print as source: use Markdown (**bold**, [^note], @fig-label)"),
    (re.compile(r"`[^`\n]+`\{=\w+\}"), "raw inline content ({=format}) is left out, as Pandoc leaves it out "
                                       "of HTML: write it in Markdown"),
    (re.compile(r"\{\{[<%].*?[>%]\}\}"), "Quarto shortcodes ({{< … >}}) are not supported and would print as "
                                         "source: write the content itself"),
    (re.compile(r"^\s*\+(?:[-=:]+\+){1,}\s*$"), "a grid table with cells spanning columns (or ragged "
                                                "borders) is not supported: write a pipe table (| a | b |)"),
    (re.compile(r"^\s*:::+\s*\{[^}]*\.(?:panel-tabset|column-margin|callout-\w+)"),
     "Quarto layout and callout classes are not supported: use ::: note or ::: warning"),
)
_RAW_FENCE = re.compile(r"^\s{0,3}(?:`{3,}|~{3,})\s*\{=(?P<format>\w+)\}")
_CELL_FENCE = re.compile(r"^\s{0,3}(?:`{3,}|~{3,})\s*\{(?P<lang>r|python|julia|ojs|bash|sql|mermaid|dot)\b[^}]*\}")
_TITLE_BLOCK = re.compile(r"^%\s")
_TABLE_TOP = re.compile(r"^(?:\s*-{10,}|\* \* \*)\s*$")  # as written, or as pandoc_syntax leaves a rule
_COLUMN_RULE = re.compile(r"^\s*-{2,}(?:\s+-{2,})+\s*$")


def unsupported_constructs(path: Path, first_line: int, body: str) -> list[Problem]:
    """A warning at the line of each construct briefing does not print as Pandoc would."""
    problems: list[Problem] = []
    lines = body.split("\n")
    for index, line in enumerate(lines):
        raw = _RAW_FENCE.match(line)
        cell = _CELL_FENCE.match(line)
        if raw:
            kind = raw.group("format")
            problems.append(Problem(path, first_line + index, f"a raw {kind} block ({{={kind}}}) is left out, as "
                                    "Pandoc leaves it out of HTML: write it in Markdown", "warning"))
        elif cell:
            problems.append(Problem(path, first_line + index, f"a Quarto code cell ({{{cell.group('lang')}}}) is not "
                                    "run: it prints as code; paste its output (a table, a chart file) instead",
                                    "warning"))
    for index, line in enumerate(lines[:-2]):
        if _TABLE_TOP.match(line) and lines[index + 1].strip() and any(
                _COLUMN_RULE.match(below) for below in lines[index + 2:index + 5]):
            problems.append(Problem(path, first_line + index, "Pandoc multiline tables are not supported: write a "
                                    "pipe table (| a | b |) or a simple table (one line per row)", "warning"))
    if lines and _TITLE_BLOCK.match(lines[0]):
        problems.append(Problem(path, first_line, "a Pandoc title block ('% Title') is not read: give title: in "
                                "the front matter", "warning"))
    for index, line in prose_lines(body):
        if line.startswith(("    ", "\t")):
            continue  # an indented code block
        seen: set[str] = set()
        for pattern, message in _CONSTRUCTS:
            if message not in seen and pattern.search(line):
                seen.add(message)
                if message.startswith("TeX math") and "$$" in line:
                    continue  # the display math warning covers the line
                problems.append(Problem(path, first_line + index, message, "warning"))
    return problems


_PRINTS_NOTHING = re.compile(r"^\s*(?:<!--.*?-->\s*)*$|^\s*\[[^\]]+\]:\s+\S+.*$")


def empty_body(path: Path, first_line: int, body: str) -> list[Problem]:
    """A warning when a section's body prints nothing (only blank lines, comments, link definitions)."""
    text = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    if all(_PRINTS_NOTHING.match(line) for line in text.split("\n")):
        return [Problem(path, max(first_line - 1, 1), "the section's body prints nothing (only its title would "
                        "print): write its text after the front matter, or remove the file", "warning")]
    return []


def suggestion(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, sorted(set(known)), n=1, cutoff=0.5)
    return f" — did you mean '{close[0]}'?" if close else ""


def section_parts(body: str) -> set[str]:
    """The slugs of a body's `##` parts, and `intro`."""
    _, parts = split_parts(body)
    return {"intro", *(part.slug for part in parts)}


def check_parts(names: Sequence[str], available: set[str], path: Path, line: int, where: str) -> list[Problem]:
    """Each `parts:` name must be a part of the sections it applies to."""
    return [Problem(path, line, f"{where}: no part '{name}' (parts: {', '.join(sorted(available))})"
                    + suggestion(name, available))
            for name in names if name not in available]


def check_div_editions(path: Path, first_line: int, body: str, editions: Sequence[str]) -> list[Problem]:
    """Each name in a fenced div's `editions="…"` must be an edition."""
    if not editions:
        return []
    divs, _ = parse_divs(body, path, first_line)
    problems = []
    for div in walk(divs):
        value = div.attrs.get("editions")
        for name in (n.strip() for n in value.split(",")) if value else ():
            if name and name not in editions:
                problems.append(Problem(path, first_line + div.open_index,
                                        f"editions=\"{value}\": no edition '{name}' (editions: {', '.join(editions)})"
                                        + suggestion(name, editions)))
    return problems
