"""The release manifest (`manifest.json`), `SHA256SUMS`, and the merging of shard manifests.

The manifest holds nothing that differs between two runs on the same inputs (no wall-clock
time, no durations, no absolute paths), so it is itself reproducible and listed in
`SHA256SUMS`. A shard's manifest is the full run's manifest restricted to its editions plus a
`shard` field; merging the shards' manifests gives, byte for byte, the unsharded one.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.errors import Problem, ProblemCollector, UserError
from briefing.project.models import SLUG
from briefing.release.since import MANIFEST_FORMAT
from briefing.write import output_in, write_atomic

MANIFEST_NAME = "manifest.json"
SUMS_NAME = "SHA256SUMS"


def manifest_json(project: dict[str, Any], run: dict[str, Any], editions: list[dict[str, Any]],
                  shard: str | None = None) -> dict[str, Any]:
    """The manifest document: editions sorted by name, `shard` only for a shard's manifest."""
    data: dict[str, Any] = {"format": MANIFEST_FORMAT, "project": project, "run": run,
                            "editions": sorted(editions, key=lambda e: e["name"])}
    if shard is not None:
        data["shard"] = shard
    return data


def encode_manifest(data: dict[str, Any]) -> bytes:
    """Stable JSON: sorted keys, two-space indent, UTF-8, final newline."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def sums_text(files: dict[str, bytes]) -> bytes:
    """`sha256sum -c` input: one `<hex>  <name>` line per file, sorted by name."""
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items())).encode()


def write_release(out: Path, pdfs: dict[str, bytes], manifest: dict[str, Any]) -> list[Path]:
    """Write the PDFs, manifest.json and SHA256SUMS: all or nothing.

    Every file is first written (and flushed to disk) into a staging folder beside `out`;
    only when all of them are complete are they renamed into `out`, the PDFs first and
    SHA256SUMS last. A failure before that leaves `out` exactly as it was; the staging folder
    is always removed. Other files already in `out` are left alone.
    """
    encoded = encode_manifest(manifest)
    files = {**{name: data for name, data in sorted(pdfs.items())}, MANIFEST_NAME: encoded,
             SUMS_NAME: sums_text({**pdfs, MANIFEST_NAME: encoded})}
    targets = {name: output_in(out, name) for name in files}
    blocked = [target for target in targets.values() if target.is_dir() and not target.is_symlink()]
    if blocked:
        raise UserError([Problem(target, 0, "a folder is in the way of a release file: move it") for target in blocked])
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.staging-", dir=out.parent))
    except OSError as exc:
        raise UserError([Problem(out, 0, f"cannot write the release: {exc.strerror or exc}")]) from None
    try:
        staged = {name: write_atomic(output_in(staging, name), data) for name, data in files.items()}
        for name, target in targets.items():  # renames in one file system: nothing left to fail but the disk
            os.replace(staged[name], target)
        _sync_folder(out)
    except OSError as exc:
        raise UserError([Problem(out, 0, f"cannot write the release: {exc.strerror or exc}")]) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return list(targets.values())


def _sync_folder(folder: Path) -> None:
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


@dataclass(frozen=True)
class ShardManifest:
    """One shard's manifest as read from disk, and the folder its PDFs are in."""

    path: Path
    data: dict[str, Any]


def read_shard(path: Path) -> ShardManifest:
    """Read a shard's manifest.json, or raise a UserError naming it."""
    try:
        data = json.loads(path.read_bytes())
    except OSError as exc:
        raise UserError([Problem(path, 0, f"cannot read manifest: {exc.strerror or exc}")]) from None
    except ValueError as exc:
        raise UserError([Problem(path, 0, f"not valid JSON: {exc}")]) from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise UserError([Problem(path, 0, f"not a briefing release manifest (format is not {MANIFEST_FORMAT})")])
    return ShardManifest(path, data)


def merge_shards(shards: list[ShardManifest], out: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Check that the shards are parts of one run and cover it exactly; return its manifest and PDFs.

    Every problem found is reported at once: shards of different runs (their `run` or
    `project` records differ), an edition missing or built twice, a PDF missing or not
    matching the checksum its manifest gives.
    """
    problems = ProblemCollector()
    if not shards:
        raise UserError([Problem(out, 0, "--merge needs at least one shard manifest")])
    first = shards[0]
    for shard in shards:
        if "shard" not in shard.data:
            problems.add(shard.path, 0, "not a shard manifest (no 'shard' field): merge the manifests of "
                         "`briefing release --shard I/N` runs")
        for key in ("project", "run"):
            if shard.data.get(key) != first.data.get(key):
                differing = _differing_keys(first.data.get(key), shard.data.get(key))
                problems.add(shard.path, 0, f"'{key}' differs from {first.path} ({differing}): "
                             "these shards are not parts of the same release run")
    editions: dict[str, dict[str, Any]] = {}
    pdfs: dict[str, bytes] = {}
    for shard in shards:
        listed = shard.data.get("editions", [])
        if not isinstance(listed, list) or not all(isinstance(e, dict) for e in listed):
            problems.add(shard.path, 0, "'editions' is not a list of editions: not a briefing shard manifest")
            continue
        for edition in listed:
            name = edition.get("name")
            if name in editions:
                problems.add(shard.path, 0, f"edition '{name}' appears in more than one shard")
                continue
            file = edition.get("file")
            if not isinstance(name, str) or not re.match(SLUG, name) or not _plain_file(file):
                problems.add(shard.path, 0, f"edition {name!r} with file {file!r}: an edition is a name and its "
                             "file a plain file name beside the manifest (never a path)")
                continue
            editions[name] = edition
            data = _read_pdf(shard.path.parent / str(file), edition, problems)
            if data is not None:
                pdfs[str(edition["file"])] = data
    run = first.data.get("run")
    expected = run.get("editions", []) if isinstance(run, dict) else []
    expected = [name for name in expected if isinstance(name, str)] if isinstance(expected, list) else []
    missing = [name for name in expected if name not in editions]
    if missing:
        problems.add(out, 0, f"no shard built edition(s) {', '.join(missing)}: pass every shard's manifest.json")
    unexpected = [name for name in editions if name not in expected]
    if unexpected:
        problems.add(out, 0, f"edition(s) {', '.join(unexpected)} are not part of the run")
    if not isinstance(first.data.get("project"), dict) or not isinstance(run, dict):
        problems.add(first.path, 0, "no 'project' and 'run' records: not a briefing shard manifest")
    problems.raise_if_errors()
    return manifest_json(first.data["project"], first.data["run"], list(editions.values())), pdfs


def _plain_file(name: Any) -> bool:
    return (isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]*\.pdf", name) is not None
            and ".." not in name)


def _read_pdf(path: Path, edition: dict[str, Any], problems: ProblemCollector) -> bytes | None:
    if path.resolve().parent != path.parent.resolve():
        problems.add(path, 0, "the shard's PDF is a link leading out of its folder: --merge reads only the "
                     "files beside each manifest")
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(path, 0, f"cannot read the shard's PDF: {exc.strerror or exc}")
        return None
    if hashlib.sha256(data).hexdigest() != edition.get("sha256"):
        problems.add(path, 0, "checksum does not match the shard's manifest.json: the file was changed or damaged")
        return None
    return data


def _differing_keys(a: Any, b: Any) -> str:
    if isinstance(a, dict) and isinstance(b, dict):
        keys = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
        return "different " + ", ".join(keys)
    return "different values"
