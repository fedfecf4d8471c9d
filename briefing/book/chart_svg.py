"""Draw a validated chart as hand-written SVG: plain shapes and text in the bundled sans.

Units are points at the text width of an A4 page (the figure scales to the column), so the
type sizes below are close to what prints. Text widths are estimated (no font metrics at this
stage): long labels wrap onto a second line rather than run into the bars.
"""

from __future__ import annotations

from html import escape

from briefing.book.charts import Chart

WIDTH = 385.0
FONT = "'Briefing Sans', 'Briefing Hangul Sans', sans-serif"
INK, MUTED, ACCENT, AXIS = "#1b1d20", "#5a6470", "#1c3f66", "#8a939d"
LABEL_SIZE, VALUE_SIZE = 8.5, 8.5
BAR_HEIGHT, ROW_GAP, LINE_HEIGHT = 13.0, 9.0, 10.5
EM_WIDTH = 0.56
"""Average advance of Noto Sans, in ems, for width estimates."""


def text_width(text: str, size: float) -> float:
    """Estimated width of `text` set at `size` points (wide glyphs count double)."""
    return sum(2 if ord(c) >= 0x1100 else 1 for c in text) * size * EM_WIDTH


def wrap(text: str, size: float, width: float) -> list[str]:
    """Break `text` at spaces into lines no wider than `width` (a long word keeps its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def format_value(value: float, decimals: int) -> str:
    """1234.5 → '1,234.5'; whole numbers without decimals; a true minus sign."""
    shown = f"{abs(value):,.{decimals}f}"
    return ("−" if value < 0 else "") + shown


def bar_chart_svg(chart: Chart, ident: str) -> str:
    """Horizontal bars with their labels at the left and their values at the bar ends."""
    decimals = max((len(f"{b.value:g}".partition(".")[2]) for b in chart.bars), default=0)
    decimals = min(decimals, 2)
    values = [format_value(b.value, decimals) for b in chart.bars]
    label_lines = [wrap(b.label, LABEL_SIZE, WIDTH * 0.36) for b in chart.bars]
    label_width = max(text_width(line, LABEL_SIZE) for lines in label_lines for line in lines)
    x0 = min(label_width, WIDTH * 0.36) + 10
    value_room = max(text_width(v, VALUE_SIZE) for v in values) + 8
    low = min(0.0, *(b.value for b in chart.bars))
    high = max(0.0, *(b.value for b in chart.bars))
    negative_room = value_room if low < 0 else 0.0
    span = (high - low) or 1.0
    scale = (WIDTH - x0 - value_room - negative_room) / span
    zero = x0 + negative_room + (0 - low) * scale

    parts: list[str] = []
    y = 0.0
    if chart.title:
        y += 11
        parts.append(_text(0, y, chart.title, 9.5, INK, weight="bold"))
    if chart.unit:
        y += 12
        parts.append(_text(0, y, chart.unit, 8, MUTED))
    y += 12 if parts else 2
    top = y - 4
    for bar, lines, shown in zip(chart.bars, label_lines, values, strict=True):
        row = max(BAR_HEIGHT, len(lines) * LINE_HEIGHT)
        middle = y + row / 2
        first = middle - (len(lines) - 1) * LINE_HEIGHT / 2 + LABEL_SIZE * 0.35
        for index, line in enumerate(lines):
            parts.append(_text(x0 - 10, first + index * LINE_HEIGHT, line, LABEL_SIZE, INK, anchor="end"))
        length = abs(bar.value) * scale
        left = zero if bar.value >= 0 else zero - length
        parts.append(f'<rect x="{left:.2f}" y="{middle - BAR_HEIGHT / 2:.2f}" width="{length:.2f}" '
                     f'height="{BAR_HEIGHT:.2f}" fill="{ACCENT}"/>')
        value_x, anchor = (left + length + 4, "start") if bar.value >= 0 else (left - 4, "end")
        parts.append(_text(value_x, middle + VALUE_SIZE * 0.35, shown, VALUE_SIZE, INK, weight="bold", anchor=anchor))
        y += row + ROW_GAP
    bottom = y - ROW_GAP + 4
    parts.append(f'<line x1="{zero:.2f}" y1="{top:.2f}" x2="{zero:.2f}" y2="{bottom:.2f}" '
                 f'stroke="{AXIS}" stroke-width="0.75"/>')
    height = bottom + 2
    title_id = f"{ident}-alt"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{escape(title_id)}" '
            f'width="{WIDTH:.0f}" height="{height:.0f}" viewBox="0 0 {WIDTH:.0f} {height:.0f}" '
            f'font-family="{FONT}">'
            f'<title id="{escape(title_id)}">{escape(chart.alt)}</title>'
            + "".join(parts) + "</svg>")


def _text(x: float, y: float, text: str, size: float, fill: str, *, weight: str = "normal",
          anchor: str = "start") -> str:
    return (f'<text x="{x:.2f}" y="{y:.2f}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
            f'text-anchor="{anchor}">{escape(text)}</text>')
