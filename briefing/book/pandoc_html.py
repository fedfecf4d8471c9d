"""Pandoc's JSON AST (the inlines citeproc produced) as small, escaped HTML strings.

Only what a formatted citation or bibliography entry can hold is drawn; raw HTML or TeX that a
prefix smuggled in is dropped (the chapter sanitiser runs afterwards anyway).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

Node = dict[str, Any]

_WRAP = {"Emph": "em", "Strong": "strong", "Superscript": "sup", "Subscript": "sub", "Strikeout": "s",
         "Underline": "u"}


def inlines_html(inlines: list[Node], notes: list[list[Node]] | None = None) -> str:
    """HTML of a list of inlines. Notes are collected into `notes` (when given) instead of drawn."""
    return "".join(_inline(node, notes) for node in inlines)


_NUMBERED = re.compile(r"\b(?:[IVXLCDM]+|[0-9]+)(?:[.:](?:[IVXLCDM]+|[0-9]+))+\b")
"""A section or clause number such as II.1 or 3.2.4: Pango may break a line after its dot (II. / 1)."""


def _text(value: str) -> str:
    return _NUMBERED.sub(lambda m: f'<span class="csl-nobreak">{m.group(0)}</span>', escape(value, quote=False))


def _inline(node: Node, notes: list[list[Node]] | None) -> str:
    kind: str = node.get("t", "")
    content: Any = node.get("c")
    if kind == "Str":
        return _text(content)
    if kind in ("Space", "SoftBreak"):
        return " "
    if kind == "LineBreak":
        return "<br/>"
    if kind in _WRAP:
        tag = _WRAP[kind]
        return f"<{tag}>{inlines_html(content, notes)}</{tag}>"
    if kind == "SmallCaps":
        return f'<span class="smallcaps">{inlines_html(content, notes)}</span>'
    if kind == "Quoted":
        left, right = ("“", "”") if content[0]["t"] == "DoubleQuote" else ("‘", "’")
        return left + inlines_html(content[1], notes) + right
    if kind == "Code":
        return f"<code>{_text(content[1])}</code>"
    if kind == "Math":
        return _text(content[1])
    if kind == "Link":
        url = content[2][0]
        inner = re.sub(r'<span class="csl-nobreak">([^<]*)</span>', r"\1", inlines_html(content[1], notes))
        if url.startswith(("http://", "https://", "#")):
            return f'<a href="{escape(url)}">{inner}</a>'
        return inner
    if kind == "Span":
        classes = [c for c in content[0][1] if c.startswith("csl-") or c in ("nocase", "smallcaps")]
        inner = inlines_html(content[1], notes)
        return f'<span class="{escape(" ".join(classes))}">{inner}</span>' if classes else inner
    if kind == "Cite":
        return inlines_html(content[1], notes)
    if kind == "Note":
        if notes is not None:
            notes.append(content)
        return ""
    return ""  # RawInline, Image: nothing a citation prints


def blocks_html(blocks: list[Node], notes: list[list[Node]] | None = None) -> str:
    """Blocks run together as inline HTML (a note or an entry is one paragraph on the page)."""
    pieces = []
    for block in blocks:
        kind, content = block.get("t"), block.get("c", [])
        if kind in ("Para", "Plain"):
            pieces.append(inlines_html(content, notes))
        elif kind == "Div":
            classes = [c for c in content[0][1] if c.startswith("csl-")]
            inner = blocks_html(content[1], notes)
            pieces.append(f'<span class="{escape(" ".join(classes))}">{inner}</span>' if classes else inner)
    return " ".join(p for p in pieces if p)
