"""Start a project (`briefing init`) and add a section (`briefing new`).

The starter project is package data (`briefing/scaffold/starter/`): a configuration, two chapters,
references, two editions and empty `templates/` and `styles/` override folders, each with a
note on how overriding works. It builds as it is.

Dates: the starter's `date:` (the build date when the project is not in git) and every
`reviewed:` written here are the day the file is created. That is the honest value, not a
placeholder: a new file's facts were reviewed when it was written. It is written into the
file once and is an ordinary input from then on, so builds stay reproducible; the build
itself never reads the clock (`source_date.py`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from briefing.errors import Problem, ProblemCollector, UserError
from briefing.project.models import FRAMING_SECTOR, Project

STARTER_DIR = Path(__file__).resolve().parent / "starter"
SECTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RENAMED = {"_gitignore": ".gitignore"}
"""Starter files stored under another name (a dot file may be left out of a wheel)."""
SCAFFOLDS = "scaffolds"
"""Folder of the section scaffolds in a template folder: `<sector>.md`, else `sector.md` (`context.md`
for framing chapters). The project's `templates/scaffolds/` comes before the built-in one."""


def init_project(target: Path, today: dt.date, title: str | None = None) -> list[Path]:
    """Copy the starter project into `target` (which must be missing or empty); return the files made."""
    if target.exists() and not target.is_dir():
        raise UserError([Problem(target, 0, "exists and is not a folder: choose a new folder name")])
    if target.is_dir() and any(target.iterdir()):
        raise UserError([Problem(target, 0, "folder is not empty: briefing init only starts a project in a new or "
                                 "empty folder, so that nothing of yours is overwritten")])
    replacements = {"__TODAY__": today.isoformat(),
                    "__TITLE__": json.dumps(title or "New briefing", ensure_ascii=False)}
    made: list[Path] = []
    try:
        target.mkdir(parents=True, exist_ok=True)
        for source in sorted(p for p in STARTER_DIR.rglob("*") if p.is_file()):
            relative = source.relative_to(STARTER_DIR)
            destination = target / relative.parent / RENAMED.get(relative.name, relative.name)
            destination.parent.mkdir(parents=True, exist_ok=True)
            text = source.read_text("utf-8")
            for placeholder, value in replacements.items():
                text = text.replace(placeholder, value)
            destination.write_text(text, "utf-8")
            made.append(destination)
    except OSError as exc:
        raise UserError([Problem(target, 0, f"cannot create the project: {exc.strerror or exc}")]) from None
    return made


@dataclass(frozen=True)
class NewSection:
    """What `new_section` made, and which editions will not show it until they list it."""

    path: Path
    reviewed: dt.date
    editions_without: tuple[str, ...]


def new_section(project_dir: Path, section_id: str, sector: str, today: dt.date,
                title: str | None = None, owner: str | None = None) -> NewSection:
    """Write `content/<id>.md` with filled-in front matter (and the memo parts for a sector chapter)."""
    from briefing.project.load import load_project
    from briefing.project.validate import validate_project

    if not SECTION_ID.match(section_id):
        raise UserError([Problem(project_dir, 0, f"section id '{section_id}' must be lower-case letters, digits and "
                                 "hyphens, starting with a letter or digit (it becomes the file name)")])
    files = load_project(project_dir)
    collected = ProblemCollector()  # a project with problems elsewhere may still take a new section
    project = validate_project(files, collected)
    content = project.content_dir
    target = content / f"{section_id}.md"
    taken = {s.path.stem for s in files.sections} | {s.id for s in project.sections}
    refused = []
    if target.exists() or section_id in taken:
        owner_file = next((s.path for s in project.sections if s.id == section_id), target)
        refused.append(Problem(owner_file, 0, f"section '{section_id}' already exists: choose another id, "
                               "or edit that file"))
    if project.config.sector(sector) is None:
        known = ", ".join(spec.id for spec in project.config.sector_specs)
        refused.append(Problem(project.config_path or project_dir, 0, f"unknown sector '{sector}' (this project's "
                               f"sectors: {known}); declare it under sectors: in briefing.yaml first"))
    if refused:
        raise UserError(refused)
    order = max((s.meta.order for s in project.sections), default=0) + 10
    text = section_text(title or default_title(section_id), sector, order, today,
                        owner if owner is not None else project.config.author, scaffold_body(project, sector))
    try:
        with target.open("x", encoding="utf-8") as stream:  # "x": never replace a file made meanwhile
            stream.write(text)
    except OSError as exc:
        raise UserError([Problem(target, 0, f"cannot write the section: {exc.strerror or exc}")]) from None
    without = tuple(name for name, edition in project.editions.items()
                    if edition.sections is not None and not _lists(edition.sections, section_id, sector))
    return NewSection(target, today, without)


def default_title(section_id: str) -> str:
    """`critical-minerals` → `Critical minerals`."""
    words = section_id.replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def scaffold_body(project: Project, sector: str) -> str:
    """The body a new chapter starts with: the first scaffold found along the template chain.

    `scaffolds/<sector>.md`, then `scaffolds/context.md` for a framing chapter or `scaffolds/sector.md`
    for any other, in the project's templates folder first, then the built-in theme. A scaffold is
    plain Markdown (its hints in HTML comments, which never reach the book), copied as it is.
    """
    from briefing.project.theme import load_theme

    generic = "context.md" if sector == FRAMING_SECTOR else "sector.md"
    for folder in load_theme(project).template_dirs:
        for name in (f"{sector}.md", generic):
            candidate = folder / SCAFFOLDS / name
            if candidate.is_file():
                return candidate.read_text("utf-8")
    return ""


def section_text(title: str, sector: str, order: int, reviewed: dt.date, owner: str, body: str) -> str:
    """A section file: front matter, then the scaffold's body (the memo's `##` parts, hints in comments)."""
    front = {"title": title, "summary": "", "sector": sector, "order": order, "reviewed": reviewed, "owner": owner}
    header = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{header}---\n\n{body}"


def _lists(entries: tuple[object, ...], section_id: str, sector: str) -> bool:
    """Whether an edition's `sections:` list already takes the section (by id or by its sector)."""
    for entry in entries:
        if entry == section_id or getattr(entry, "id", None) == section_id or getattr(entry, "sector", None) == sector:
            return True
    return False
