"""Stage 3, resolve citations: find Pandoc citations in every section and check their keys.

Syntax (Pandoc's): `[@key]`, `[@key, p. 4]`, `[@a; @b]`, `[see *also* @key, sec. 2]`, groups
wrapped over lines or glued to a word (`본문[@key]은`), suppress-author `[-@key]`, author-in-text
`@key` and `@key [p. 30]`. A bare `@word` that is no reference key (an e-mail address, a handle)
stays text. Citations inside a Markdown footnote are marked with the note's label.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from briefing.errors import Problem, ProblemCollector
from briefing.project.models import Project

KEY = r"[\w](?:[\w:.#$%&+?<>~/-]*[\w])?"
_KEY_OR_BRACED = rf"(?:\{{(?P<braced>[^{{}}\n]+)\}}|(?P<key>{KEY}))"
CITATION_GROUP = re.compile(r"(?<![!\\])\[(?P<body>(?:[^\[\]\n]|\n(?![ \t]*\n))*?@(?:[^\[\]\n]|\n(?![ \t]*\n))*)\]"
                            r"(?![(\[{])")
"""A bracketed group, `[see @key, p. 4; @other]`, also wrapped over lines (not over a blank line) and
glued to the word before it (`본문[@key]은`), as Pandoc reads it."""
IN_TEXT = re.compile(rf"(?<![\w@\\])@{_KEY_OR_BRACED}(?:(?P<space>[ \t]?)\[(?P<bracket>[^\[\]\n@]*)\](?![(\[{{:]))?")
"""Author-in-text `@key`, `@key [p. 30]`, `@{key}`: Pandoc's rule is that `@` does not follow a letter
(an e-mail address is no citation). Only keys of known references count, so a handle stays text."""
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]*\]:", re.M)
"""`[label]: url` at the start of a line defines a link; it is not a citation."""
_ITEM = re.compile(rf"^\s*(?P<prefix>(?:.*\s)?)(?P<suppress>-)?@{_KEY_OR_BRACED}(?P<rest>.*?)\s*$", re.S)
_INLINE_CODE = re.compile(r"(`+)(?:.+?)\1", re.S)
_LINK_TARGET = re.compile(r"\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*[^)]*\)|<[a-zA-Z][\w+.-]*:[^<>\s]*>|https?://\S+")
_FOOTNOTE_DEFINITION = re.compile(r"^ {0,3}\[\^(?P<label>[^\]\s]+)\]:", re.M)
_FOOTNOTE_REFERENCE = re.compile(r"\[\^(?P<label>[^\]\s]+)\](?!:)")

Mode = str
"""'normal' (`[@key]`), 'suppress-author' (`[-@key]`) or 'author-in-text' (`@key`)."""


@dataclass(frozen=True)
class Citation:
    """One cited item: `[see @key, p. 4]` → prefix 'see', key, locator 'p. 4'."""

    key: str
    prefix: str = ""
    locator: str = ""
    suffix: str = ""
    mode: Mode = "normal"


@dataclass(frozen=True)
class CitationGroup:
    """One citation, as written, with where it is."""

    items: tuple[Citation, ...]
    line: int
    start: int
    """Offset of '[' (or of '@' for author-in-text) in the text it was found in."""
    end: int
    source: str = ""
    """The citation exactly as written (Pandoc reads this, so its syntax is Pandoc's own)."""
    note: str = ""
    """Label of the Markdown footnote whose text holds this citation ('' in running text); `^<offset>` for an
    inline note `^[...]`."""
    continues: bool = False
    """In a note, more text (words or punctuation) follows the citation before the note ends: Pandoc then drops
    the citation's final period."""

    @property
    def in_text(self) -> bool:
        return any(c.mode == "author-in-text" for c in self.items)


def parse_group(body: str) -> tuple[Citation, ...] | None:
    """Parse the inside of `[...]`; None when it is not a citation (any item without a key)."""
    items = []
    for raw in body.split(";"):
        match = _ITEM.match(raw)
        if not match:
            return None
        rest = " ".join(match.group("rest").split())
        locator = suffix = ""
        if rest.startswith(","):
            locator = rest[1:].strip()
        elif rest.strip():
            if not rest[0].isspace() and not match.group("braced"):
                return None  # '@key.com' style: an address, not a key
            suffix = rest.strip()
        key = match.group("braced") or match.group("key")
        mode = "suppress-author" if match.group("suppress") else "normal"
        items.append(Citation(key, " ".join(match.group("prefix").split()), locator, suffix, mode))
    return tuple(items) if items else None


def mask_code(text: str) -> str:
    """Blank out fenced code blocks and inline code spans, keeping offsets and line breaks."""
    from briefing.project.blocks import iter_lines

    lines = [(" " * len(line)) if in_code else line for _, line, in_code in iter_lines(text)]
    masked = "\n".join(lines)
    return _INLINE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), masked)


