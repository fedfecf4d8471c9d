"""Cache entries that cannot lie: every cached artefact is stored with its own hash.

A record (JSON) carries a `seal` field, the hash of the rest of it; a cached file (a part's
PDF) starts with a line holding the hash of the bytes after it. Reading checks the hash
first: a mismatch, a cut-off file or a value of the wrong shape is a miss, never trusted and
never fatal (the artefact is made again and the entry replaced), and with `--verbose` the
miss is reported on standard error. `--force` (`bypass`) turns every cache read into a miss.

The seal protects against damage and hand edits, not against someone who recomputes it: the
cache lives in the project's own `build/` folder, which whoever can write there controls.

Standard library only: the build's fast path imports this before anything else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Pythons
    from hashlib import blake2b

_MAGIC = b"briefing-sealed-1 "
_state = {"bypass": False}


def bypass(on: bool = True) -> None:
    """`--force`: from now on in this process every cache read is a miss."""
    _state["bypass"] = on


def bypassed() -> bool:
    return bool(_state["bypass"])


def _digest(data: bytes) -> str:
    return blake2b(data, digest_size=20, person=b"briefing-seal").hexdigest()


def report(path: Path | str, why: str) -> None:
    """Say (only with --verbose) that a cache entry was not trusted."""
    verbose = False
    console = sys.modules.get("briefing.cli.console")
    if console is not None:
        verbose = console.verbosity() == "verbose"
    else:
        verbose = any(arg in ("-v", "--verbose") for arg in sys.argv[1:])
    if verbose:
        sys.stderr.write(f"cache: {Path(path).name}: {why}: not used, made again\n")
        sys.stderr.flush()


def seal_bytes(data: bytes) -> bytes:
    return _MAGIC + _digest(data).encode() + b"\n" + data


def unseal_bytes(raw: bytes, path: Path | str = "") -> bytes | None:
    """The bytes a sealed file holds, or None (reported) when the seal does not match."""
    head, newline, data = raw.partition(b"\n")
    if not newline or not head.startswith(_MAGIC) or head[len(_MAGIC):].decode("ascii", "replace") != _digest(data):
        report(path, "damaged or edited (its hash does not match)")
        return None
    return data


def seal_json(data: dict[str, Any]) -> str:
    body = {k: v for k, v in data.items() if k != "seal"}
    text = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return json.dumps({**body, "seal": _digest(text.encode())})


def read_json(path: Path, quiet_missing: bool = True) -> dict[str, Any] | None:
    """A sealed JSON record, or None: missing, unreadable, cut off, edited, or bypassed by --force."""
    if bypassed():
        return None
    try:
        raw = path.read_bytes()
    except OSError:
        if not quiet_missing:
            report(path, "unreadable")
        return None
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        report(path, "damaged (not JSON)")
        return None
    if not isinstance(data, dict) or not isinstance(data.get("seal"), str):
        report(path, "not a sealed record")
        return None
    body = {k: v for k, v in data.items() if k != "seal"}
    if _digest(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()) != data["seal"]:
        report(path, "edited (its hash does not match)")
        return None
    return body
