"""Format every citation of a book with a real CSL processor: Pandoc's citeproc, once per build.

`format_book_citations` writes one Pandoc Markdown document holding every citation of the
edition in reading order (each running-text citation in its own block, the citations of a
Markdown footnote together inside one footnote, a stand-in for each footnote without a
citation so that note numbers are right), runs `pandoc --citeproc -t json` on it once, and
maps the results back by the blocks' ids. Pandoc reads the citations exactly as the author
wrote them, so prefixes, suffixes and locator terms follow Pandoc's own rules, and citeproc
decides first, subsequent and ibid forms as it would for the same document.

The result is cached in `build/.cache/citeproc/` by a hash of everything it depends on (the
document, the references, the style, the metadata, Pandoc's version); an entry is verified
on read, so a damaged one is a miss. Pandoc runs with `--sandbox` (it reads only the files
named on its command line) and a dependent CSL style, whose parent Pandoc would download, is
refused.

Why Pandoc and not citeproc-py (tried: citeproc-py 0.11.1 with the same Chicago 18 style and three
references): it fails on a page locator (AttributeError) and on the bibliography, prints the second
citation of a source in full (no subsequent form), a Korean name as ". 태석 . 김", "J. Q. Doe" for
John Q. Doe and the comma outside the quotation marks. Pandoc's citeproc passes the CSL test suite
and is what Pandoc and Quarto users compare against.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from hashlib import blake2b
from pathlib import Path
from typing import Any

from briefing.book.citations import (
    CitationGroup,
    find_citations,
    footnote_definitions,
    footnote_references,
    inline_notes,
    mask_code,
)
from briefing.book.pandoc_html import Node, blocks_html

PLACEHOLDER = "\ue010{}\ue011"
"""What a citation becomes in the Markdown before conversion (private-use characters Markdown leaves alone;
not U+E000/U+E001, which fenced_divs uses to mark fence lines)."""
CACHE_VERSION = "1"


@dataclass(frozen=True)
class FormattedCitation:
    """One citation as the style prints it."""

    inline: str
    """HTML printed in the running text (an author-in-text name, an author-date parenthesis)."""
    note: str
    """HTML of the note the citation makes ('' for in-text styles and citations already in a note)."""
    keys: tuple[str, ...]
    in_note: bool = False
    in_text: bool = False
    """Author-in-text (`@key`): the inline part is a name the sentence needs, kept even with notes: none."""


@dataclass
class FormattedBook:
    """Every citation of one book, formatted, and the bibliography."""

    texts: list[str]
    """Each chapter's Markdown with its citations replaced by placeholders."""
    citations: dict[int, FormattedCitation] = field(default_factory=dict)
    bibliography: list[tuple[str, str]] = field(default_factory=list)
    """(reference id, entry HTML) in the style's order."""
    cited: tuple[str, ...] = ()
    """Reference ids in order of first citation."""
    note_style: bool = True


@dataclass(frozen=True)
class CitationSettings:
    """What the processor needs besides the text: the style, the locale and Pandoc's options."""

    style: bytes
    language: str = "en"
    nocite: tuple[str, ...] = ()
    link_citations: bool = False


def pandoc_path() -> str:
    """The Pandoc that `pypandoc-binary` installs (pinned), else one on PATH."""
    import pypandoc

    return str(pypandoc.get_pandoc_path())


def is_note_style(style: bytes) -> bool:
    head = style[:4000].decode("utf-8", "replace")
    return 'class="note"' in head or "class='note'" in head


def format_book_citations(chapters: list[tuple[str, str]], known: set[str], references: str, references_format: str,
                          settings: CitationSettings, cache_dir: Path | None = None) -> FormattedBook:
    """Format the citations of `chapters` ((id, Markdown) in reading order) in one Pandoc run.

    `references` is the CSL data as Pandoc reads it (`references_format`: 'yaml' or 'json').
    """
    book = FormattedBook(texts=[], note_style=is_note_style(settings.style))
    blocks: list[str] = []
    groups: list[CitationGroup] = []
    for chapter_id, text in chapters:
        found = find_citations(text, 1, known)
        blocks.extend(_chapter_blocks(chapter_id, text, found, len(groups)))
        pieces, last = [], 0
        for index, group in enumerate(found, start=len(groups)):
            pieces += [text[last:group.start], PLACEHOLDER.format(index)]
            last = group.end
        book.texts.append("".join(pieces) + text[last:])
        groups.extend(found)
    book.cited = tuple(dict.fromkeys(c.key for g in groups for c in g.items))
    if not groups and not settings.nocite:
        return book
    document = "\n\n".join([*blocks, "::: {#refs}\n:::\n"])
    meta = {"lang": settings.language, "link-citations": settings.link_citations,
            "nocite": " ".join(f"@{key}" for key in settings.nocite), "notes-after-punctuation": False}
    output = _run_cached(document, references, references_format, settings.style, meta, cache_dir)
    spans, bibliography = _collect(output)
    for index, group in enumerate(groups):
        blocks_of_group = spans.get(f"c{index}", [])
        notes: list[list[Node]] = []
        inline = blocks_html(blocks_of_group, notes)
        if group.continues and group.in_text and inline.rstrip().endswith("."):
            inline = inline.rstrip()[:-1]  # mid-sentence in a note: Pandoc prints no final period
        note = " ".join(blocks_html(n) for n in notes)
        book.citations[index] = FormattedCitation(inline.strip(), note.strip(), tuple(c.key for c in group.items),
                                                  bool(group.note), group.in_text)
    book.bibliography = bibliography
    return book


def _source(group: CitationGroup) -> str:
    """The citation as written, on one line, with '<' escaped (no raw HTML or comment can open)."""
    return " ".join(group.source.split()).replace("<", "\\<")


