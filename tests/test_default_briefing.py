"""Issue 3: the default Korea–Mongolia briefing builds in every edition, in the shape the desk needs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, pdf_outline_titles, run_briefing
from pypdf import PdfReader

SECTOR_CHAPTERS = ["Mining and critical minerals", "Digital and ICT", "Climate change and environment",
                   "Health", "Diplomacy, people and culture"]
FRAMING = ["Executive summary", "Relationship at a glance", "Who's who", "Risks and constraints across sectors",
           "Glossary"]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every edition of a copy of the default project, from one `briefing release`."""
    project = tmp_path_factory.mktemp("default") / "briefing"
    project.mkdir()
    shutil.copy(REPO / "briefing.yaml", project)
    shutil.copytree(REPO / "content", project / "content")
    out = project / "dist"
    result = run_briefing("release", "--out", out, cwd=project, env={"SOURCE_DATE_EPOCH": "1764000000"})
    assert result.code == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    return {e["name"]: out / e["file"] for e in manifest["editions"]}


def test_every_edition_builds(release: dict[str, Path]) -> None:
    assert set(release) >= {"full", "minister", "mining-trade-delegation", "health-climate-working-group", "public"}
    for name, pdf in release.items():
        assert len(PdfReader(str(pdf)).pages) > 2, name


def test_full_edition_has_the_five_sectors_and_the_framing_sections(release: dict[str, Path]) -> None:
    chapters = [title for depth, title, _ in pdf_outline_titles(release["full"]) if depth == 0]
    for title in SECTOR_CHAPTERS + FRAMING + ["Sources"]:
        assert title in chapters, title


def test_minister_edition_is_at_most_twelve_pages(release: dict[str, Path]) -> None:
    reader = PdfReader(str(release["minister"]))
    assert len(reader.pages) <= 12
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Talking points" in text and "Key points" in text
    assert "Questions to expect" not in text  # the minister's edition keeps only the named parts
