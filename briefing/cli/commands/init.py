"""`briefing init DIR`: start a new project that builds as it is."""

from __future__ import annotations

import datetime as dt
import shlex
from pathlib import Path

import click


@click.command()
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--title", metavar="TEXT",
              help="Title of the book (default: 'New briefing'); change it later in briefing.yaml.")
def init(directory: Path, title: str | None) -> None:
    """Start a new briefing project in DIRECTORY (a new or empty folder).

    It gets briefing.yaml, two example chapters, references, two editions and empty
    templates/ and styles/ folders for your own overrides, and builds at once.
    """
    from briefing.cli import console
    from briefing.errors import display_path
    from briefing.scaffold.create import init_project

    made = init_project(directory, dt.date.today(), title)
    for path in made:
        console.detail(f"  created {display_path(path)}")
    shown = shlex.quote(display_path(directory.resolve()))
    console.say(f"created a briefing project in {shown} ({len(made)} files)", "good")
    console.say(f"next: cd {shown} && briefing build     (or: briefing preview, to see it change as you write)")
