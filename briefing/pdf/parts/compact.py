"""Write the assembled book as WeasyPrint writes a PDF: dictionaries packed into compressed object streams.

pypdf writes every object as plain text with a classic cross-reference table. A book's pages,
links, outline and names are thousands of small dictionaries; WeasyPrint (through pydyf) packs
them into compressed object streams (PDF 1.5) with a cross-reference stream, which is what makes
its file small. `write_compact` writes the writer's objects the same way: streams as they are,
every other object in object streams of up to 200 objects, then the cross-reference stream.
The result depends only on the objects (no dates, no random ids): the same book, the same bytes.
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

_PER_STREAM = 200


def write_compact(writer: Any) -> bytes:
    """The writer's document as bytes, non-stream objects in object streams."""
    from pypdf.generic import StreamObject

    writer._resolve_links()
    output = io.BytesIO()
    header = writer.pdf_header if writer.pdf_header >= "%PDF-1.5" else "%PDF-1.7"
    output.write(header.encode() + b"\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    packed: list[tuple[int, bytes]] = []
    for number, obj in enumerate(writer._objects, start=1):
        if obj is None:
            continue
        if isinstance(obj, StreamObject):
            offsets[number] = output.tell()
            output.write(b"%d 0 obj\n" % number)
            obj.write_to_stream(output)
            output.write(b"\nendobj\n")
        else:
            buffer = io.BytesIO()
            obj.write_to_stream(buffer)
            packed.append((number, buffer.getvalue()))
    next_number = len(writer._objects) + 1
    located: dict[int, tuple[int, int]] = {}
    for start in range(0, len(packed), _PER_STREAM):
        chunk = packed[start:start + _PER_STREAM]
        positions, body, at = [], io.BytesIO(), 0
        for index, (number, data) in enumerate(chunk):
            positions.append(b"%d %d" % (number, at))
            body.write(data + b"\n")
            at += len(data) + 1
            located[number] = (next_number, index)
        head = b" ".join(positions) + b"\n"
        data = zlib.compress(head + body.getvalue(), 9)
        offsets[next_number] = output.tell()
        output.write(b"%d 0 obj\n<</Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d>>\nstream\n"
                     % (next_number, len(chunk), len(head), len(data)))
        output.write(data + b"\nendstream\nendobj\n")
        next_number += 1
    xref_number, size = next_number, next_number + 1
    row = struct.Struct(">BIH")
    rows = [row.pack(0, 0, 65535)]
    for number in range(1, size):
        if number in offsets:
            rows.append(row.pack(1, offsets[number], 0))
        elif number in located:
            rows.append(row.pack(2, *located[number]))
        elif number == xref_number:
            rows.append(row.pack(1, output.tell(), 0))
        else:
            rows.append(row.pack(0, 0, 0))
    table = zlib.compress(b"".join(rows), 9)
    trailer = b"/Root %d 0 R" % writer.root_object.indirect_reference.idnum
    if writer._info is not None:
        trailer += b" /Info %d 0 R" % writer._info.indirect_reference.idnum
    start_xref = output.tell()
    output.write(b"%d 0 obj\n<</Type /XRef /Size %d /W [1 4 2] %s /Filter /FlateDecode /Length %d>>\nstream\n"
                 % (xref_number, size, trailer, len(table)))
    output.write(table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start_xref)
    return output.getvalue()
