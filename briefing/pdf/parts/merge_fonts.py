"""One copy of each font in the assembled book: the parts' subsets of a font merged into one.

Each part's PDF embeds its own subset of every font it uses (WeasyPrint subsets with HarfBuzz,
keeping glyph ids: glyph 57 is the same glyph in every subset of a font, and empty where the
subset does not need it). Every subset of one font carries the same font name (`ABCDEF+Name`,
from the font's description, not its glyphs), so the book can use one font object instead:

- TrueType outlines (`FontFile2`): the glyphs of all subsets are put into one font program
  (`sfnt.merge_glyphs`: raw glyph data by glyph id, so composite glyphs keep their component ids);
- CFF outlines (`FontFile3`): one subset is used for all when it holds every glyph the others
  use; otherwise they stay separate (a CID-keyed CFF cannot be merged glyph by glyph safely);
- the widths (`/W`) and the text map (`/ToUnicode`) are the union of the parts' (a font whose
  parts disagree on a glyph's width or text is left as it is).

Every page's font resources (and those of its form XObjects) then point to the merged font, and
the parts' own copies are removed from the file (kept when an annotation has an appearance
stream of its own, which may name them: a form field; a briefing book has none). What the pages draw does not change: the
same glyph ids, with the same widths, in the same font.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_BFCHAR = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>")


@dataclass
class _Font:
    """Every use of one font (by name and outline format) across the book."""

    uses: list[tuple[Any, Any]] = field(default_factory=list)
    """(font resource dictionary, resource name) pairs pointing at one of `objects`."""
    objects: dict[int, Any] = field(default_factory=dict)
    """Type0 font dictionaries by object number, in the order met."""


def merge_fonts(writer: Any) -> int:
    """Merge the fonts of the writer's pages; returns how many font objects were removed."""
    fonts: dict[tuple[str, str], _Font] = {}
    for resources_fonts, name, reference in _font_uses(writer):
        font = reference.get_object()
        key = _mergeable(font)
        if key is None:
            continue
        entry = fonts.setdefault(key, _Font())
        entry.uses.append((resources_fonts, name))
        entry.objects.setdefault(reference.idnum, font)
    removed = 0
    appearances = any("/AP" in annotation.get_object() for page in writer.pages
                      for annotation in (page.get("/Annots") or []))
    for (_, program), entry in fonts.items():
        if len(entry.objects) < 2:
            continue
        merged = _merge(writer, list(entry.objects.values()), program)
        if merged is None:
            continue
        from pypdf.generic import NameObject

        for resources_fonts, name in entry.uses:
            resources_fonts[NameObject(name)] = merged
        if appearances:  # a form field's appearance may use a part's font too: keep the copies
            continue
        for number, font in entry.objects.items():
            removed += _remove(writer, number, font)
    return removed


def _font_uses(writer: Any) -> Iterator[tuple[Any, str, Any]]:
    """(font resource dictionary, name, indirect font reference) for every page and form it draws."""
    seen: set[int] = set()

    def walk(resources: Any) -> Iterator[tuple[Any, str, Any]]:
        if resources is None:
            return
        if hasattr(resources, "idnum"):
            if resources.idnum in seen:
                return
            seen.add(resources.idnum)
        resources = resources.get_object()
        fonts = resources.get("/Font")
        if fonts is not None:
            fonts = fonts.get_object()
            for name, reference in list(fonts.items()):
                if hasattr(reference, "idnum"):
                    yield fonts, name, reference
        for kind in ("/XObject", "/Pattern"):
            group = resources.get(kind)
            for reference in (group.get_object().values() if group is not None else ()):
                if hasattr(reference, "idnum") and reference.idnum not in seen:
                    seen.add(reference.idnum)
                    yield from walk(reference.get_object().get("/Resources"))

    for page in writer.pages:
        yield from walk(page.get("/Resources"))


