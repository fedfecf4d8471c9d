"""What an input is, defined once: the files a build may read, and so the files that decide it.

The inputs of a project are exactly what a build can read:

- `briefing.yaml`;
- every file under the content, templates and styles folders `briefing.yaml` names
  (defaults `content/`, `templates/`, `styles/`), at any depth: sections, references,
  editions, chart data, images, templates, stylesheets, fonts;
- every other file of the project folder that the fetcher serves to WeasyPrint (an image,
  stylesheet, font or colour profile, `SERVED_SUFFIXES`), which the content may link to;
- the built-in theme's templates and styles when they lie outside the project;

never a hidden file or folder (a name starting with `.`: `.git`, `.env`, an editor's swap
file, the writer's temporary `.<name>.*.part`), the top-level `build/` and `dist/` (what
briefing writes; a `dist/` deeper down, such as `content/data/dist/`, is an ordinary folder),
tools' folders at any depth (`__pycache__`, `node_modules`, `venv`, `htmlcov`, `*.egg-info`)
or editor debris (`x~`, `#x#`, `*.swp`, vim's `4913`, `*.part`, `*.pyc`).

`is_input` is the one rule (`skipped` its list of exclusions). The build's readers refuse
what it skips (the fetcher, `load_project`, chart data), and every record of what a build
depends on walks the same set: the skip-if-unchanged record (`cache.fingerprint`), the part
cache's key (`render_parts`), the watch (`watch.WatchScope`), the release manifest
(`collect_inputs`) and `--since` (`git_pathspecs`, and the sections read at the earlier ref).

This module uses the standard library only, and its lightest modules: the nothing-changed
path imports it. Each file of the manifest is named by a stable label, never an absolute
path: its path relative to the project, else `theme/templates/...` or `theme/styles/...`
for the built-in theme. The inputs hash is the SHA-256 of the sorted lines
`<sha256>  <label>`, so two checkouts of the same commit at different paths agree.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

# No dataclasses, hashlib or typing at run time here: see `cache` (the nothing-changed path).

if TYPE_CHECKING:
    from collections.abc import Iterator

    from briefing.project.models import Project
    from briefing.project.theme import Theme

RASTER_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff"})
SERVED_SUFFIXES = RASTER_SUFFIXES | {".svg", ".css", ".woff", ".woff2", ".ttf", ".otf", ".icc", ".icm"}
"""The kinds of file a book may load through the fetcher: images, stylesheets, fonts, colour profiles."""
OUTPUT_FOLDERS = frozenset({"build", "dist"})
"""Top-level folders of the project that hold briefing's outputs."""
TOOL_FOLDERS = frozenset({"__pycache__", "node_modules", "venv", "htmlcov"})
"""Folders of tools, at any depth."""
DEBRIS_SUFFIXES = (".swp", ".swx", ".swo", ".tmp", ".part", "~", ".pyc")
"""Editor swap and backup files, temporary files, compiled Python."""


def skipped(name: str, *, folder: bool, top_level: bool) -> bool:
    """Whether a file or folder named `name` is left out (never read, never an input)."""
    if name.startswith("."):
        return True
    if folder:
        return name in TOOL_FOLDERS or name.endswith(".egg-info") or (top_level and name in OUTPUT_FOLDERS)
    return name.endswith(DEBRIS_SUFFIXES) or name.startswith("#") or name == "4913"


Folders = tuple[str, ...]
"""The content, templates and styles folders, as POSIX paths relative to the project."""
DEFAULT_FOLDERS: Folders = ("content", "templates", "styles")


def is_input(relative: str | PurePath, folders: Folders | None = DEFAULT_FOLDERS) -> bool:
    """Whether the path `relative` (to the project folder) names an input file.

    `folders=None` decides only what is skipped, not which folders hold inputs: for readers
    that already choose their files by folder or kind (the fetcher, the section loader).
    """
    parts = _parts(relative)
    if not parts or any(part in ("..", "/") for part in parts):
        return False
    for depth, part in enumerate(parts[:-1]):
        if skipped(part, folder=True, top_level=depth == 0):
            return False
    top_level = len(parts) == 1
    # a name skipped as a folder is never an input either: a watch hears of `build` itself being made
    if skipped(parts[-1], folder=False, top_level=top_level) or skipped(parts[-1], folder=True, top_level=top_level):
        return False
    if folders is None or parts == ("briefing.yaml",):
        return True
    if any(parts[: len(folder)] == folder for folder in _folder_parts(folders)):
        return True
    return PurePath(parts[-1]).suffix.lower() in SERVED_SUFFIXES


def _parts(relative: str | PurePath) -> tuple[str, ...]:
    if isinstance(relative, str):
        split = tuple(relative.split("/"))
        if "" not in split and "." not in split:
            return split  # a plain relative POSIX path (every file of a project walk): as PurePath splits it
    return PurePath(relative).parts


