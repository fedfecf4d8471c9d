"""What changed in an edition since an earlier state: the "Changes since REF" appendix.

An edition's contents are summarised as a `Snapshot`: for each chapter, a digest of each
`##` part as the edition prints it (after classification and parts filtering, so a change
hidden from an edition is never hinted at in it), and the references the edition cites.
Snapshots are recorded in every release manifest, so `--since old/manifest.json` compares
against exactly what was released; `--since REF` (git) builds the old snapshot from the
project files at REF through the same stages (see `since.py`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from briefing.book.citations import find_citations
from briefing.book.editions import Book
from briefing.project.blocks import split_parts

INTRO = "intro"
"""Slug of the text before the first `##` heading (with the title and summary)."""


@dataclass(frozen=True)
class PartDigest:
    """One `##` part of a chapter: slug (unique within the chapter), heading and text digest."""

    slug: str
    heading: str
    sha256: str


@dataclass(frozen=True)
class ChapterDigest:
    """One chapter as an edition prints it."""

    id: str
    title: str
    parts: tuple[PartDigest, ...]

    @property
    def sha256(self) -> str:
        return _digest(self.title, *(f"{p.slug}:{p.sha256}" for p in self.parts))


@dataclass(frozen=True)
class Snapshot:
    """An edition's chapters and the references it cites (id → title)."""

    chapters: tuple[ChapterDigest, ...]
    references: dict[str, str]


@dataclass(frozen=True)
class HeadingChange:
    """A `##` part that changed, appeared or disappeared within a chapter."""

    heading: str
    kind: str
    """changed, added or removed."""


@dataclass(frozen=True)
class ChapterChange:
    """A chapter present before and now whose printed text differs."""

    id: str
    title: str
    headings: tuple[HeadingChange, ...]


@dataclass(frozen=True)
class Changes:
    """Differences between an edition now and the same edition at `label`."""

    label: str
    new_edition: bool
    sections_added: tuple[tuple[str, str], ...]
    """(id, title) of chapters the edition did not have."""
    sections_removed: tuple[tuple[str, str], ...]
    sections_changed: tuple[ChapterChange, ...]
    references_added: tuple[tuple[str, str], ...]
    """(id, title) of references the edition now cites and did not."""
    references_removed: tuple[tuple[str, str], ...]

    @property
    def empty(self) -> bool:
        return not (self.sections_added or self.sections_removed or self.sections_changed
                    or self.references_added or self.references_removed)

    def as_json(self) -> dict[str, Any]:
        """The manifest's record of these changes."""
        return {
            "since": self.label,
            "new_edition": self.new_edition,
            "sections_added": [i for i, _ in self.sections_added],
            "sections_removed": [i for i, _ in self.sections_removed],
            "sections_changed": [
                {"id": c.id, "headings": [{"heading": h.heading, "change": h.kind} for h in c.headings]}
                for c in self.sections_changed
            ],
            "references_added": [i for i, _ in self.references_added],
            "references_removed": [i for i, _ in self.references_removed],
        }


def snapshot_book(book: Book) -> Snapshot:
    """Digest what `book` prints: its chapters part by part, and the references it cites."""
    chapters = []
    cited: dict[str, str] = {}
    for chapter in book.printed:
        meta = chapter.section.meta
        intro, parts = split_parts(chapter.body)
        digests = [PartDigest(INTRO, "Introduction", _digest(meta.summary, intro.strip()))]
        seen: dict[str, int] = {}
        for part in parts:
            seen[part.slug] = seen.get(part.slug, 0) + 1
            slug = part.slug if seen[part.slug] == 1 else f"{part.slug}-{seen[part.slug]}"
            digests.append(PartDigest(slug, part.title, _digest(part.text.strip())))
        chapters.append(ChapterDigest(chapter.section.id, meta.title, tuple(digests)))
        for group in find_citations(chapter.body, 1, book.project.references):
            for citation in group.items:
                reference = book.project.references.get(citation.key)
                if reference is not None:
                    cited[citation.key] = reference.title
    return Snapshot(tuple(chapters), dict(sorted(cited.items())))


def compare_snapshots(old: Snapshot | None, new: Snapshot, label: str) -> Changes:
    """What changed from `old` (None: the edition did not exist) to `new`."""
    before = {c.id: c for c in old.chapters} if old else {}
    now = {c.id: c for c in new.chapters}
    changed = []
    for chapter in new.chapters:
        previous = before.get(chapter.id)
        if previous is not None and previous.sha256 != chapter.sha256:
            changed.append(ChapterChange(chapter.id, chapter.title, _heading_changes(previous, chapter)))
    old_refs = old.references if old else {}
    return Changes(
        label=label,
        new_edition=old is None,
        sections_added=tuple((c.id, c.title) for c in new.chapters if c.id not in before),
        sections_removed=tuple((c.id, c.title) for c in (old.chapters if old else ()) if c.id not in now),
        sections_changed=tuple(changed),
        references_added=tuple((k, t) for k, t in new.references.items() if k not in old_refs),
        references_removed=tuple((k, t) for k, t in old_refs.items() if k not in new.references),
    )


def _heading_changes(old: ChapterDigest, new: ChapterDigest) -> tuple[HeadingChange, ...]:
    before = {p.slug: p for p in old.parts}
    now = {p.slug: p for p in new.parts}
    found = []
    if old.title != new.title:
        found.append(HeadingChange(f"Title (was “{old.title}”)", "changed"))
    for part in new.parts:
        if part.slug not in before:
            found.append(HeadingChange(part.heading, "added"))
        elif before[part.slug].sha256 != part.sha256:
            found.append(HeadingChange(part.heading, "changed"))
    found += [HeadingChange(p.heading, "removed") for p in old.parts if p.slug not in now]
    return tuple(found)


def snapshot_json(snapshot: Snapshot) -> dict[str, Any]:
    """The manifest's record of an edition's contents (read back by `snapshot_from_json`)."""
    return {
        "sections": [
            {"id": c.id, "title": c.title, "sha256": c.sha256,
             "parts": [{"slug": p.slug, "heading": p.heading, "sha256": p.sha256} for p in c.parts]}
            for c in snapshot.chapters
        ],
        "references": [{"id": k, "title": t} for k, t in snapshot.references.items()],
    }


def snapshot_from_json(data: dict[str, Any]) -> Snapshot:
    """Rebuild a snapshot from a manifest's edition record; raises KeyError/TypeError if malformed."""
    chapters = tuple(
        ChapterDigest(str(c["id"]), str(c["title"]),
                      tuple(PartDigest(str(p["slug"]), str(p["heading"]), str(p["sha256"])) for p in c["parts"]))
        for c in data["sections"]
    )
    return Snapshot(chapters, {str(r["id"]): str(r["title"]) for r in data["references"]})


def _digest(*pieces: str) -> str:
    return hashlib.sha256("\x1f".join(pieces).encode("utf-8")).hexdigest()
