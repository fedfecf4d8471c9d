"""Options several commands share."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def project_option(function: F) -> F:
    """`--project DIR`: the briefing project (default: found from the current folder upwards)."""
    return click.option(
        "--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Project folder (holding briefing.yaml). Default: the current folder or its nearest parent that has one.",
    )(function)


def resolve_project(project_dir: Path | None) -> Path:
    """The project folder the user meant."""
    from briefing.errors import Problem, UserError
    from briefing.project.load import CONFIG_NAME, find_project

    if project_dir is None:
        return find_project(Path.cwd())
    folder = project_dir.resolve()
    if not (folder / CONFIG_NAME).is_file():
        reason = "folder does not exist" if not folder.is_dir() else f"no {CONFIG_NAME} in this folder"
        raise UserError([Problem(folder, 0, f"not a briefing project: {reason} "
                                 "(run 'briefing init DIR' to start one)")])
    return folder
