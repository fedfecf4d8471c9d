"""Charts drawn from data at build time: `::: {.chart src="data/trade.yaml"}` becomes a vector figure.

The fenced div's text is the caption (it keeps its citation footnotes); the data file, which
must lie inside the content folder, gives the bars. The chart is hand-written SVG inlined in
the HTML, so the PDF holds vector shapes and text in the bundled fonts, never a raster image.

A data file (YAML; unknown keys are errors, reported at their line):

    kind: bar                      # the only kind so far: horizontal bars
    title: Korea–Mongolia trade in 2024
    unit: US$ million              # printed under the title
    alt: Bar chart of ...          # the text alternative read instead of the picture (required)
    cite: ecnet-2025               # optional: a reference key the caption must cite
    bars:
      - {label: Korean exports to Mongolia, value: 582}
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path

from briefing.cache.inputs import is_input
from briefing.errors import Problem
from briefing.project.blocks import iter_lines, parse_attrs
from briefing.project.load import read_text
from briefing.project.models import Project, Section
from briefing.project.yamlfile import LineDict, LineList, parse_yaml

KINDS = ("bar",)
KEYS = ("kind", "title", "unit", "alt", "cite", "bars")
BAR_KEYS = ("label", "value")
_DIV_OPEN = re.compile(r"^\s{0,3}:{3,}\s*\{(?P<attrs>[^}]*)\}")
_CHART_DIV = re.compile(r"<div\b[^>]*\bclass=\"(?:[^\"]*\s)?chart(?:\s[^\"]*)?\"[^>]*>")
_DIV_TAG = re.compile(r"<(/?)div\b[^>]*>")
_SRC = re.compile(r"\bdata-src=\"([^\"]*)\"")
_CITED = re.compile(r"\bdata-cite=\"([^\"]*)\"")


@dataclass(frozen=True)
class Bar:
    """One bar: its label and value."""

    label: str
    value: float


@dataclass(frozen=True)
class Chart:
    """A validated chart data file."""

    path: Path
    title: str
    unit: str
    alt: str
    cite: str
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class ChartBlock:
    """A `.chart` fenced div in a section's Markdown: its `src` and the line it opens on."""

    src: str
    line: int


def find_chart_blocks(section: Section) -> list[ChartBlock]:
    """The chart divs written in a section, with their source lines (for error messages)."""
    found = []
    for index, line, in_code in iter_lines(section.body):
        opened = None if in_code else _DIV_OPEN.match(line)
        if opened:
            attrs = parse_attrs(opened.group("attrs"))
            if "chart" in attrs.classes:
                found.append(ChartBlock(attrs.get("src"), section.body_line + index))
    return found


def load_chart(project: Project, block: ChartBlock, section: Section, problems: list[Problem]) -> Chart | None:
    """Read and validate the data file a chart block names; problems are appended, not raised."""
    where = (section.path, block.line)
    if not block.src:
        problems.append(Problem(*where, 'a chart needs its data file: ::: {.chart src="data/name.yaml"}'))
        return None
    content = project.content_dir.resolve()
    path = (content / block.src).resolve()
    if Path(block.src).is_absolute() or not path.is_relative_to(content):
        problems.append(Problem(*where, f"chart data '{block.src}' must be a file inside the content folder "
                                f"(a relative path such as data/name.yaml, without '..')"))
        return None
    if not is_input(path.relative_to(project.root.resolve()), None):
        problems.append(Problem(*where, f"chart data '{block.src}' is not an input: hidden files and folders, "
                                "build/, dist/ and tools' folders are never read"))
        return None
    if not path.is_file():
        problems.append(Problem(*where, f"chart data file '{block.src}' not found in the content folder"))
        return None
    read_problems: list[Problem] = []
    text = read_text(path, read_problems)
    problems.extend(read_problems)
    if text is None:
        return None
    data, yaml_problems = parse_yaml(text, path)
    if yaml_problems:
        problems.extend(yaml_problems)
        return None
    return _validate(data, path, project, problems)


