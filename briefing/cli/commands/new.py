"""`briefing new SECTION_ID --sector S`: add a section file with its front matter filled in."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from briefing.cli.commands.options import project_option, resolve_project


def _complete_sector(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[str]:
    """Shell completion: the sectors in the project's briefing.yaml (read with PyYAML only, no validation)."""
    from briefing.project.load import find_project

    try:
        import yaml

        root = find_project(ctx.params.get("project_dir") or Path.cwd())
        data = yaml.safe_load((root / "briefing.yaml").read_text("utf-8")) or {}
        declared = [str(s.get("id")) for s in data.get("sectors") or () if isinstance(s, dict)]
    except Exception:  # completion never fails loudly
        declared = []
    from briefing.project.models import FRAMING_SECTOR, SECTORS

    names = [*(declared or SECTORS), FRAMING_SECTOR]
    return [name for name in dict.fromkeys(names) if name.startswith(incomplete)]


@click.command()
@project_option
@click.argument("section_id", metavar="SECTION_ID")
@click.option("--sector", required=True, metavar="SECTOR", shell_complete=_complete_sector,
              help="The chapter's sector, one of sectors: in briefing.yaml; 'context' for a framing chapter "
                   "without the memo parts.")
@click.option("--title", metavar="TEXT",
              help="Chapter title (default: from the id, 'critical-minerals' → 'Critical minerals').")
@click.option("--owner", metavar="TEXT", help="Who keeps the chapter up to date (default: author in briefing.yaml).")
def new(project_dir: Path | None, section_id: str, sector: str, title: str | None, owner: str | None) -> None:
    """Add content/SECTION_ID.md with its front matter filled in.

    A sector chapter gets the memo's ## parts (Key points … Questions to expect) to write under.
    'reviewed:' is set to today: the date the chapter's facts were written and checked.
    """
    from briefing.cli import console
    from briefing.errors import display_path
    from briefing.scaffold.create import new_section

    made = new_section(resolve_project(project_dir), section_id, sector, dt.date.today(), title, owner)
    console.say(f"created {display_path(made.path)} (reviewed: {made.reviewed.isoformat()}; "
                "update it whenever you check the facts again)", "good")
    for name in made.editions_without:
        console.say(f"note: edition '{name}' lists its sections and does not include '{section_id}' yet: "
                    "add it to content/editions.yaml if it should")
