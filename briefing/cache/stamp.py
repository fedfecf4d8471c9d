"""Skip a build when nothing it reads has changed since the last one.

`briefing build` asks `fresh_output` first. It hashes, with the standard library only (no
YAML, pydantic, Markdown or WeasyPrint is imported, so a nothing-changed rebuild takes a few
hundredths of a second):

- every input file of the project folder (`briefing.cache.inputs`: sections, references,
  editions, data, images, the project's templates, styles and fonts; not hidden files,
  the top-level `build/` and `dist/`, tools' folders or editor debris), and the output
  file itself only when it is not among them;
- the built-in theme (templates and styles) and briefing's own code and version, and the
  location and date of the installed WeasyPrint, Markdown and Jinja;
- the options of the request (edition, sections, format, paper, draft, output);
- what decides the build date: `SOURCE_DATE_EPOCH`, the git commit the project is at, or
  (without git) the modification times of the sections.

The fingerprint is stored beside the output as `.<name>.inputs` (JSON, with a digest of the
output it describes and each input's size, time and hash), after a successful build. A file
whose size and modification time are unchanged since then (and not racily close to that
record) is not read again, so the bundled fonts are not re-hashed on every run.
The output is reused only when the stored fingerprint equals the new one and the output on
disk still has the recorded digest, so a deleted or edited PDF is rebuilt. Any doubt
(unreadable file, too many files) means build.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING

from briefing import __version__
from briefing.cache.build_date import build_date_inputs
from briefing.cache.inputs import Folders, LinkedFolderError, folder_names, input_entries
from briefing.cache.sealed import read_json, seal_json

try:  # the blake2 module alone: importing hashlib also loads OpenSSL, a tenth of this path's time
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

if TYPE_CHECKING:
    from typing import Any

# Only the standard library's lightest modules here (no dataclasses, typing at run time,
# importlib.util): a nothing-changed rebuild is mostly interpreter start-up and these imports.

STAMP_VERSION = 2
MAX_FILES = 20_000
MAX_BYTES = 512 * 1024 * 1024
_LIBRARIES = ("weasyprint", "pydyf", "markdown", "jinja2", "pymdownx")


class Fresh:
    """An output that is still up to date."""

    def __init__(self, path: Path, pages: int | None) -> None:
        self.path = path
        self.pages = pages


class TooBigError(Exception):
    """The project folder is too large to fingerprint cheaply: build instead."""


def find_project_root(project_dir: Path | None) -> Path | None:
    """The project folder as `briefing` would find it, or None (the full path reports errors)."""
    if project_dir is not None:
        folder = project_dir.resolve()
        return folder if (folder / "briefing.yaml").is_file() else None
    start = Path.cwd().resolve()
    for folder in (start, *start.parents):
        if (folder / "briefing.yaml").is_file():
            return folder
    return None


def stamp_path(output: Path) -> Path:
    """Where the fingerprint of `output` is kept: `.<name>.inputs` beside it."""
    return output.with_name(f".{output.name}.inputs")


def request_stamp(root: Path, output: Path | None, edition: str | None, output_format: str) -> Path:
    """The stamp for a request; without `-o` and `-e` the default edition's output is not known
    before the project is parsed, so its stamp has a fixed name that records the output path."""
    if output is not None:
        return stamp_path(output.resolve())
    if edition is not None:
        return stamp_path(root / "build" / f"{edition}.{output_format}")
    return root / "build" / f".default.{output_format}.inputs"


def fingerprint(root: Path, options: dict[str, object], exclude: tuple[Path, ...] = (),
                known: FileHashes | None = None) -> str | None:
    """One hash over everything the build of `root` with `options` reads; None when in doubt."""
    digest = blake2b(digest_size=20)
    digest.update(json.dumps({"stamp": STAMP_VERSION, "briefing": __version__, "options": options},
                             sort_keys=True, default=str).encode())
    try:
        counter = [0, 0]
        hash_tree(digest, str(root), "", {str(p) for p in exclude}, counter, known=known, project_level=True,
                  folders=folder_names(root))
        package = Path(__file__).resolve().parents[1]
        # The theme and the code always count, even inside the project (the default project is the
        # repository itself): the project's input set holds neither Python files nor, say, a theme
        # folder the configuration does not name.
        for folder in _theme_dirs(package):
            hash_tree(digest, str(folder), f"<theme>/{folder.name}/", set(), counter, known=known)
        hash_tree(digest, str(package), "<briefing>/", set(), counter, known=known)
    except (OSError, TooBigError):
        return None
    digest.update(libraries().encode())
    digest.update(build_date_inputs(root).encode())
    return digest.hexdigest()


def fresh_output(stamp: Path, current: str | None) -> Fresh | None:
    """The output recorded in `stamp` if it was built from exactly `current` and is intact."""
    if current is None:
        return None
    recorded = read_json(stamp)
    if recorded is None:
        return None
    try:
        if recorded.get("fingerprint") != current:
            return None
        output = Path(recorded["output"])
        if _file_digest(output) != recorded.get("output_digest"):
            return None
        return Fresh(output, recorded.get("pages"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_output(stamp: Path, current: str | None, output: Path, pages: int | None,
                  files: dict[str, list[Any]] | None = None) -> None:
    """Remember that `output` was built from `current` (best effort: a failure only costs a rebuild)."""
    if current is None:
        return
    try:
        data = {"fingerprint": current, "output": str(output.resolve()), "output_digest": _file_digest(output),
                "pages": pages, "recorded_at_ns": time.time_ns(), "files": files or {}}
        stamp.parent.mkdir(parents=True, exist_ok=True)
        temp = stamp.with_name(stamp.name + ".part")
        temp.write_text(seal_json(data), "utf-8")
        os.replace(temp, stamp)
    except OSError:
        return


def hash_tree(digest: blake2b, folder: str, prefix: str, exclude: set[str], counter: list[int],
              skip_suffixes: tuple[str, ...] = (), known: FileHashes | None = None, project_level: bool = False,
              folders: Folders | None = None) -> None:
    """Add every input file below `folder` (`inputs.input_entries`: sorted, named by `prefix` + relative
    path) to `digest`; `project_level` when `folder` is a project folder (its build/ and dist/ are outputs).

    With `known`, a file whose size and modification time match what `known` recorded (and
    whose time is safely older than that record) is not read again: its recorded hash is used.
    """
    try:
        for relative, entry in input_entries(folder, project_level, folders):
            _hash_file(digest, prefix + relative, entry, exclude, counter, skip_suffixes, known)
    except LinkedFolderError:  # a linked folder may lead anywhere (/, /proc): build instead
        raise TooBigError from None


def _hash_file(digest: blake2b, label: str, entry: os.DirEntry[str], exclude: set[str], counter: list[int],
               skip_suffixes: tuple[str, ...], known: FileHashes | None) -> None:
    name = entry.name
    if entry.path in exclude or (skip_suffixes and name.endswith(skip_suffixes)):
        return
    stat = entry.stat()
    if not S_ISREG(stat.st_mode):
        return  # a FIFO or device would block or never end; the load stage reports such files
    counter[0] += 1
    counter[1] += stat.st_size
    if counter[0] > MAX_FILES or counter[1] > MAX_BYTES:
        raise TooBigError
    file_hash = known.lookup(entry.path, stat) if known is not None else None
    if file_hash is None:
        with open(entry.path, "rb") as stream:
            file_hash = blake2b(stream.read(), digest_size=20).hexdigest()
    if known is not None:
        known.seen[entry.path] = [stat.st_size, stat.st_mtime_ns, file_hash]
    digest.update(f"{label}\0{stat.st_size}\0{file_hash}\0".encode("utf-8", "surrogateescape"))


class FileHashes:
    """File hashes recorded by the previous build (path → size, mtime, hash), and those seen now."""

    RACY_NS = 2_000_000_000
    """A file changed this close to the record may have changed again within the same mtime tick."""

    def __init__(self, recorded: dict[str, list[Any]] | None = None, recorded_at_ns: int = 0) -> None:
        self.recorded = recorded or {}
        self.recorded_at_ns = recorded_at_ns
        self.seen: dict[str, list[Any]] = {}

    def lookup(self, path: str, stat: os.stat_result) -> str | None:
        """The recorded hash when the file is certainly unchanged since, else None."""
        entry = self.recorded.get(path)
        if (entry and entry[0] == stat.st_size and entry[1] == stat.st_mtime_ns
                and stat.st_mtime_ns < self.recorded_at_ns - self.RACY_NS):
            return str(entry[2])
        return None


def _theme_dirs(package: Path) -> list[Path]:
    """The built-in theme's folders, found as `briefing.project.theme.builtin_dir` does (without importing it)."""
    packaged = package / "theme"
    base = packaged if (packaged / "templates").is_dir() else package.parent
    return [folder for folder in (base / "templates", base / "styles") if folder.is_dir()]


