"""`briefing check` (issues 3 and 8): each finding at its path:line with its code, exit codes, --strict.

Every project is a private copy of a `tests/fixtures/check-*` folder, checked through the
command line as an author would run it. SOURCE_DATE_EPOCH is set so the review dates are
judged against a fixed build date, never the wall clock.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import Run, copy_fixture, run_briefing

MAY_2025 = "1746057600"    # 2025-05-01T00:00:00Z
JUNE_2025 = "1748736000"   # 2025-06-01
MARCH_2025 = "1740787200"  # 2025-03-01
FINDING = re.compile(r"^(?P<path>[^\s:]+):(?P<line>\d+): (?P<warning>warning: )?(?P<message>.*) \[(?P<code>[a-z-]+)\]$")


def check(project: Path, *args: str | Path, epoch: str = MAY_2025) -> Run:
    return run_briefing("check", *args, cwd=project, env={"SOURCE_DATE_EPOCH": epoch})


def findings(result: Run) -> set[tuple[str, int, str]]:
    """(path, line, code) of every finding line on standard error."""
    found = set()
    for line in result.stderr.splitlines():
        match = FINDING.match(line)
        if match:
            found.add((match["path"], int(match["line"]), match["code"]))
    return found


def message(result: Run, where: str, code: str) -> str:
    """The full line of the finding at `where` (path:line) with `code`."""
    lines = [line for line in result.stderr.splitlines() if line.startswith(where + ":") and line.endswith(f"[{code}]")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_fixture("check-facts", tmp_path_factory.mktemp("facts"))


@pytest.fixture(scope="module")
def facts_checked(facts: Path) -> Run:
    return check(facts, "--archive", "archive")


# --- issue 3: the fact check ---------------------------------------------------------------------------------------

def test_fact_check_fails_on_a_wrong_figure_an_uncited_paragraph_and_an_unused_reference(facts_checked: Run) -> None:
    assert facts_checked.code == 1
    assert "Traceback" not in facts_checked.stderr
    assert findings(facts_checked) == {
        ("content/mining.md", 21, "figure-not-found"),
        ("content/mining.md", 23, "uncited-paragraph"),
        ("content/references.yaml", 30, "unused-reference"),
    }
    assert message(facts_checked, "content/mining.md:21", "figure-not-found") == (
        "content/mining.md:21: figure '$528 million' not found in the archived text of ecnet-2025 (ecnet.txt) "
        "[figure-not-found]")
    assert "reference 'unused-2020' is cited nowhere" in message(facts_checked, "content/references.yaml:30",
                                                                   "unused-reference")
    assert "briefing: 3 errors" in facts_checked.stderr


def test_fact_check_summary_counts_what_it_checked(facts_checked: Run) -> None:
    summary = next(line for line in facts_checked.stdout.splitlines() if line.startswith("fact check:"))
    assert "checked against 3 archived sources" in summary
    assert "1 not found" in summary
    assert "1 sentence not checkable" in summary  # cites desk-notes, which has no archive-file
    assert "1 marked (our calculation)" in summary


def test_without_an_archive_the_fact_check_says_it_was_skipped(facts: Path) -> None:
    result = check(facts)
    assert result.code == 1
    assert "fact check skipped" in result.stdout
    assert findings(result) == {("content/mining.md", 23, "uncited-paragraph"),
                                ("content/references.yaml", 30, "unused-reference")}


def test_once_the_author_fixes_the_three_findings_the_check_passes_even_strict(tmp_path: Path) -> None:
    """The rest of the fixture writes figures in many formats; none of them may be a false positive."""
    project = copy_fixture("check-facts", tmp_path)
    edit(project / "content" / "mining.md", "$528 million", "$582 million")
    edit(project / "content" / "mining.md", "copper and coal to China.", "copper and coal to China [@rinna-2024].")
    references = project / "content" / "references.yaml"
    text = references.read_text("utf-8")
    references.write_text(text[: text.index("  - id: unused-2020")], "utf-8")
    result = check(project, "--archive", "archive", "--strict")
    assert (result.code, result.stderr) == (0, "")
    assert "ok: 2 sections, 4 references" in result.stdout


def test_archive_files_are_read_only_from_the_archive_folder(tmp_path: Path) -> None:
    project = copy_fixture("check-references", tmp_path)
    (project / "secret.txt").write_text("Figures 1 2 3 4 5 6 7 8 9 10.\n", "utf-8")  # what ../secret.txt would name
    result = check(project, "--archive", "archive")
    assert result.code == 1
    assert "archive-file '../secret.txt' of 'site' must be a plain file name" in message(
        result, "content/references.yaml:19", "bad-archive-file")
    assert "no file 'news.txt' in archive" in message(result, "content/references.yaml:13", "archive-missing")


def test_a_missing_archive_folder_is_a_finding(facts: Path) -> None:
    result = check(facts, "--archive", "no-such-folder")
    assert result.code == 1
    assert any(line.startswith("no-such-folder: archive folder not found") for line in result.stderr.splitlines())


def test_a_figure_without_a_citation_is_a_warning(tmp_path: Path) -> None:
    project = copy_fixture("check-facts", tmp_path)
    edit(project / "content" / "overview.md", "where they disagree, the text says so.",
         "where they disagree, the text says so. Trade grew by 12% in 2023.")
    result = check(project, "--archive", "archive")
    assert ("content/overview.md", 18, "uncited-figure") in findings(result)
    assert "warning: '12%', '2023' stated without a citation" in message(result, "content/overview.md:18",
                                                                         "uncited-figure")


# --- issue 8: the author's assistant ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def references_checked(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return check(copy_fixture("check-references", tmp_path_factory.mktemp("refs")), "--archive", "archive")


def test_reference_findings(references_checked: Run) -> None:
    assert findings(references_checked) == {
        ("content/references.yaml", 13, "archive-missing"),
        ("content/references.yaml", 19, "bad-archive-file"),
        ("content/references.yaml", 20, "unused-reference"),
        ("content/trade.md", 11, "impossible-locator"),
        ("content/trade.md", 12, "impossible-locator"),
        ("content/trade.md", 13, "unknown-key"),
        ("content/trade.md", 14, "unparsed-citation"),
    }  # [@report, p. 4] on line 10 is a report: a page locator is right there; word[@report] on line 15 is
    # a citation, as Pandoc reads it (본문[@key]은)
    assert "page locator 'p. 3' on 'news' (type article-newspaper)" in message(
        references_checked, "content/trade.md:11", "impossible-locator")
    assert "unknown citation key 'nosuch'" in message(references_checked, "content/trade.md:13", "unknown-key")
    assert "'[@report]:' opening a line is a link definition, not a citation" in (
        message(references_checked, "content/trade.md:14", "unparsed-citation"))


def test_structure_findings(tmp_path: Path) -> None:
    result = check(copy_fixture("check-structure", tmp_path), epoch=MAY_2025)
    assert result.code == 1  # '#' in a body is an error
    assert findings(result) == {
        ("content/notes.md", 8, "title-heading"),
        ("content/notes.md", 14, "heading-skip"),
        ("content/notes.md", 16, "missing-alt"),
        ("content/notes.md", 20, "missing-alt"),
    }  # the images with alt text (lines 18, 22) and the code block are fine
    assert message(result, "content/notes.md:14", "heading-skip").startswith(
        "content/notes.md:14: warning: heading level 4 ('#### Detail') follows level 2: use '###'")


def test_stale_review_is_judged_by_the_source_date(tmp_path: Path) -> None:
    project = copy_fixture("check-stale", tmp_path)
    result = check(project, epoch=JUNE_2025)
    assert result.code == 0  # warnings only
    assert findings(result) == {("content/old.md", 6, "stale-review"), ("content/undated.md", 1, "no-review-date")}
    assert "reviewed 2025-01-02, 150 days before 2025-06-01 (review interval 90 days)" in message(
        result, "content/old.md:6", "stale-review")
    earlier = check(project, epoch=MARCH_2025)  # the wall clock (later than both) is never used
    assert findings(earlier) == {("content/undated.md", 1, "no-review-date")}


def test_strict_makes_warnings_fatal(tmp_path: Path) -> None:
    result = check(copy_fixture("check-stale", tmp_path), "--strict", epoch=JUNE_2025)
    assert result.code == 1
    assert "briefing: 0 errors, 2 warnings (--strict: warnings are fatal)" in result.stderr
    assert "ok:" not in result.stdout


def test_page_budget_is_measured_on_the_laid_out_edition(tmp_path: Path) -> None:
    project = copy_fixture("check-budget", tmp_path)
    result = check(project, "--pages")
    assert result.code == 0, result.stderr
    assert findings(result) == {("content/long.md", 6, "over-budget")}
    assert "'long' runs to 2 pages in edition 'full' (pages 3–4), over its budget of 1" in message(
        result, "content/long.md:6", "over-budget")
    assert "  long: 2 from page 3 (budget 1)" in result.stdout.splitlines()
    assert "  short: 1 from page 5 (budget 2)" in result.stdout.splitlines()
    # Without --pages, the measurement is reused while no input changes, and never silently assumed after.
    again = check(project)
    assert findings(again) == {("content/long.md", 6, "over-budget")}
    assert "measured by an earlier briefing check --pages" in again.stdout
    edit(project / "content" / "short.md", "this short chapter", "this short chapter, now edited,")
    changed = check(project)
    assert findings(changed) == set()
    assert "page budgets not checked: the edition 'full' has not been measured since the last change" in changed.stdout


def test_the_basic_fixture_passes_without_an_archive_and_without_loading_weasyprint(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    result = run_briefing("check", cwd=project, env={"SOURCE_DATE_EPOCH": MAY_2025, "PYTHONPROFILEIMPORTTIME": "1"})
    assert result.code == 0
    assert "ok: 3 sections, 3 references, 2 editions" in result.stdout
    assert "fact check skipped" in result.stdout
    assert not findings(result)
    assert "import time:" in result.stderr and "weasyprint" not in result.stderr
