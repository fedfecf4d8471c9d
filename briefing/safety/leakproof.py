"""The leak proof: what an edition printed must not contain text it may not carry.

After an edition is rendered and before anything is written, its output is read back as a
reader would read it: the PDF's page text (pypdfium2), outline, document information and
XMP metadata (pypdf), or the whole HTML file. Every sentence of every section above the
edition's level, and of every fenced-div block above it or meant for other editions, is
looked for in that text. One hit fails the build at the `path:line` of the block (or the
section's line), and nothing is written.

The blocks are found here by a deliberately liberal line scanner, independent of the
Markdown parser that decides what prints: a `:::` line with a level class counts wherever it
stands (indented, in a list, a quote or a code block). So a disagreement between the
parser and what an author meant shows up here as a failed build, never as a quiet leak.

Both sides are compared after the same normalisation (NFKC, case folded, letters and digits
only), so hyphenation, ligatures, curly quotes, spacing and footnote calls do not hide a
sentence. Sentences shorter than `MIN_CHARS` letters and digits are not checked: too short
to tell apart from ordinary public words.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefing.errors import Problem, UserError
from briefing.project.blocks import parse_attrs

if TYPE_CHECKING:
    from briefing.book.editions import Book

MIN_CHARS = 16
"""Shortest sentence checked, in letters and digits (a CJK character counts as two)."""

_FENCE = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?[ \t>]*(?P<fence>:{3,})[ \t]*"
                    r"(?:\{(?P<attrs>[^}\n]*)\}|(?P<word>[^\s{}:]+))?[ \t]*:*[ \t]*$")
_CITATION = re.compile(r"\[[^\[\]\n]*@[^\[\]\n]*\]|\[\^[^\]\n]*\]")
_LINK = re.compile(r"!?\[([^\[\]\n]*)\]\([^)\n]*\)")
_TAG = re.compile(r"<[^>\n]*>")
_ATTRS = re.compile(r"\{[^{}\n]*\}")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])|\u0000")
_CJK = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True)
class Secret:
    path: Path
    line: int
    what: str
    """"the internal block", "the restricted section 'x'"."""
    text: str
    """The sentence as written (for the message)."""
    key: str
    """The sentence normalised."""


def normalise(text: str) -> str:
    """NFKC, case folded, only letters and digits: what survives layout and text extraction."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _long_enough(key: str) -> bool:
    return len(key) + len(_CJK.findall(key)) >= MIN_CHARS


def sentences(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """(line, sentence) of Markdown lines: markup stripped, paragraphs joined, split at sentence
    ends and at citations (a note call may stand in the middle of a printed sentence)."""
    found: list[tuple[int, str]] = []
    paragraph: list[tuple[int, str]] = []

    def flush() -> None:
        if not paragraph:
            return
        start = paragraph[0][0]
        text = " ".join(t for _, t in paragraph)
        for piece in _SENTENCE_END.split(text):
            if piece and piece.strip():
                found.append((start, piece.strip()))
        paragraph.clear()

    for line, raw in lines:
        text = html.unescape(_TAG.sub(" ", _ATTRS.sub(" ", _LINK.sub(r"\1", raw))))
        text = _CITATION.sub("\u0000", text)
        text = re.sub(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)]|#{1,6}|\|)?[ \t]*", "", text)
        if not text.strip() or _FENCE.match(raw):
            flush()
            continue
        for cell in text.split("|"):  # table cells print apart
            paragraph.append((line, cell))
        if "|" in text:
            flush()
    flush()
    return found


def secrets_of(book: Book) -> list[Secret]:
    """Every sentence this edition may not print, where it was written."""
    project = book.project
    levels = project.config.levels
    rank = project.level_rank(book.level)
    found: list[Secret] = []
    for section in project.sections:
        lines = list(enumerate(section.body.split("\n"), start=section.body_line))
        if project.level_rank(section.level) > rank:
            what = f"the {section.level} section '{section.id}'"
            heads = [(1, section.meta.title), (1, section.meta.summary)]
            found += _secrets(section.path, None, what, heads + lines)
            continue
        found += _block_secrets(section.path, lines, levels, rank, book.edition.name)
    return found


