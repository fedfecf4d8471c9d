"""The part cache: each part's page count and anchors, and its numbered PDF, by content hash.

Kept in `build/.cache/parts/` of the project. A key covers the part's HTML and everything its
layout reads besides (`environment_key`: the project's stylesheets, fonts and images, i.e.
its inputs other than the Markdown, the theme's styles, the layout code, the WeasyPrint
version and the sandbox policy), so a changed input can never give back a stale part.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import time
from pathlib import Path
from typing import Any

from briefing.cache.sealed import bypassed, read_json, seal_bytes, seal_json, unseal_bytes
from briefing.project.theme import Theme
from briefing.safety.fetch import SandboxPolicy

CACHE_KEEP = 400
"""Cache files kept (the most recently used); older ones are removed after a build."""


_HASHED: list[Any] = [{}, 0]
"""The files `environment_key` hashed last in this process (path → size, time, hash) and when: a warm
process reads again only the files changed since (the bundled fonts alone are 22 MB)."""


def environment_key(project_root: Path, theme: Theme, policy: SandboxPolicy) -> str:
    """Everything a part's layout reads besides its HTML: styles, fonts, images, tool versions, policy."""
    from briefing import __version__
    from briefing.cache.inputs import folder_names
    from briefing.cache.stamp import FileHashes, hash_tree, libraries

    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{__version__};{libraries()}".encode())
    here = Path(__file__).resolve().parent  # the parts package, and what every part reads through
    package = here.parents[1]
    for source in [*sorted(here.glob("*.py")), package / "safety" / "fetch.py", package / "cache" / "inputs.py",
                   package / "cache" / "sealed.py", package / "safety" / "images.py"]:
        if source.is_file():
            digest.update(source.read_bytes())
    counter = [0, 0]
    known = FileHashes(*_HASHED)
    started = time.time_ns()
    for index, folder in enumerate(theme.style_dirs):
        hash_tree(digest, str(folder), f"<style{index}>/", set(), counter, known=known)
    hash_tree(digest, str(project_root), "<project>/", set(), counter, skip_suffixes=(".md",), project_level=True,
              folders=folder_names(project_root), known=known)
    _HASHED[:] = [known.seen, started]
    digest.update(pickle.dumps(policy, protocol=4))
    return digest.hexdigest()


class PartCache:
    """Part page counts (JSON) and part PDFs, by content hash."""

    def __init__(self, folder: Path, environment: str) -> None:
        self.folder = folder
        self.environment = environment
        self._checked: dict[str, bytes] = {}
        """Part PDFs read (seal verified) or made in this build."""

    def key(self, kind: str, *pieces: str | int) -> str:
        digest = hashlib.blake2b(digest_size=20)
        digest.update(f"{kind}\0{self.environment}".encode())
        for piece in pieces:
            digest.update(b"\0" + str(piece).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def info(self, key: str) -> dict[str, Any] | None:
        """A part's page count and anchors, if stored with a matching seal (a damaged entry is a miss)."""
        found = read_json(self.folder / f"{key}.json")
        if found is None or not isinstance(found.get("pages"), int) or not isinstance(found.get("anchors"), dict):
            return None
        return found

    def store_info(self, key: str, value: dict[str, Any]) -> None:
        self._write(self.folder / f"{key}.json", seal_json(value).encode())

    def has_pdf(self, key: str) -> bool:
        """A stored part PDF whose seal matches (checked now, kept for `pdf`); --force: never."""
        if key in self._checked:
            return True
        path = self.folder / f"{key}.pdf"
        if bypassed() or not path.is_file():
            return False
        try:
            data = unseal_bytes(path.read_bytes(), path)
        except OSError:
            return False
        if data is None or not data.startswith(b"%PDF-"):
            return False
        self._checked[key] = data
        return True

    def pdf(self, key: str) -> bytes:
        if key in self._checked:
            with contextlib.suppress(OSError):
                os.utime(self.folder / f"{key}.pdf")  # recently used: kept by `prune`
            return self._checked[key]
        raise KeyError(key)

    def store_pdf(self, key: str, data: bytes) -> None:
        self._checked[key] = data
        self._write(self.folder / f"{key}.pdf", seal_bytes(data))

    def _write(self, path: Path, data: bytes) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(path.name + f".{os.getpid()}.part")
            temp.write_bytes(data)
            os.replace(temp, path)
        except OSError:
            return

    def prune(self) -> None:
        """Keep the most recently used files only."""
        try:
            files = sorted(self.folder.iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
        except OSError:
            return
        for stale in files[CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
