"""Merge subsets of one TrueType font that kept their glyph ids, by reading the tables' bytes.

WeasyPrint's subsets (HarfBuzz, `RETAIN_GIDS`) of one font differ only in which glyphs have
outlines: glyph 57 is the same glyph in each, or empty. The merged program takes the first
subset with the most glyphs as it is and gives it, for every glyph id, the outline (and
horizontal metrics) of the first subset where that glyph is not empty. Only `glyf`, `loca`,
`hmtx` and the counts and bounds in `head`, `hhea` and `maxp` change; every other table is the
first subset's. Reading the tables as bytes (instead of decompiling them with fontTools) keeps
this to milliseconds per font, and a warm process (watch, preview) keeps its last merges: after
an edit, only the fonts the edited chapter uses are merged again.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence

from briefing.cache.recent import Recent

_RECORD = struct.Struct(">4sIII")


def _tables(data: bytes) -> dict[bytes, bytes]:
    (count,) = struct.unpack_from(">H", data, 4)
    found = {}
    for index in range(count):
        tag, _, offset, length = _RECORD.unpack_from(data, 12 + 16 * index)
        found[tag] = data[offset:offset + length]
    return found


class _Subset:
    def __init__(self, data: bytes) -> None:
        self.tables = _tables(data)
        if data[:4] not in (b"\x00\x01\x00\x00", b"true") or b"glyf" not in self.tables:
            raise ValueError("not a TrueType font")
        self.glyphs = struct.unpack_from(">H", self.tables[b"maxp"], 4)[0]
        long_loca = struct.unpack_from(">h", self.tables[b"head"], 50)[0] == 1
        loca = self.tables[b"loca"]
        if long_loca:
            self.loca = list(struct.unpack_from(f">{self.glyphs + 1}I", loca))
        else:
            self.loca = [2 * value for value in struct.unpack_from(f">{self.glyphs + 1}H", loca)]
        self.metrics_count = struct.unpack_from(">H", self.tables[b"hhea"], 34)[0]
        self.drawn = [glyph_id for glyph_id, (start, end) in enumerate(zip(self.loca, self.loca[1:], strict=False))
                      if end > start]

    def glyph(self, glyph_id: int) -> bytes:
        if glyph_id >= self.glyphs:
            return b""
        return self.tables[b"glyf"][self.loca[glyph_id]:self.loca[glyph_id + 1]]

    def metric(self, glyph_id: int) -> tuple[int, int]:
        hmtx, count = self.tables[b"hmtx"], self.metrics_count
        if glyph_id < count:
            advance, bearing = struct.unpack_from(">Hh", hmtx, 4 * glyph_id)
            return advance, bearing
        (advance,) = struct.unpack_from(">H", hmtx, 4 * (count - 1))
        (bearing,) = struct.unpack_from(">h", hmtx, 4 * count + 2 * (glyph_id - count))
        return advance, bearing


_MERGED: Recent[bytes] = Recent(32)


def merge_glyphs(programs: Sequence[bytes]) -> bytes:
    """One font program with every outline of `programs` (TrueType subsets of one font)."""
    key = tuple(hashlib.blake2b(data, digest_size=16).digest() for data in programs)
    return _MERGED.get(key, lambda: _merge([_Subset(data) for data in programs]))


def _merge(subsets: list[_Subset]) -> bytes:
    base = max(subsets, key=lambda subset: subset.glyphs)  # the first of the largest
    order = [base, *(subset for subset in subsets if subset is not base)]
    source_of: dict[int, _Subset] = {}
    for subset in reversed(order):  # the first subset in `order` that draws a glyph gives it
        source_of.update(dict.fromkeys(subset.drawn, subset))
    glyf, loca, hmtx = bytearray(), [], bytearray()
    for glyph_id in range(base.glyphs):
        source = source_of.get(glyph_id, base)
        outline = source.glyph(glyph_id)
        loca.append(len(glyf))
        glyf += outline + b"\0" * (-len(outline) % 4)
        hmtx += struct.pack(">Hh", *source.metric(glyph_id))
    loca.append(len(glyf))
    tables = dict(base.tables)
    tables[b"glyf"] = bytes(glyf)
    tables[b"loca"] = struct.pack(f">{len(loca)}I", *loca)
    tables[b"hmtx"] = bytes(hmtx)
    head = bytearray(base.tables[b"head"])
    struct.pack_into(">I", head, 8, 0)  # checkSumAdjustment, set below
    boxes = [struct.unpack_from(">hhhh", subset.tables[b"head"], 36) for subset in subsets]
    struct.pack_into(">hhhh", head, 36, min(b[0] for b in boxes), min(b[1] for b in boxes),
                     max(b[2] for b in boxes), max(b[3] for b in boxes))
    struct.pack_into(">h", head, 50, 1)  # long loca offsets
    tables[b"head"] = bytes(head)
    hhea = bytearray(base.tables[b"hhea"])
    struct.pack_into(">H", hhea, 10, max(struct.unpack_from(">H", s.tables[b"hhea"], 10)[0] for s in subsets))
    struct.pack_into(">H", hhea, 34, base.glyphs)
    tables[b"hhea"] = bytes(hhea)
    maxp = bytearray(base.tables[b"maxp"])
    for offset in range(6, min(len(maxp), 32), 2):  # version 1.0: the maxima over every subset
        struct.pack_into(">H", maxp, offset, max(struct.unpack_from(">H", s.tables[b"maxp"], offset)[0]
                                                 for s in subsets if len(s.tables[b"maxp"]) >= offset + 2))
    tables[b"maxp"] = bytes(maxp)
    return _write(tables)


def _checksum(data: bytes) -> int:
    padded = data + b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(padded) // 4}I", padded)) & 0xFFFFFFFF


def _write(tables: dict[bytes, bytes]) -> bytes:
    """An sfnt file of `tables`, in tag order, with checksums and head's checkSumAdjustment."""
    tags = sorted(tables)
    count = len(tags)
    power = 1
    while power * 2 <= count:
        power *= 2
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1, count * 16 - power * 16)
    offset = 12 + 16 * count
    records, body = bytearray(), bytearray()
    for tag in tags:
        data = tables[tag]
        records += _RECORD.pack(tag, _checksum(data), offset + len(body), len(data))
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + records + body)
    if b"head" in tables:
        head_offset = offset + sum(len(tables[t]) + (-len(tables[t]) % 4) for t in tags[: tags.index(b"head")])
        struct.pack_into(">I", font, head_offset + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)