def _block_secrets(path: Path, lines: list[tuple[int, str]], levels: tuple[str, ...], rank: int,
                   edition: str) -> list[Secret]:
    stack: list[tuple[int, str | None]] = []  # (open line, why it is secret or None)
    held: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for line, raw in lines:
        fence = _FENCE.match(raw)
        if fence and (fence.group("attrs") is not None or fence.group("word")):
            attrs = parse_attrs(fence.group("attrs") if fence.group("attrs") is not None else fence.group("word"))
            above = [c for c in attrs.classes if c in levels and levels.index(c) > rank]
            for_others = attrs.get("editions") and edition not in {e.strip() for e in attrs.get("editions").split(",")}
            why = f"the {above[0]} block" if above else ("a block for other editions" if for_others else None)
            stack.append((line, why))
            if why:
                held[line] = (why, [])
            continue
        if fence:
            if stack:
                stack.pop()
            continue
        for open_line, why in stack:
            if why:
                held[open_line][1].append((line, raw))
    found: list[Secret] = []
    for open_line, (why, content) in held.items():
        found += _secrets(path, open_line, why, content)
    return found


def _secrets(path: Path, block_line: int | None, what: str, lines: list[tuple[int, str]]) -> list[Secret]:
    found = []
    for line, sentence in sentences(lines):
        key = normalise(sentence)
        if _long_enough(key):
            found.append(Secret(path, block_line or line, what, sentence, key))
    return found


def output_text(data: bytes, output_format: str) -> str:
    """Everything a reader can get out of the output, as one string."""
    if output_format == "html":
        return html.unescape(data.decode("utf-8", "replace"))
    return "\n".join(_pdf_texts(data))


def _pdf_texts(data: bytes) -> list[str]:
    import pypdfium2
    from pypdf import PdfReader

    texts: list[str] = []
    document = pypdfium2.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            text_page = page.get_textpage()
            texts.append(text_page.get_text_range())
            text_page.close()
            page.close()
    finally:
        document.close()
    reader = PdfReader(BytesIO(data))
    texts += [str(value) for value in (reader.metadata or {}).values()]
    texts += _outline_titles(reader.outline)
    root = reader.trailer["/Root"]
    metadata = root.get("/Metadata") if hasattr(root, "get") else None
    if metadata is not None:
        texts.append(metadata.get_object().get_data().decode("utf-8", "replace"))
    return texts


def _outline_titles(outline: Any) -> list[str]:
    titles = []
    for item in outline or []:
        if isinstance(item, list):
            titles += _outline_titles(item)
        else:
            titles.append(str(getattr(item, "title", "") or ""))
    return titles


def find_leaks(book: Book, data: bytes, output_format: str = "pdf") -> list[Problem]:
    """One problem per secret sentence found in the output (at most one per block or line)."""
    printed = normalise(output_text(data, output_format))
    problems: list[Problem] = []
    seen: set[tuple[Path, int]] = set()
    for secret in secrets_of(book):
        if secret.key in printed and (secret.path, secret.line) not in seen:
            seen.add((secret.path, secret.line))
            shown = secret.text if len(secret.text) <= 60 else secret.text[:57] + "…"
            problems.append(Problem(secret.path, secret.line, f"text of {secret.what} would be printed in edition "
                                    f"'{book.edition.name}' (level {book.level}): \"{shown}\"; nothing was written"))
    return problems


def prove_no_leak(book: Book, data: bytes, output_format: str = "pdf") -> None:
    """Raise a UserError naming every leak; return quietly when the output carries none."""
    if problems := find_leaks(book, data, output_format):
        raise UserError(problems)
