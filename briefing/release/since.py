"""The earlier state `--since` compares against: a git ref, or an earlier release's manifest.json.

For a git ref, the project's files at that commit are read with `git show REF:path` (nothing is
checked out, the working tree is untouched) and go through the same stages as today's files
(validate, select edition), so an old edition is summarised exactly as it was printed.
For a manifest, the snapshots recorded at release time are used as they are.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefing.book.editions import select_edition
from briefing.cache.inputs import is_input
from briefing.errors import Problem, UserError
from briefing.project.load import CONFIG_NAME, REFERENCE_FILES, ProjectFiles, SourceText
from briefing.project.validate import validate_project
from briefing.project.yamlfile import parse_yaml
from briefing.release.changes import Snapshot, snapshot_book, snapshot_from_json

MANIFEST_FORMAT = "briefing-release/1"


@dataclass(frozen=True)
class EarlierState:
    """What an edition looked like at the earlier state (None: the edition did not exist)."""

    label: str
    """How the appendix names it: the git ref as given, or "version X" for a manifest."""
    record: dict[str, str]
    """What the manifest records about it: the ref and commit, or the manifest's version and hash."""
    snapshot_of: Callable[[str], Snapshot | None]


def load_earlier_state(since: str, project_root: Path) -> EarlierState:
    """Read the state named by `--since` (a manifest.json file, or a git ref of the project's repository)."""
    candidate = Path(since)
    if candidate.suffix == ".json" or candidate.is_file():
        return _from_manifest(candidate)
    return _from_git(since, project_root)


def _from_manifest(path: Path) -> EarlierState:
    import hashlib

    try:
        raw = path.read_bytes()
        data = json.loads(raw)
        if data.get("format") != MANIFEST_FORMAT:
            raise ValueError(f"not a briefing release manifest (format is not {MANIFEST_FORMAT})")
        editions = {e["name"]: snapshot_from_json(e) for e in data["editions"]}
        version = str(data["project"]["version"])
    except OSError as exc:
        raise UserError([Problem(path, 0, f"--since: cannot read manifest: {exc.strerror or exc}")]) from None
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError([Problem(path, 0, f"--since: unreadable release manifest: {exc}")]) from None
    record = {"manifest": path.name, "manifest_sha256": hashlib.sha256(raw).hexdigest(), "version": version}
    return EarlierState(f"version {version}", record, editions.get)


def _from_git(ref: str, root: Path) -> EarlierState:
    git = _Git(root)
    commit = git.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit is None:
        raise UserError([Problem(root, 0, f"--since: '{ref}' is neither a manifest.json file nor a commit, tag "
                                 "or branch of the project's git repository")])
    prefix = git.run("rev-parse", "--show-prefix") or ""
    files = _files_at(git, commit, prefix, root, ref)
    try:
        project = validate_project(files)
    except UserError as error:
        raise UserError([Problem(p.path, p.line, f"at {ref}: {p.message}") for p in error.problems]) from None

    def snapshot_of(name: str) -> Snapshot | None:
        if name not in project.editions and (project.editions or name != "full"):
            return None
        return snapshot_book(select_edition(project, name))

    return EarlierState(ref, {"ref": ref, "commit": commit}, snapshot_of)


def _files_at(git: _Git, commit: str, prefix: str, root: Path, ref: str) -> ProjectFiles:
    """The project's input files as they were at `commit`, read from git's object store."""
    config_text = git.show(commit, prefix + CONFIG_NAME)
    if config_text is None:
        raise UserError([Problem(root, 0, f"--since: the project had no {CONFIG_NAME} at {ref}")])
    config_path = root / CONFIG_NAME
    data, _ = parse_yaml(config_text, config_path)
    setting = data.get("content") if isinstance(data, dict) else None
    content = setting.strip("/") if isinstance(setting, str) and setting.strip("/") else "content"
    if ".." in Path(content).parts or content.startswith(("~", "/")) or "\\" in content or ":" in content:
        raise UserError([Problem(root, 0, f"--since: at {ref}, content: '{content}' leads outside the project")])
    listing = git.run("ls-tree", "--name-only", f"{commit}:{prefix}{content}") or ""
    names = sorted(name for name in listing.splitlines() if is_input(f"{content}/{name}", None))

    def read(name: str) -> SourceText | None:
        text = git.show(commit, f"{prefix}{content}/{name}")
        return SourceText(root / content / name, text) if text is not None else None

    sections = tuple(s for s in (read(n) for n in names if n.endswith(".md")) if s is not None)
    references = next((s for n in REFERENCE_FILES
                       if n in names and (s := read(n)) is not None), None)
    editions = next((s for n in ("editions.yaml", "editions.yml") if n in names and (s := read(n)) is not None), None)
    return ProjectFiles(root, SourceText(config_path, config_text), sections, references, editions)


class _Git:
    """Read-only git plumbing in the project's folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def run(self, *args: str) -> str | None:
        try:
            result = subprocess.run(["git", "-C", str(self.root), *args], capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        if result.returncode != 0:
            return None
        return result.stdout.decode("utf-8", "replace").strip()

    def show(self, commit: str, path: str) -> str | None:
        try:
            result = subprocess.run(["git", "-C", str(self.root), "show", f"{commit}:{path}"],
                                    capture_output=True, timeout=60, check=False)
        except (OSError, subprocess.SubprocessError):
            return None
        if result.returncode != 0:
            return None
        return result.stdout.decode("utf-8", "replace").removeprefix("\ufeff").replace("\r\n", "\n")


def git_state(root: Path, inputs: Sequence[str]) -> dict[str, Any] | None:
    """The commit the project is at, and whether anything under `inputs` (files and folders
    relative to the project) differs from it, untracked files included (None outside git)."""
    git = _Git(root)
    commit = git.run("rev-parse", "--verify", "--quiet", "HEAD")
    if commit is None:
        return None
    status = git.run("status", "--porcelain", "--untracked-files=all", "--", *inputs)
    return {"commit": commit, "dirty": bool(status)}
