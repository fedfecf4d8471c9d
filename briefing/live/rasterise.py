"""The pages of a finished PDF as PNG images, for the preview.

The preview shows the real PDF, rasterised by PDFium (pypdfium2), because a headless or
embedded browser may have no PDF viewer of its own. Pages are drawn when first asked for and
kept; PDFium is not thread-safe, so one lock guards every call into it.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from typing import Any

SCALE = 1.5
"""Pixels per PDF point: 108 dpi, sharp on an ordinary screen and still quick to draw."""
_PDFIUM = threading.Lock()


@dataclass
class PdfPages:
    """One build's PDF, its page sizes and the pages drawn so far."""

    data: bytes
    sizes: tuple[tuple[float, float], ...]
    """Width and height of each page, in PDF points."""
    _document: Any = None
    _drawn: dict[int, bytes] = field(default_factory=dict)

    @classmethod
    def open(cls, data: bytes) -> PdfPages:
        """Read the page sizes of a PDF (cheap: no page is drawn yet)."""
        import pypdfium2

        with _PDFIUM:
            document = pypdfium2.PdfDocument(data)
            sizes = tuple((float(w), float(h)) for w, h in (document.get_page_size(i) for i in range(len(document))))
        return cls(data, sizes, document)

    def png(self, index: int) -> bytes:
        """Page `index` (0-based) as PNG bytes, drawn once and then kept."""
        if not 0 <= index < len(self.sizes):
            raise IndexError(index)
        with _PDFIUM:
            if index not in self._drawn:
                if self._document is None:  # replaced by a newer build meanwhile
                    raise IndexError(index)
                page = self._document[index]
                try:
                    image = page.render(scale=SCALE).to_pil()
                finally:
                    page.close()
                stream = io.BytesIO()
                image.save(stream, "PNG", compress_level=1)
                self._drawn[index] = stream.getvalue()
            return self._drawn[index]

    def close(self) -> None:
        """Release PDFium's copy of the document."""
        with _PDFIUM:
            if self._document is not None:
                self._document.close()
                self._document = None
