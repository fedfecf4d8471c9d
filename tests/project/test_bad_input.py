"""Issue 2: every bad input is `path:line: message`, exit 1, no traceback, output untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Run, copy_fixture, run_briefing


def _assert_user_error(result: Run, where: str, message: str) -> None:
    assert result.code == 1, (result.code, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert any(line.startswith(where) and message in line for line in lines), result.stderr


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_fixture("basic", tmp_path)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_malformed_front_matter(project: Path) -> None:
    _edit(project / "content" / "mining.md", "sector: mining\n", "sector: [mining\n")
    result = run_briefing("build", cwd=project)
    _assert_user_error(result, "content/mining.md:5:", "invalid YAML")


def test_unknown_front_matter_key(project: Path) -> None:
    _edit(project / "content" / "digital.md", "owner: Desk\n", "owner: Desk\nownr: typo\n")
    result = run_briefing("check", cwd=project)
    _assert_user_error(result, "content/digital.md:8:", "unknown front-matter key 'ownr'")


def test_unknown_citation_key_suggests_the_nearest(project: Path) -> None:
    _edit(project / "content" / "climate.md", "[@gamma2024]", "[@gama2024]")
    result = run_briefing("build", cwd=project)
    _assert_user_error(result, "content/climate.md:12:", "unknown citation key 'gama2024' — did you mean 'gamma2024'?")


def test_duplicate_section_id(project: Path) -> None:
    text = (project / "content" / "climate.md").read_text("utf-8")
    (project / "content" / "weather.md").write_text(text.replace("order: 3\n", "order: 4\nid: climate\n"), "utf-8")
    result = run_briefing("check", cwd=project)
    _assert_user_error(result, "content/weather.md:6:", "duplicate section id 'climate'")


def test_edition_naming_a_missing_section(project: Path) -> None:
    _edit(project / "content" / "editions.yaml", "sections: [climate,", "sections: [climat,")
    result = run_briefing("check", cwd=project)
    _assert_user_error(result, "content/editions.yaml:10:", "edition 'short' names a missing section 'climat' — did you mean 'climate'?")


def test_reference_with_a_broken_date(project: Path) -> None:
    """An item without a title is valid CSL (issue 14); a date in no CSL form is an error naming the forms."""
    _edit(project / "content" / "references.yaml", "    title: Gamma Climate Page\n", "")
    _edit(project / "content" / "references.yaml", "    issued: 2024-05-01\n", "    issued: {when: 2024}\n")
    result = run_briefing("check", cwd=project)
    _assert_user_error(result, "content/references.yaml:21:", "reference 'gamma2024' 'issued': unknown date key "
                       "'when'; a date is 2022-09-21")


def test_empty_content_folder(project: Path) -> None:
    for path in (project / "content").glob("*.md"):
        path.unlink()
    result = run_briefing("build", cwd=project)
    _assert_user_error(result, "content:", "no sections")


def test_folder_that_is_not_a_project(tmp_path: Path) -> None:
    result = run_briefing("build", "--project", tmp_path)
    _assert_user_error(result, str(tmp_path), "not a briefing project")
    result = run_briefing("list", cwd=tmp_path)
    _assert_user_error(result, str(tmp_path), "not a briefing project")


def test_every_problem_of_the_run_is_reported_at_once(project: Path) -> None:
    _edit(project / "content" / "digital.md", "owner: Desk\n", "owner: Desk\nownr: typo\n")
    _edit(project / "content" / "climate.md", "[@gamma2024]", "[@nosuch]")
    _edit(project / "content" / "references.yaml", "    issued: 2024-05-01\n", "    issued: {when: 2024}\n")
    result = run_briefing("check", cwd=project)
    assert result.code == 1
    assert "content/digital.md:8:" in result.stderr
    assert "content/references.yaml:22:" in result.stderr
    assert "content/climate.md:12: unknown citation key 'nosuch'" in result.stderr
    assert "unknown citation key 'gamma2024'" not in result.stderr  # a broken reference is not also "unknown"
    assert "briefing: 3 errors" in result.stderr


def test_a_failed_build_leaves_the_existing_output_untouched(project: Path) -> None:
    assert run_briefing("build", cwd=project).code == 0
    output = project / "build" / "full.pdf"
    before = output.read_bytes()
    _edit(project / "content" / "climate.md", "[@gamma2024]", "[@nosuch]")
    assert run_briefing("build", cwd=project).code == 1
    assert output.read_bytes() == before
    leftovers = [p.name for p in output.parent.rglob("*") if p.name.endswith(".part")]
    assert leftovers == []  # no temporary file of the failed build is left behind


def test_unknown_edition_and_missing_section_on_the_command_line(project: Path) -> None:
    _assert_user_error(run_briefing("build", "--edition", "nope", cwd=project), "content/editions.yaml",
                       "unknown edition 'nope' (known: full, short)")
    _assert_user_error(run_briefing("build", "--section", "nope", cwd=project), str(project), "--section names a missing section 'nope'")


def test_usage_errors_keep_clicks_exit_code_2(project: Path) -> None:
    result = run_briefing("build", "--format", "docx", cwd=project)
    assert result.code == 2
    assert "Traceback" not in result.stderr


def test_a_broken_template_override_names_its_file_and_line(project: Path) -> None:
    (project / "templates").mkdir()
    (project / "templates" / "chapter.html.j2").write_text("<section>\n{{ chapter.nosuch }}\n</section>\n", "utf-8")
    result = run_briefing("build", cwd=project)
    _assert_user_error(result, "templates/chapter.html.j2:2:", "template error: 'dict object' has no attribute 'nosuch'")
