"""A project is data: a project folder that holds a Python package named like the tool
(`briefing/`) must never have that code run by a build, in the command or in its workers.

The rendering workers are started as `python -m briefing.pdf.parts.worker` in the project's
folder; without `-P` that folder comes first on the worker's import path, and the project's
`briefing/__init__.py` would run instead of the tool's.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import copy_fixture


def test_a_briefing_folder_in_the_project_is_never_imported(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    marker = tmp_path / "ran"
    planted = project / "briefing"
    for package in (planted, planted / "pdf", planted / "pdf" / "parts"):
        package.mkdir(parents=True, exist_ok=True)
        (package / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('project code ran')\n", "utf-8")
    (planted / "pdf" / "parts" / "worker.py").write_text("raise SystemExit(0)\n", "utf-8")
    command = Path(sys.executable).with_name("briefing")  # the console script, as a user runs it
    assert command.exists(), command
    built = subprocess.run([str(command), "build", "--force"], cwd=project, capture_output=True, text=True,
                           env={**__import__("os").environ, "BRIEFING_RENDER": "parts", "BRIEFING_JOBS": "2"},
                           timeout=300)
    assert built.returncode == 0, built.stderr
    assert not marker.exists(), "the project's briefing/ package was imported by a build"
    assert (project / "build").is_dir() and any((project / "build").glob("*.pdf"))