def _mergeable(font: Any) -> tuple[str, str] | None:
    """(font name, outline format) for a WeasyPrint Type0 font with Identity-H encoding, else None."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H" or "/ToUnicode" not in font:
        return None
    descendant = font["/DescendantFonts"][0].get_object()
    descriptor = descendant["/FontDescriptor"].get_object()
    if "/CIDSet" in descriptor or descendant.get("/CIDToGIDMap") != "/Identity":
        return None
    for program in ("/FontFile2", "/FontFile3"):
        if program in descriptor:
            return str(font["/BaseFont"]), program
    return None


def _widths(descendant: Any) -> dict[int, float]:
    """The /W array as glyph id → width (WeasyPrint writes `first [w w w]` runs only)."""
    found: dict[int, float] = {}
    items = list(descendant.get("/W", []))
    for index in range(0, len(items) - 1, 2):
        first, run = int(items[index]), items[index + 1].get_object()
        for offset, width in enumerate(run):
            found[first + offset] = float(width)
    return found


def _text_map(font: Any) -> dict[int, bytes]:
    """The /ToUnicode map as glyph id → UTF-16BE hex."""
    data = font["/ToUnicode"].get_object().get_data()
    # not .notdef's U+FFFF (a noncharacter some subsets map glyph 0 to): a reader never gets it as text
    return {int(glyph, 16): text.lower() for glyph, text in _BFCHAR.findall(data) if text.lower() != b"ffff"}


def _union(maps: list[dict[int, Any]]) -> dict[int, Any] | None:
    merged: dict[int, Any] = {}
    for one in maps:
        for key, value in one.items():
            if merged.setdefault(key, value) != value:
                return None
    return merged


def _merge(writer: Any, fonts: list[Any], program: str) -> Any:
    """A new Type0 font holding every glyph `fonts` use, or None when they cannot be merged."""
    descendants = [font["/DescendantFonts"][0].get_object() for font in fonts]
    widths = _union([_widths(d) for d in descendants])
    texts = _union([_text_map(font) for font in fonts])
    if widths is None or texts is None:
        return None
    descriptors = [d["/FontDescriptor"].get_object() for d in descendants]
    programs = [d[program].get_object() for d in descriptors]
    if program == "/FontFile2":
        data = _merged_truetype([p.get_data() for p in programs])
        if data is None:
            return None
        font_file = _stream(data, {"/Length1": len(data)})
    else:
        holder = next((p for d, p in zip(descendants, programs, strict=True) if set(_widths(d)) >= set(widths)), None)
        if holder is None:
            return None
        font_file = _stream(holder.get_data(), {"/Subtype": str(holder.get("/Subtype", "/OpenType"))})
    return _font_objects(writer, fonts[0], descendants[0], descriptors[0], program, font_file, widths, texts)


def _font_objects(writer: Any, font: Any, descendant: Any, descriptor: Any, program: str, font_file: Any,
                  widths: dict[int, float], texts: dict[int, bytes]) -> Any:
    """The merged font's objects, as WeasyPrint writes them (widths and text map sorted by glyph id)."""
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject

    def number(value: float) -> Any:
        return NumberObject(int(value)) if value == int(value) else FloatObject(value)

    new_descriptor = DictionaryObject(descriptor)
    new_descriptor[NameObject(program)] = writer._add_object(font_file)
    box = list(descriptor["/FontBBox"])
    box[2] = number(max(widths.values(), default=0))
    new_descriptor[NameObject("/FontBBox")] = ArrayObject(box)
    new_descriptor[NameObject("/CapHeight")] = box[3]
    flags = int(descriptor["/Flags"]) & ~1
    if len(widths) > 1 and len(set(widths.values())) == 1:
        flags |= 1  # FixedPitch, as WeasyPrint decides it
    new_descriptor[NameObject("/Flags")] = NumberObject(flags)
    runs = ArrayObject()
    for glyph in sorted(widths):
        if glyph - 1 not in widths:
            runs += [NumberObject(glyph), ArrayObject()]
        runs[-1].append(number(widths[glyph]))
    new_descendant = DictionaryObject(descendant)
    new_descendant[NameObject("/W")] = runs
    new_descendant[NameObject("/FontDescriptor")] = writer._add_object(new_descriptor)
    new_font = DictionaryObject(font)
    new_font[NameObject("/DescendantFonts")] = ArrayObject([writer._add_object(new_descendant)])
    new_font[NameObject("/ToUnicode")] = writer._add_object(_stream(_cmap(texts), {}))
    return writer._add_object(new_font)


def _cmap(texts: dict[int, bytes]) -> bytes:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap", b"/CIDSystemInfo",
             b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0", b">> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", b"1 begincodespacerange", b"<0000> <ffff>",
             b"endcodespacerange"]
    items = sorted(texts.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [b"<%04x> <%s>" % (glyph, text) for glyph, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _stream(data: bytes, extra: dict[str, Any]) -> Any:
    from pypdf.generic import DecodedStreamObject, NameObject, NumberObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in extra.items():
        stream[NameObject(key)] = NumberObject(value) if isinstance(value, int) else NameObject(value)
    return stream.flate_encode(level=9)


def _merged_truetype(programs: list[bytes]) -> bytes | None:
    """One TrueType program with every non-empty glyph of `programs` (subsets of one font, same ids)."""
    from briefing.pdf.parts.sfnt import merge_glyphs

    try:
        return merge_glyphs(programs)
    except (KeyError, IndexError, ValueError, struct.error):
        return None


def _remove(writer: Any, number: int, font: Any) -> int:
    """Drop a replaced font and the objects only it used (its descendant, descriptor, program, text map)."""
    references = [font["/DescendantFonts"][0]]
    descendant = references[0].get_object()
    references += [descendant.raw_get("/FontDescriptor"), font.raw_get("/ToUnicode")]
    descriptor = descendant["/FontDescriptor"]
    references += [descriptor.raw_get(key) for key in ("/FontFile2", "/FontFile3") if key in descriptor]
    numbers = [number, *(ref.idnum for ref in references if hasattr(ref, "idnum"))]
    for idnum in numbers:
        writer._objects[idnum - 1] = None
    return len(numbers)
