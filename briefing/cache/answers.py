"""Answer a repeated `briefing list` or `briefing check` from the last identical run.

Both commands are pure functions of what they read: the project folder, the built-in theme,
briefing's own code and libraries, the build date's inputs (`SOURCE_DATE_EPOCH` or the git
commit), the `--archive` folder, the options and the working folder (relative paths in the
findings). `fastpath.main` fingerprints all of that with `cache.fingerprint` (standard library
only; files unchanged in size and time since the last record are not read again) before
Click or pydantic are imported. When a record made from the same fingerprint exists, its
lines are printed again and its exit code returned; otherwise the command runs as usual and,
through `emit`, prints its lines and records them.

A record is `build/.cache/answers/<key>.json` in the project, one per command line and
working folder. Only a run that finished (exit code 0 or 1, not an error of the input, an
interruption or a bug) is recorded; any doubt (an option this parser does not know, a global
option before the command, an unreadable file) means the command runs.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from briefing.cache.sealed import read_json, seal_json
from briefing.cache.stamp import FileHashes, TooBigError, find_project_root, fingerprint, hash_tree, libraries

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    Event = tuple[bool, str]  # (to standard error?, line)

RECORD_VERSION = 1
_EXTRA_LIBRARIES = ("pydantic", "pydantic_core", "yaml", "nh3", "click")
_pending: dict[str, object] = {}


def replay(arguments: Sequence[str]) -> int | None:
    """Print the recorded answer to this command line and return its exit code, or None.

    On a miss, remember the fingerprint so that the command records its answer (`emit`).
    """
    from briefing.cli.entry import parse_command

    parsed = parse_command(list(arguments))
    if parsed is None or parsed[0] not in ("list", "check"):
        return None
    options = parsed[1]
    project = options.get("project_dir")
    root = find_project_root(Path(project) if isinstance(project, str) else None)
    if root is None:
        return None
    cwd = os.getcwd()
    key_text = json.dumps({"v": RECORD_VERSION, "argv": list(arguments), "cwd": cwd,
                           "env": {k: v for k, v in sorted(os.environ.items())
                                   if k.startswith("BRIEFING_") or k in ("NO_COLOR", "SOURCE_DATE_EPOCH")}},
                          sort_keys=True)
    record = root / "build" / ".cache" / "answers" / f"{blake2b(key_text.encode(), digest_size=12).hexdigest()}.json"
    previous = _read(record)
    files = _known_hashes(root, previous)
    current = fingerprint(root, {"answer": key_text}, known=files)
    if current is None:
        return None
    archive = options.get("archive")
    if isinstance(archive, str):
        current = _with_folder(current, Path(archive), files)
        if current is None:
            return None
    current += "|" + libraries(_EXTRA_LIBRARIES)
    events = previous.get("events")
    if previous.get("fingerprint") == current and isinstance(events, list):
        for to_err, line in events:
            stream = sys.stderr if to_err else sys.stdout
            stream.write(f"{line}\n")
            stream.flush()
        if not all(isinstance(e, list) and len(e) == 2 and isinstance(e[1], str) for e in events) or \
                previous.get("code") not in (0, 1):
            return None
        code: int = int(previous["code"])
        return code
    _pending.update(record=record, fingerprint=current, files=files.seen)
    return None


def emit(events: Sequence[Event], code: int) -> None:
    """Print a command's lines, record them when `replay` asked for it, and exit with `code`."""
    import click

    for to_err, line in events:
        click.echo(line, err=to_err)
    record = _pending.pop("record", None)
    if isinstance(record, Path) and code in (0, 1):
        data = {"fingerprint": _pending.get("fingerprint"), "events": [list(e) for e in events], "code": code,
                "files": _pending.get("files"), "recorded_at_ns": time.time_ns()}
        try:
            record.parent.mkdir(parents=True, exist_ok=True)
            temp = record.with_name(record.name + ".part")
            temp.write_text(seal_json(data), "utf-8")
            os.replace(temp, record)
        except OSError:
            pass  # best effort: a missing record only costs a full run next time
    if code:
        raise click.exceptions.Exit(code)


def _known_hashes(root: Path, previous: dict[str, Any]) -> FileHashes:
    """File hashes recorded by this command's last run and by the project's other records
    (other answers, builds), each trusted only for files older than its own record."""
    merged: dict[str, list[Any]] = {}
    records = [previous, *(_read(path) for path in sorted((root / "build").glob(".*.inputs"))),
               *(_read(path) for path in sorted((root / "build" / ".cache" / "answers").glob("*.json"))[:20])]
    for data in records:
        files, recorded_at = data.get("files"), data.get("recorded_at_ns")
        if not isinstance(files, dict) or not isinstance(recorded_at, int):
            continue
        for path, entry in files.items():
            if (path not in merged and isinstance(entry, list) and len(entry) == 3
                    and isinstance(entry[1], int) and entry[1] < recorded_at - FileHashes.RACY_NS):
                merged[path] = entry
    return FileHashes(merged, 2**62)


def _read(record: Path) -> dict[str, Any]:
    return read_json(record) or {}


def _with_folder(current: str, folder: Path, files: FileHashes) -> str | None:
    """Add a folder outside the project (the fact check's archive) to the fingerprint."""
    digest = blake2b(current.encode(), digest_size=20)
    try:
        if folder.is_dir():
            hash_tree(digest, str(folder.resolve()), "<archive>/", set(), [0, 0], known=files)
        else:
            digest.update(b"<no archive folder>")
    except (OSError, TooBigError):
        return None
    return digest.hexdigest()
