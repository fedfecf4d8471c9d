"""What decides a build's date, read cheaply: the input of `source_date` for the up-to-date record.

`SOURCE_DATE_EPOCH`, else the git commit the project is at (read from `.git` without running
git), else the modification times of the sections. Standard library only: the nothing-changed
path (`cache.fingerprint`) calls it.
"""

from __future__ import annotations

import os
from pathlib import Path


def build_date_inputs(root: Path) -> str:
    """What `source_date` reads: SOURCE_DATE_EPOCH, else the git commit, else section times."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return f"epoch={epoch}"
    commit = _git_head(root)
    if commit:
        return f"git={commit}"
    times = sorted(str(p.stat().st_mtime_ns) for p in root.glob("*/*.md"))
    return "mtimes=" + ",".join(times)


def _git_head(root: Path) -> str | None:
    """The commit checked out in the repository holding `root`, read from .git without running git."""
    for folder in (root, *root.parents):
        dotgit = folder / ".git"
        if dotgit.is_file():
            text = dotgit.read_text("utf-8").strip()
            if not text.startswith("gitdir:"):
                return None
            dotgit = (folder / text[len("gitdir:"):].strip()).resolve()
        if dotgit.is_dir():
            return _resolve_head(dotgit)
    return None


def _resolve_head(gitdir: Path) -> str | None:
    try:
        head = (gitdir / "HEAD").read_text("utf-8").strip()
    except OSError:
        return None
    if not head.startswith("ref:"):
        return head or None
    ref = head[4:].strip()
    common = gitdir
    if (gitdir / "commondir").is_file():
        common = (gitdir / (gitdir / "commondir").read_text("utf-8").strip()).resolve()
    for base in (gitdir, common):
        loose = base / ref
        if loose.is_file():
            return loose.read_text("utf-8").strip() or None
    packed = common / "packed-refs"
    if packed.is_file():
        for line in packed.read_text("utf-8").splitlines():
            if line.endswith(" " + ref):
                return line.split(" ", 1)[0]
    return f"unborn:{ref}"