@functools.lru_cache(maxsize=64)
def _folder_parts(folders: Folders) -> tuple[tuple[str, ...], ...]:
    return tuple(PurePath(folder).parts for folder in folders)


def folder_names(root: Path) -> Folders:
    """The content, templates and styles folders `briefing.yaml` names, read without a YAML parser.

    Only plain top-level `key: value` lines are understood; anything else about these keys
    (quotes, flow style, a value on the next line) gives `()`, which callers read as "every
    file of the project may be an input" (a superset: never a missed change).
    """
    names = dict(zip(("content", "templates", "styles"), DEFAULT_FOLDERS, strict=True))
    try:
        text = (root / "briefing.yaml").read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return DEFAULT_FOLDERS
    for line in text.splitlines():
        key, colon, value = line.partition(":")
        if colon and key in names:
            value = value.split(" #", 1)[0].strip().strip("/")
            if not value or any(c in value for c in "'\"{}[]&*!|>\\") or ".." in value.split("/"):
                return ()
            names[key] = value
    return tuple(names.values())


def is_below(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or lies inside it (both as given: resolve them first where links matter)."""
    return path == folder or folder in path.parents


def input_entries(folder: str, project_level: bool = True,
                  folders: Folders | None = None) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every input file below `folder` as (relative POSIX path, entry), sorted by name at each level.

    `project_level`: `folder` is a project folder, whose top-level `build/` and `dist/` are
    outputs and whose inputs are those `is_input` with `folders` accepts (every file not
    skipped when `folders` is None or empty). A symbolic link to a folder is not followed
    (it may lead anywhere): it raises `LinkedFolderError`.
    """
    for relative, entry in _entries(folder, "", project_level):
        if not (project_level and folders) or is_input(relative, folders):
            yield relative, entry


class LinkedFolderError(OSError):
    """A symbolic link to a folder among the inputs: the caller decides (build anyway, or refuse)."""


def _entries(folder: str, prefix: str, top_level: bool) -> Iterator[tuple[str, os.DirEntry[str]]]:
    with os.scandir(folder) as scan:
        entries = sorted(scan, key=lambda e: e.name)
    for entry in entries:
        is_folder = entry.is_dir(follow_symlinks=False)
        if skipped(entry.name, folder=is_folder, top_level=top_level):
            continue
        if is_folder:
            yield from _entries(entry.path, f"{prefix}{entry.name}/", False)
        elif entry.is_symlink() and entry.is_dir():
            raise LinkedFolderError(entry.path)
        else:
            yield f"{prefix}{entry.name}", entry


def git_pathspecs(folders: Folders = DEFAULT_FOLDERS) -> list[str]:
    """The inputs as git pathspecs relative to the project folder (for the manifest's git state)."""
    kinds = [f":(glob)**/*{suffix}" for suffix in sorted(SERVED_SUFFIXES)]
    skips = [*(f":(exclude){name}" for name in sorted(OUTPUT_FOLDERS)), ":(exclude,glob)**/.*",
             ":(exclude,glob)**/.*/**", *(f":(exclude,glob)**/{name}/**" for name in sorted(TOOL_FOLDERS))]
    return ["briefing.yaml", *folders, *kinds, *skips]


class InputFile:
    """One input file: its stable label, SHA-256 and size."""

    __slots__ = ("bytes", "label", "sha256")

    def __init__(self, label: str, sha256: str, size: int) -> None:
        self.label = label
        self.sha256 = sha256
        self.bytes = size


class Inputs:
    """Every input file of a release and the hash over all of them."""

    def __init__(self, files: tuple[InputFile, ...]) -> None:
        self.files = files

    @property
    def sha256(self) -> str:
        import hashlib

        listing = "".join(f"{f.sha256}  {f.label}\n" for f in self.files)
        return hashlib.sha256(listing.encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    import hashlib

    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def theme_folders_outside(root: Path) -> list[Path]:
    """The built-in theme's templates and styles folders that do not lie inside the project `root`."""
    from briefing.project.theme import builtin_dir

    theme = builtin_dir().resolve()
    root = root.resolve()
    return [folder for folder in (theme / "templates", theme / "styles")
            if folder.is_dir() and not is_below(folder, root)]


def collect_inputs(project: Project, theme: Theme) -> Inputs:
    """Hash every input file of `project`: the project's own, then the built-in theme's (see above)."""
    root = project.root.resolve()
    found: dict[str, Path] = {}
    folders = (project.config.content, project.config.templates, project.config.styles)
    for relative, entry in input_entries(str(root), folders=tuple(f.strip("/") for f in folders)):
        found[relative] = Path(entry.path)
    for folder in theme_folders_outside(root):
        for relative, entry in input_entries(str(folder), project_level=False):
            found.setdefault(f"theme/{folder.name}/{relative}", Path(entry.path))
    files = tuple(InputFile(label, sha256_file(path), path.stat().st_size) for label, path in sorted(found.items()))
    return Inputs(files)
