"""`briefing schema`: write JSON Schemas so that editors complete and validate the YAML."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("-o", "--out", "folder", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"),
              show_default=True, help="Folder to write the schema files into (created if missing).")
def schema(folder: Path) -> None:
    """Write JSON Schemas for briefing.yaml, section front matter and editions.yaml.

    Point your editor at them (VS Code: the YAML extension's yaml.schemas setting, see the
    README) to get completion, hover help and errors as you type.
    """
    from briefing.cli import console
    from briefing.errors import display_path
    from briefing.project.schema import write_schemas

    for path in write_schemas(folder, _project_sectors()):
        console.say(f"wrote {display_path(path)}", "good")
    console.detail("VS Code: add to .vscode/settings.json: "
                   '"yaml.schemas": {"' + display_path(folder / "briefing.schema.json") + '": "briefing.yaml", "'
                   + display_path(folder / "editions.schema.json") + '": "content/editions.yaml"}')


def _project_sectors() -> tuple[str, ...] | None:
    """The sector ids of the project around the current folder (`sectors:` in briefing.yaml), if any."""
    import yaml

    from briefing.project.load import find_project

    try:
        data = yaml.safe_load((find_project(Path.cwd()) / "briefing.yaml").read_text("utf-8")) or {}
        return tuple(str(s["id"]) for s in data.get("sectors") or () if isinstance(s, dict) and "id" in s) or None
    except Exception:  # outside a project, or a briefing.yaml that check will report: the built-in list
        return None
