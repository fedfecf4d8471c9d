"""Where templates and stylesheets come from: the project's own folders first, then the built-in theme.

Like MkDocs' and Pelican's themes, a project overrides one file by dropping a file with the
same name into its `templates/` or `styles/` folder; everything else comes from the tool.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from briefing.project.models import Project

PACKAGE_DIR = Path(__file__).resolve().parents[1]


@cache
def builtin_dir() -> Path:
    """The built-in theme: `briefing/theme/` in an installed wheel, the repository root in a checkout."""
    packaged = PACKAGE_DIR / "theme"
    if (packaged / "templates").is_dir():
        return packaged
    return PACKAGE_DIR.parent


@dataclass(frozen=True)
class Theme:
    """The search chains for templates and styles, the project's own folder first."""

    template_dirs: tuple[Path, ...]
    style_dirs: tuple[Path, ...]

    def find_style(self, relative: str) -> Path | None:
        """The first file named `relative` along the style chain."""
        for folder in self.style_dirs:
            candidate = folder / relative
            if candidate.is_file():
                return candidate
        return None


def load_theme(project: Project) -> Theme:
    """The theme chains for a project."""
    builtin = builtin_dir()
    own_templates = project.root / project.config.templates
    own_styles = project.root / project.config.styles
    return Theme(
        template_dirs=_unique((own_templates, builtin / "templates")),
        style_dirs=_unique((own_styles, builtin / "styles")),
    )


def _unique(folders: tuple[Path, ...]) -> tuple[Path, ...]:
    seen: list[Path] = []
    for folder in folders:
        resolved = folder.resolve()
        if resolved not in seen and resolved.is_dir():
            seen.append(resolved)
    return tuple(seen)