def find_citations(text: str, first_line: int = 1, known: Collection[str] = ()) -> list[CitationGroup]:
    """Every citation in Markdown text, in reading order, with its line (text's first line = `first_line`).

    Bracketed groups are citations whatever their keys (an unknown key is an error later);
    author-in-text `@key` only when `key` is in `known`, so a bare `@handle` stays text.
    """
    masked = mask_code(text)
    groups = []
    definitions = {m.start() + m.group(0).index("[") for m in _REFERENCE_DEFINITION.finditer(masked)}
    notes = footnote_definitions(masked) + inline_notes(masked)
    taken = []
    for match in CITATION_GROUP.finditer(masked):
        if match.start() in definitions:
            continue
        items = parse_group(match.group("body"))
        if items:
            groups.append(_group(text, masked, match.start(), match.end(), items, first_line, notes))
            taken.append((match.start(), match.end()))
    if known:
        prose = _LINK_TARGET.sub(lambda m: " " * len(m.group(0)), masked)  # no citation in a URL
        for match in IN_TEXT.finditer(prose):
            key = match.group("braced") or match.group("key")
            if key not in known or any(s <= match.start() < e for s, e in taken):
                continue
            bracket = " ".join((match.group("bracket") or "").split())
            locator, suffix = (bracket.removeprefix(",").strip(), "") if _looks_like_locator(bracket) else ("", bracket)
            items = (Citation(key, "", locator, suffix, "author-in-text"),)
            groups.append(_group(text, masked, match.start(), match.end(), items, first_line, notes))
    return sorted(groups, key=lambda g: g.start)


def _looks_like_locator(bracket: str) -> bool:
    return bool(bracket) and (bracket.startswith(",") or bool(re.match(r"^[\w.]+\.?\s*[\divxlcIVXLC]", bracket)))


def _group(text: str, masked: str, start: int, end: int, items: tuple[Citation, ...], first_line: int,
           notes: list[tuple[int, int, str]]) -> CitationGroup:
    line = first_line + masked.count("\n", 0, start)
    note, note_end = next(((label, e) for s, e, label in notes if s <= start < e), ("", 0))
    continues = bool(note) and bool(masked[end:note_end].strip())
    return CitationGroup(items, line, start, end, text[start:end], note, continues)


def inline_notes(masked: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of every inline note `^[...]` (brackets balanced), labelled `^<start>`."""
    found = []
    start = masked.find("^[")
    while start >= 0:
        depth = 0
        for index in range(start + 1, len(masked)):
            depth += {"[": 1, "]": -1}.get(masked[index], 0)
            if depth == 0:
                found.append((start, index, f"^{start}"))  # up to its closing ']'
                break
        else:
            break
        start = masked.find("^[", found[-1][1] + 1)
    return found


def footnote_definitions(masked: str) -> list[tuple[int, int, str]]:
    """(start, end, label) of every Markdown footnote definition: its first line and the indented (or
    lazily continued) lines after it, up to a blank line followed by an unindented one."""
    found = []
    for match in _FOOTNOTE_DEFINITION.finditer(masked):
        end = masked.find("\n", match.end())
        while end != -1:
            rest = masked[end + 1:]
            next_line = rest.split("\n", 1)[0]
            if _FOOTNOTE_DEFINITION.match(next_line):
                break
            if not next_line.strip():
                after = rest.split("\n", 2)
                following = after[1] if len(after) > 1 else ""
                if not following.startswith(("    ", "\t")):
                    break
            end = masked.find("\n", end + 1)
        found.append((match.start(), len(masked) if end == -1 else end, match.group("label")))
    return found


def footnote_references(masked: str) -> list[tuple[int, str]]:
    """(offset, label) of every `[^label]` note call, in reading order."""
    return [(m.start(), m.group("label")) for m in _FOOTNOTE_REFERENCE.finditer(masked)]


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
    citable = set(project.references) | set(broken)
    for section in project.sections:
        groups = find_citations(section.body, section.body_line, citable)
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
        for group in find_citations(text, first_line, known)
        for c in group.items
        if c.key not in known
    ]
