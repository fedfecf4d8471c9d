"""Lay each footnote out once per page instead of once per note added to the page.

WeasyPrint 70 recomputes the footnote area every time a note joins a page
(`LayoutContext._update_footnote_area`), laying out every note already there again: a page
with n notes lays notes out n²/2 times, and line breaking is the costly part. In a book that
cites every fact this was a third of the layout time.

A note's own layout does not depend on where in the footnote area it sits: the area is laid
out with no page bottom (`bottom_space = -inf`), so nothing breaks. While this context
manager is active, `block_level_layout` of a footnote body (a child of the footnote area)
remembers its result per note and per set of inputs that can change it (width, collapsing
margins, first page, forced break, page emptiness); a later identical request gets a copy of
the remembered boxes, moved to the new position. WeasyPrint's own code still stacks the
notes, collapses margins, clamps `max-height` and decides overflow. Anything unusual (a note
that created absolutely positioned or fixed boxes, a skip stack, a finite bottom, columns)
is laid out normally.

Used by the part-by-part renderer; tests compare its books with single WeasyPrint passes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from math import inf
from typing import Any

_CACHE_ATTRIBUTE = "_briefing_footnote_layouts"


class FootnoteCacheStats:
    """What the cache did in one block: whether its patch was in place, and how often it helped."""

    def __init__(self) -> None:
        self.active = False
        self.reused = 0
        """Footnote layouts given back from the cache instead of laid out again."""


@contextlib.contextmanager
def footnote_layout_cache() -> Iterator[FootnoteCacheStats]:
    """Within this block, footnote bodies are laid out once per distinct situation."""
    import weasyprint.layout.block as block
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    original = block.block_level_layout
    stats = FootnoteCacheStats()

    def block_level_layout(context: Any, box: Any, bottom_space: float, skip_stack: Any, containing_block: Any,
                           page_is_empty: bool = True, absolute_boxes: list[Any] | None = None,
                           fixed_boxes: list[Any] | None = None, adjoining_margins: list[float] | None = None,
                           first_letter_style: Any = None, first_line_style: Any = None, discard: bool = False,
                           max_lines: int | None = None) -> tuple[Any, ...]:
        arguments = (context, box, bottom_space, skip_stack, containing_block, page_is_empty, absolute_boxes,
                     fixed_boxes, adjoining_margins, first_letter_style, first_line_style, discard, max_lines)
        if (bottom_space != -inf or skip_stack is not None or first_letter_style is not None
                or first_line_style is not None or context.in_column
                or not isinstance(containing_block, FootnoteAreaBox) or box.element is None):
            return tuple(original(*arguments))
        cache = context.__dict__.setdefault(_CACHE_ATTRIBUTE, {})
        key = (id(box.element), box.element_tag, getattr(containing_block, "width", None), page_is_empty,
               context.current_page > 1, context.forced_break, tuple(adjoining_margins or ()), discard, max_lines)
        found = cache.get(key)
        if found is not None and found[0] is box.element:
            _, x0, y0, result = found
            new_box = result[0].deepcopy() if result[0] is not None else None
            if new_box is not None:
                new_box.translate(box.position_x - x0, box.position_y - y0)
            stats.reused += 1
            return (new_box, result[1], result[2], list(result[3]), result[4], result[5])
        before = (len(absolute_boxes or ()), len(fixed_boxes or ()))
        x0, y0 = box.position_x, box.position_y
        result = tuple(original(*arguments))
        after = (len(absolute_boxes or ()), len(fixed_boxes or ()))
        if result[1] is None and after == before and result[0] is not None:
            cache[key] = (box.element, x0, y0, (result[0].deepcopy(), *result[1:3], list(result[3]), *result[4:]))
        return result

    block.block_level_layout = block_level_layout
    stats.active = block.block_level_layout is block_level_layout
    try:
        yield stats
    finally:
        block.block_level_layout = original
