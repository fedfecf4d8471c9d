"""WeasyPrint 70 fix: a text that overflows its line only by its trailing space is not cut after its first word.

`weasyprint.text.line_break.split_first_line` measures a text with its trailing space. When
that space alone takes it past the available width (Pango itself says the text fits, since
a space at the end of a line hangs), step 3 of the function concludes that "the line can't
be split earlier" and keeps the first word only. In a paragraph whose text is followed by
an inline element (a Sources entry: `Name. 2022. “Title.” <em>Journal</em>`), the line then
ends after its first word, and the next after the second: "NK / News. / 2022. “Why …”".

The fix gives such a text the whole line: the caller (`split_inline_box`) already accepts a
child whose overflow is only trailing space, and breaks the line before the next element as
it should. Nothing else changes: a text that overflows by more than its trailing space, or
that fits, is split by WeasyPrint's own code.
"""

from __future__ import annotations

from math import inf
from typing import Any

_MARK = "_briefing_trailing_space_fix"


def install() -> bool:
    """Install the fix in this process (once); True when it is in place."""
    import weasyprint.layout.inline as inline
    import weasyprint.text.line_break as line_break

    original = line_break.split_first_line
    if getattr(original, _MARK, False):
        return True

    def split_first_line(text: str, style: Any, context: Any, max_width: float | None, justification_spacing: float,
                         is_line_start: bool = True, minimum: bool = False) -> tuple[Any, ...]:
        result: tuple[Any, ...] = tuple(original(text, style, context, max_width, justification_spacing,
                                                 is_line_start, minimum))
        if (result[2] is None or max_width is None or max_width == inf or not text.endswith(" ")
                or style["white_space"] not in ("normal", "pre-line")):
            return result
        stripped = text.rstrip(" ")
        if not stripped:
            return result
        whole = original(stripped, style, context, max_width, justification_spacing, is_line_start, minimum)
        if whole[2] is not None or whole[3] > max_width:
            return result  # it really does not fit: WeasyPrint's split stands
        return tuple(original(text, style, context, inf, justification_spacing, is_line_start, minimum))

    setattr(split_first_line, _MARK, True)
    line_break.split_first_line = split_first_line
    inline.split_first_line = split_first_line
    return inline.split_first_line is split_first_line
