"""References in BibTeX or BibLaTeX (`references.bib`, as Zotero with Better BibTeX exports them).

Pandoc (the pinned one from `pypandoc-binary`, in `--sandbox`) converts the file to CSL JSON
items, exactly as `pandoc --citeproc` reads a `.bib` bibliography; from there the items are
validated and formatted like any CSL item. Each item keeps the line of its `@type{key,` entry,
so that problems are reported at the entry in the `.bib` file. Pandoc is run once per file
content in a process.
"""

from __future__ import annotations

import json
import re
import subprocess
from functools import cache

from briefing.errors import Problem
from briefing.project.load import SourceText
from briefing.project.yamlfile import LineDict, LineList

_ENTRY = re.compile(r"^[ \t]*@(?P<type>\w+)\s*[{(]\s*(?P<key>[^,\s]+)\s*,", re.M)
_NOT_ENTRIES = ("comment", "preamble", "string")


def is_bib(source: SourceText | None) -> bool:
    return source is not None and source.path.suffix.lower() in (".bib", ".bibtex")


def entry_lines(text: str) -> dict[str, int]:
    """The line of each entry's `@type{key,`, by key (the first entry of a key)."""
    found: dict[str, int] = {}
    for match in _ENTRY.finditer(text):
        if match.group("type").lower() not in _NOT_ENTRIES:
            found.setdefault(match.group("key"), text.count("\n", 0, match.start()) + 1)
    return found


def bib_items(source: SourceText) -> tuple[LineList | None, list[Problem]]:
    """The file's entries as CSL items (each a LineDict at its entry's line), or None and the problem."""
    converted = _convert(source.text, "bibtex" if source.path.suffix.lower() == ".bibtex" else "biblatex")
    if isinstance(converted, str):
        at = re.search(r"\(line (\d+), column (\d+)\):\s*(.*?)(?:\n|$)", converted)
        if at:  # Pandoc's "Error at (line 40, column 3):\nunexpected 'n'"
            detail = converted[at.end():].strip().splitlines() or [at.group(3)]
            message = f"BibTeX could not be read at column {at.group(2)}: {at.group(3) or detail[0]}"
            return None, [Problem(source.path, int(at.group(1)), message + " (a missing comma or brace before it?)")]
        return None, [Problem(source.path, 0, f"BibTeX could not be read (Pandoc): {converted}")]
    lines = entry_lines(source.text)
    items = LineList()
    items.line, items.item_lines = 1, []
    for raw in converted:
        if raw.get("type") == "":  # @misc and other types with no CSL match: no type, as Pandoc formats them
            del raw["type"]
        line = lines.get(str(raw.get("id", "")), 1)
        item = LineDict(raw)
        item.line, item.key_lines = line, dict.fromkeys(raw, line)
        items.append(item)
        items.item_lines.append(line)
    read = {str(raw.get("id")) for raw in converted}
    problems = [Problem(source.path, line, f"BibTeX entry '{key}' was not read (Pandoc skipped it): check its "
                        "braces and commas") for key, line in lines.items() if key not in read]
    return items, problems


@cache
def _convert(text: str, reader: str) -> list[dict[str, object]] | str:
    from briefing.book.csl import pandoc_path

    command = [pandoc_path(), "--sandbox", "-f", reader, "-t", "csljson"]
    try:
        done = subprocess.run(command, input=text.encode("utf-8"), capture_output=True, timeout=120, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"Pandoc did not run: {exc}"
    if done.returncode != 0:
        return done.stderr.decode("utf-8", "replace").strip() or f"exit code {done.returncode}"
    data = json.loads(done.stdout.decode("utf-8") or "[]")
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else "not a list of items"
