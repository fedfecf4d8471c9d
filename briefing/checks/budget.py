"""Page budgets: a section that runs longer than its `pages:` in the rendered edition.

Measuring needs a layout, which takes seconds, so `briefing check` lays the edition out only
with `--pages`. It is measured on the very PDF `briefing build` would write (the pipeline's
`make_book`, same fonts, limits, sandbox and layout path; the PDF is not written): each
chapter's first page is the page of its named destination (its element id), and it runs
until the next chapter (or the Sources list) starts.

The measurement is kept in `build/.check-pages-<edition>.json` with a fingerprint of every
input (`briefing.cache.stamp.fingerprint`); a later `briefing check` without `--pages` checks the
budgets against it while no input has changed, and otherwise says they were not measured.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from briefing.book.editions import Book
from briefing.checks.finding import Finding, finding
from briefing.checks.units import front_matter_line


@dataclass(frozen=True)
class ChapterPages:
    """Where one chapter starts in the laid-out edition and how many pages it takes."""

    section_id: str
    first_page: int
    """1-based."""
    pages: int


def measure_chapters(pdf: bytes, chapter_ids: list[str]) -> list[ChapterPages]:
    """Count each chapter's pages in the PDF a build makes, from the PDF's named destinations
    (every element id is one; a chapter's first page holds its id)."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    anchors: list[set[str]] = [set() for _ in reader.pages]
    for name, destination in reader.named_destinations.items():
        page = reader.get_destination_page_number(destination)
        if page is not None and 0 <= page < len(anchors):
            anchors[page].add(str(name).lstrip("/"))
    return chapter_pages(anchors, chapter_ids)


def chapter_pages(anchors: list[set[str]], chapter_ids: list[str]) -> list[ChapterPages]:
    """Count pages from each chapter's first page (the page holding its id) to the next start."""
    first: dict[str, int] = {}
    for index, names in enumerate(anchors):
        for name in names:
            first.setdefault(name, index)
    starts = sorted((first[cid], cid) for cid in chapter_ids if cid in first)
    ends = [first["sources"]] if "sources" in first else []
    result = []
    for position, (start, cid) in enumerate(starts):
        following = [s for s, _ in starts[position + 1:]] + ends + [len(anchors)]
        end = min(s for s in following if s >= start)
        result.append(ChapterPages(cid, start + 1, max(end - start, 1)))
    return result


def measurement_path(book: Book) -> Path:
    """Where the measurement of this edition is kept."""
    return book.project.root / "build" / f".check-pages-{book.edition.name}.json"


def inputs_fingerprint(book: Book) -> str | None:
    """A hash of everything the layout reads (None when the project cannot be hashed cheaply)."""
    from briefing.cache.stamp import fingerprint

    return fingerprint(book.project.root, {"check-pages": book.edition.name})


def store_measurement(book: Book, key: str | None, measured: list[ChapterPages]) -> None:
    """Keep the measurement for later checks; failing to write it only costs a later re-measure."""
    from briefing.errors import UserError
    from briefing.write import write_atomic

    if key is None:
        return
    data = json.dumps({"fingerprint": key, "chapters": [asdict(c) for c in measured]}, indent=1)
    with contextlib.suppress(UserError):
        write_atomic(measurement_path(book), data.encode("utf-8"))


def stored_measurement(book: Book, key: str | None) -> list[ChapterPages] | None:
    """The kept measurement if it was made from exactly these inputs, else None."""
    if key is None:
        return None
    try:
        data = json.loads(measurement_path(book).read_text("utf-8"))
        if data.get("fingerprint") != key:
            return None
        return [ChapterPages(str(c["section_id"]), int(c["first_page"]), int(c["pages"])) for c in data["chapters"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def check_budgets(book: Book, measured: list[ChapterPages], raw: dict[str, str]) -> list[Finding]:
    """`over-budget` for each chapter of the measured edition longer than its `pages:`."""
    sections = {chapter.section.id: chapter.section for chapter in book.printed}
    found = []
    for chapter in measured:
        section = sections.get(chapter.section_id)
        if section is None:
            continue
        budget = section.meta.pages
        if budget is not None and chapter.pages > budget:
            found.append(finding(section.path, front_matter_line(section, raw, "pages"), "over-budget",
                                 f"'{section.id}' runs to {chapter.pages} pages in edition '{book.edition.name}' "
                                 f"(pages {chapter.first_page}–{chapter.first_page + chapter.pages - 1}), "
                                 f"over its budget of {budget}: cut it, or raise pages:"))
    return found
