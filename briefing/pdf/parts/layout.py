"""Lay out one part of the book with WeasyPrint 70, page numbers supplied later.

A single WeasyPrint pass (`Document._render`) builds boxes, lays the flow out into pages,
then adds each page's margin boxes (running heads, "Page 7 of 31") and returns a Document.
Here the same steps run in two calls, so that a part can be laid out before the book's
page numbers are known:

1. `layout_part`: boxes (footnote counter starting where the previous parts stopped),
   then the flow, with margin boxes held back;
2. `finish_part`: once every part's page count is known, the page counter of each page
   state is moved by the part's offset, the page total set, and the margin boxes and
   backgrounds made exactly as WeasyPrint's `layout_document` makes them; the Document is
   written to PDF with its internal links kept even when their target lies in another part.

This relies on WeasyPrint 70.0's internals (pinned in pyproject.toml); the equivalence tests
(tests/test_speed_equivalence.py) compare the result with a single pass.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from briefing.pdf.parts.footnote_cache import footnote_layout_cache
from briefing.safety.fetch import SandboxPolicy, disable_attachments, make_fetcher


class PartMismatchError(Exception):
    """The part does not lay out as the split assumed (its footnotes were miscounted)."""


@dataclass
class LaidOutPart:
    """A part laid out but not yet numbered: WeasyPrint objects, kept in the worker."""

    html: Any
    context: Any
    page_boxes: list[Any]
    options: dict[str, Any]
    policy: SandboxPolicy
    anchors: dict[str, int]
    """Anchor id → 0-based page of the part."""
    patches: dict[str, bool] = dataclasses.field(default_factory=dict)
    """Each WeasyPrint patch and whether it was in place during the layout (for the layout report)."""
    footnotes_reused: int = 0

    @property
    def pages(self) -> int:
        return len(self.page_boxes)


@contextlib.contextmanager
def _margin_boxes_held_back() -> Iterator[None]:
    import weasyprint.layout as layout

    original = layout.make_margin_boxes
    layout.make_margin_boxes = lambda context, page, state: ()
    try:
        yield
    finally:
        layout.make_margin_boxes = original


@contextlib.contextmanager
def _keep_all_links() -> Iterator[None]:
    """Keep links to anchors of other parts: the assembled book's name tree resolves them."""
    import weasyprint.pdf as pdf

    original = pdf.resolve_links

    def resolve_links(pages: list[Any]) -> Iterator[tuple[list[Any], list[Any]]]:
        anchors: set[str] = set()
        for page in pages:
            paged = []
            for name, (x, y, _, _) in page.anchors.items():
                if name not in anchors:
                    anchors.add(name)
                    paged.append((name, x, y))
            yield list(page.links), paged

    pdf.resolve_links = resolve_links
    try:
        yield
    finally:
        pdf.resolve_links = original


_STYLESHEETS: dict[tuple[Any, ...], tuple[list[Any], list[Any], list[Any], dict[Any, Any], dict[Any, Any]]] = {}
"""Parsed author stylesheets by document head (and the files' sizes and times), for this worker."""


def forget_stylesheets() -> None:
    """Forget the stylesheets remembered so far (the zygote, after a warm-up that was refused a resource)."""
    _STYLESHEETS.clear()


@contextlib.contextmanager
def _stylesheets_remembered(policy: SandboxPolicy) -> Iterator[None]:
    """Parse the book's stylesheets once per worker instead of once per part.

    Every part has the same `<head>`; WeasyPrint's `find_stylesheets` parses its `<link>`ed
    sheets for each document and, as it goes, adds `@page` rules, layers, counter styles and
    colour profiles to the document's collections. The first part's results (and those
    additions) are remembered, keyed by the links, inline styles and the linked files' sizes
    and modification times, and given to every later part with the same head.
    """
    import weasyprint.css as css

    original = css.find_stylesheets

    def find_stylesheets(wrapper_element: Any, media_type: str, url_fetcher: Any, base_url: str, font_config: Any,
                         counter_style: Any, color_profiles: Any, page_rules: list[Any],
                         layers: list[Any]) -> Iterator[Any]:
        key: list[Any] = [media_type, base_url, id(font_config)]
        for wrapper in wrapper_element.query_all("style", "link"):
            element = wrapper.etree_element
            href = element.get("href")
            found = policy.resolve(href) if href else None
            stat = found.stat() if found is not None and not isinstance(found, str) and found.is_file() else None
            key.append((element.tag, tuple(sorted(element.attrib.items())), element.text,
                        (stat.st_size, stat.st_mtime_ns) if stat else None))
        remembered = _STYLESHEETS.get(tuple(key))
        if remembered is None:
            before = (len(page_rules), list(layers), dict(counter_style), dict(color_profiles or {}))
            sheets = list(original(wrapper_element, media_type, url_fetcher, base_url, font_config, counter_style,
                                   color_profiles, page_rules, layers))
            if before[1] == [] and not page_rules[: before[0]]:
                _STYLESHEETS[tuple(key)] = (
                    sheets, page_rules[before[0]:], list(layers),
                    {k: v for k, v in counter_style.items() if before[2].get(k) is not v},
                    {k: v for k, v in (color_profiles or {}).items() if before[3].get(k) is not v})
            yield from sheets
            return
        sheets, rules, layer_names, counters, profiles = remembered
        page_rules.extend(rules)
        layers.extend(layer_names)
        counter_style.update(counters)
        if color_profiles is not None:
            color_profiles.update(profiles)
        yield from sheets

    css.find_stylesheets = find_stylesheets
    try:
        yield
    finally:
        css.find_stylesheets = original


