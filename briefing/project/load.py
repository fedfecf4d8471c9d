"""Stage 1, load: find the project and read its files. The only stage (with `write`) that reads the disk.

Nothing is interpreted here beyond locating files: `validate.py` parses and checks them.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass
from pathlib import Path

from briefing.cache.inputs import is_input
from briefing.errors import Problem, UserError
from briefing.safety.confine import escape_problem, peek_settings

CONFIG_NAME = "briefing.yaml"
MAX_INPUT_BYTES = 2 * 1024 * 1024
"""Default cap on any one input file (`limits: input_bytes`); a mistaken huge file fails fast with a message."""
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")
"""C0 control characters (tab, newline, carriage return and form feed apart): never meant in a text file."""


@dataclass(frozen=True)
class SourceText:
    """One input file's text."""

    path: Path
    text: str


@dataclass(frozen=True)
class ProjectFiles:
    """Everything read from a project folder, still unparsed."""

    root: Path
    config: SourceText
    sections: tuple[SourceText, ...]
    references: SourceText | None
    editions: SourceText | None
    problems: tuple[Problem, ...] = ()


def find_project(start: Path) -> Path:
    """The project folder: `start` or the nearest parent holding a `briefing.yaml`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise UserError(
        [Problem(start, 0, f"not a briefing project: no {CONFIG_NAME} here or in any parent folder "
                 "(run 'briefing init DIR' to start one, or pass --project DIR)")]
    )


def read_text(path: Path, problems: list[Problem], limit: int = MAX_INPUT_BYTES) -> str | None:
    """Read a UTF-8 text file, recording a problem (not raising) when it cannot be used."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            problems.append(Problem(path, 1, "not a regular file (a pipe or device?): briefing reads only plain files"))
            return None
        with path.open("rb") as stream:  # read at most limit + 1 bytes: the file may be growing
            data = stream.read(limit + 1) if info.st_size <= limit else b""
        if info.st_size > limit or len(data) > limit:
            size = max(info.st_size, len(data))
            problems.append(Problem(path, 1, f"file is {size:,} bytes, over the {limit:,}-byte limit for an input file "
                                    "(raise limits: input_bytes in briefing.yaml if it is meant to be this big)"))
            return None
    except OSError as exc:
        problems.append(Problem(path, 1, f"cannot read file: {exc.strerror or exc}"))
        return None
    if b"\x00" in data:
        problems.append(Problem(path, 1, "binary file, not text (a NUL byte)"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(path, line, f"not valid UTF-8 (byte {data[exc.start]:#04x}); save the file as UTF-8"))
        return None
    if control := _CONTROL.search(text):
        line = text.count("\n", 0, control.start()) + 1
        problems.append(Problem(path, line, f"control character U+{ord(control.group()):04X} in the text: remove it"))
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def load_project(root: Path) -> ProjectFiles:
    """Read `briefing.yaml`, `content/*.md`, the references and the editions of the project at `root`."""
    root = root.resolve()
    problems: list[Problem] = []
    config_path = root / CONFIG_NAME
    if not config_path.is_file():
        raise UserError([Problem(root, 0, f"not a briefing project: no {CONFIG_NAME} in this folder")])
    if escape := escape_problem(config_path, root):
        raise UserError([escape])
    config_text = read_text(config_path, problems)
    if config_text is None:
        raise UserError(problems)
    settings = peek_settings(config_text, config_path, root)
    limit = settings.input_bytes
    content = root / settings.content
    if not content.is_dir():
        raise UserError([Problem(content, 0, "content folder not found: create it and add one .md file per section")])
    sections = []
    for path in sorted(p for p in content.glob("*.md") if is_input(p.relative_to(root), None)):  # not hidden ones
        text = read_text(path, problems, limit)
        if text is not None:
            sections.append(SourceText(path, text))
    if not sections and not problems:
        problems.append(Problem(content, 0, "no sections: the content folder has no .md files"))
    references = _read_first(content, REFERENCE_FILES, problems, limit)
    editions = _read_first(content, ("editions.yaml", "editions.yml"), problems, limit)
    return ProjectFiles(root, SourceText(config_path, config_text), tuple(sections), references, editions, tuple(problems))


REFERENCE_FILES = ("references.yaml", "references.yml", "references.json", "references.bib")
"""The references file, first found: CSL YAML, CSL JSON, or BibTeX/BibLaTeX (converted by Pandoc)."""


def _read_first(folder: Path, names: tuple[str, ...], problems: list[Problem],
                limit: int = MAX_INPUT_BYTES) -> SourceText | None:
    for name in names:
        path = folder / name
        if path.is_file():
            text = read_text(path, problems, limit)
            return SourceText(path, text) if text is not None else None
    return None