def _chapter_blocks(chapter_id: str, text: str, found: list[CitationGroup], first: int) -> list[str]:
    """The Pandoc blocks for one chapter: its running-text citations and its notes, in reading order."""
    masked = mask_code(text)
    definitions = footnote_definitions(masked)
    defined = {label for _, _, label in definitions}
    events: list[tuple[int, str]] = []
    by_note: dict[str, list[str]] = {}
    for index, group in enumerate(found, start=first):
        div = f"::: {{#c{index}}}\n{_source(group)}\n:::"
        if group.note:
            by_note.setdefault(group.note, []).append(div)
        else:
            events.append((group.start, div))
    called: set[str] = set()
    for offset, _, label in inline_notes(masked):  # ^[...]: a note where it stands
        called.add(label)
        events.append((offset, _note_block(chapter_id, label, by_note.get(label, []))))
    for offset, label in footnote_references(masked):
        if label in defined and label not in called:
            called.add(label)
            events.append((offset, _note_block(chapter_id, label, by_note.get(label, []))))
    for label, divs in by_note.items():
        if label not in called:
            events.append((len(text), _note_block(chapter_id, label, divs)))
    return [block for _, block in sorted(events, key=lambda e: e[0])]


def _note_block(chapter_id: str, label: str, divs: list[str]) -> str:
    name = blake2b(f"{chapter_id}\0{label}".encode(), digest_size=6).hexdigest()
    body = "\n\n".join("\n".join("    " + line for line in div.split("\n")) for div in divs)
    return f"Note[^n{name}]\n\n[^n{name}]: Note.\n\n{body}" if divs else f"Note[^n{name}]\n\n[^n{name}]: Note."


def _collect(output: dict[str, Any]) -> tuple[dict[str, list[Node]], list[tuple[str, str]]]:
    """The blocks of every `c<n>` div (wherever it is, notes included) and the bibliography entries."""
    spans: dict[str, list[Node]] = {}
    bibliography: list[tuple[str, str]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("t") == "Div":
                ident, classes, _ = value["c"][0]
                if ident.startswith("c") and ident[1:].isdigit():
                    spans[ident] = value["c"][1]
                elif ident.startswith("ref-") and "csl-entry" in classes:
                    bibliography.append((ident[4:], blocks_html(value["c"][1]).strip()))
                    return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(output.get("blocks", []))
    return spans, bibliography


def _run_cached(document: str, references: str, references_format: str, style: bytes, meta: dict[str, Any],
                cache_dir: Path | None) -> dict[str, Any]:
    version = pandoc_version()
    digest = blake2b(digest_size=20)
    for piece in (CACHE_VERSION, version, document, references, references_format,
                  json.dumps(meta, sort_keys=True)):
        digest.update(piece.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(style)
    key = digest.hexdigest()
    entry = cache_dir / f"{key}.json" if cache_dir is not None else None
    if entry is not None:
        found = _read_entry(entry, key)
        if found is not None:
            return found
    output = run_pandoc(document, references, references_format, style, meta)
    if entry is not None:
        _write_entry(entry, key, output)
    return output


def _read_entry(entry: Path, key: str) -> dict[str, Any] | None:
    """A cached result, or None when it is missing or damaged (its recorded hash must match)."""
    try:
        record = json.loads(entry.read_text("utf-8"))
        body = record["output"]
        if record.get("key") != key or record.get("check") != blake2b(body.encode(), digest_size=20).hexdigest():
            return None
        result = json.loads(body)
        return result if isinstance(result, dict) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_entry(entry: Path, key: str, output: dict[str, Any]) -> None:
    body = json.dumps(output, sort_keys=True, ensure_ascii=False)
    record = {"key": key, "check": blake2b(body.encode(), digest_size=20).hexdigest(), "output": body}
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        temporary = entry.with_name(f".{entry.stem}.{os.getpid()}.tmp")  # editions render in parallel processes
        temporary.write_text(json.dumps(record), "utf-8")
        temporary.replace(entry)
    except OSError:
        pass  # a cache that cannot be written only costs time


_VERSION: list[str] = []


def pandoc_version() -> str:
    if not _VERSION:
        import pypandoc

        _VERSION.append(str(pypandoc.get_pandoc_version()))
    return _VERSION[0]


class PandocError(Exception):
    """Pandoc failed: the style is not valid CSL, or (a bug) the document is not what we meant."""


def run_pandoc(document: str, references: str, references_format: str, style: bytes,
               meta: dict[str, Any]) -> dict[str, Any]:
    """One `pandoc --citeproc` run in a temporary folder; returns its JSON AST."""
    with tempfile.TemporaryDirectory(prefix="briefing-citeproc-") as folder:
        base = Path(folder)
        (base / "style.csl").write_bytes(style)
        (base / f"references.{references_format}").write_text(references, "utf-8")
        (base / "meta.yaml").write_text(json.dumps(meta), "utf-8")
        command = [pandoc_path(), "--sandbox", "-f", "markdown-example_lists-raw_tex-implicit_figures", "-t", "json",
                   "--citeproc", "--csl", str(base / "style.csl"),
                   "--bibliography", str(base / f"references.{references_format}"),
                   "--metadata-file", str(base / "meta.yaml")]
        try:
            done = subprocess.run(command, input=document.encode("utf-8"), capture_output=True, timeout=300,
                                  check=False, cwd=folder)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PandocError(f"Pandoc did not run: {exc}") from None
        if done.returncode != 0:
            raise PandocError(done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}")
        result = json.loads(done.stdout.decode("utf-8"))
        assert isinstance(result, dict)
        return result
