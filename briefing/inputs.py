"""Which files a release is made from, and one hash over all of them.

The inputs of a release are, precisely:

- the project's `briefing.yaml`;
- every file under the content folder, recursively (sections, references, editions,
  `data/` files for charts, images), hidden files excepted;
- every file in every folder of the template chain and of the style chain (the project's
  own `templates/` and `styles/`, then the built-in theme's), which includes the bundled
  fonts under `styles/fonts/`.

Each file is named by a stable label, never by an absolute path: its path relative to the
project folder when it lies inside the project, else `theme/templates/...` or
`theme/styles/...` for the built-in theme. The inputs hash is the SHA-256 of the sorted
lines `<sha256>  <label>`, so two checkouts of the same commit at different paths agree.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .models import Project
from .theme import Theme, builtin_dir

_SKIPPED_DIRS = {"__pycache__", "build", "dist"}


@dataclass(frozen=True)
class InputFile:
    """One input file: its stable label, SHA-256 and size."""

    label: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Inputs:
    """Every input file of a release and the hash over all of them."""

    files: tuple[InputFile, ...]

    @property
    def sha256(self) -> str:
        listing = "".join(f"{f.sha256}  {f.label}\n" for f in self.files)
        return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def collect_inputs(project: Project, theme: Theme) -> Inputs:
    """Hash every input file of `project` rendered with `theme` (see the module docstring)."""
    root = project.root.resolve()
    theme_root = builtin_dir().resolve()
    folders = [project.content_dir, *theme.template_dirs, *theme.style_dirs]
    found: dict[str, Path] = {}
    config = project.config_path or root / "briefing.yaml"
    found[_label(config.resolve(), root, theme_root)] = config
    for folder in folders:
        for path in _files_below(folder.resolve()):
            found.setdefault(_label(path, root, theme_root), path)
    files = tuple(InputFile(label, sha256_file(path), path.stat().st_size) for label, path in sorted(found.items()))
    return Inputs(files)


def _files_below(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        path for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") or part in _SKIPPED_DIRS for part in path.relative_to(folder).parts)
    )


def _label(path: Path, root: Path, theme_root: Path) -> str:
    """A path's stable name: relative to the project, else to the built-in theme (`theme/...`)."""
    for base, prefix in ((root, ""), (theme_root, "theme/")):
        try:
            return prefix + path.relative_to(base).as_posix()
        except ValueError:
            continue
    return "other/" + path.name
