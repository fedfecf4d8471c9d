"""A repeated `briefing list` / `briefing check` is answered from its record (issue 7).

The record must never stand in for a run whose inputs changed: every test here changes one
thing the command reads (a section, the archive, the build date, the options, the working
folder) and asserts the answer follows, and that an unchanged repeat prints exactly what the
full run printed, with the same exit code, without importing pydantic, YAML or Markdown.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import Run, copy_fixture, run_briefing

MAY_2025 = "1746057600"
ARCHIVE = "../sources"
HEAVY = ("pydantic", "yaml", "markdown", "jinja2", "weasyprint", "click")


def run_traced(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[Run, list[str]]:
    """Run the entry point in a fresh process; also report which heavy modules it imported."""
    code = ("import atexit, sys\n"
            f"atexit.register(lambda: sys.stderr.write('HEAVY ' + ' '.join(m for m in {HEAVY!r} "
            "if m in sys.modules) + '\\n'))\n"
            f"sys.argv = ['briefing', *{list(args)!r}]\n"
            "from briefing.cli.entry import main\nmain()\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=False,
                            env={**os.environ, "SOURCE_DATE_EPOCH": MAY_2025, **(env or {})}, timeout=300)
    lines = result.stderr.splitlines()
    heavy = [line for line in lines if line.startswith("HEAVY")]
    assert len(heavy) == 1, result.stderr
    stderr = "".join(f"{line}\n" for line in lines if not line.startswith("HEAVY"))
    return Run(result.returncode, result.stdout, stderr), heavy[0].split()[1:]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_repeated_check_prints_the_same_answer_without_loading_the_pipeline(tmp_path: Path) -> None:
    project = copy_fixture("check-facts", tmp_path)
    shutil.move(project / "archive", tmp_path / "sources")
    first, first_heavy = run_traced("check", "--archive", ARCHIVE, cwd=project)
    assert first.code == 1 and "[unused-reference]" in first.stderr, first.stderr
    assert "pydantic" in first_heavy
    again, heavy = run_traced("check", "--archive", ARCHIVE, cwd=project)
    assert (again.code, again.stdout, again.stderr) == (first.code, first.stdout, first.stderr)
    assert heavy == []


def test_every_input_of_check_changes_the_answer(tmp_path: Path) -> None:
    project = copy_fixture("check-facts", tmp_path)
    shutil.move(project / "archive", tmp_path / "sources")  # outside the project, as ../shared/sources is
    first, _ = run_traced("check", "--archive", ARCHIVE, cwd=project)
    assert "'$528 million' not found" in first.stderr, first.stderr
    # the content: fix the wrong figure
    edit(project / "content" / "mining.md", "$528 million", "$582 million")
    fixed, heavy = run_traced("check", "--archive", ARCHIVE, cwd=project)
    assert "[figure-not-found]" not in fixed.stderr and "pydantic" in heavy, fixed.stderr
    # the archive, a folder beside the content: the source no longer states the figure
    archived = next(p for p in (tmp_path / "sources").iterdir() if "582" in p.read_text("utf-8"))
    archived.write_text(archived.read_text("utf-8").replace("582", "590"), "utf-8")
    broken, heavy = run_traced("check", "--archive", ARCHIVE, cwd=project)
    assert "'$582 million' not found" in broken.stderr and "pydantic" in heavy, broken.stderr
    # the options: --strict is another command line
    edit(project / "content" / "mining.md", "copper and coal to China.", "copper and coal to China [@rinna-2024].")
    references = project / "content" / "references.yaml"
    references.write_text(references.read_text("utf-8").split("  - id: unused-2020")[0], "utf-8")
    archived.write_text(archived.read_text("utf-8").replace("590", "582"), "utf-8")
    clean, _ = run_traced("check", "--archive", ARCHIVE, cwd=project)
    assert (clean.code, clean.stderr) == (0, ""), clean.stderr
    # the build date decides which reviews are stale
    late, heavy = run_traced("check", "--archive", ARCHIVE, cwd=project, env={"SOURCE_DATE_EPOCH": "1893456000"})
    assert "pydantic" in heavy
    assert late.code == 0 and "[stale-review]" in late.stderr, late.stderr
    # the options: with --strict the same warnings fail the check
    strict, heavy = run_traced("check", "--archive", ARCHIVE, "--strict", cwd=project,
                               env={"SOURCE_DATE_EPOCH": "1893456000"})
    assert strict.code == 1 and "--strict: warnings are fatal" in strict.stderr and "pydantic" in heavy


def test_list_follows_a_changed_title_and_a_changed_working_folder(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    first, _ = run_traced("list", cwd=project)
    again, heavy = run_traced("list", cwd=project)
    assert first.code == 0 and again.stdout == first.stdout and heavy == []
    section = next(p for p in sorted((project / "content").glob("*.md")))
    text = section.read_text("utf-8")
    title_line = next(line for line in text.splitlines() if line.startswith("title:"))
    section.write_text(text.replace(title_line, "title: A Title Nobody Wrote Before", 1), "utf-8")
    changed, heavy = run_traced("list", cwd=project)
    assert "A Title Nobody Wrote Before" in changed.stdout and "pydantic" in heavy
    elsewhere, heavy = run_traced("list", "--project", str(project), cwd=tmp_path)
    assert elsewhere.stdout == changed.stdout and "pydantic" in heavy


def test_a_broken_project_is_never_answered_from_an_older_record(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    assert run_traced("list", cwd=project)[0].code == 0
    section = next(p for p in sorted((project / "content").glob("*.md")))
    section.write_text("---\ntitle: [unclosed\n---\nText.\n", "utf-8")
    broken = run_briefing("list", cwd=project)
    assert broken.code == 1 and f"content/{section.name}:" in broken.stderr, broken.stderr
    assert "Traceback" not in broken.stderr
