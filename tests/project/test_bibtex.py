"""A project whose references are a BibTeX/BibLaTeX file (`content/references.bib`, as Zotero's Better BibTeX
exports it) builds like one with CSL YAML: notes in the PDF, problems at the `.bib` file's lines."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import FIXTURES, pdf_pages_text, run_briefing

CHAPTER = ("---\ntitle: Corpus\nsector: context\nreviewed: 2025-01-01\n---\n\n"
           "Aksın and colleagues [@aksin, 3030]. A translation [@iliad; @coleridge, 4-5].\n")


def _project(tmp_path: Path, chapter: str = CHAPTER) -> Path:
    (tmp_path / "content").mkdir()
    shutil.copy(FIXTURES / "bibtex" / "references.bib", tmp_path / "content" / "references.bib")
    (tmp_path / "briefing.yaml").write_text("title: Bib\nlanguage: en\ndate: 2025-01-01\n", "utf-8")
    (tmp_path / "content" / "corpus.md").write_text(chapter, "utf-8")
    return tmp_path


def test_a_bibtex_file_gives_full_notes_in_the_pdf(tmp_path: Path) -> None:
    project = _project(tmp_path)
    built = run_briefing("build", cwd=project)
    assert built.code == 0, built.stderr
    text = " ".join(" ".join(pdf_pages_text(project / "build" / "full.pdf")).split())
    # LaTeX accents and @string macros resolved, volume, number and pages kept, the locator last
    assert "Özge Aksın et al., “Effect of Immobilization" in text
    assert "J. Organomet. Chem. 691, no. 13 (2006): 3030." in text
    assert "trans. Wolfgang Schadewaldt" in text and "ed. Kathleen Coburn et al., Bollingen Series 75" in text
    assert "@" not in text and "\\" not in text


def test_a_broken_bibtex_entry_is_reported_at_its_line(tmp_path: Path) -> None:
    project = _project(tmp_path)
    bib = project / "content" / "references.bib"
    lines = bib.read_text("utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.strip() == "volume       = 9,")
    lines[number] = lines[number].replace("9,", "9")  # the comma before `number` is missing
    bib.write_text("\n".join(lines), "utf-8")
    for command in ("build", "check"):
        ran = run_briefing(command, cwd=project)
        assert ran.code != 0
        assert f"content/references.bib:{number + 2}: BibTeX could not be read" in ran.stderr, ran.stderr
        assert "Traceback" not in ran.stderr


def test_an_unknown_key_and_an_unused_entry_name_the_bib_lines(tmp_path: Path) -> None:
    project = _project(tmp_path, CHAPTER + "\nAnd a typo [@aksn].\n")
    ran = run_briefing("check", cwd=project)
    assert "content/corpus.md:9: unknown citation key 'aksn'" in ran.stderr, ran.stderr
    lines = (project / "content" / "references.bib").read_text("utf-8").split("\n")
    shore = next(i for i, line in enumerate(lines, 1) if line.startswith("@article{shore,"))
    assert f"content/references.bib:{shore}: reference 'shore' is cited nowhere" in ran.stderr, ran.stderr


def test_a_misc_entry_builds_and_prints_as_pandoc_prints_it(tmp_path: Path) -> None:
    import subprocess

    from briefing.book.cite_book import bundled_style
    from briefing.book.csl import pandoc_path

    project = _project(tmp_path, CHAPTER.replace("A translation", "A working paper [@paper, 4]. A translation"))
    misc = "\n@misc{paper,\n  author = {Kim, Tae-seok},\n  title = {Lithium refining options},\n  year = 2024,\n" \
           "  howpublished = {Working paper},\n}\n"
    with (project / "content" / "references.bib").open("a", encoding="utf-8") as stream:
        stream.write(misc)
    built = run_briefing("build", cwd=project)
    assert built.code == 0, built.stderr
    text = " ".join(" ".join(pdf_pages_text(project / "build" / "full.pdf")).split())
    (project / "style.csl").write_bytes(bundled_style("chicago-notes-bibliography"))
    pandoc = subprocess.run([pandoc_path(), "--citeproc", "--csl", "style.csl", "--bibliography",
                             "content/references.bib", "-t", "plain", "--wrap=none"], input="X [@paper, 4].",
                            capture_output=True, text=True, cwd=project, check=True).stdout
    note = pandoc.strip().splitlines()[-1].removeprefix("[1] ")
    assert note == "Tae-seok Kim, Lithium Refining Options, Working paper, 2024, 4.", pandoc
    assert f"2. {note}" in text  # note 1 is the chapter's first citation (Aksın)
