"""The route a user would otherwise take: Pandoc with `--citeproc --pdf-engine=weasyprint`, same CSS.

`prepare(project, folder)` writes what Pandoc needs from a briefing project: one Markdown
file with the edition's sections in book order (each under a `#` heading with its title and
summary; Pandoc reads the citations, fenced divs and bracketed spans natively), the
references as CSL JSON (dates made CSL date-parts, briefing's own fields dropped), and the
command line, which links the same stylesheets the book uses.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path
from typing import Any

CSL_EXTRA = {"archive-file", "confidence", "confidence-note"}


def pandoc_binary() -> str | None:
    """pandoc from the pypandoc-binary wheel (the `bench` extra), else from PATH."""
    try:
        import pypandoc

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        from shutil import which

        return which("pandoc")


def _csl_date(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return {"date-parts": [[value.year, value.month, value.day]]}
    if isinstance(value, str) and value[:4].isdigit():
        return {"date-parts": [[int(p) for p in value.split("-")[:3] if p.isdigit()]]}
    return value


def _references(project_dir: Path, content: str) -> list[dict[str, Any]]:
    import yaml

    folder = project_dir / content
    for name in ("references.yaml", "references.yml", "references.json"):
        path = folder / name
        if path.is_file():
            text = path.read_text("utf-8")
            data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
            items = data.get("references", []) if isinstance(data, dict) else data
            return [{k: _csl_date(v) if k in ("issued", "accessed") else v for k, v in item.items()
                     if k not in CSL_EXTRA} for item in items]
    return []


def prepare(project_dir: Path, folder: Path, output: Path,
            edition: str | None = None) -> tuple[list[str], dict[str, str]]:
    """Write Pandoc's inputs into `folder`; return the command line and the environment to run it."""
    from briefing.book.editions import select_edition
    from briefing.book.render_html import STYLESHEETS
    from briefing.pipeline import prepare as prepare_project
    from briefing.project.theme import load_theme

    folder.mkdir(parents=True, exist_ok=True)
    project, _ = prepare_project(project_dir)
    book = select_edition(project, edition)
    chapters = []
    for chapter in book.chapters:
        meta = chapter.section.meta
        summary = f"\n\n*{meta.summary}*" if meta.summary else ""
        chapters.append(f"# {meta.title} {{#{chapter.section.id}}}{summary}\n\n{chapter.section.body}")
    (folder / "book.md").write_text("\n\n".join(chapters) + "\n", "utf-8")
    (folder / "references.json").write_text(json.dumps(_references(project.root, project.config.content), default=str),
                                            "utf-8")
    theme = load_theme(project)
    sheets = [p for name in (*STYLESHEETS, f"paper-{book.paper}.css") if (p := theme.find_style(name)) is not None]
    command = [pandoc_binary() or "pandoc", str(folder / "book.md"), "--citeproc",
               "--bibliography", str(folder / "references.json"),
               "--metadata", f"title={project.config.title}", "--metadata", f"lang={project.config.language}",
               *[arg for sheet in sheets for arg in ("-c", sheet.resolve().as_uri())],
               "--pdf-engine=weasyprint", "-o", str(output)]
    env = {"PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    return command, env
