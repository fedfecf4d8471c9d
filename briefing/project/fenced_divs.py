"""Fenced divs (`::: {.internal}` … `:::`) found by the Markdown parser that renders them.

Classification depends on which text is inside which block. Earlier versions found the
blocks with their own line scanner, which could disagree with Markdown about what is code,
a quote or a list (a fence indented four spaces, a code fence Markdown does not accept, an
unclosed `<code>`): the text then printed where it should not. Here a Python-Markdown block
processor is the only thing that decides what a fenced div is; everything else reads its
answer:

- `classify` runs Markdown's own preprocessors and block parser over a section body (the
  same extensions `markup.render_markdown` uses), filters the element tree for one edition,
  and returns the body without the source lines of the dropped blocks, the highest level
  kept, and every problem (unclosed or stray fences, unknown attributes) at its line.
- At render time the same processor turns each kept block into a `<div>`, its level
  classes under the theme's reserved prefix (`bf-`), vouched for by a per-section nonce
  so that raw HTML cannot forge them.

The source line of each fence comes from a marker the first preprocessor appends to every
line that could be a fence (private-use characters, stripped again at the end), so no
second scanner has to agree with the parser.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from briefing.cache.recent import Recent
from briefing.errors import Problem
from briefing.project.blocks import DivAttrs, parse_attrs

FURNITURE = "bf-"
"""Class prefix reserved for the theme's furniture (marking banners, portion marks, watermark):
content may not use it; the marks briefing itself adds carry the section's nonce."""
NONCE_ATTRIBUTE = "data-bf-nonce"
CALLOUTS = ("note", "warning", "tip", "important")
KNOWN_ATTRIBUTES = frozenset({"editions", "src", "lang", "dir", "title"})
"""Keys a fenced div may carry; any other is an error (a misspelt `edition=` would print the block everywhere)."""
LEVEL_KEYS = frozenset({"level", "class", "classification", "marking", "levels"})

_MARK, _END = "\ue000", "\ue001"
_MARKER = re.compile(f"{_MARK}(\\d+){_END}")
_CANDIDATE = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?[ \t>]*:{3,}")
_OPEN = re.compile(r"^ {0,3}(?P<fence>:{3,})[ \t]*(?:\{(?P<attrs>[^}\n]*)\}|(?P<word>[^\s{}:\ue000]+))[ \t]*:*[ \t]*"
                   f"(?:{_MARK}(?P<line>\\d+){_END})?$")
_CLOSE = re.compile(f"^ {{0,3}}:{{3,}}[ \\t]*(?:{_MARK}(?P<line>\\d+){_END})?$")


def furniture_nonce(body: str) -> str:
    """A value raw HTML in `body` cannot contain: a hash of the body itself."""
    return hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=12, person=b"bf-nonce").hexdigest()


@dataclass(frozen=True)
class Audience:
    """Who the blocks are filtered for: the edition's name and the rank of its level."""

    levels: tuple[str, ...]
    rank: int
    edition: str


@dataclass
class FoundDiv:
    element: ET.Element
    attrs: DivAttrs
    open_line: int | None
    close_line: int | None
    """0-based lines in the body; close None: never closed (the block runs to the end)."""


@dataclass
class _State:
    divs: list[FoundDiv] = field(default_factory=list)
    problems: list[tuple[int | None, str]] = field(default_factory=list)
    dropped: list[tuple[int, int | None]] = field(default_factory=list)
    kept_rank: int = 0


def _line(match: re.Match[str] | None) -> int | None:
    return int(match.group("line")) if match and match.group("line") is not None else None


class _LineMarker(Preprocessor):
    """First of all preprocessors: tag every line that could be a fence with its line number."""

    def run(self, lines: list[str]) -> list[str]:
        out = []
        for index, line in enumerate(lines):
            line = line.replace(_MARK, "").replace(_END, "")
            out.append(f"{line}{_MARK}{index}{_END}" if _CANDIDATE.match(line) else line)
        return out


class _MarkerRemover(Postprocessor):
    def run(self, text: str) -> str:
        return _MARKER.sub("", text)


