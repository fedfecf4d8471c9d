"""Issue 8: `briefing init DIR` makes a project that builds at once; `briefing new` adds a section to the next build."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import REPO, pdf_pages_text, run_briefing

MEMO_SLUGS = ["key-points", "background", "the-partners-position", "cooperation-so-far", "opportunities",
              "risks-and-constraints", "talking-points", "questions-to-expect"]
"""The sector chapter's parts, in the order of a ministry memo."""


def _front_matter(path: Path) -> dict[str, object]:
    text = path.read_text("utf-8")
    assert text.startswith("---\n")
    return yaml.safe_load(text.split("---\n")[1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def started(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project made by `briefing init` and built once with plain `briefing build` from inside it."""
    project = tmp_path_factory.mktemp("init") / "my briefing"
    made = run_briefing("init", project)
    assert made.code == 0, made.stderr
    built = run_briefing("build", cwd=project)
    assert built.code == 0, built.stderr
    assert "wrote build/full.pdf" in built.stdout
    return project


def test_init_makes_the_promised_files(started: Path) -> None:
    for relative in ("briefing.yaml", "content/references.yaml", "content/editions.yaml",
                     "templates/README.md", "styles/README.md", ".gitignore"):
        assert (started / relative).is_file(), relative
    sections = sorted(p.name for p in (started / "content").glob("*.md"))
    assert len(sections) == 2, sections
    editions = yaml.safe_load((started / "content" / "editions.yaml").read_text("utf-8"))["editions"]
    assert len(editions) == 2
    assert {p.name for p in (started / "templates").iterdir()} == {"README.md"}
    assert {p.name for p in (started / "styles").iterdir()} == {"README.md"}
    assert "same name" in (started / "templates" / "README.md").read_text("utf-8")
    assert "same name" in (started / "styles" / "README.md").read_text("utf-8")
    config = yaml.safe_load((started / "briefing.yaml").read_text("utf-8"))
    assert config["date"] == dt.date.today()  # the day the project was started, written once


def test_init_then_build_makes_a_pdf_with_no_further_step(started: Path) -> None:
    pdf = started / "build" / "full.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    pages = pdf_pages_text(pdf)
    text = "\n".join(pages).lower()  # box labels are set in capitals
    assert "New briefing" in pages[0]
    for title in ("About this briefing", "An example sector chapter", "Key points", "Talking points", "Sources"):
        assert title.lower() in text, title
    assert "pandoc user’s guide" in text or "pandoc user's guide" in text  # a citation became a note


def test_the_starter_second_edition_builds_with_only_its_parts(started: Path) -> None:
    result = run_briefing("build", "--edition", "summary", cwd=started)
    assert result.code == 0, result.stderr
    text = "\n".join(pdf_pages_text(started / "build" / "summary.pdf")).lower()
    assert "key points" in text and "talking points" in text
    assert "risks and constraints" not in text


def test_the_starter_passes_check(started: Path) -> None:
    result = run_briefing("check", cwd=started)
    assert result.code == 0, result.stdout + result.stderr
    assert "error" not in result.stderr


def test_new_section_has_its_front_matter_and_memo_parts_and_the_next_build_shows_it(started: Path) -> None:
    result = run_briefing("new", "critical-minerals", "--sector", "economy", cwd=started)
    assert result.code == 0, result.stderr
    path = started / "content" / "critical-minerals.md"
    assert "created content/critical-minerals.md" in result.stdout
    meta = _front_matter(path)
    assert meta["title"] == "Critical minerals"
    assert meta["sector"] == "economy"
    assert meta["reviewed"] == dt.date.today()
    assert meta["owner"] == "Your desk"  # the author in briefing.yaml
    others = [_front_matter(p)["order"] for p in (started / "content").glob("*.md") if p != path]
    assert isinstance(meta["order"], int) and meta["order"] > max(others)  # type: ignore[type-var]
    headings = [line[3:] for line in path.read_text("utf-8").split("\n") if line.startswith("## ")]
    from briefing.project.blocks import part_slug

    assert [part_slug(h) for h in headings] == MEMO_SLUGS
    assert "edition 'summary'" in result.stdout  # it lists its sections: told, not silently left out

    built = run_briefing("build", cwd=started)
    assert built.code == 0, built.stderr
    pages = pdf_pages_text(started / "build" / "full.pdf")
    assert any("Critical minerals" in page and "key points" in page.lower() for page in pages)
    assert any("Critical minerals" in page and "Trade and investment" in page for page in pages)  # the sector's label
    assert "Critical minerals" in pages[1]  # in the contents too
    checked = run_briefing("check", cwd=started)
    assert checked.code == 0, checked.stdout + checked.stderr


def test_new_context_section_with_title_and_owner(started: Path) -> None:
    result = run_briefing("new", "framing", "--sector", "context", "--title", "Why now: the 2026 visit",
                          "--owner", "Policy unit", cwd=started)
    assert result.code == 0, result.stderr
    path = started / "content" / "framing.md"
    meta = _front_matter(path)
    assert meta["title"] == "Why now: the 2026 visit"  # quoted correctly despite the colon
    assert meta["owner"] == "Policy unit"
    assert not [line for line in path.read_text("utf-8").split("\n") if line.startswith("#")]  # no memo parts


def test_new_refuses_an_existing_id(started: Path) -> None:
    existing = started / "content" / "diplomacy.md"
    before = existing.read_bytes()
    result = run_briefing("new", "diplomacy", "--sector", "economy", cwd=started)
    assert result.code == 1
    assert "content/diplomacy.md: section 'diplomacy' already exists" in result.stderr
    assert existing.read_bytes() == before


def test_new_refuses_an_id_taken_in_front_matter(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run_briefing("init", project).code == 0
    renamed = project / "content" / "mongolia.md"
    (project / "content" / "diplomacy.md").rename(renamed)
    text = renamed.read_text("utf-8").replace("sector: politics", "sector: politics\nid: diplomacy")
    renamed.write_text(text, "utf-8")
    result = run_briefing("new", "diplomacy", "--sector", "security", cwd=project)
    assert result.code == 1
    assert "content/mongolia.md: section 'diplomacy' already exists" in result.stderr
    assert not (project / "content" / "diplomacy.md").exists()


@pytest.mark.parametrize("bad_id", ["Mining", "mining_area", "min ing", "../escape"])
def test_new_refuses_an_id_that_cannot_be_a_file_name(started: Path, bad_id: str) -> None:
    result = run_briefing("new", bad_id, "--sector", "mining", cwd=started)
    assert result.code == 1
    assert f"section id '{bad_id}' must be lower-case letters, digits and hyphens" in result.stderr
    assert "Traceback" not in result.stderr


def test_new_refuses_an_unknown_sector(started: Path) -> None:
    result = run_briefing("new", "space", "--sector", "mining", cwd=started)  # the default project's, not this one's
    assert result.code == 1
    assert "briefing.yaml: unknown sector 'mining' (this project's sectors: politics, economy, development, " \
           "security, context)" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (started / "content" / "space.md").exists()


def test_a_new_project_has_no_word_of_the_default_book(started: Path) -> None:
    words = re.compile(r"korea|mongol|ulaanbaatar|seoul|hangul|mining|critical.minerals", re.IGNORECASE)
    for path in sorted(started.rglob("*")):
        if path.is_file() and "build" not in path.relative_to(started).parts:
            text = path.read_text("utf-8").replace("critical-minerals", "").replace("Critical minerals", "")
            assert not words.search(text), (path, words.search(text))


def test_new_takes_its_parts_from_the_projects_scaffold(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run_briefing("init", project).code == 0
    scaffolds = project / "templates" / "scaffolds"
    scaffolds.mkdir()
    (scaffolds / "sector.md").write_text("## Key points\n\n## Our asks\n", "utf-8")
    (scaffolds / "security.md").write_text("## Threat picture\n\n## Talking points\n", "utf-8")
    assert run_briefing("new", "water", "--sector", "development", cwd=project).code == 0
    assert run_briefing("new", "border", "--sector", "security", cwd=project).code == 0
    water = (project / "content" / "water.md").read_text("utf-8")
    border = (project / "content" / "border.md").read_text("utf-8")
    assert water.endswith("---\n\n## Key points\n\n## Our asks\n")
    assert border.endswith("---\n\n## Threat picture\n\n## Talking points\n")


def test_sectors_come_from_the_project_with_their_label_and_colour(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run_briefing("init", project).code == 0
    config = project / "briefing.yaml"
    config.write_text(config.read_text("utf-8").replace("  - {id: security, label: Security}",
                                                        "  - {id: water, label: Water and sanitation}"), "utf-8")
    assert run_briefing("new", "rivers", "--sector", "water", "--title", "Shared rivers", cwd=project).code == 0
    built = run_briefing("build", cwd=project)
    assert built.code == 0, built.stderr
    pages = pdf_pages_text(project / "build" / "full.pdf")
    assert any("Water and sanitation" in page and "Shared rivers" in page for page in pages)
    diplomacy = project / "content" / "diplomacy.md"
    diplomacy.write_text(diplomacy.read_text("utf-8").replace("sector: politics", "sector: securty"), "utf-8")
    editions = project / "content" / "editions.yaml"
    editions.write_text(editions.read_text("utf-8").replace("      - {id: diplomacy", "      - {sector: watr}\n"
                                                            "      - {id: diplomacy"), "utf-8")
    refused = run_briefing("build", cwd=project)
    assert refused.code == 1
    assert "content/diplomacy.md:4: unknown sector 'securty'" in refused.stderr  # both problems in one run
    assert "content/editions.yaml:12: edition 'summary' names an unknown sector 'watr' — did you mean 'water'?" \
        in refused.stderr
    assert "Traceback" not in refused.stderr


def test_new_outside_a_project_says_how_to_start_one(tmp_path: Path) -> None:
    result = run_briefing("new", "mining", "--sector", "mining", cwd=tmp_path)
    assert result.code == 1
    assert "briefing init DIR" in result.stderr


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    mine = tmp_path / "notes.md"
    mine.write_text("my own notes", "utf-8")
    result = run_briefing("init", tmp_path)
    assert result.code == 1
    assert f"{tmp_path}: folder is not empty" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.md"]
    assert mine.read_text("utf-8") == "my own notes"


def test_init_refuses_a_file(tmp_path: Path) -> None:
    target = tmp_path / "book"
    target.write_text("x", "utf-8")
    result = run_briefing("init", target)
    assert result.code == 1
    assert "exists and is not a folder" in result.stderr


def test_init_accepts_an_empty_folder_and_a_title(tmp_path: Path) -> None:
    result = run_briefing("init", ".", "--title", "Korea–Mongolia: mining", cwd=tmp_path)
    assert result.code == 0, result.stderr
    config = yaml.safe_load((tmp_path / "briefing.yaml").read_text("utf-8"))
    assert config["title"] == "Korea–Mongolia: mining"


def test_the_wheel_carries_the_starter_project_and_the_preview_page(tmp_path: Path) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(REPO)]
    made = subprocess.run(command, capture_output=True, text=True, check=False)
    assert made.returncode == 0, made.stderr
    wheel = next(tmp_path.glob("briefing-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    starter = {str(p.relative_to(REPO)) for p in (REPO / "briefing" / "scaffold" / "starter").rglob("*") if p.is_file()}
    page = {str(p.relative_to(REPO)) for p in (REPO / "briefing" / "live" / "preview_page").iterdir()}
    assert len(starter) >= 8 and starter <= names, starter - names
    assert page and page <= names, page - names