def layout_part(html_text: str, base_url: str, policy: SandboxPolicy, font_config: Any,
                footnote_start: int, footnotes: int) -> LaidOutPart:
    """Build the part's boxes and lay its flow out into pages (no margin boxes yet)."""
    import weasyprint.css as css  # the modules whose functions the patches replace
    import weasyprint.layout as layout
    from weasyprint import DEFAULT_OPTIONS, HTML
    from weasyprint.css.counters import CounterStyle
    from weasyprint.document import Document
    from weasyprint.formatting_structure import build
    from weasyprint.layout import layout_document

    policy = dataclasses.replace(policy, refusals=[], closed=False)
    html = HTML(string=html_text, base_url=base_url, url_fetcher=make_fetcher(policy))
    options = {**DEFAULT_OPTIONS, "presentational_hints": False}
    counter_style = CounterStyle()
    with _stylesheets_remembered(policy):
        remembered = getattr(css.find_stylesheets, "__module__", "") == __name__
        context = Document._build_layout_context(html, font_config, counter_style, {}, options)
    state: tuple[list[int], dict[str, list[int]], list[set[str]], list[Any]] = (
        [0], {"footnote": [footnote_start], "note": [0]}, [{"footnote", "note"}], [])
    boxes = build.element_to_box(html.etree_element, context.style_for, context.get_image_from_uri, html.base_url,
                                 context.target_collector, counter_style, context.footnotes, state)
    if len(boxes) != 1 or state[1]["footnote"][-1] - footnote_start != footnotes:
        raise PartMismatchError(f"expected {footnotes} footnotes, found {state[1]['footnote'][-1] - footnote_start}")
    root_box = boxes[0]
    context.target_collector.check_pending_targets()
    root_box.process_whitespace()
    root_box.process_text_transform()
    root_box.is_for_root_element = True
    root_box = build.set_viewport_overflow(build.create_anonymous_boxes(root_box))
    with _margin_boxes_held_back(), footnote_layout_cache() as notes:
        patches = {"margin_boxes_held_back": getattr(layout.make_margin_boxes, "__name__", "") == "<lambda>",
                   "footnote_cache": bool(getattr(notes, "active", False))}
        page_boxes = list(layout_document(html, root_box, context))
    anchors: dict[str, int] = {}
    for number, page_box in enumerate(page_boxes):
        for box in page_box.descendants():
            anchor = box.style["anchor"]
            if anchor and anchor not in anchors:
                anchors[anchor] = number
    patches["stylesheets_remembered"] = remembered
    return LaidOutPart(html, context, page_boxes, options, policy, anchors, patches,
                       getattr(notes, "reused", 0))


def finish_part(part: LaidOutPart, offset: int, total: int, pdf_options: dict[str, Any]) -> bytes:
    """Number the part's pages (`offset` pages come before it; `total` in the book) and write its PDF."""
    from weasyprint.document import Document, Page
    from weasyprint.html import get_html_metadata
    from weasyprint.layout import make_margin_boxes
    from weasyprint.layout.background import layout_backgrounds
    from weasyprint.pdf.metadata import DocumentMetadata

    context = part.context
    for number, page in enumerate(part.page_boxes, start=1):
        state = context.page_maker[number][3]
        counters = state[1]
        if "page" in counters:
            counters["page"] = [value + offset for value in counters["page"]]
        counters["pages"] = [total]
        context.current_page = number
        page.children = (*page.children, *make_margin_boxes(context, page, state))
        layout_backgrounds(page, context.get_image_from_uri)
    html = part.html
    document = Document([Page(page_box) for page_box in part.page_boxes],
                        DocumentMetadata(**get_html_metadata(html)), html.url_fetcher,
                        context.font_config, {}, part.options["output_intent"])
    document._html = html
    disable_attachments(document, part.policy)
    with _keep_all_links():
        data: bytes = document.write_pdf(attachments=[], uncompressed_pdf=False, **pdf_options)
    return data
