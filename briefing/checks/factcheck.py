"""The fact check: every figure in a sentence that cites archived sources is in their text.

A reference names its archived text with `archive-file`; `briefing check --archive DIR`
reads that file from DIR (only from DIR: the name must be a plain file name, and the file
must resolve inside DIR). For each sentence (a bullet or table row counts as one) whose
cited references all have an archived text, each figure must appear, in any ordinary format,
in at least one of them. A sentence marked `(our calculation)` is exempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from briefing.checks.figures import archive_values, extract_figures, figure_in
from briefing.checks.finding import Finding, finding
from briefing.checks.references import ReferenceLines, plain_file_name
from briefing.checks.sentences import Sentence
from briefing.errors import Problem
from briefing.project.load import read_text
from briefing.project.models import Project

MAX_ARCHIVE_BYTES = 20 * 1024 * 1024
ArchiveValues = tuple[set[tuple[Decimal, bool]], set[Decimal]]


@dataclass
class FactCheck:
    """What the fact check did, for the report's summary."""

    archive: Path
    findings: list[Finding] = field(default_factory=list)
    archived: int = 0
    """References whose archived text was read."""
    sentences: int = 0
    """Citing sentences whose figures were checked."""
    figures: int = 0
    """Figures checked."""
    unverifiable: int = 0
    """Citing sentences with figures that cite a source without an archived text."""
    exempt: int = 0
    """Sentences marked (our calculation)."""


def check_facts(project: Project, sentences: list[Sentence], archive: Path, lines: ReferenceLines) -> FactCheck:
    """Run the fact check of every citing sentence against the archive folder."""
    result = FactCheck(archive)
    texts = _read_archive(project, archive, lines, result)
    for sentence in sentences:
        keys = [k for k in sentence.keys if k in project.references]
        if not keys:
            continue
        figures = extract_figures(sentence.prose)
        if not figures:
            continue
        if sentence.our_calculation:
            result.exempt += 1
            continue
        if any(key not in texts for key in keys):
            result.unverifiable += 1
            continue
        result.sentences += 1
        for figure in figures:
            result.figures += 1
            if not any(figure_in(figure, texts[key]) for key in keys):
                sources = " or ".join(f"{key} ({project.references[key].archive_file})" for key in keys)
                line = sentence.unit.line_at(sentence.start + figure.start)
                message = f"figure '{figure.written}' not found in the archived text of {sources}"
                result.findings.append(finding(sentence.unit.path, line, "figure-not-found", message))
    return result


def _read_archive(project: Project, archive: Path, lines: ReferenceLines,
                  result: FactCheck) -> dict[str, ArchiveValues]:
    """The values stated by each reference's archived text; missing files become findings."""
    where = project.references_path or project.root
    if not archive.is_dir():
        result.findings.append(finding(archive, 0, "archive-missing", "archive folder not found"))
        return {}
    root = archive.resolve()
    texts: dict[str, ArchiveValues] = {}
    by_file: dict[str, ArchiveValues] = {}
    for key, ref in project.references.items():
        name = ref.archive_file
        if not name or not plain_file_name(name):
            continue  # no archive, or a bad name (reported by check_references)
        if name not in by_file:
            path = (root / name).resolve()
            problems: list[Problem] = []
            text = None
            if path.parent == root and path.is_file():
                text = read_text(path, problems, MAX_ARCHIVE_BYTES)
            if text is None:
                why = problems[0].message if problems else f"no file '{name}' in {archive}"
                result.findings.append(finding(where, lines.line(key, "archive-file"), "archive-missing",
                                               f"archived text of '{key}' cannot be read: {why}"))
                continue
            by_file[name] = archive_values(text)
        texts[key] = by_file[name]
    result.archived = len(texts)
    return texts