def libraries(names: tuple[str, ...] = _LIBRARIES) -> str:
    """Where the rendering libraries are installed and when: a changed install changes the output."""
    from importlib.machinery import PathFinder

    found = []
    for name in names:
        try:
            spec = PathFinder.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec and spec.origin else ""
        try:
            stamp = os.stat(origin).st_mtime_ns if origin else 0
        except OSError:
            stamp = 0
        found.append(f"{name}={origin}@{stamp}")
    return ";".join(found)


def _file_digest(path: Path) -> str:
    return blake2b(path.read_bytes(), digest_size=20).hexdigest()


class BuildStamp:
    """The fingerprint of one `briefing build` request and where it is kept."""

    def __init__(self, stamp: Path, current: str | None, files: FileHashes | None = None) -> None:
        self.stamp = stamp
        self.current = current
        self.files = files

    @classmethod
    def for_request(cls, project_dir: Path | None, options: dict[str, object]) -> BuildStamp:
        """Fingerprint a request (`options` as the command line received them) before building."""
        root = find_project_root(project_dir)
        if root is None:
            return cls(Path(os.devnull), None)
        output = options.get("output")
        output_path = Path(output).resolve() if isinstance(output, (str, Path)) else None
        edition = options.get("edition")
        stamp = request_stamp(root, output_path, edition if isinstance(edition, str) else None,
                              str(options.get("format", "pdf")))
        exclude = (output_path,) if output_path is not None else ()
        files = _previous_hashes(stamp)
        return cls(stamp, fingerprint(root, {**options, "output": str(output_path)}, exclude, files), files)

    def fresh(self) -> Fresh | None:
        """The previous output, when it is still exactly what this request would build."""
        return fresh_output(self.stamp, self.current)

    def record(self, output: Path, pages: int | None) -> None:
        """Remember the output just built."""
        record_output(self.stamp, self.current, output, pages, self.files.seen if self.files else None)


def _previous_hashes(stamp: Path) -> FileHashes:
    """The file hashes the last build of this output recorded (none when there is no usable stamp)."""
    recorded = read_json(stamp)
    if recorded is None:
        return FileHashes()
    try:
        return FileHashes(dict(recorded.get("files") or {}), int(recorded.get("recorded_at_ns") or 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return FileHashes()
