"""Citations written anywhere a user can write them: the cover note an edition opens on is cited like any
chapter (its notes numbered first); in YAML that prints as written (front matter, editions, the project's
settings, component data) a citation is an error at its line, never `[@key]` printed as source text."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_fixture, pdf_pages_text, run_briefing


def test_a_citation_in_the_cover_note_becomes_the_first_note(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    note = project / "content" / "cover-note.md"
    note.write_text(note.read_text(encoding="utf-8").replace(
        "Agree the next steps on the critical-minerals partnership.",
        "Agree the next steps on the critical-minerals partnership, whose trade fell last year [@trade-stats, 4].",
    ), encoding="utf-8")
    trade = project / "content" / "trade.md"
    assert "[@trade-stats" in trade.read_text(encoding="utf-8")  # the chapter cites the same source later

    built = run_briefing("build", "--edition", "note-first", cwd=project)
    assert built.code == 0, built.stderr
    pages = pdf_pages_text(project / "build" / "note-first.pdf")
    text = "\n".join(pages)
    assert "[@" not in text and "@trade-stats" not in text
    first, chapter = pages[0], pages[1]
    assert "fell last year.\u200a1" in first.replace("\n", " "), first  # the cover note's note is note 1
    # note 1, at the foot of the cover note's page, is the full form with its locator ...
    assert "1. Trade Statistics 2024 (Customs Office, 2025), 4." in first, first
    # ... so the chapter's later citation of the same source is note 2, in the short form
    assert "Trade grew in 2024.\u200a2" in chapter and "2. Trade Statistics 2024." in chapter, chapter
    assert "Customs Office, 2025" not in chapter


def test_a_citation_in_component_data_is_an_error_not_printed_source(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)
    data = project / "content" / "commitments.yaml"
    lines = data.read_text(encoding="utf-8").splitlines()
    assert "source: Joint statement 2024}" in lines[1]
    lines[1] = lines[1].replace("source: Joint statement 2024}", 'source: "Joint statement 2024 [@trade-stats]"}')
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in ("build", "check"):
        ran = run_briefing(command, "--edition", "minister", cwd=project)
        assert ran.code != 0, (command, ran.stderr)
        assert "content/commitments.yaml:2: '[@trade-stats]' in a commitments item 'source' is not read as a citation" in ran.stderr, (
            command, ran.stderr)
    assert not (project / "build" / "minister.pdf").exists()


def test_a_citation_in_printed_metadata_is_an_error_at_its_line(tmp_path: Path) -> None:
    project = copy_fixture("meeting-pack", tmp_path)

    def edit(name: str, old: str, new: str) -> int:
        path = project / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return text[:text.index(old)].count("\n") + 1

    summary = edit("content/trade.md", "summary: Where trade stands,", "summary: Where trade stands [@trade-stats],")
    korean = edit("content/trade.ko.md", "summary: 통상 현황,", "summary: 통상 현황[@trade-stats],")
    audience = edit("content/editions.yaml", "audience: The Minister\n", "audience: The Minister [see @trade-stats]\n")
    subtitle = edit("briefing.yaml", "subtitle: Meeting pack", "subtitle: Meeting pack [@trade-stats, p. 2]")
    for command in ("build", "check"):
        ran = run_briefing(command, cwd=project)
        assert ran.code != 0, (command, ran.stderr)
        for where, written in ((f"content/trade.md:{summary}", "[@trade-stats]"),
                               (f"content/trade.ko.md:{korean}", "[@trade-stats]"),
                               (f"content/editions.yaml:{audience}", "[see @trade-stats]"),
                               (f"briefing.yaml:{subtitle}", "[@trade-stats, p. 2]")):
            assert f"{where}: '{written}' in " in ran.stderr, (command, where, ran.stderr)
    assert not (project / "build").exists() or not list((project / "build").glob("*.pdf"))
