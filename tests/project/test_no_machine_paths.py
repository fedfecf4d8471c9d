"""The default project names no path of one machine: a reader's checkout has no /work/ or /home/…,
so a comment or a setting pointing there is a broken reference (issue 16: editions.yaml cited
/work/spec/FORMAT.md, references.yaml /work/shared/sources)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from conftest import REPO

PROJECT = ("briefing.yaml", "content", "templates", "styles")
MACHINE_PATH = re.compile(r"(?<![\w.~/-])(?:/(?:work|home|Users|root|tmp|mnt|opt|var)/|[A-Za-z]:\\)")
"""An absolute path on a machine: /work/…, /home/…, C:\\… (not the /home/ inside a URL's path)."""


def _tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z", *PROJECT], cwd=REPO, capture_output=True, check=False)
    if listed.returncode == 0 and listed.stdout:
        return [REPO / name for name in listed.stdout.decode().split("\0") if name]
    return [path for name in PROJECT for path in ([REPO / name] if (REPO / name).is_file()
                                                   else (REPO / name).rglob("*")) if path.is_file()]


def machine_paths(text: str) -> list[str]:
    return [match.group(0) for match in MACHINE_PATH.finditer(text)]


def test_the_pattern_finds_machine_paths_and_leaves_urls_alone() -> None:
    assert machine_paths("# format: /work/spec/FORMAT.md") == ["/work/"]
    assert machine_paths("archived in (/home/desk/sources), or C:\\Users\\desk") == ["/home/", "C:\\"]
    assert machine_paths("URL: https://example.org/home/page, ../shared/sources, content/data/x.yaml") == []


def test_no_tracked_file_of_the_default_project_names_a_machine_path() -> None:
    files = _tracked_files()
    assert REPO / "content" / "editions.yaml" in files and len(files) > 20
    found = []
    for path in files:
        try:
            lines = path.read_text("utf-8").splitlines()
        except UnicodeDecodeError:
            continue  # fonts and pictures
        found += [f"{path.relative_to(REPO)}:{number}: {line.strip()}" for number, line in enumerate(lines, 1)
                  if machine_paths(line)]
    assert found == []
