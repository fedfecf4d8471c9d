"""Block structure of a section body: fenced divs (`::: {.internal}` … `:::`) and `##` parts.

Both work on Markdown source lines, before Markdown is converted. Classification does not
use this line scanner: which text is inside which fenced div is decided by the Markdown
parser itself (`fenced_divs.py`); here are the attribute syntax, `##` parts (an edition's
`parts:`) and the scanner that charts and checks use to find their blocks' lines.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markdown.extensions.toc import slugify

from briefing.errors import Problem

_CODE_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_DIV_OPEN = re.compile(r"^\s{0,3}(:{3,})\s*(?:\{(?P<attrs>[^}]*)\}|(?P<word>[A-Za-z][\w-]*))\s*:*\s*$")
_DIV_CLOSE = re.compile(r"^\s{0,3}:{3,}\s*$")
_PART_HEADING = re.compile(r"^##(?!#)\s+(?P<title>.+?)\s*#*\s*$")


@dataclass(frozen=True)
class DivAttrs:
    """Attributes of a fenced div: `{.note #id key="value"}` or a bare word."""

    classes: tuple[str, ...] = ()
    ident: str = ""
    attrs: tuple[tuple[str, str], ...] = ()

    def get(self, key: str, default: str = "") -> str:
        return dict(self.attrs).get(key, default)


@dataclass
class Div:
    """A fenced div found in a body, with its lines (0-based, within the body)."""

    attrs: DivAttrs
    open_index: int
    close_index: int = -1
    children: list[Div] = field(default_factory=list)


def parse_attrs(text: str) -> DivAttrs:
    """Parse Pandoc attribute syntax: `.class #id key=value key="quoted value"`."""
    try:
        tokens = shlex.split(text, posix=True)
    except ValueError:
        tokens = text.split()
    classes: list[str] = []
    ident = ""
    attrs: list[tuple[str, str]] = []
    for token in tokens:
        if token.startswith("."):
            classes.append(token[1:])
        elif token.startswith("#"):
            ident = token[1:]
        elif "=" in token:
            key, _, value = token.partition("=")
            attrs.append((key.strip(), value.strip()))
        elif token:
            classes.append(token)
    return DivAttrs(tuple(classes), ident, tuple(attrs))


def iter_lines(body: str) -> Iterator[tuple[int, str, bool]]:
    """Yield (index, line, in_code) for each line; fence lines of code blocks count as code."""
    fence: str | None = None
    for index, line in enumerate(body.split("\n")):
        match = _CODE_FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            yield index, line, True
        elif fence is not None:
            if line.strip().startswith(fence[0] * len(fence)) and line.strip().strip(fence[0]) == "":
                fence = None
            yield index, line, True
        else:
            yield index, line, False


def parse_divs(body: str, path: Path, first_line: int) -> tuple[list[Div], list[Problem]]:
    """Find the fenced divs of a body; an unterminated or unmatched fence is a problem."""
    roots: list[Div] = []
    stack: list[Div] = []
    problems: list[Problem] = []
    for index, line, in_code in iter_lines(body):
        if in_code:
            continue
        opened = _DIV_OPEN.match(line)
        if opened:
            attrs = parse_attrs(opened.group("attrs") if opened.group("attrs") is not None else opened.group("word"))
            div = Div(attrs, index)
            (stack[-1].children if stack else roots).append(div)
            stack.append(div)
        elif _DIV_CLOSE.match(line):
            if stack:
                stack.pop().close_index = index
            else:
                problems.append(Problem(path, first_line + index, "':::' closes no open fenced div"))
    for div in stack:
        problems.append(Problem(path, first_line + div.open_index, "fenced div is never closed: add a ':::' line after its content"))
    return roots, problems


def walk(divs: list[Div]) -> Iterator[Div]:
    for div in divs:
        yield div
        yield from walk(div.children)


DivRenderer = Callable[[DivAttrs], tuple[str, str] | None]
"""Decides a div's fate: None drops it with its content, else (opening, closing) lines to wrap it."""


def render_divs(body: str, divs: list[Div], decide: DivRenderer) -> str:
    """Replace fenced divs by the wrappers `decide` gives, dropping the divs it refuses."""
    lines = body.split("\n")
    out: list[str] = []
    action: dict[int, str] = {}
    dropped: set[int] = set()
    for div in walk(divs):
        if div.close_index < 0 or div.open_index in dropped:
            continue
        wrap = decide(div.attrs)
        if wrap is None:
            dropped.update(range(div.open_index, div.close_index + 1))
        else:
            action[div.open_index] = f"\n{wrap[0]}\n"
            action[div.close_index] = f"\n{wrap[1]}\n"
    for index, line in enumerate(lines):
        if index in dropped:
            continue
        out.append(action.get(index, line) if index in action else line)
    return "\n".join(out)


@dataclass(frozen=True)
class Part:
    """A `##` part of a section: its slug and its lines (heading included)."""

    slug: str
    title: str
    text: str


def split_parts(body: str) -> tuple[str, list[Part]]:
    """Split a body at its top-level `##` headings: (text before the first, parts)."""
    intro: list[str] = []
    parts: list[tuple[str, list[str]]] = []
    depth = 0
    for _, line, in_code in iter_lines(body):
        if not in_code:
            if _DIV_OPEN.match(line):
                depth += 1
            elif _DIV_CLOSE.match(line):
                depth = max(0, depth - 1)
            elif depth == 0 and (heading := _PART_HEADING.match(line)):
                parts.append((heading.group("title"), [line]))
                continue
        (parts[-1][1] if parts else intro).append(line)
    return "\n".join(intro), [Part(part_slug(title), title, "\n".join(lines)) for title, lines in parts]


_HEADING_ID = re.compile(r"\{[^}]*#([A-Za-z][\w-]*)[^}]*\}\s*$")


def part_slug(title: str) -> str:
    """The slug an edition's `parts:` uses for a `##` heading ("Mongolia's policy" → mongolias-policy)."""
    explicit = _HEADING_ID.search(title)  # `## 핵심 요점 {#key-points}`: the id the author gave the part
    if explicit:
        return explicit.group(1)
    return str(slugify(re.sub(r"\s*\{[^{}]*\}\s*$", "", title), "-"))  # without a trailing {.class}


def keep_parts(body: str, wanted: tuple[str, ...]) -> str:
    """Keep only the named parts (and the intro when `intro` is named), in body order."""
    intro, parts = split_parts(body)
    kept = [intro] if "intro" in wanted else []
    kept += [part.text for part in parts if part.slug in wanted]
    return "\n".join(kept)
