"""Issue 2: `pip install .` (not editable) into a fresh virtual environment, then build a project elsewhere."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
from pathlib import Path

from conftest import REPO, copy_fixture
from pypdf import PdfReader


def test_wheel_install_builds_a_project_in_another_folder(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # The (large) dependencies come from the environment running the tests (a virtual environment
    # or the system's), through a .pth file placed after the new environment's own packages; briefing
    # itself is installed from this checkout as a regular wheel, so its templates and styles must
    # come from package data.
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    where_packages = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = subprocess.run([str(python), "-c", where_packages], capture_output=True, text=True,
                             check=True).stdout.strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "zz-test-dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", "utf-8")
    install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall", str(REPO)],
                             capture_output=True, text=True, check=False)
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    project = copy_fixture("basic", tmp_path / "projects")
    where = subprocess.run([str(python), "-c", "import briefing.project.theme as t; print(t.builtin_dir())"],
                           cwd=elsewhere, capture_output=True, text=True, check=True).stdout.strip()
    assert where.startswith(str(venv)), where  # the installed package, not this checkout
    assert (Path(where) / "templates" / "book.html.j2").is_file()
    result = subprocess.run([str(venv / "bin" / "briefing"), "build", "--project", str(project)],
                            cwd=elsewhere, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    pdf = project / "build" / "full.pdf"
    reader = PdfReader(str(pdf))
    assert len(reader.pages) >= 5
    assert "Mining Chapter" in reader.pages[2].extract_text()
