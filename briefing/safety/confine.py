"""Keep every file briefing reads inside the project.

The project's own folders (`content`, `templates`, `styles`) and each file in them must
resolve, symbolic links followed, to a path below the project folder: a link or a
setting that leads elsewhere (`content: ../../etc`, `templates -> /`) is an error before
anything is read from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.errors import Problem, UserError
from briefing.project.yamlfile import LineDict, parse_yaml
from briefing.safety.policy import Limits

FOLDER_KEYS = ("content", "templates", "styles")


def is_inside(path: Path, root: Path) -> bool:
    """Whether `path`, symbolic links resolved, lies in `root` (or is `root`)."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True


def escape_problem(path: Path, root: Path) -> Problem | None:
    """A problem when `path` leads outside `root` (a symbolic link or a `..`), else None."""
    if is_inside(path, root):
        return None
    return Problem(path, 0 if path.is_dir() else 1, "leads outside the project (a symbolic link or '..'): "
                   "briefing reads only files inside the project folder")


@dataclass(frozen=True)
class EarlySettings:
    """What `load` needs from briefing.yaml before it is validated."""

    content: str
    input_bytes: int


def peek_settings(config_text: str, config_path: Path, root: Path) -> EarlySettings:
    """The content folder and input size limit, checked to stay inside the project.

    Malformed values fall back to the defaults: validation reports them later, at their line.
    A folder that leads outside the project is refused here, before it is read.
    """
    data, _ = parse_yaml(config_text, config_path)
    settings: dict[Any, Any] = data if isinstance(data, dict) else {}
    problems: list[Problem] = []
    folders: dict[str, str] = {}
    for key in FOLDER_KEYS:
        value = settings.get(key)
        explicit = isinstance(value, str) and bool(value.strip())
        folder = str(value).strip() if explicit else key
        if _folder_stays_inside(root, folder):
            folders[key] = folder
        elif explicit:
            line = settings.key_lines.get(key, 0) if isinstance(settings, LineDict) else 0
            problems.append(Problem(config_path, line, f"{key}: '{value}' leads outside the project: "
                                    "give a folder inside the project (a relative path without '..')"))
        else:
            problems.append(Problem(root / folder, 0, "this folder is a symbolic link leading outside the project"))
    if problems:
        raise UserError(problems)
    problems += _escaping_links(root, root / folders["content"])
    problems += _escaping_links(root, root / folders["templates"])
    problems += _escaping_links(root, root / folders["styles"])
    if problems:
        raise UserError(problems)
    limits = settings.get("limits")
    limit = limits.get("input_bytes") if isinstance(limits, dict) else None
    default = Limits().input_bytes
    return EarlySettings(
        folders["content"],
        limit if isinstance(limit, int) and not isinstance(limit, bool) and limit >= 1024 else default,
    )


def _folder_stays_inside(root: Path, value: str) -> bool:
    relative = Path(value)
    if relative.is_absolute() or value.startswith("~") or ".." in relative.parts:
        return False
    return is_inside(root / relative, root)


def _escaping_links(root: Path, folder: Path, recursive: bool = True) -> list[Problem]:
    """Symbolic links in `folder` (not in hidden folders) that lead outside the project."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*") if recursive else folder.iterdir()):
        hidden = any(part.startswith(".") for part in path.relative_to(folder).parts[:-1])
        if not hidden and path.is_symlink() and (problem := escape_problem(path, root)):
            found.append(problem)
    return found
