"""The references as the sections use them: unused ones, impossible locators, archive-file names.

Unknown keys are found by `resolve_citations` (the same stage the build runs); the check
only gives them their code.
"""

from __future__ import annotations

import re
from pathlib import Path

from briefing.book.citations import CitationIndex, mask_code, parse_group
from briefing.checks.finding import Finding, finding
from briefing.errors import Problem
from briefing.project.load import SourceText
from briefing.project.models import Project
from briefing.project.yamlfile import LineDict, LineList, line_of

NO_PAGES = frozenset({"webpage", "article-newspaper", "article-magazine", "post", "post-weblog", "interview"})
"""CSL types whose sources have no page numbers to point at."""
_BRACKETED = re.compile(r"\[(?P<body>[^\[\]\n]*?@[^\[\]\n]*)\]")
PAGE_LOCATOR = re.compile(r"^(?:pp?\.|pages?\b|pg\.)\s*\S", re.I)


class ReferenceLines:
    """Where each reference, and each of its keys, is written in the references file.

    The file is parsed again only when a finding needs a line (YAML parsing is the slow part).
    """

    def __init__(self, source: SourceText | None) -> None:
        self.source = source
        self._items: dict[str, tuple[int, object]] | None = None

    @property
    def items(self) -> dict[str, tuple[int, object]]:
        if self._items is None:
            self._items = {}
            if self.source is not None:
                from briefing.project.reference_file import read_references

                data = read_references(self.source)
                items = data.get("references") if isinstance(data, dict) else data
                if isinstance(items, LineList):
                    for index, item in enumerate(items):
                        if isinstance(item, LineDict) and isinstance(item.get("id"), str):
                            self._items.setdefault(item["id"], (items.item_lines[index], item))
        return self._items

    def line(self, key: str, field: str | None = None) -> int:
        """The line of reference `key` (or of its `field`), 0 when unknown."""
        if key not in self.items:
            return 0
        line, item = self.items[key]
        return line_of(item, (field,), line) if field else line


def check_references(project: Project, citations: CitationIndex, lines: ReferenceLines,
                     complete: bool) -> list[Finding]:
    """`unused-reference` (only when every section was read: `complete`), `impossible-locator`,
    `bad-archive-file`."""
    found: list[Finding] = []
    where = project.references_path or project.root
    if complete:
        cited = citations.keys_cited()
        for key in project.references:
            if key not in cited:
                found.append(finding(where, lines.line(key), "unused-reference",
                                     f"reference '{key}' is cited nowhere: cite it or remove it"))
    sections = {s.id: s for s in project.sections}
    for section_id, groups in citations.by_section.items():
        section = sections[section_id]
        for group in groups:
            for citation in group.items:
                ref = project.references.get(citation.key)
                if ref is not None and ref.type in NO_PAGES and PAGE_LOCATOR.match(citation.locator):
                    found.append(finding(section.path, group.line, "impossible-locator",
                                         f"page locator '{citation.locator}' on '{citation.key}' (type {ref.type}), "
                                         "which has no pages: cite a section or paragraph (sec. 2, para. 3), "
                                         "or no locator"))
    for key, ref in project.references.items():
        if ref.archive_file and not plain_file_name(ref.archive_file):
            found.append(finding(where, lines.line(key, "archive-file"), "bad-archive-file",
                                 f"archive-file '{ref.archive_file}' of '{key}' must be a plain file name "
                                 "(no folders): the file is looked up in the --archive folder"))
    return found


def check_unparsed(project: Project, citations: CitationIndex) -> list[Finding]:
    """`unparsed-citation`: `[@key]` the build does not read as a citation, so it would print it as written."""
    found: list[Finding] = []
    for section in project.sections:
        masked = mask_code(section.body)
        starts = {group.start for group in citations.by_section.get(section.id, ())}
        for match in _BRACKETED.finditer(masked):
            if match.start() in starts or parse_group(match.group("body")) is None:
                continue
            after = masked[match.end():match.end() + 1]
            if after == ":":
                text = (f"'{match.group(0)}:' opening a line is a link definition, not a citation (the book drops "
                        "it): put the citation after the text it supports")
            else:
                continue  # a link, image or span whose text holds an '@'
            line = section.body_line + masked.count("\n", 0, match.start())
            found.append(finding(section.path, line, "unparsed-citation", text))
    return found


def plain_file_name(name: str) -> bool:
    """A name with no folder part, not `.`/`..`, not hidden, no control characters."""
    return (name == Path(name).name and "/" not in name and "\\" not in name and not name.startswith(".")
            and name.isprintable() and ":" not in name)


def unknown_key_findings(problems: list[Problem]) -> list[Finding]:
    """`resolve_citations`' problems as `unknown-key` findings."""
    return [finding(p.path, p.line, "unknown-key", p.message) for p in problems]
