"""The speed path is observable: which path laid the pages out, what came from the cache, which patches ran."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from conftest import copy_fixture, run_briefing

OTHER_WEASYPRINT = """
import sys
import weasyprint
weasyprint.__version__ = "71.0"
from briefing.cli.entry import main
sys.argv = ["briefing", *sys.argv[1:]]
main()
"""


def test_verbose_build_says_how_the_pages_were_laid_out(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    report = tmp_path / "layout.json"
    result = run_briefing("--verbose", "build", "--project", project,
                          env={"BRIEFING_RENDER": "parts", "BRIEFING_LAYOUT_REPORT": str(report)})
    assert result.code == 0, result.stderr
    data = json.loads(report.read_text("utf-8"))
    assert data["path"] == "parts" and data["weasyprint"] == "70.0" and data["layouts"] >= data["parts"] > 1
    assert data["patches"] == {"footnote_cache": True, "margin_boxes_held_back": True, "stylesheets_remembered": True}
    assert data["footnotes_reused"] > 0  # pages with several notes: the footnote cache was used, not only installed
    assert f"layout: {data['parts']} parts in " in result.stdout
    single = run_briefing("--verbose", "build", "--project", project, "--force",
                          env={"BRIEFING_RENDER": "single", "BRIEFING_LAYOUT_REPORT": str(report)})
    assert "layout: one WeasyPrint pass (BRIEFING_RENDER=single)" in single.stdout
    assert json.loads(report.read_text("utf-8"))["path"] == "single"


def test_another_weasyprint_is_refused_for_the_parts_path(tmp_path: Path) -> None:
    import subprocess

    project = copy_fixture("basic", tmp_path)
    env_parts = {"BRIEFING_RENDER": "parts"}
    import os

    asked = subprocess.run([sys.executable, "-c", OTHER_WEASYPRINT, "build", "--project", str(project)],
                           capture_output=True, text=True, env={**os.environ, **env_parts}, check=False, timeout=300)
    assert asked.returncode == 1
    assert ("BRIEFING_RENDER=parts: the parts path relies on WeasyPrint 70.0's internals and WeasyPrint 71.0 is "
            "installed") in asked.stderr
    assert not (project / "build" / "full.pdf").exists()
    report = tmp_path / "layout.json"
    auto = subprocess.run([sys.executable, "-c", OTHER_WEASYPRINT, "--verbose", "build", "--project", str(project)],
                          capture_output=True, text=True, check=False, timeout=300,
                          env={**os.environ, "BRIEFING_RENDER": "auto", "BRIEFING_LAYOUT_REPORT": str(report)})
    assert auto.returncode == 0, auto.stderr
    data = json.loads(report.read_text("utf-8"))
    assert data["path"] == "single" and "WeasyPrint 71.0 is installed" in data["reason"], data
    assert "layout: one WeasyPrint pass (the parts path relies on WeasyPrint 70.0" in auto.stdout
