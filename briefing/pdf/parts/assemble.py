"""Put the parts' PDFs together into one book, as a single WeasyPrint pass would have written it.

What a reader meets is rebuilt for the whole book:

- the pages, in order (stub pages at the end of the front matter are left out);
- the named destinations (every element id), first occurrence wins, as in WeasyPrint;
- the link annotations, which name their destination (WeasyPrint writes `/Dest (id)`), so
  links between parts (contents → chapters) resolve through the book's name tree; a link
  whose target exists nowhere is dropped, as WeasyPrint drops it;
- the outline (bookmarks), the parts' outlines one after the other;
- the document information and language, from the first part (every part has the same head);
- one copy of each font: the parts' subsets merged (`merge_fonts`), and the file written with
  compressed object streams as WeasyPrint writes it (`compact`).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from briefing.cache.recent import Recent
from briefing.pdf.parts.compact import write_compact
from briefing.pdf.parts.merge_fonts import merge_fonts


@dataclass(frozen=True)
class PartPdf:
    """One part's PDF and how many of its pages belong to the book."""

    data: bytes
    keep: int


@dataclass
class _Bookmark:
    title: str
    page: Any
    left: float
    top: float
    closed: bool
    children: list[_Bookmark]


def assemble(parts: Sequence[PartPdf]) -> bytes:
    """One PDF made of the parts' kept pages, with the book's outline and name tree."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    destinations: dict[str, ArrayObject] = {}
    bookmarks: list[_Bookmark] = []
    info: dict[str, Any] = {}
    language = None
    for number, part in enumerate(parts):
        reader = _READERS.get(hashlib.blake2b(part.data, digest_size=20).digest(),
                              partial(PdfReader, io.BytesIO(part.data)))
        pages: dict[int, Any] = {}
        for page in reader.pages[: part.keep]:
            added = writer.add_page(page)
            assert page.indirect_reference is not None and added.indirect_reference is not None
            pages[page.indirect_reference.idnum] = added.indirect_reference
        root: Any = reader.trailer["/Root"]
        names = root.get("/Names", DictionaryObject()).get("/Dests", DictionaryObject()).get("/Names", ArrayObject())
        for index in range(0, len(names) - 1, 2):
            name, target = str(names[index]), names[index + 1].get_object()
            page_ref = pages.get(target[0].idnum)
            if page_ref is not None and name not in destinations:
                destinations[name] = ArrayObject([page_ref, *target[1:]])
        if "/Outlines" in root:
            bookmarks += _read_outline(root["/Outlines"].get_object().get("/First"), pages)
        if number == 0:
            info = {key: value for key, value in (reader.metadata or {}).items()}
            language = root.get("/Lang")
    _drop_dangling_links(writer, destinations)
    if destinations:
        array = ArrayObject()
        for name in sorted(destinations):
            array += [TextStringObject(name), destinations[name]]
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/Dests"): DictionaryObject({NameObject("/Names"): array})})
    if language is not None:
        writer._root_object[NameObject("/Lang")] = language
    _write_outline(writer, bookmarks)
    writer.add_metadata(info)
    merge_fonts(writer)
    return write_compact(writer)


_READERS: Recent[Any] = Recent(64)
"""Parsed part PDFs by content hash: a warm process (watch, preview) re-assembles the book after
every edit, and most parts are the same bytes as last time. Only read from, never changed."""


def _read_outline(first: Any, pages: dict[int, Any]) -> list[_Bookmark]:
    found: list[_Bookmark] = []
    item = first.get_object() if first is not None else None
    while item is not None:
        dest = item.get("/Dest")
        dest = dest.get_object() if dest is not None else None
        page = pages.get(dest[0].idnum) if dest is not None else None
        children = _read_outline(item.get("/First"), pages)
        if page is not None:
            assert dest is not None
            found.append(_Bookmark(str(item["/Title"]), page, float(dest[2]), float(dest[3]),
                                   int(item.get("/Count", 0)) < 0, children))
        else:
            found += children
        following = item.get("/Next")
        item = following.get_object() if following is not None else None
    return found


def _write_outline(writer: Any, bookmarks: list[_Bookmark]) -> None:
    """Write the outline as WeasyPrint's `add_outlines` does (titles, /XYZ destinations, counts)."""
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

    if not bookmarks:
        return

    def add(items: list[_Bookmark], parent: Any) -> tuple[list[Any], int]:
        count = len(items)
        refs: list[Any] = []
        for bookmark in items:
            outline = DictionaryObject({
                NameObject("/Title"): TextStringObject(bookmark.title),
                NameObject("/Dest"): ArrayObject([bookmark.page, NameObject("/XYZ"), FloatObject(bookmark.left),
                                                  FloatObject(bookmark.top), NumberObject(0)]),
            })
            ref = writer._add_object(outline)
            child_refs, child_count = add(bookmark.children, ref)
            outline[NameObject("/Count")] = NumberObject(-child_count if bookmark.closed else child_count)
            if not bookmark.closed:
                count += child_count
            if refs:
                outline[NameObject("/Prev")] = refs[-1]
                refs[-1].get_object()[NameObject("/Next")] = ref
            if child_refs:
                outline[NameObject("/First")] = child_refs[0]
                outline[NameObject("/Last")] = child_refs[-1]
            outline[NameObject("/Parent")] = parent
            refs.append(ref)
        return refs, count

    root_outline = DictionaryObject()
    root_ref = writer._add_object(root_outline)
    refs, count = add(bookmarks, root_ref)
    root_outline[NameObject("/Count")] = NumberObject(count)
    root_outline[NameObject("/First")] = refs[0]
    root_outline[NameObject("/Last")] = refs[-1]
    writer._root_object[NameObject("/Outlines")] = root_ref


def _drop_dangling_links(writer: Any, destinations: dict[str, Any]) -> None:
    """Remove links to ids that no part holds (WeasyPrint drops them with a warning)."""
    from pypdf.generic import ArrayObject, NameObject

    for page in writer.pages:
        annotations = page.get("/Annots")
        if annotations is None:
            continue
        kept = ArrayObject(a for a in annotations.get_object()
                           if "/Dest" not in a.get_object() or str(a.get_object()["/Dest"]) in destinations)
        if len(kept) != len(annotations.get_object()):
            page[NameObject("/Annots")] = kept