class _FenceProcessor(BlockProcessor):
    """`:::` opens a div (with `{attributes}` or a word) until the matching `:::`, across blank lines."""

    def __init__(self, parser: markdown.blockparser.BlockParser, state: _State) -> None:
        super().__init__(parser)
        self.state = state

    def test(self, parent: ET.Element, block: str) -> bool:
        return any(_OPEN.match(line) or _CLOSE.match(line) for line in block.split("\n"))

    def run(self, parent: ET.Element, blocks: list[str]) -> bool:
        lines = blocks.pop(0).split("\n")
        first = next(i for i, line in enumerate(lines) if _OPEN.match(line) or _CLOSE.match(line))
        if first:  # a fence after text in the same block: the text is parsed on its own first
            blocks.insert(0, "\n".join(lines[first:]))
            self.parser.parseBlocks(parent, ["\n".join(lines[:first])])
            return True
        opened = _OPEN.match(lines[0])
        if opened is None:
            self.state.problems.append((_line(_CLOSE.match(lines[0])), "':::' closes no open fenced div"))
            if rest := "\n".join(lines[1:]).strip("\n"):
                blocks.insert(0, rest)
            return True
        content, close_line, after = self._until_close(lines[1:], blocks)
        text = opened.group("attrs") if opened.group("attrs") is not None else opened.group("word")
        attrs = parse_attrs(text or "")
        element = ET.SubElement(parent, "div")
        found = FoundDiv(element, attrs, _line(opened), close_line)
        self.state.divs.append(found)
        self._check(found)
        self.parser.parseChunk(element, "\n".join(content))
        if after is not None and (rest := "\n".join(after).strip("\n")):
            blocks.insert(0, rest)
        return True

    def _until_close(self, lines: list[str], blocks: list[str]) -> tuple[list[str], int | None, list[str] | None]:
        """The lines inside the div, the close fence's line, and what follows it in its block."""
        content: list[str] = []
        depth = 0
        while True:
            for index, line in enumerate(lines):
                if _OPEN.match(line):
                    depth += 1
                elif (closing := _CLOSE.match(line)) is not None:
                    if depth == 0:
                        return content + lines[:index], _line(closing), lines[index + 1:]
                    depth -= 1
            content += lines
            if not blocks:
                return content, None, None
            content.append("")
            lines = blocks.pop(0).split("\n")

    def _check(self, div: FoundDiv) -> None:
        if div.close_line is None:
            self.state.problems.append((div.open_line,
                                        "fenced div is never closed: add a ':::' line after its content"))
        for key, value in div.attrs.attrs:
            if key in KNOWN_ATTRIBUTES:
                continue
            if key.lower() in LEVEL_KEYS:
                level = value.split(",")[0].strip() or "internal"
                message = f"'{key}={value}' marks nothing: write the level as a class, ::: {{.{level}}}"
            else:
                near = difflib.get_close_matches(key.lower(), sorted(KNOWN_ATTRIBUTES), n=1, cutoff=0.6)
                hint = f": did you mean '{near[0]}='?" if near else f" (known: {', '.join(sorted(KNOWN_ATTRIBUTES))})"
                message = (f"unknown attribute '{key}=' on a fenced div{hint} (an attribute briefing does not "
                           "know would be ignored, and the block printed in every edition)")
            self.state.problems.append((div.open_line, message))


