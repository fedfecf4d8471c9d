"""The references file, whatever its format: CSL YAML or JSON as written, or BibTeX/BibLaTeX converted to CSL."""

from __future__ import annotations

from typing import Any

from briefing.errors import ProblemCollector
from briefing.project.bibtex import bib_items, entry_lines, is_bib
from briefing.project.load import SourceText
from briefing.project.yamlfile import parse_yaml


def read_references(source: SourceText | None, problems: ProblemCollector | None = None) -> Any:
    """The references file's data: CSL YAML or JSON as written, or BibTeX converted to CSL items."""
    if not is_bib(source):
        if source is None:
            return None
        data, found = parse_yaml(source.text, source.path)
        if problems is not None:
            problems.extend(found)
        return None if found else data
    assert source is not None
    data, found = bib_items(source)
    if problems is not None:
        problems.extend(found)
    return data


def written_reference_ids(source: SourceText | None) -> frozenset[str]:
    """Ids written in the references file, valid or not: citing a broken one is not also an "unknown key"."""
    if source is None:
        return frozenset()
    if is_bib(source):
        return frozenset(entry_lines(source.text))
    data, _ = parse_yaml(source.text, source.path)
    items = data.get("references") if isinstance(data, dict) else data
    if not isinstance(items, list):
        return frozenset()
    return frozenset(str(item["id"]) for item in items if isinstance(item, dict) and "id" in item)
