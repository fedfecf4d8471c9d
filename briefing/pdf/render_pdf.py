"""Stage 6, render PDF: lay the HTML out with WeasyPrint, through the sandboxed fetcher.

WeasyPrint is imported inside `render_pdf` only, so commands that do not render start fast.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.book.locate import refusal_problems
from briefing.errors import UserError
from briefing.project.theme import Theme
from briefing.safety.fetch import SandboxPolicy, disable_attachments, make_fetcher

_FONT_CONFIG: Any = None


@dataclass(frozen=True)
class RenderedPdf:
    """The finished PDF bytes and what a report needs to say about them."""

    data: bytes
    pages: int
    warnings: tuple[str, ...] = ()
    layout: str = "one WeasyPrint pass"
    """How the pages were laid out, for `--verbose`."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def font_configuration() -> Any:
    """One FontConfiguration for the process: a new one per render makes memory grow."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        from briefing.pdf.parts.trailing_space import install

        install()  # every WeasyPrint layout of this process goes through here first (one pass and workers)
        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


def render_pdf(html: str, base_url: str, project_root: Path, theme: Theme, *,
               pdf_variant: str | None = None, created: dt.datetime | None = None,
               source_lines: dict[str, tuple[Path, int]] | None = None,
               finisher: Any = None, identifier: bool | None = None,
               policy: SandboxPolicy) -> RenderedPdf:
    """Render the book; refused resources are errors naming the content line where known.

    `finisher(document, pdf)` may adjust the pydyf PDF before it is written; `identifier=True`
    writes a trailer /ID (an MD5 of the PDF's objects, so it is as reproducible as they are).
    """
    from weasyprint import HTML

    fetcher = make_fetcher(policy)
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
            font_config=font_configuration(), presentational_hints=False)
        disable_attachments(document, policy)
        if policy.refusals:  # no need to write a PDF that will not be kept
            raise UserError(refusal_problems(policy.refusals, project_root, source_lines or {}))
        data = document.write_pdf(pdf_variant=pdf_variant, attachments=[], uncompressed_pdf=False,
                                  finisher=finisher, pdf_identifier=identifier)
    finally:
        logger.removeHandler(collect)
    if policy.refusals:
        raise UserError(refusal_problems(policy.refusals, project_root, source_lines or {}))
    return RenderedPdf(data, len(document.pages), tuple(collect.messages))

