"""Typos that used to drop content silently fail `check` and `build` at their line, with a did-you-mean."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_fixture, run_briefing


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if needle in line)


def _typo_project(tmp_path: Path, case: str) -> tuple[Path, str]:
    """The basic fixture with one typo; returns the project and the `path:line: message` start expected."""
    project = copy_fixture("basic", tmp_path)
    content = project / "content"
    if case == "parts":
        editions = content / "editions.yaml"
        _edit(editions, "parts: [key-points, talking-points]", "parts: [key-points, talkingpoints]")
        where = f"content/editions.yaml:{_line_of(editions, 'talkingpoints')}"
        return project, f"{where}: edition 'short', section 'mining': no part 'talkingpoints'"
    if case == "editions":
        mining = content / "mining.md"
        _edit(mining, "## Talking points", '::: {editions="ful"}\nOnly in full.\n:::\n\n## Talking points')
        where = f"content/mining.md:{_line_of(mining, 'editions=')}"
        return project, f"{where}: editions=\"ful\": no edition 'ful'"
    references = content / "references.yaml"
    if case == "type":
        _edit(references, "type: report", "type: bok")
        where = f"content/references.yaml:{_line_of(references, 'bok')}"
        return project, f"{where}: reference 'alpha2023': unknown CSL type 'bok'"
    _edit(references, "issued: {date-parts: [[2023]]}", "isued: {date-parts: [[2023]]}")
    where = f"content/references.yaml:{_line_of(references, 'isued')}"
    return project, f"{where}: reference 'alpha2023': unknown CSL field 'isued'"


SUGGESTIONS = {"parts": "did you mean 'talking-points'?", "editions": "did you mean 'full'?",
               "type": "did you mean 'book'?", "isued": "did you mean 'issued'?"}


@pytest.mark.parametrize("case", ["parts", "editions", "type", "isued"])
def test_typo_fails_check_with_line_and_suggestion(tmp_path: Path, case: str) -> None:
    project, expected = _typo_project(tmp_path, case)
    result = run_briefing("check", cwd=project)
    assert result.code == 1, result.stdout + result.stderr
    lines = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith(expected)]
    assert lines, result.stdout + result.stderr
    assert SUGGESTIONS[case] in lines[0]


@pytest.mark.parametrize("case", ["parts", "editions", "type", "isued"])
def test_typo_fails_build_with_line_and_suggestion(tmp_path: Path, case: str) -> None:
    project, expected = _typo_project(tmp_path, case)
    result = run_briefing("build", "--format", "html", cwd=project)
    assert result.code == 1, result.stdout + result.stderr
    assert expected in result.stderr and SUGGESTIONS[case] in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "build" / "full.html").exists()


def test_edition_wide_parts_checked_against_the_sections_parts(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    editions = project / "content" / "editions.yaml"
    _edit(editions, "    audience: A busy principal\n", "    audience: A busy principal\n    parts: [key-point]\n")
    result = run_briefing("check", cwd=project)
    assert result.code == 1
    where = f"content/editions.yaml:{_line_of(editions, 'key-point]')}"
    assert f"{where}: edition 'short': no part 'key-point'" in result.stderr
    assert "did you mean 'key-points'?" in result.stderr


def test_a_setext_level_one_heading_is_an_error_and_a_setext_part_is_a_part(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    mining = project / "content" / "mining.md"
    _edit(mining, "## Talking points", "Talking points\n--------------")
    _edit(mining, "## Background", "Background\n==========")
    result = run_briefing("check", cwd=project)
    assert result.code == 1
    assert (f"content/mining.md:{_line_of(mining, 'Background')}: 'Background' underlined with '===' is a "
            "level-1 heading") in result.stderr
    assert "talking-points" not in result.stderr  # the short edition's parts: [..., talking-points] still finds it


def test_an_empty_section_body_is_a_warning(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    (project / "content" / "empty.md").write_text("---\ntitle: Empty\nsector: context\nreviewed: 2025-01-01\n---\n\n"
                                                  "<!-- to be written -->\n", encoding="utf-8")
    result = run_briefing("check", cwd=project)
    assert "content/empty.md:5: warning: the section's body prints nothing" in result.stderr
    assert run_briefing("check", "--strict", cwd=project).code == 1
