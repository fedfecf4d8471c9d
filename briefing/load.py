"""Stage 1, load: find the project and read its files. The only stage (with `write`) that reads the disk.

Nothing is interpreted here beyond locating files: `validate.py` parses and checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import Problem, UserError
from .yamlfile import parse_yaml

CONFIG_NAME = "briefing.yaml"
MAX_INPUT_BYTES = 2 * 1024 * 1024
"""Default cap on any one input file; a mistaken huge file fails fast with a message."""


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
        size = path.stat().st_size
        if size > limit:
            problems.append(Problem(path, 0, f"file is {size:,} bytes, over the {limit:,}-byte limit for an input file"))
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(path, 0, f"cannot read file: {exc.strerror or exc}"))
        return None
    if b"\x00" in data:
        problems.append(Problem(path, 0, "binary file, not text"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(path, line, f"not valid UTF-8 (byte {data[exc.start]:#04x}); save the file as UTF-8"))
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n")


def load_project(root: Path) -> ProjectFiles:
    """Read `briefing.yaml`, `content/*.md`, the references and the editions of the project at `root`."""
    root = root.resolve()
    problems: list[Problem] = []
    config_path = root / CONFIG_NAME
    if not config_path.is_file():
        raise UserError([Problem(root, 0, f"not a briefing project: no {CONFIG_NAME} in this folder")])
    config_text = read_text(config_path, problems)
    if config_text is None:
        raise UserError(problems)
    content = root / _content_folder(config_text, config_path)
    if not content.is_dir():
        raise UserError([Problem(content, 0, "content folder not found: create it and add one .md file per section")])
    sections = []
    for path in sorted(content.glob("*.md")):
        text = read_text(path, problems)
        if text is not None:
            sections.append(SourceText(path, text))
    if not sections and not problems:
        problems.append(Problem(content, 0, "no sections: the content folder has no .md files"))
    references = _read_first(content, ("references.yaml", "references.yml", "references.json"), problems)
    editions = _read_first(content, ("editions.yaml", "editions.yml"), problems)
    return ProjectFiles(root, SourceText(config_path, config_text), tuple(sections), references, editions, tuple(problems))


def _read_first(folder: Path, names: tuple[str, ...], problems: list[Problem]) -> SourceText | None:
    for name in names:
        path = folder / name
        if path.is_file():
            text = read_text(path, problems)
            return SourceText(path, text) if text is not None else None
    return None


def _content_folder(config_text: str, config_path: Path) -> str:
    """The `content:` setting of the config, peeked at before validation (errors are reported there)."""
    data, _ = parse_yaml(config_text, config_path)
    value = data.get("content") if isinstance(data, dict) else None
    return value if isinstance(value, str) and value.strip() else "content"
