"""The part cache: each part's page count and anchors, and its numbered PDF, by content hash.

Kept in `build/.cache/parts/` of the project. A key covers the part's HTML and everything its
layout reads besides (`environment_key`: the project's stylesheets, fonts and images, i.e.
its inputs other than the Markdown, the theme's styles, the layout code, the WeasyPrint
version and the sandbox policy), so a changed input can never give back a stale part.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
from pathlib import Path
from typing import Any

from .fetch import SandboxPolicy
from .theme import Theme

CACHE_KEEP = 400
"""Cache files kept (the most recently used); older ones are removed after a build."""


def environment_key(project_root: Path, theme: Theme, policy: SandboxPolicy) -> str:
    """Everything a part's layout reads besides its HTML: styles, fonts, images, tool versions, policy."""
    from . import __version__
    from .cache import hash_tree, libraries
    from .inputs import folder_names

    digest = hashlib.blake2b(digest_size=20)
    digest.update(f"{__version__};{libraries()}".encode())
    here = Path(__file__).resolve().parent
    for name in ("parts.py", "part_layout.py", "footnote_cache.py", "assemble.py", "render_parts.py", "fetch.py",
                 "part_cache.py", "render_worker.py", "worker_messages.py", "inputs.py"):
        source = here / name
        if source.is_file():
            digest.update(source.read_bytes())
    counter = [0, 0]
    for index, folder in enumerate(theme.style_dirs):
        hash_tree(digest, str(folder), f"<style{index}>/", set(), counter)
    hash_tree(digest, str(project_root), "<project>/", set(), counter, skip_suffixes=(".md",), project_level=True,
              folders=folder_names(project_root))
    digest.update(pickle.dumps(policy, protocol=4))
    return digest.hexdigest()


class PartCache:
    """Part page counts (JSON) and part PDFs, by content hash."""

    def __init__(self, folder: Path, environment: str) -> None:
        self.folder = folder
        self.environment = environment

    def key(self, kind: str, *pieces: str | int) -> str:
        digest = hashlib.blake2b(digest_size=20)
        digest.update(f"{kind}\0{self.environment}".encode())
        for piece in pieces:
            digest.update(b"\0" + str(piece).encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def info(self, key: str) -> dict[str, Any] | None:
        try:
            found: dict[str, Any] = json.loads((self.folder / f"{key}.json").read_text("utf-8"))
            return found
        except (OSError, ValueError):
            return None

    def store_info(self, key: str, value: dict[str, Any]) -> None:
        self._write(self.folder / f"{key}.json", json.dumps(value).encode())

    def has_pdf(self, key: str) -> bool:
        return (self.folder / f"{key}.pdf").is_file()

    def pdf(self, key: str) -> bytes:
        path = self.folder / f"{key}.pdf"
        data = path.read_bytes()
        os.utime(path)
        return data

    def store_pdf(self, key: str, data: bytes) -> None:
        self._write(self.folder / f"{key}.pdf", data)

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
