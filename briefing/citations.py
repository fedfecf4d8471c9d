"""Stage 3, resolve citations: find Pandoc citations in every section and check their keys.

Syntax (Pandoc's): `[@key]`, `[@key, p. 4]`, `[@a; @b]`, `[see @key, sec. 2]`. A bare `@word`
(an e-mail address, a handle) is not a citation: only bracketed groups whose every item
names a key are.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, ProblemCollector
from .models import Project

KEY = r"[\w](?:[\w:.#$%&+?<>~/-]*[\w])?"
CITATION_GROUP = re.compile(r"(?<![!\\\w])\[(?P<body>[^\[\]\n]*?@[^\[\]\n]*)\](?![(\[{])")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]*\]:", re.M)
"""`[label]: url` at the start of a line defines a link; it is not a citation."""
_ITEM = re.compile(rf"^\s*(?P<prefix>(?:.*\s)?)(?P<suppress>-)?@(?P<key>{KEY})(?P<rest>.*?)\s*$", re.S)
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.S)


@dataclass(frozen=True)
class Citation:
    """One cited item: `[see @key, p. 4]` → prefix 'see', key, locator 'p. 4'."""

    key: str
    prefix: str = ""
    locator: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class CitationGroup:
    """One bracketed citation, as written, with where it is."""

    items: tuple[Citation, ...]
    line: int
    start: int
    """Offset of '[' in the text it was found in."""
    end: int


def parse_group(body: str) -> tuple[Citation, ...] | None:
    """Parse the inside of `[...]`; None when it is not a citation (any item without a key)."""
    items = []
    for raw in body.split(";"):
        match = _ITEM.match(raw)
        if not match:
            return None
        rest = match.group("rest")
        locator = suffix = ""
        if rest.startswith(","):
            locator = rest[1:].strip()
        elif rest.strip():
            if not rest[0].isspace():
                return None  # '@key.com' style: an address, not a key
            suffix = rest.strip()
        items.append(Citation(match.group("key"), match.group("prefix").strip(), locator, suffix))
    return tuple(items) if items else None


def mask_code(text: str) -> str:
    """Blank out fenced code blocks and inline code spans, keeping offsets and line breaks."""
    from .blocks import iter_lines

    lines = [(" " * len(line)) if in_code else line for _, line, in_code in iter_lines(text)]
    masked = "\n".join(lines)
    return _INLINE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), masked)


def find_citations(text: str, first_line: int = 1) -> list[CitationGroup]:
    """Every citation group in Markdown text, with its line (text's first line = `first_line`)."""
    masked = mask_code(text)
    groups = []
    definitions = {m.start() + m.group(0).index("[") for m in _REFERENCE_DEFINITION.finditer(masked)}
    for match in CITATION_GROUP.finditer(masked):
        if match.start() in definitions:
            continue
        items = parse_group(match.group("body"))
        if items:
            line = first_line + masked.count("\n", 0, match.start())
            groups.append(CitationGroup(items, line, match.start(), match.end()))
    return groups


@dataclass(frozen=True)
class CitationIndex:
    """Where each section cites what: the result of `resolve_citations`."""

    by_section: dict[str, tuple[CitationGroup, ...]]

    def keys_cited(self, section_id: str | None = None) -> set[str]:
        sections = [section_id] if section_id else list(self.by_section)
        return {c.key for sid in sections for g in self.by_section.get(sid, ()) for c in g.items}

    def count(self, section_id: str) -> int:
        return sum(len(g.items) for g in self.by_section.get(section_id, ()))


def resolve_citations(project: Project, problems: ProblemCollector | None = None) -> CitationIndex:
    """Find every citation; an unknown key is an error that suggests the nearest known key.

    Problems go to `problems` when given (the caller raises), else are raised here.
    """
    collect = problems is not None
    problems = problems if problems is not None else ProblemCollector()
    broken = project.extra.get("written_references", frozenset())
    by_section: dict[str, tuple[CitationGroup, ...]] = {}
    known = sorted(project.references)
    for section in project.sections:
        groups = find_citations(section.body, section.body_line)
        by_section[section.id] = tuple(groups)
        for group in groups:
            for citation in group.items:
                if citation.key not in project.references and citation.key not in broken:
                    problems.add(section.path, group.line, unknown_key_message(citation.key, known))
    if not collect:
        problems.raise_if_errors()
    return CitationIndex(by_section)


def unknown_key_message(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    hint = f" — did you mean '{close[0]}'?" if close else (
        " (no references are defined: add content/references.yaml)" if not known else "")
    return f"unknown citation key '{key}'{hint}"


def citation_problems(path: Path, text: str, first_line: int, known: set[str]) -> list[Problem]:
    """Unknown keys in one text (used by checks that look at text outside sections)."""
    ordered = sorted(known)
    return [
        Problem(path, group.line, unknown_key_message(c.key, ordered))
        for group in find_citations(text, first_line)
        for c in group.items
        if c.key not in known
    ]