class _Filter(Treeprocessor):
    """Drops the blocks above the audience's level or not for its edition; dresses the rest."""

    def __init__(self, md: markdown.Markdown, state: _State, audience: Audience | None, levels: Sequence[str],
                 nonce: str) -> None:
        super().__init__(md)
        self.state, self.audience, self.levels, self.nonce = state, audience, tuple(levels), nonce

    def run(self, root: ET.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        gone: set[int] = set()
        for div in self.state.divs:
            if id(div.element) in gone:
                continue
            rank = max((self.levels.index(c) for c in div.attrs.classes if c in self.levels), default=0)
            if self.audience is not None and not _for(div.attrs, self.audience, rank):
                gone.update(id(e) for e in div.element.iter())
                parent = parents.get(div.element)
                if parent is not None:
                    parent.remove(div.element)
                if div.open_line is not None:
                    self.state.dropped.append((div.open_line, div.close_line))
                continue
            self.state.kept_rank = max(self.state.kept_rank, rank)
            _dress(div.element, div.attrs, self.levels, self.nonce)


def _for(attrs: DivAttrs, audience: Audience, rank: int) -> bool:
    if rank > audience.rank:
        return False
    only_for = attrs.get("editions")
    return not only_for or audience.edition in {e.strip() for e in only_for.split(",")}


def _dress(element: ET.Element, attrs: DivAttrs, levels: Sequence[str], nonce: str) -> None:
    classes = []
    for name in attrs.classes:
        if name in levels:
            classes += [f"{FURNITURE}marked", f"{FURNITURE}level-{name}"]
            element.set("data-level", name)  # the design prints it as a portion marking
            element.set(NONCE_ATTRIBUTE, nonce)
        elif name in CALLOUTS:
            classes += ["callout", f"callout-{name}"]
        else:
            classes.append(name)
    if classes:
        element.set("class", " ".join(classes))
    if attrs.ident:
        element.set("id", attrs.ident)
    for key, value in attrs.attrs:
        if key in KNOWN_ATTRIBUTES and key != "editions":
            element.set(key if key in ("lang", "dir", "title") else f"data-{key}", value)


@dataclass(frozen=True)
class Fences:
    """What the renderer needs to dress (and again filter) a chapter's fenced divs."""

    levels: tuple[str, ...]
    audience: Audience | None
    nonce: str

    def key(self) -> str:
        return repr((self.levels, self.audience, self.nonce))

    def extension(self) -> FencedDivExtension:
        return FencedDivExtension(self.levels, self.audience, self.nonce)


class FencedDivExtension(Extension):
    """Registers the fence processor; with an `audience`, blocks not for it are dropped."""

    def __init__(self, levels: Sequence[str] = (), audience: Audience | None = None, nonce: str = "") -> None:
        super().__init__()
        self.levels, self.audience, self.nonce = tuple(levels), audience, nonce
        self.state = _State()

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.preprocessors.register(_LineMarker(md), "bf-line-marker", 40)
        md.parser.blockprocessors.register(_FenceProcessor(md.parser, self.state), "bf-fenced-div", 78)
        md.treeprocessors.register(_Filter(md, self.state, self.audience, self.levels, self.nonce), "bf-filter", 40)
        md.postprocessors.register(_MarkerRemover(md), "bf-line-marker", 1)

    def reset(self) -> None:
        self.state.divs.clear()
        self.state.problems.clear()
        self.state.dropped.clear()
        self.state.kept_rank = 0


@dataclass(frozen=True)
class Classified:
    body: str
    """The body without the source lines of the blocks dropped."""
    rank: int
    """The highest level of a block kept."""
    problems: tuple[Problem, ...]


_CLASSIFIED: Recent[Classified] = Recent(1024)


def classify(body: str, path: Path, first_line: int, levels: Sequence[str], audience: Audience | None) -> Classified:
    """Parse `body` as Markdown does (block level) and filter its fenced divs for `audience`
    (kept for a warm process: every build validates and selects every section again)."""
    key = (hashlib.blake2b(body.encode("utf-8")).digest(), str(path), first_line, tuple(levels), audience)
    return _CLASSIFIED.get(key, lambda: _classify(body, path, first_line, levels, audience))


def _classify(body: str, path: Path, first_line: int, levels: Sequence[str], audience: Audience | None) -> Classified:
    from briefing.book.markup import EXTENSIONS, BriefingExtension, NoteState

    divs = FencedDivExtension(levels, audience)
    md = markdown.Markdown(extensions=[*EXTENSIONS, BriefingExtension("classify", NoteState({})), divs])
    lines = body.split("\n")
    for preprocessor in md.preprocessors:
        lines = preprocessor.run(lines)
    root = md.parser.parseDocument(lines).getroot()
    if root is not None:
        md.treeprocessors["bf-filter"].run(root)
    problems = tuple(Problem(path, first_line + (line if line is not None else 0), message)
                     for line, message in divs.state.problems)
    drop: set[int] = set()
    source = body.split("\n")
    for start, end in divs.state.dropped:
        drop.update(range(start, (end if end is not None else len(source) - 1) + 1))
    kept = "\n".join(line for index, line in enumerate(source) if index not in drop)
    return Classified(kept, divs.state.kept_rank, problems)

