"""Stage 7, write: put the output in place atomically.

The bytes go to a temporary file beside the target, are flushed to disk, and replace the
target in one rename. An interrupted or failed build leaves the previous file untouched
and no temporary file behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from briefing.errors import Problem, UserError


def write_atomic(target: Path, data: bytes) -> Path:
    """Write `data` to `target` by write-to-temp-then-rename."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise UserError([Problem(target, 0, f"cannot write output: {exc.strerror or exc}")]) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException as exc:
        temp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise UserError([Problem(target, 0, f"cannot write output: {exc.strerror or exc}")]) from None
        raise
    return target


def output_in(folder: Path, name: str, root: Path | None = None) -> Path:
    """`folder/name`, refused unless `name` is a plain file name (no '/', '\\', '..', control
    characters) and the result stays in `folder`; with `root`, the folder itself (its links
    resolved) must also stay inside `root` (the project's own build/ and dist/)."""
    plain = (bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\0")
             and name.isprintable() and not name.startswith("."))
    target = folder / name
    inside = plain and target.resolve(strict=False).parent == folder.resolve(strict=False)
    if inside and root is not None:
        try:
            folder.resolve(strict=False).relative_to(root.resolve())
        except ValueError:
            inside = False
    if not inside:
        where = folder if plain else Path(name)
        raise UserError([Problem(where, 0, f"output '{name}' would be written outside {folder}: an output name "
                                 "is a plain file name and the output folder stays inside the project")])
    return target
