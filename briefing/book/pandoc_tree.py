"""The Pandoc constructs Python-Markdown needs help with, as one Markdown extension.

* inline notes `^[text]` become ordinary footnotes (and so page-foot notes);
* `@fig-…`, `@tbl-…`, `@sec-…` become links printing "Figure 2", "Table 1", "section ‘Title’";
* an image alone in its paragraph is a figure, its alt text the caption (Pandoc's
  implicit figures), numbered when it has a `{#fig-…}` label;
* a table caption (`: caption` before or after a table, see `pandoc_syntax`) becomes the
  table's `<caption>`, numbered when it has a `{#tbl-…}` label;
* a heading's own `{#id}` is kept (links to it work);
* task-list check boxes become printed boxes (a PDF has no form fields).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import HTML_PLACEHOLDER_RE, unescape
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from briefing.book.crossref import LABELS, REFERENCE, Labels
from briefing.book.typesetting import keep_last_word, list_markers, typeset
from briefing.project.pandoc_syntax import CAPTION_MARK

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(?<![\\`])(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.S)
"""A code span: not after a backslash (\\` is a backtick), never across a blank line."""


def heading_text(element: ET.Element, md: markdown.Markdown) -> str:
    """A heading's plain text, with Python-Markdown's placeholders (smart quotes, ...) resolved."""
    def stashed(match: re.Match[str]) -> str:  # what Python-Markdown stashed (smart quotes, raw HTML), as text
        try:
            raw = str(md.htmlStash.rawHtmlBlocks[int(match.group(1))])
        except (IndexError, TypeError, ValueError):
            return match.group(0)
        return re.sub(r"&[#a-zA-Z0-9]+;", "", re.sub(r"<[^>]+>", "", raw))

    return str(unescape(HTML_PLACEHOLDER_RE.sub(stashed, "".join(element.itertext()))))


class _InlineNotes(Preprocessor):
    """`^[text]` → a footnote reference, with the note defined at the end of the chapter."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        if "^[" not in text:
            return lines
        masked = _mask_code(text)
        out: list[str] = []
        notes: list[str] = []
        position = 0
        start = masked.find("^[")
        while start >= 0:
            end = _closing_bracket(masked, start + 1)
            if end < 0:
                break
            notes.append(text[start + 2:end])
            label = f"inline-note-{len(notes)}"
            out.append(text[position:start] + f"[^{label}]")
            position = end + 1
            start = masked.find("^[", position)
        out.append(text[position:])
        definitions = [f"[^inline-note-{n}]: " + " ".join(body.split()) for n, body in enumerate(notes, 1)]
        return [*"".join(out).split("\n"), "", *definitions]


def _mask_code(text: str) -> str:
    """`text` with fenced code and code spans replaced by spaces (same length)."""
    lines = text.split("\n")
    fence = ""
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence or match:
            if not fence:
                fence = match.group(1) if match else ""
            elif line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            lines[index] = " " * len(line)
    return _INLINE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), "\n".join(lines))


def _closing_bracket(text: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(text)):
        char = text[index]
        if char == "\\":
            continue
        if char == "[" and text[index - 1] != "\\":
            depth += 1
        elif char == "]" and text[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index
    return -1


class _CrossReference(InlineProcessor):
    def __init__(self, pattern: str, md: markdown.Markdown, labels: Labels) -> None:
        super().__init__(pattern, md)
        self.labels = labels

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[ET.Element | None, int, int]:  # noqa: N802
        label = m.group("label")
        link = ET.Element("a", {"href": f"#{label}", "class": f"xref xref-{label.split('-', 1)[0]}"})
        link.text = self.labels.text(label)
        return link, m.start(0), m.end(0)


class _RawBlocks(Preprocessor):
    """Raw content for another format (```` ```{=latex} ````, `` `x`{=latex} ``) is left out, as
    Pandoc leaves it out of HTML; `{=html}` is kept as HTML (and sanitised like any HTML)."""

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        fence = ""
        keep = False
        for line in lines:
            match = _RAW_FENCE.match(line)
            if not fence and match:
                fence, keep = match.group("fence"), match.group("format").lower() == "html"
                out.append("")
            elif fence:
                if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                    fence = ""
                    out.append("")
                else:
                    out.append(line if keep else "")
            else:
                line = _RAW_INLINE.sub(lambda m: m.group("code") if m.group("format") == "html" else "", line)
                out.append(_DIV_TAG.sub(r'\g<0> markdown="1"', line))  # Markdown inside <div> is Markdown
        return out


_RAW_FENCE = re.compile(r"^\s{0,3}(?P<fence>`{3,}|~{3,})\s*\{=(?P<format>\w+)\}\s*$")
_DIV_TAG = re.compile(r"^\s{0,3}<div\b(?![^>]*\bmarkdown=)")
_RAW_INLINE = re.compile(r"`(?P<code>[^`\n]+)`\{=(?P<format>\w+)\}")


class _PandocTreeprocessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, labels: Labels) -> None:
        super().__init__(md)
        self.labels = labels

    def run(self, root: ET.Element) -> None:
        self._task_boxes()
        typeset(root)
        for element in list(root.iter()):
            keep_last_word(element)
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter()):
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6") and element.get("id"):
                element.set("data-custom-id", "1")
            elif element.tag == "ol":
                list_markers(element)
            elif element.tag == "p" and (element.text or "").startswith(CAPTION_MARK) and element in parents:
                self._table_caption(element, parents[element])
            elif element.tag == "p" and len(element) == 1 and element[0].tag == "img" and element in parents \
                    and not (element.text or "").strip() and not (element[0].tail or "").strip():
                self._figure(element, parents[element])

    def _task_boxes(self) -> None:
        """pymdownx.tasklist stashes an `<input>` per task; a PDF has no forms: print a box instead."""
        stash = self.md.htmlStash.rawHtmlBlocks
        for index, block in enumerate(stash):
            if isinstance(block, str) and block.startswith('<input type="checkbox"'):
                done = " checked" in block
                stash[index] = (f'<span class="task-box{" task-done" if done else ""}" role="img" '  # ticked by CSS
                                f'aria-label="{"done" if done else "to do"}"></span> ')

    def _table_caption(self, paragraph: ET.Element, parent: ET.Element) -> None:
        siblings = list(parent)
        index = siblings.index(paragraph)
        neighbours = [siblings[i] for i in (index - 1, index + 1) if 0 <= i < len(siblings)]
        table = next((n for n in neighbours if n.tag == "table"), None)
        _, label, paragraph.text = (paragraph.text or "").split(CAPTION_MARK, 2)
        label = label.lstrip("#")
        if table is None:
            return
        caption = ET.Element("caption")
        if label:
            table.set("id", label)
        self._number(caption, label, "tbl")
        _append(caption, paragraph)
        table.insert(0, caption)
        parent.remove(paragraph)

    def _figure(self, paragraph: ET.Element, parent: ET.Element) -> None:
        image = paragraph[0]
        figure = ET.Element("figure", {"class": "figure"})
        label = image.attrib.pop("id", "")
        if label:
            figure.set("id", label)
        image.tail = None
        figure.append(image)
        alt = image.get("alt", "")
        if alt:
            caption = ET.SubElement(figure, "figcaption")
            self._number(caption, label, "fig")
            span = ET.SubElement(caption, "span", {"class": "caption-text"})
            span.text = alt
        figure.tail = paragraph.tail
        parent[list(parent).index(paragraph)] = figure

    def _number(self, caption: ET.Element, label: str, kind: str) -> None:
        number = self.labels.numbers.get(label)
        if label.startswith(f"{kind}-") and number is not None:
            prefix = ET.SubElement(caption, "span", {"class": "caption-label"})
            prefix.text = f"{LABELS[kind]}\u00a0{number}."
            prefix.tail = " "


def _append(target: ET.Element, source: ET.Element) -> None:
    """Move the content (text and children) of `source` to the end of `target`."""
    if len(target):
        target[-1].tail = (target[-1].tail or "") + (source.text or "")
    else:
        target.text = (target.text or "") + (source.text or "")
    target.extend(list(source))


class PandocExtension(Extension):
    """Registers the inline-note preprocessor, the cross-reference pattern and the tree pass."""

    def __init__(self, labels: Labels) -> None:
        super().__init__()
        self.labels = labels

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
        md.preprocessors.register(_InlineNotes(md), "inline-notes", 15)
        md.preprocessors.register(_RawBlocks(md), "raw-blocks", 29)  # before fenced_code (25)
        md.inlinePatterns.register(_CrossReference(REFERENCE.pattern, md, self.labels), "cross-reference", 175)
        md.treeprocessors.register(_PandocTreeprocessor(md, self.labels), "pandoc", 5)
