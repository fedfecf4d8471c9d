"""`briefing release --since REF`: the "Changes since REF" appendix and its manifest record.

The `release` fixture is committed and tagged v1 in a fresh git repository; then the trade
chapter's Background is changed to cite a new reference, and the health chapter is removed.
Exactly that must be listed: one changed section (with its changed heading), one removed
section, one added reference; the climate chapter, untouched, must not be.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import Run, copy_fixture, pdf_outline_titles, pdf_pages_text, run_briefing

NEW_REFERENCE = """  - id: mining-law
    type: report
    title: Minerals Law Commentary
    author: [{family: Bold, given: Bat}]
    publisher: Law Institute
    issued: {date-parts: [[2025]]}
"""
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "Test",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2025-02-01T00:00:00Z",
           "GIT_COMMITTER_DATE": "2025-02-01T00:00:00Z"}


def ok(result: Run) -> Run:
    assert result.code == 0, result.stderr
    return result


def git(project: Path, *args: str) -> None:
    import os

    subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=project, check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


@pytest.fixture(scope="module")
def changed_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture at tag v1 (released into v1-dist/), then changed and committed."""
    base = tmp_path_factory.mktemp("since")
    project = copy_fixture("release", base)
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "v1")
    git(project, "tag", "v1")
    ok(run_briefing("release", "--project", project, "--edition", "full", "--out", base / "v1-dist"))
    trade = project / "content" / "trade.md"
    trade.write_text(trade.read_text().replace(
        "met their counterparts twice last year [@trade-office, p. 7].",
        "met their counterparts three times last year [@trade-office, p. 7], under the new minerals law "
        "[@mining-law].",
    ))
    references = project / "content" / "references.yaml"
    references.write_text(references.read_text() + NEW_REFERENCE)
    (project / "content" / "health.md").unlink()
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "v2")
    return project


@pytest.fixture(scope="module")
def since_git(changed_project: Path) -> Path:
    out = changed_project.parent / "since-git"
    ok(run_briefing("release", "--project", changed_project, "--edition", "full", "--since", "v1", "--out", out))
    return out


def _appendix(pdf: Path) -> str:
    pages = pdf_pages_text(pdf)
    start = next(i for i, text in enumerate(pages) if "Changes since" in text and "Sections changed" in text)
    return "\n".join(pages[start:])


def test_appendix_lists_exactly_the_changes_since_a_git_tag(since_git: Path) -> None:
    text = _appendix(since_git / "release-fixture-full-2.0.pdf")
    assert "Changes since v1" in text
    assert "Sections removed" in text and "Health Partnership" in text
    assert "Sections changed" in text and "Trade and Minerals: Background (changed)" in " ".join(text.split())
    assert "References added" in text and "Minerals Law Commentary" in text
    assert "Climate Cooperation" not in text
    assert "Sections added" not in text and "References removed" not in text
    assert "Key points (changed)" not in text and "Talking points" not in text


def test_appendix_is_in_the_contents_and_bookmarks(since_git: Path) -> None:
    pdf = since_git / "release-fixture-full-2.0.pdf"
    assert "Changes since v1" in pdf_pages_text(pdf)[1]
    assert "Changes since v1" in [title for _, title, _ in pdf_outline_titles(pdf)]


def test_manifest_records_the_changes(since_git: Path, changed_project: Path) -> None:
    manifest = json.loads((since_git / "manifest.json").read_text())
    commit = subprocess.run(["git", "rev-parse", "v1^{commit}"], cwd=changed_project, capture_output=True,
                            text=True, check=True).stdout.strip()
    assert manifest["run"]["since"] == {"ref": "v1", "commit": commit}
    assert manifest["editions"][0]["changes"] == {
        "since": "v1",
        "new_edition": False,
        "sections_added": [],
        "sections_removed": ["health"],
        "sections_changed": [{"id": "trade", "headings": [{"heading": "Background", "change": "changed"}]}],
        "references_added": ["mining-law"],
        "references_removed": [],
    }


def test_since_an_earlier_manifest_lists_the_same_changes(changed_project: Path, since_git: Path) -> None:
    out = changed_project.parent / "since-manifest"
    ok(run_briefing("release", "--project", changed_project, "--edition", "full",
                    "--since", changed_project.parent / "v1-dist" / "manifest.json", "--out", out))
    by_git = json.loads((since_git / "manifest.json").read_text())["editions"][0]["changes"]
    by_manifest = json.loads((out / "manifest.json").read_text())["editions"][0]["changes"]
    assert by_manifest == {**by_git, "since": "version 2.0"}
    assert "Changes since version 2.0" in _appendix(out / "release-fixture-full-2.0.pdf")


def test_since_leaves_the_working_tree_alone(changed_project: Path, since_git: Path) -> None:
    status = subprocess.run(["git", "status", "--porcelain"], cwd=changed_project, capture_output=True, text=True,
                            check=True).stdout
    assert status == ""
    assert not (changed_project / "content" / "health.md").exists()


def test_since_an_unknown_ref_is_an_error(changed_project: Path) -> None:
    result = run_briefing("release", "--project", changed_project, "--since", "no-such-tag",
                          "--out", changed_project.parent / "never")
    assert result.code == 1
    assert "--since: 'no-such-tag' is neither a manifest.json file nor a commit" in result.stderr
    assert not (changed_project.parent / "never").exists()
