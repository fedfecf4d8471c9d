"""Stage 2, validate: parse the files read by `load` into typed models, reporting every problem.

Each problem names the file and line the user wrote. The result is a `Project` whose
parts are known to be well formed: later stages need not check again.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from briefing.errors import Problem, ProblemCollector
from briefing.project.checking import citations_in_data, key_line, suggest, validate_model
from briefing.project.csl_fields import DATE_FIELDS, NAME_FIELDS, unknown_fields
from briefing.project.fenced_divs import classify
from briefing.project.load import ProjectFiles, SourceText
from briefing.project.models import SLUG, Edition, Project, ProjectConfig, Section, SectionEntry, SectionMeta
from briefing.project.pandoc_syntax import normalise_body
from briefing.project.reference_file import read_references, written_reference_ids
from briefing.project.references import Reference
from briefing.project.yamlfile import LineDict, LineList, line_of, parse_yaml

VANISHING_FIELDS = DATE_FIELDS | NAME_FIELDS | {"title"}
"""A misspelling of one of these is an error: the note would silently lose its date, names or title."""


def validate_project(files: ProjectFiles, problems: ProblemCollector | None = None) -> Project:
    """Turn the raw files into a `Project`, or raise `UserError` with every problem found.

    With a `problems` collector, errors in sections, references and editions are collected
    there instead (the project then holds only the valid items), so that later stages can add
    theirs and one run reports everything; a config that cannot be read still raises.
    """
    collect = problems is not None
    problems = problems if problems is not None else ProblemCollector()
    problems.extend(list(files.problems))
    config = _validate_config(files.config, problems)
    levels = config.levels if config else ("public", "internal", "restricted")
    default_level = config.section_default_level if config else "internal"
    sectors = frozenset(spec.id for spec in config.sector_specs) if config else None
    from briefing.project.translations import is_translation, validate_translations

    originals = tuple(source for source in files.sections if not is_translation(source.path))
    sections = _validate_sections(originals, levels, default_level, problems, sectors)
    translations = validate_translations(tuple(s for s in files.sections if is_translation(s.path)), sections,
                                         problems)
    csl_items: dict[str, Any] = {}
    references = _validate_references(files.references, problems, csl_items)
    editions = _validate_editions(files.editions, sections, levels, problems)
    problems.extend(_authoring_problems(sections, editions))
    from briefing.book.citations import citation_problems

    citable = set(references) | set(written_reference_ids(files.references))
    for translation in translations.values():  # the originals' keys are resolved with the sections
        problems.extend(citation_problems(translation.path, translation.body, translation.body_line, citable))
    if config:
        _check_edition_sectors(config, files.config, files.editions, editions, problems)
        from briefing.project.translations import language_problems

        problems.extend(language_problems(files, config, editions))
    if config and config.default_edition and editions and config.default_edition not in editions:
        line = key_line(files.config, "default_edition")
        problems.add(files.config.path, line, f"default_edition '{config.default_edition}' is not in editions.yaml "
                     f"(known: {', '.join(editions)})")
    if config is None or not collect:
        problems.raise_if_errors()
    assert config is not None
    return Project(
        root=files.root,
        config=config,
        sections=tuple(sorted(sections, key=lambda s: (s.meta.order, s.id))),
        references=references,
        editions=editions,
        references_path=files.references.path if files.references else None,
        editions_path=files.editions.path if files.editions else None,
        config_path=files.config.path,
        extra={"written_references": written_reference_ids(files.references), "csl_items": csl_items,
               "translations": translations},
    )


def _validate_config(source: SourceText, problems: ProblemCollector) -> ProjectConfig | None:
    data, found = parse_yaml(source.text, source.path)
    problems.extend(found)
    if found:
        return None
    config: ProjectConfig | None = validate_model(ProjectConfig, data, source.path, 1, "briefing.yaml", problems)
    problems.extend(citations_in_data(data, source.path, 1, "briefing.yaml"))
    if config and config.default_level and config.default_level not in config.levels:
        problems.add(source.path, line_of(data, ("default_level",), 1),
                     f"default_level '{config.default_level}' is not one of the levels {list(config.levels)}")
    return config


def split_front_matter(source: SourceText) -> tuple[str, int, str, int] | Problem:
    """(front matter text, its first line, body, body's first line), or the problem."""
    lines = source.text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Problem(source.path, 1, "no front matter: a section starts with '---', YAML keys (title, sector, ...), then '---'")
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "\n".join(lines[1:index]), 2, "\n".join(lines[index + 1:]), index + 2
    return Problem(source.path, 1, "front matter is never closed: add a '---' line after the YAML keys")


def _validate_sections(sources: tuple[SourceText, ...], levels: tuple[str, ...], default_level: str,
                       problems: ProblemCollector, sectors: frozenset[str] | None = None) -> list[Section]:
    sections: list[Section] = []
    seen: dict[str, Path] = {}
    for source in sources:
        split = split_front_matter(source)
        if isinstance(split, Problem):
            problems.extend([split])
            continue
        front, front_line, body, body_line = split
        body, syntax_problems = normalise_body(body, source.path, body_line)  # Pandoc syntax, same lines
        problems.extend(syntax_problems)
        data, found = parse_yaml(front, source.path, front_line)
        problems.extend(found)
        if found:
            continue
        if data is None:
            problems.add(source.path, 1, "front matter is empty: give at least title and sector")
            continue
        meta: SectionMeta | None = validate_model(SectionMeta, data, source.path, front_line, "front-matter", problems)
        problems.extend(citations_in_data(data, source.path, front_line, "the front matter"))
        problems.extend(classify(body, source.path, body_line, levels, None).problems)
        if meta is None:
            continue
        if sectors is not None and meta.sector not in sectors:
            problems.add(source.path, line_of(data, ("sector",), front_line),
                         f"unknown sector '{meta.sector}' (this project's sectors: {', '.join(sorted(sectors))}; "
                         "declare it under sectors: in briefing.yaml)" + suggest(meta.sector, set(sectors)))
        level = meta.level or default_level
        if level not in levels:
            problems.add(source.path, line_of(data, ("level",), front_line),
                         f"level '{level}' is not one of the project's levels {list(levels)}")
        section_id = meta.id or source.path.stem
        if not re.match(SLUG, section_id):
            problems.add(source.path, 1, f"section id '{section_id}' (from the file name) is not a name: use lower-case "
                         "letters, digits, '-' and '_', or give an 'id:' in the front matter")
            continue
        if section_id in seen:
            problems.add(source.path, line_of(data, ("id",), 1),
                         f"duplicate section id '{section_id}' (also used by {seen[section_id].name})")
            continue
        seen[section_id] = source.path
        sections.append(Section(section_id, meta, level, body, body_line, source.path))
    return sections


def _read_yaml(source: SourceText | None, problems: ProblemCollector) -> Any:
    """The parsed YAML of an optional file, or None when it is absent, empty or unreadable (its
    problems then go to `problems`)."""
    if source is None:
        return None
    data, found = parse_yaml(source.text, source.path)
    problems.extend(found)
    return None if found else data


def _validate_references(source: SourceText | None, problems: ProblemCollector,
                         csl_items: dict[str, Any] | None = None) -> dict[str, Reference]:
    """The valid references; their CSL items as written go to `csl_items` (the processor reads those)."""
    data = read_references(source, problems)
    if data is None:
        return {}
    items = data.get("references") if isinstance(data, dict) else data
    if not isinstance(items, LineList):
        problems.add(source.path, getattr(data, "line", 1), "expected a 'references:' list of CSL items")
        return {}
    references: dict[str, Reference] = {}
    for index, item in enumerate(items):
        line = items.item_lines[index]
        name = f"reference '{item['id']}'" if isinstance(item, dict) and "id" in item else "reference"
        ref: Reference | None = validate_model(Reference, item, source.path, line, name, problems)
        if ref is None:
            continue
        if ref.id in references:
            problems.add(source.path, line, f"duplicate reference id '{ref.id}'")
            continue
        for where, message in unknown_fields(item):
            # a misspelt type, date, name or title (`type: bok`, `isued:`, `autor:`) drops what the note
            # prints first: an error; any other unknown field (Zotero's `key`, `publisher-plce`): a warning
            near = re.search(r"did you mean '([^']+)'", message)
            typo = where == ("type",) or bool(near and near.group(1) in VANISHING_FIELDS)
            problems.add(source.path, line_of(item, where, line), f"{name}: {message}", "error" if typo else "warning")
        references[ref.id] = ref
        if csl_items is not None:
            csl_items[ref.id] = plain(item)
    return references


def plain(value: Any) -> Any:
    """YAML data as plain JSON types (dates as ISO text), for the CSL processor."""
    import datetime as dt

    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


def _validate_editions(source: SourceText | None, sections: list[Section], levels: tuple[str, ...],
                       problems: ProblemCollector) -> dict[str, Edition]:
    data = _read_yaml(source, problems)
    if data is None:
        return {}
    table = data.get("editions") if isinstance(data, LineDict) else None
    if not isinstance(table, LineDict) or (isinstance(data, LineDict) and set(data) - {"editions"}):
        problems.add(source.path, getattr(data, "line", 1), "expected one top-level key 'editions:' mapping names to editions")
        return {}
    known = {s.id for s in sections}
    editions: dict[str, Edition] = {}
    for name, body in table.items():
        line = table.key_lines[name]
        if not isinstance(name, str) or not re.match(SLUG, name):
            problems.add(source.path, line, f"edition name {str(name)!r} is not a name: use lower-case letters, digits, "
                         "'-' and '_' (it becomes a file name, never a path)")
            continue
        edition: Edition | None = validate_model(Edition, body, source.path, line, f"edition '{name}'", problems, name=str(name))
        problems.extend(citations_in_data(body, source.path, line, f"edition '{name}'"))
        if edition is None:
            continue
        if edition.level and edition.level not in levels:
            problems.add(source.path, line_of(body, ("level",), line),
                         f"edition '{name}': level '{edition.level}' is not one of {list(levels)}")
        for index, entry in enumerate(edition.sections or ()):
            entry_line = line_of(body, ("sections", index), line)
            section_id = entry if isinstance(entry, str) else entry.id
            if isinstance(entry, SectionEntry) and bool(entry.id) == bool(entry.sector):
                problems.add(source.path, entry_line, f"edition '{name}': a sections entry names either an id or a sector")
            elif section_id and section_id not in known:
                problems.add(source.path, entry_line, f"edition '{name}' names a missing section '{section_id}'"
                             + suggest(section_id, known))
        problems.extend(_parts_problems(edition, body, sections, source.path, line))
        if edition.opening and edition.opening not in known:
            problems.add(source.path, line_of(body, ("opening",), line),
                         f"edition '{name}': opening names a missing section '{edition.opening}'"
                         + suggest(edition.opening, known))
        editions[str(name)] = edition
    return editions


def _check_edition_sectors(config: ProjectConfig, config_source: SourceText, source: SourceText | None,
                           editions: dict[str, Edition], problems: ProblemCollector) -> None:
    """Sectors are declared once (`sectors:` in briefing.yaml); an edition may take only a declared one."""
    ids = [spec.id for spec in config.sectors or ()]
    if len(set(ids)) != len(ids):
        problems.add(config_source.path, key_line(config_source, "sectors"), "sectors: each id may appear only once")
    if source is None:
        return
    known = {spec.id for spec in config.sector_specs}
    for name, edition in editions.items():
        for entry in edition.sections or ():
            if isinstance(entry, SectionEntry) and entry.sector and entry.sector not in known:
                line = next((n for n, text in enumerate(source.text.split("\n"), 1)
                             if f"sector: {entry.sector}" in text), 1)
                problems.add(source.path, line, f"edition '{name}' names an unknown sector '{entry.sector}'"
                             + suggest(entry.sector, known))


def _parts_problems(edition: Edition, body: Any, sections: list[Section], path: Path, line: int) -> list[Problem]:
    """`parts:` names that no section they apply to has (a typo would drop the part silently)."""
    from briefing.project.authoring import check_parts, section_parts

    found: list[Problem] = []
    by_id = {s.id: s for s in sections}
    applies: list[Section] = []
    for index, entry in enumerate(edition.sections or ()):
        entry = SectionEntry(id=entry) if isinstance(entry, str) else entry
        chosen = ([by_id[entry.id]] if entry.id in by_id else []) if entry.id else \
            [s for s in sections if s.meta.sector == entry.sector]
        if entry.parts is None:
            applies += chosen
        elif entry.parts != "all" and chosen:
            available = set().union(*(section_parts(s.body) for s in chosen))
            found += check_parts(entry.parts, available, path, line_of(body, ("sections", index, "parts"), line),
                                 f"edition '{edition.name}', section '{entry.id or entry.sector}'")
    if edition.sections is None:
        applies = sections
    if edition.parts not in (None, "all") and applies:
        available = set().union(*(section_parts(s.body) for s in applies))
        found += check_parts(edition.parts, available, path, line_of(body, ("parts",), line),
                             f"edition '{edition.name}'")
    return found


def _authoring_problems(sections: list[Section], editions: dict[str, Edition]) -> list[Problem]:
    """Constructs briefing does not print, empty bodies, unknown `editions=` names and cross-references."""
    from briefing.book.crossref import find_unknown_references
    from briefing.project.authoring import check_div_editions, empty_body, unsupported_constructs

    found: list[Problem] = []
    for section in sections:
        found += unsupported_constructs(section.path, section.body_line, section.body)
        found += empty_body(section.path, section.body_line, section.body)
        found += check_div_editions(section.path, section.body_line, section.body, list(editions) or ["full"])
    found += find_unknown_references((s.path, s.body_line, s.body) for s in sections)
    return found