def _validate(data: object, path: Path, project: Project, problems: list[Problem]) -> Chart | None:
    if not isinstance(data, LineDict):
        problems.append(Problem(path, 1, "a chart data file is a mapping: kind, title, unit, alt, cite, bars"))
        return None
    before = len(problems)

    def line(key: str) -> int:
        return data.key_lines.get(key, data.line)

    for key in data:
        if key not in KEYS:
            problems.append(Problem(path, line(key), f"unknown key '{key}' in chart data (known: {', '.join(KEYS)})"))
    kind = data.get("kind", "bar")
    if kind not in KINDS:
        problems.append(Problem(path, line("kind"), f"chart kind '{kind}' is not supported (use: {', '.join(KINDS)})"))
    texts = {}
    for key in ("title", "unit", "alt", "cite"):
        value = data.get(key, "")
        if not isinstance(value, str):
            problems.append(Problem(path, line(key), f"'{key}' must be text"))
            value = ""
        texts[key] = value.strip()
    if not texts["alt"]:
        problems.append(Problem(path, line("alt"), "a chart needs 'alt': one or two sentences saying what it shows, "
                                "for readers who cannot see it"))
    if texts["cite"] and texts["cite"] not in project.references:
        problems.append(Problem(path, line("cite"), f"'cite: {texts['cite']}' is not a key in the references"))
    bars = _bars(data.get("bars"), path, line("bars"), problems)
    if len(problems) > before:
        return None
    return Chart(path, texts["title"], texts["unit"], texts["alt"], texts["cite"], bars)


def _bars(items: object, path: Path, line: int, problems: list[Problem]) -> tuple[Bar, ...]:
    if not isinstance(items, LineList) or not items:
        problems.append(Problem(path, line, "'bars' must be a list of {label: ..., value: ...}"))
        return ()
    bars = []
    for item, item_line in zip(items, items.item_lines, strict=True):
        if not isinstance(item, dict):
            problems.append(Problem(path, item_line, "each bar is a mapping {label: ..., value: ...}"))
            continue
        unknown = [k for k in item if k not in BAR_KEYS]
        label, value = item.get("label"), item.get("value")
        if unknown:
            problems.append(Problem(path, item_line, f"unknown key '{unknown[0]}' in a bar (known: label, value)"))
        elif not isinstance(label, str) or not label.strip():
            problems.append(Problem(path, item_line, "a bar needs a 'label' (text)"))
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(Problem(path, item_line, f"the value of bar '{label}' must be a number, not {value!r}"))
        else:
            bars.append(Bar(label.strip(), float(value)))
    return tuple(bars)


def draw_charts(html: str, section: Section, project: Project, problems: list[Problem]) -> str:
    """Replace each chart div of a chapter's HTML by a figure: inline SVG plus the caption."""
    blocks = {block.src: block for block in find_chart_blocks(section)}
    out: list[str] = []
    position = 0
    for number, opening in enumerate(_CHART_DIV.finditer(html), start=1):
        if opening.start() < position:
            continue
        end, inner = div_body(html, opening.end())
        src_match = _SRC.search(opening.group(0))
        src = unescape(src_match.group(1)) if src_match else ""
        block = blocks.get(src, ChartBlock(src, section.body_line))
        chart = load_chart(project, block, section, problems)
        out.append(html[position:opening.start()])
        if chart is not None:
            cited = {key for keys in _CITED.findall(inner) for key in unescape(keys).split(";")}
            if chart.cite and chart.cite not in cited:
                problems.append(Problem(section.path, block.line, f"the chart's data says cite: {chart.cite}, "
                                        f"but its caption does not cite [@{chart.cite}]"))
            ident = f"{section.id}-chart-{number}"
            out.append(figure_html(chart, inner, ident))
        position = end
    out.append(html[position:])
    return "".join(out)


def div_body(html: str, start: int) -> tuple[int, str]:
    """(end of the matching </div>, the HTML inside) for a div whose opening tag ends at `start`."""
    depth = 1
    for tag in _DIV_TAG.finditer(html, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return tag.end(), html[start:tag.start()]
    return len(html), html[start:]


def figure_html(chart: Chart, caption_html: str, ident: str) -> str:
    """The figure: the chart as SVG, then the caption written in the Markdown."""
    from briefing.book.chart_svg import bar_chart_svg

    return (f'<figure class="chart" id="{escape(ident)}">\n{bar_chart_svg(chart, ident)}\n'
            f"<figcaption>{caption_html.strip()}</figcaption>\n</figure>")


def chart_texts(project: Project, section: Section) -> list[tuple[Path, int, str]]:
    """(path, line, text) of every printed string in the section's chart data, for the font coverage check."""
    found = []
    for block in find_chart_blocks(section):
        chart = load_chart(project, block, section, [])
        if chart is None:
            continue
        text = chart.path.read_text("utf-8")
        for number, line in enumerate(text.split("\n"), start=1):
            if not line.lstrip().startswith("#"):
                found.append((chart.path, number, line))
    return found
