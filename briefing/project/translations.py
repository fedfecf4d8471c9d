"""One book, several languages: a section's translations sit beside it (`mining.ko.md`).

A translation has its own front matter: `title` (required), `summary`, `reviewed`, `owner` and
`translates:`, the version of the original it translates: a short fingerprint of the original's
title, summary and body, which `briefing check` prints. Everything else (sector, order, level,
id) is the original's: a translation cannot change what an edition may include.

An edition whose `language:` differs from the project's prints each chapter's translation into
that language, or the original with a warning when there is none (`check --strict` fails).
`check` warns that a translation is stale when its original changed since the translated version.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from briefing.errors import Problem, ProblemCollector
from briefing.project.load import SourceText
from briefing.project.models import Section, StrictModel

TRANSLATION_NAME = re.compile(r"^(?P<stem>[^.]+)\.(?P<language>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$")
"""`mining.ko.md` → (mining, ko): a file name with a language tag before `.md`."""


class TranslationMeta(StrictModel):
    """The front matter of a translation (`<id>.<language>.md`)."""

    title: str = Field(min_length=1, description="The chapter title, translated.")
    summary: str = Field("", description="The summary, translated.")
    translates: str = Field("", description="Version of the original translated (the fingerprint `check` prints).")
    reviewed: object = Field(None, description="Date of the last review of the translation.")
    owner: str = Field("", description="Who keeps the translation up to date.")


@dataclass(frozen=True)
class Translation:
    """A validated translation of one section."""

    original: Section
    language: str
    meta: TranslationMeta
    body: str
    body_line: int
    path: Path
    translates_line: int


def is_translation(path: Path) -> bool:
    """`mining.ko.md` is; `notes.old.md` is not (`old` is no language CLDR knows): that is a section."""
    from babel import localedata

    match = TRANSLATION_NAME.match(path.stem)
    return match is not None and localedata.exists(match["language"].replace("-", "_"))


def fingerprint(section: Section) -> str:
    """The version of an original: 12 hex digits of a hash of its title, summary and body."""
    digest = hashlib.sha256()
    for piece in (section.meta.title, section.meta.summary, section.body.strip()):
        digest.update(piece.encode("utf-8") + b"\0")
    return digest.hexdigest()[:12]


def validate_translations(sources: tuple[SourceText, ...], sections: list[Section],
                          problems: ProblemCollector) -> dict[tuple[str, str], Translation]:
    """(section id, language) → translation; problems for unreadable ones and those without an original."""
    from briefing.project.checking import citations_in_data, validate_model
    from briefing.project.validate import split_front_matter
    from briefing.project.yamlfile import line_of, parse_yaml

    by_stem = {s.path.stem: s for s in sections}
    found: dict[tuple[str, str], Translation] = {}
    for source in sources:
        match = TRANSLATION_NAME.match(source.path.stem)
        if match is None or not is_translation(source.path):
            continue
        original = by_stem.get(match["stem"])
        if original is None:
            problems.add(source.path, 1, f"translation of a missing section: no {match['stem']}.md beside it")
            continue
        split = split_front_matter(source)
        if isinstance(split, Problem):
            problems.extend([split])
            continue
        front, front_line, body, body_line = split
        data, yaml_problems = parse_yaml(front, source.path, front_line)
        problems.extend(yaml_problems)
        if yaml_problems or data is None:
            continue
        meta = validate_model(TranslationMeta, data, source.path, front_line, "translation front-matter", problems)
        problems.extend(citations_in_data(data, source.path, front_line, "the front matter"))
        if meta is None:
            continue
        found[(original.id, match["language"])] = Translation(
            original, match["language"], meta, body, body_line, source.path,
            line_of(data, ("translates",), front_line))
    return found


def translated(section: Section, translation: Translation) -> Section:
    """The section as its translation prints it: translated title, summary and body, the original's rest."""
    meta = section.meta.model_copy(update={"title": translation.meta.title, "summary": translation.meta.summary})
    return dataclasses.replace(section, meta=meta, body=translation.body, body_line=translation.body_line,
                               path=translation.path)


def stale_translations(translations: dict[tuple[str, str], Translation]) -> list[Problem]:
    """A warning for each translation whose original changed since the version it translates."""
    found = []
    for translation in translations.values():
        now = fingerprint(translation.original)
        original = f"{translation.original.path.name}:1"
        if not translation.meta.translates:
            found.append(Problem(translation.path, translation.translates_line,
                                 f"translation does not say which version of {original} it translates: "
                                 f"add 'translates: {now}' once it matches the original", "warning"))
        elif translation.meta.translates != now:
            found.append(Problem(translation.path, translation.translates_line,
                                 f"translation is stale: {translation.original.path.parent.name}/{original} changed "
                                 f"since the version translated (translates: {translation.meta.translates}, the "
                                 f"original is now {now}): update the translation, then 'translates: {now}'",
                                 "warning"))
    return found


def language_problems(files: Any, config: Any, editions: dict[str, Any]) -> list[Problem]:
    """A warning for each language (the project's, an edition's) the tool has no labels for: they print in English."""
    from briefing.book.l10n import has_catalogue
    from briefing.project.checking import key_line
    from briefing.project.yamlfile import line_of, parse_yaml

    used = [(config.language, files.config.path, key_line(files.config, "language"))]
    if files.editions is not None:
        data, _ = parse_yaml(files.editions.text, files.editions.path)
        for name, edition in editions.items():
            if edition.language:
                used.append((edition.language, files.editions.path,
                             line_of(data, ("editions", name, "language"), 1)))
    found = []
    for language, path, line in used:
        if not has_catalogue(language, files.root):
            found.append(Problem(path, line, f"no labels in '{language}': the cover, contents, page numbers, notes "
                                 f"and dates print in English; add locales/{language}.po to the project (README, "
                                 "\"Books in other languages\")", "warning"))
    return found
