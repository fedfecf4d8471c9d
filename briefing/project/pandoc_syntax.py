"""Pandoc Markdown that Python-Markdown reads differently, rewritten line by line beforehand.

`normalise_body` runs on a section's body once, when it is validated, and never changes the
number of lines, so every later `path:line` still points at what the author wrote:

* a setext `##` heading (`Title` over `-----`) becomes `## Title`, so it is a part like any
  other (the `parts:` filter sees it); a setext `#` heading (`=====`) is an error;
* `#. item`, `(1) item`, `(a) item`, `(@) item` list markers become markers the fancy-lists
  extension reads (`1.`, `1)`, `a)`), instead of running into one paragraph or a heading;
* a backslash at the end of a line is a hard line break, as in Pandoc;
* `~` definition markers become `:`;
* a line block (`| line`) keeps its line breaks;
* Pandoc's table captions (`: caption` or `Table: caption` next to a table) become a
  paragraph the Markdown extension turns into the table's `<caption>`;
* a simple table (header, dashed rule, rows) and a grid table (`+---+` borders) become pipe
  tables.

Fenced code is never touched.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

from briefing.errors import Problem

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_SETEXT_1 = re.compile(r"^={3,}\s*$")
_SETEXT_2 = re.compile(r"^-{3,}\s*$")
_NOT_A_HEADING_TEXT = re.compile(r"^\s*(?:[-*+>|:~]|\d+[.)]|#|<|\s{4})")
_HASH_LIST = re.compile(r"^(\s*)#\.(\s+)")
_PAREN_LIST = re.compile(r"^(\s*)\((\d+|[a-zA-Z]|[ivxlcdm]+|[IVXLCDM]+|@[\w-]*)\)(\s+)")
_HARD_BREAK = re.compile(r"(?<!\\)\\$")
_TILDE_DEFINITION = re.compile(r"^(\s{0,3})~(\s+)")
_LINE_BLOCK = re.compile(r"^\|(?: |$)")
_CAPTION = re.compile(r"^\s{0,3}(?:Table)?:\s+(?P<text>\S.*?)\s*$")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$|^[^|]*\S\s*\|\s*\S")
_SIMPLE_RULE = re.compile(r"^\s*-{2,}(?:\s+-{2,})+\s*$")
CAPTION_MARK = "\u2063"
"""Starts a table caption's paragraph, around its `#tbl-…` label: `⁣tbl-x⁣Caption text` (moved into
the table by `pandoc_tree`; U+2063 INVISIBLE SEPARATOR, which Markdown keeps and no author types)."""
_THEMATIC_BREAK = re.compile(r"^\s{0,3}([-*_])(?:\s*\1){2,}\s*$")


def normalise_body(body: str, path: Path, first_line: int) -> tuple[str, list[Problem]]:
    """The body with Pandoc constructs rewritten for Python-Markdown (same number of lines)."""
    lines = body.split("\n")
    problems: list[Problem] = []
    code = _code_lines(lines)
    examples = 0
    labels = _example_labels(lines, code)
    for index, line in enumerate(lines):
        if index in code:
            continue
        previous = lines[index - 1] if index else ""
        before = lines[index - 2] if index > 1 else ""
        heading_text = (index and previous.strip() and (index - 1) not in code and not before.strip()
                        and not _NOT_A_HEADING_TEXT.match(previous))
        if heading_text and _SETEXT_1.match(line):
            problems.append(Problem(path, first_line + index - 1,
                                    f"'{previous.strip()}' underlined with '===' is a level-1 heading: the title "
                                    "comes from the front matter; write '## ' for a part or '### ' below it"))
            continue
        if heading_text and _SETEXT_2.match(line):
            lines[index - 1], lines[index] = "## " + previous.strip(), ""
            continue
        if _GRID_BORDER.match(line) and not previous.strip() and _grid_table(lines, index):
            continue
        if _SIMPLE_RULE.match(line) and index and previous.strip() and index - 1 not in code:
            converted = _simple_table(lines, index - 1)
            if converted is not None:
                continue
        if _THEMATIC_BREAK.match(line) and not previous.strip():
            lines[index] = "* * *"  # Pandoc: a rule even when spaced out or indented (not nested lists)
            continue
        line = _HASH_LIST.sub(r"\g<1>1.\g<2>", line)
        paren = _PAREN_LIST.match(line)
        if paren:
            marker = paren.group(2)
            if marker.startswith("@"):
                examples += 1
                marker = str(examples)
            line = f"{paren.group(1)}{marker}){paren.group(3)}{line[paren.end():]}"
        if labels and "(@" in line:  # a reference to a numbered example: its number, as Pandoc prints it
            line = _EXAMPLE_REF.sub(lambda m: f"({labels[m.group(1)]})" if m.group(1) in labels else m.group(0), line)
        line = _TILDE_DEFINITION.sub(r"\g<1>:\g<2>", line)
        if _HARD_BREAK.search(line) and index + 1 < len(lines) and lines[index + 1].strip():
            line = line[:-1].rstrip() + "  "
        lines[index] = line
    _line_blocks(lines, code)
    _captions(lines, code)
    return "\n".join(lines), problems


_EXAMPLE_REF = re.compile(r"\(@([\w-]+)\)")


def _example_labels(lines: list[str], code: set[int]) -> dict[str, int]:
    """The number of each labelled example (`(@good) text`): examples are numbered through the section."""
    labels: dict[str, int] = {}
    count = 0
    for index, line in enumerate(lines):
        match = _PAREN_LIST.match(line)
        if index in code or not match or not match.group(2).startswith("@"):
            continue
        count += 1
        if len(match.group(2)) > 1:
            labels[match.group(2)[1:]] = count
    return labels


def _code_lines(lines: list[str]) -> set[int]:
    """Indexes of the lines of fenced code blocks, fences included."""
    code: set[int] = set()
    fence = ""
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if not fence and match:
            fence = match.group(1)
            code.add(index)
        elif fence:
            code.add(index)
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
    return code


def _line_blocks(lines: list[str], code: set[int]) -> None:
    """`| text` lines (a line block, not a table row) keep their breaks and leading spaces."""
    index = 0
    while index < len(lines):
        start = index
        while (index < len(lines) and index not in code and _LINE_BLOCK.match(lines[index])
               and lines[index].count("|") == 1):
            index += 1
        if index > start and (start == 0 or not lines[start - 1].strip()):
            for row in range(start, index):
                text = lines[row][2:]
                stripped = text.lstrip(" ")
                text = "\u00a0" * (len(text) - len(stripped)) + stripped
                lines[row] = text + ("  " if row < index - 1 else "")
        index = max(index, start + 1)


def _captions(lines: list[str], code: set[int]) -> None:
    """A `: caption` or `Table: caption` paragraph next to a table becomes a caption paragraph."""
    for index, line in enumerate(lines):
        match = _CAPTION.match(line)
        if index in code or not match:
            continue
        after = _neighbour(lines, index, -1)
        before = _neighbour(lines, index, 1)
        if not any(n is not None and _TABLE_ROW.match(lines[n]) for n in (after, before)):
            continue
        text = match.group("text")
        attrs = re.search(r"\s*\{([^{}]*)\}\s*$", text)
        label = ""
        if attrs:
            found = re.search(r"#([\w:.-]+)", attrs.group(1))
            text, label = text[:attrs.start()], found.group(1) if found else ""
        lines[index] = f"{CAPTION_MARK}{label}{CAPTION_MARK}{text}"


def _neighbour(lines: list[str], index: int, step: int) -> int | None:
    """The nearest non-blank line before (-1) or after (+1), across at most one blank line."""
    probe = index + step
    if 0 <= probe < len(lines) and not lines[probe].strip():
        probe += step
    return probe if 0 <= probe < len(lines) and lines[probe].strip() else None


_GRID_BORDER = re.compile(r"^\+(?:[-=:]+\+)+\s*$")


def _grid_table(lines: list[str], start: int) -> bool:
    """Rewrite a Pandoc grid table as a pipe table (same lines: the rest of the block goes blank).

    A cell's lines are joined with spaces, and with a line break before a list item; a table
    with cells spanning columns is left as it is (and reported as not supported)."""
    border = lines[start].rstrip()
    cuts = [i for i, char in enumerate(border) if char == "+"]
    end = start + 1
    while end < len(lines) and lines[end].startswith(("|", "+")):
        end += 1
    block = [line.rstrip() for line in lines[start:end]]
    if len(block) < 3 or not _GRID_BORDER.match(block[-1]):
        return False
    rows: list[list[str]] = []
    header_rows = 0
    current: list[list[str]] = [[] for _ in cuts[1:]]
    for line in block[1:]:
        if _GRID_BORDER.match(line):
            if [c for c, char in enumerate(line) if char == "+"] != cuts:
                return False  # cells spanning columns
            rows.append([_join_cell(cell) for cell in current])
            current = [[] for _ in cuts[1:]]
            if "=" in line:
                header_rows = len(rows)
            continue
        if len(line) < cuts[-1] or any(line[c] != "|" for c in cuts):
            return False
        for column, (left, right) in enumerate(pairwise(cuts)):
            current[column].append(line[left + 1:right].strip())
    head = rows[:header_rows] or [[""] * (len(cuts) - 1)]
    header = [" ".join(filter(None, (row[c] for row in head))) for c in range(len(cuts) - 1)]
    rule = "|" + "|".join(_grid_align(border if not header_rows else block[_border_index(block, header_rows)],
                                      left, right) for left, right in pairwise(cuts)) + "|"
    table = ["| " + " | ".join(header) + " |", rule]
    table += ["| " + " | ".join(row) + " |" for row in rows[header_rows:]]
    lines[start:end] = table + [""] * (end - start - len(table))
    return True


def _border_index(block: list[str], header_rows: int) -> int:
    borders = [i for i, line in enumerate(block) if _GRID_BORDER.match(line)]
    return borders[header_rows]


def _grid_align(border: str, left: int, right: int) -> str:
    segment = border[left + 1:right]
    start, end = segment.startswith(":"), segment.endswith(":")
    return ":---:" if start and end else ":---" if start else "---:" if end else "---"


def _join_cell(cell_lines: list[str]) -> str:
    text = ""
    for piece in (p for p in cell_lines if p):
        bullet = re.match(r"[-*+] ", piece)
        if bullet:
            piece = "• " + piece[2:]
        if text and (bullet or re.match(r"\d+[.)] ", piece)):
            text += "<br>" + piece
        else:
            text += (" " if text else "") + piece
    return text.replace("|", "\\|")


def _simple_table(lines: list[str], header: int) -> bool | None:
    """Rewrite a Pandoc simple table (header line, dashed rule, rows up to a blank line) as a pipe table."""
    rule = lines[header + 1]
    columns = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    if header and lines[header - 1].strip():
        return None
    end = header + 2
    while end < len(lines) and lines[end].strip() and not _SIMPLE_RULE.match(lines[end]):
        end += 1
    if end == header + 2:
        return None

    def cells(text: str) -> list[str]:
        bounds = [start for start, _ in columns[1:]] + [len(text) + 1]
        out, begin = [], 0
        for stop in bounds:
            out.append(text[begin:stop].strip().replace("|", "\\|"))
            begin = stop
        return out

    def align(start: int, stop: int) -> str:
        head = lines[header]
        left = start < len(head) and head[start:start + 1].strip() != ""
        right = stop - 1 < len(head) and head[stop - 1:stop].strip() != ""
        if left and right:
            return "---"
        return ":---:" if not left and not right else ("---:" if right else ":---")

    rule_row = "|" + "|".join(align(s, e) for s, e in columns) + "|"
    lines[header] = "| " + " | ".join(cells(lines[header])) + " |"
    lines[header + 1] = rule_row
    for row in range(header + 2, end):
        lines[row] = "| " + " | ".join(cells(lines[row])) + " |"
    if end < len(lines) and _SIMPLE_RULE.match(lines[end]):
        lines[end] = ""
    return True
