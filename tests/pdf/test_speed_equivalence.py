"""The fast paths give the reader exactly what a single WeasyPrint pass gives (issue 7).

The reference is `BRIEFING_RENDER=single` (one WeasyPrint pass over the whole book). The
default build lays the book out part by part in worker processes, caches parts by content
hash and assembles one PDF; `briefing build` also skips a build whose inputs did not change.
For each path the PDFs are compared as a reader meets them: page count, the text of every
page (poppler's pdftotext), the outline (title, depth, page), every link's target (URL, or
the page an internal link leads to) and, for good measure, every page rendered to pixels.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_fixture, pdf_outline_titles, run_briefing, tool

SINGLE = {"BRIEFING_RENDER": "single"}
PARTS = {"BRIEFING_RENDER": "parts"}
"""The default (`auto`) picks one or the other by load and cache; the tests name the path they test."""


def pages_text(pdf: Path) -> list[str]:
    """Each page's text as poppler extracts it (pypdf's extraction varies with font subsets)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def links(pdf: Path) -> list[tuple[int, str, str]]:
    """(page, kind, target) for every link: external URL, or the 1-based page an internal link opens."""
    from pypdf import PdfReader

    reader = PdfReader(str(pdf))
    named = reader.named_destinations
    found = []
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if "/Dest" in annotation:
                destination = named.get(str(annotation["/Dest"]))
                target = str(reader.get_destination_page_number(destination) + 1) if destination else "missing"
                found.append((number, "internal", target))
            elif "/A" in annotation:
                found.append((number, "uri", str(annotation["/A"].get("/URI"))))
    return found


def pixels(pdf: Path, folder: Path) -> list[bytes]:
    """Every page rendered at 30 dpi (grey), as raw image bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([tool("pdftoppm"), "-r", "30", "-gray", str(pdf), str(folder / "page")], check=True)
    return [path.read_bytes() for path in sorted(folder.glob("page-*.pgm"))]


def assert_same_for_a_reader(reference: Path, candidate: Path, scratch: Path) -> None:
    reference_text, candidate_text = pages_text(reference), pages_text(candidate)
    assert len(candidate_text) == len(reference_text)
    for number, (expected, got) in enumerate(zip(reference_text, candidate_text, strict=True), start=1):
        assert got == expected, f"page {number} reads differently"
    assert pdf_outline_titles(candidate) == pdf_outline_titles(reference)
    assert links(candidate) == links(reference)
    assert pixels(candidate, scratch / "candidate") == pixels(reference, scratch / "reference")


def build(project: Path, output: Path, env: dict[str, str] | None = None, *extra: str,
          parts: bool | None = None) -> str:
    """Build to `output`; the layout report must say the path the test names (`parts`: by default
    when BRIEFING_RENDER=parts), so a parts path silently switched off fails the test."""
    report_file = output.with_name(output.name + ".layout.json")
    env = {**(env or PARTS), "BRIEFING_LAYOUT_REPORT": str(report_file)}
    # no --force: it bypasses every cache (issue 13), and each build here writes a new output anyway
    result = run_briefing("build", "--project", project, "-o", output, *extra, env=env)
    assert result.code == 0, result.stderr
    report = json.loads(report_file.read_text("utf-8"))
    if parts is None:
        parts = env.get("BRIEFING_RENDER") == "parts"
    assert (report["path"] == "parts") is parts, report
    if parts:
        assert report["patches"] and all(report["patches"].values()), report
        spawned = env.get("BRIEFING_WORKER_START") == "spawn" or not sys.platform.startswith("linux")
        assert report["workers_started"] == ("spawned interpreters" if spawned else "forked from a warm zygote"), report
        if report["layouts"]:  # the fixture's pages hold many notes: the footnote cache must give layouts back
            assert report["footnotes_reused"] > 0, report
    return result.stdout


@pytest.fixture(scope="module")
def speed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_fixture("speed", tmp_path_factory.mktemp("speed"))


@pytest.fixture(scope="module")
def reference(speed: Path) -> Path:
    output = speed.parent / "single.pdf"
    build(speed, output, SINGLE)
    return output


def test_fixture_exercises_what_parts_must_get_right(reference: Path) -> None:
    """Chapters span several pages, notes run through the book, contents and cross-links point ahead."""
    text = pages_text(reference)
    assert len(text) >= 8
    assert re.search(r"Climate and energy\s*\.[ .]*\s(\d+)", text[1])
    assert any(re.search(r"^\s*2\d\. ", page, re.M) for page in text[3:]), "footnote numbers continue past 20"
    assert any(kind == "internal" for _, kind, _ in links(reference))


def fonts(pdf: Path) -> list[str]:
    """The embedded fonts as `pdffonts` lists them (one line per font object), by name."""
    listing = subprocess.run([tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return sorted(line.split()[0] for line in listing.splitlines()[2:] if line.strip())


def test_parts_path_equals_single_pass(speed: Path, reference: Path, tmp_path: Path) -> None:
    """Same pages, and the same file as far as its size goes: each font embedded once (the parts'
    subsets merged), the dictionaries in compressed object streams, within 10 % of one pass's bytes."""
    output = tmp_path / "parts.pdf"
    build(speed, output)
    assert_same_for_a_reader(reference, output, tmp_path)
    assert fonts(output) == fonts(reference) and len(set(fonts(output))) == len(fonts(output)), fonts(output)
    size, single = output.stat().st_size, reference.stat().st_size
    assert size <= 1.10 * single, f"parts PDF {size} bytes, one pass {single}"


def test_parts_laid_out_twice_under_a_memory_budget_equal_single_pass(reference: Path, tmp_path: Path) -> None:
    """A worker over its memory budget drops a laid-out part and lays it out again, numbered, at the end.
    The workers are spawned interpreters here (the fallback where fork is unavailable); every other
    parts build in this file forks them from the zygote."""
    project = copy_fixture("speed", tmp_path)  # no cached parts: every part is laid out
    output = tmp_path / "budget.pdf"
    result = run_briefing("--verbose", "build", "--project", project, "-o", output, "--force",
                          env={**PARTS, "BRIEFING_WORKER_MIB": "1", "BRIEFING_WORKER_START": "spawn"})
    assert "; patches: footnote_cache on, margin_boxes_held_back on, stylesheets_remembered on;" in result.stdout
    assert "; workers spawned interpreters" in result.stdout, result.stdout
    assert result.code == 0, result.stderr
    layout = re.search(r"layout: (\d+) parts in \d+ worker processes, (\d+) layouts \((\d+) laid out twice",
                       result.stdout)
    assert layout, result.stdout
    parts, layouts, twice = map(int, layout.groups())
    assert twice == parts and layouts == 2 * parts, result.stdout  # every part dropped, then laid out again
    assert_same_for_a_reader(reference, output, tmp_path)


WARM_EDIT = """
import sys
from pathlib import Path
from briefing.pipeline import BuildRequest
from briefing.live.watch import run_build
project, output = Path(sys.argv[1]), Path(sys.argv[2])
request = BuildRequest(project, output=output)
assert run_build(request, 1, ()).ok
overview = project / "content" / "overview.md"
text = overview.read_text("utf-8")
assert "[@alpha2023" in text
overview.write_text(text.replace("[@alpha2023", "[@gamma2024"), "utf-8")
event = run_build(request, 2, (overview,))
assert event.ok, event
assert " parts in " in event.result.layout and "from the cache: " in event.result.layout, event.result.layout
# a worker keeps the parts it holds out of the cycle collector (gc.freeze); holding none after a
# build, it must have let them go, or a warm process would keep every build's garbage
from briefing.pdf.parts.messages import Returned
from briefing.pdf.parts.pool import shared_pool
pool = shared_pool()
for number, worker in enumerate(pool.workers):
    worker.submit(("call", f"frozen-{number}", "gc:get_freeze_count", (), {}))
    _, reply = pool.next_reply(60)
    assert isinstance(reply, Returned) and reply.value == 0, reply
"""


def test_a_warm_process_after_an_edit_equals_single_pass(tmp_path: Path) -> None:
    """Watch and preview keep converted chapters, parsed YAML and part PDFs between builds. The
    edit moves a source's first citation to the first chapter: every later chapter that cites
    it must now print the short note, although its own text did not change."""
    project = copy_fixture("speed", tmp_path)
    warm = tmp_path / "warm.pdf"
    result = subprocess.run([sys.executable, "-c", WARM_EDIT, str(project), str(warm)], capture_output=True,
                            text=True, env={**os.environ, **PARTS}, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    reference = tmp_path / "single.pdf"
    build(project, reference, SINGLE)
    assert_same_for_a_reader(reference, warm, tmp_path)


WARM_GUESS = """
import re, shutil, sys
from pathlib import Path
from briefing.pipeline import BuildRequest
from briefing.live.watch import run_build
project, scratch = Path(sys.argv[1]), Path(sys.argv[2])
chapters = sorted((project / "content").glob("*.md"))

def rebuild(output, number):
    shutil.rmtree(project / "build" / ".cache" / "parts")  # as after a change to the styles: nothing cached
    event = run_build(BuildRequest(project, output=output), number, tuple(chapters))
    assert event.ok, event
    layout = event.result.layout
    parts, layouts = map(int, re.search(r"(\\d+) parts in \\d+ worker processes, (\\d+) layouts", layout).groups())
    guessed = re.search(r"; (\\d+) parts numbered as the previous build predicted", layout)
    print(parts, layouts, int(guessed.group(1)) if guessed else 0, flush=True)

assert run_build(BuildRequest(project, output=scratch / "first.pdf"), 1, ()).ok
for chapter in chapters:  # a word changed in every chapter: the same page counts
    chapter.write_text(chapter.read_text("utf-8").replace(" the ", " our ", 1), "utf-8")
rebuild(scratch / "held.pdf", 2)
shutil.copytree(project / "content", scratch / "held-content")
mining = project / "content" / "mining.md"  # an early chapter grows by pages: the guess fails after it
extra = "\\n\\n".join(["A long added paragraph about railway corridors and supply chains. " * 12] * 6)
mining.write_text(mining.read_text("utf-8").replace("## Talking points", extra + "\\n\\n## Talking points"), "utf-8")
rebuild(scratch / "failed.pdf", 3)
"""


def test_a_warm_process_numbers_parts_from_the_previous_build_and_checks(tmp_path: Path) -> None:
    """A warm process (watch, preview) with nothing cached lays each part out and writes it in one
    step, numbered from its previous build's page counts, without waiting for the other parts or
    laying the front matter out twice. The guess is checked: when it held, the book is what one
    pass gives; when a chapter grew, the parts after it are numbered again, and the book is still
    what one pass gives."""
    project = copy_fixture("speed", tmp_path / "project")
    scratch = tmp_path / "out"
    scratch.mkdir()
    result = subprocess.run([sys.executable, "-c", WARM_GUESS, str(project), str(scratch)], capture_output=True,
                            text=True, env={**os.environ, **PARTS}, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    held, failed = ([int(n) for n in line.split()] for line in result.stdout.split("\n")[:2])
    parts = held[0]
    assert held == [parts, parts, parts], result.stdout  # one layout per part, every one numbered as guessed
    assert failed[2] < parts and failed[1] > parts, result.stdout  # some numbered again, after a second layout
    final = project / "content"
    shutil.rmtree(final)
    shutil.copytree(scratch / "held-content", final)
    build(project, tmp_path / "held-single.pdf", SINGLE)
    assert_same_for_a_reader(tmp_path / "held-single.pdf", scratch / "held.pdf", tmp_path / "held")
    mining = final / "mining.md"
    extra = "\n\n".join(["A long added paragraph about railway corridors and supply chains. " * 12] * 6)
    mining.write_text(mining.read_text("utf-8").replace("## Talking points", extra + "\n\n## Talking points"),
                      "utf-8")
    build(project, tmp_path / "failed-single.pdf", SINGLE)
    assert len(pages_text(tmp_path / "failed-single.pdf")) > len(pages_text(tmp_path / "held-single.pdf"))
    assert_same_for_a_reader(tmp_path / "failed-single.pdf", scratch / "failed.pdf", tmp_path / "failed")


def test_cached_parts_after_an_edit_equal_single_pass(speed: Path, tmp_path: Path) -> None:
    """One sentence changed: the other chapters come from the cache; the book still matches."""
    project = copy_fixture("speed", tmp_path / "edit")
    build(project, tmp_path / "warm-up.pdf")
    chapter = project / "content" / "digital.md"
    text = chapter.read_text("utf-8")
    chapter.write_text(text.replace("## Talking points", "An added sentence.\n\n## Talking points"), "utf-8")
    cached, single = tmp_path / "cached.pdf", tmp_path / "single.pdf"
    build(project, cached)
    report = json.loads((tmp_path / "cached.pdf.layout.json").read_text("utf-8"))
    assert report["counted_from_cache"] == report["parts"] - 1 and report["layouts"] <= 2, report  # the edited one
    build(project, single, SINGLE)
    assert any("An added sentence." in page for page in pages_text(cached))
    assert_same_for_a_reader(single, cached, tmp_path)


def test_cached_parts_after_a_chapter_grows_a_page_equal_single_pass(speed: Path, tmp_path: Path) -> None:
    """An early chapter grows by pages: every later chapter is renumbered, the contents too."""
    project = copy_fixture("speed", tmp_path / "grow")
    build(project, tmp_path / "warm-up.pdf")
    chapter = project / "content" / "mining.md"
    extra = "\n\n".join(["A long added paragraph about railway corridors and supply chains. " * 12] * 6)
    chapter.write_text(chapter.read_text("utf-8").replace("## Talking points", extra + "\n\n## Talking points"),
                       "utf-8")
    cached, single = tmp_path / "cached.pdf", tmp_path / "single.pdf"
    build(project, cached)
    build(project, single, SINGLE)
    assert len(pages_text(single)) > len(pages_text(tmp_path / "warm-up.pdf"))
    assert_same_for_a_reader(single, cached, tmp_path)


def test_styles_that_depend_on_page_side_fall_back_to_one_pass(tmp_path: Path) -> None:
    """Left/right page rules make a chapter's layout depend on where it starts: one pass is used."""
    from briefing.pdf.parts.split import css_allows_parts

    assert css_allows_parts([".chapter { break-before: page }"])
    assert not css_allows_parts([".chapter { break-before: page } @page :left { margin-left: 3cm }"])
    assert not css_allows_parts([".chapter { break-before: right }"])
    assert not css_allows_parts([".chapter { margin: 0 }"]), "chapters that do not start a page cannot be cut"
    project = copy_fixture("basic", tmp_path)
    (project / "styles").mkdir()
    (project / "styles" / "paper-a4.css").write_text("@page { size: A4 } @page :left { margin-left: 30mm }", "utf-8")
    default, single = tmp_path / "default.pdf", tmp_path / "single.pdf"
    build(project, default, parts=False)
    assert "depend on where it starts" in json.loads((tmp_path / "default.pdf.layout.json").read_text())["reason"]
    build(project, single, SINGLE)
    assert_same_for_a_reader(single, default, tmp_path)


def test_nothing_changed_rebuild_is_skipped_and_any_change_rebuilds(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    first = run_briefing("build", "--project", project)
    assert first.code == 0 and first.stdout.startswith("wrote "), first.stderr
    output = project / "build" / "full.pdf"
    before = output.read_bytes()
    again = run_briefing("build", "--project", project)
    assert again.code == 0 and again.stdout.startswith("up to date: "), again.stdout
    assert output.read_bytes() == before
    chapter = project / "content" / "mining.md"
    chapter.write_text(chapter.read_text("utf-8").replace("We value the partnership", "We value the long partnership"),
                       "utf-8")
    changed = run_briefing("build", "--project", project)
    assert changed.stdout.startswith("wrote "), changed.stdout
    assert any("long partnership" in page for page in pages_text(output))
    output.unlink()
    assert run_briefing("build", "--project", project).stdout.startswith("wrote ")
    assert output.is_file()
    assert run_briefing("build", "--project", project, "--force").stdout.startswith("wrote ")
    other = run_briefing("build", "--project", project, "--edition", "short")
    assert other.stdout.startswith("wrote "), "another edition is another output"


def test_footnote_layout_cache_gives_the_same_bytes(speed: Path) -> None:
    """Laying each note out once per page (footnote_cache) changes nothing in the PDF."""
    from briefing.book.editions import select_edition
    from briefing.book.render_html import RenderOptions, base_url, render_html
    from briefing.pdf.parts.footnote_cache import footnote_layout_cache
    from briefing.pdf.render_pdf import render_pdf
    from briefing.pipeline import prepare
    from briefing.project.source_date import source_date
    from briefing.project.theme import load_theme
    from briefing.safety.policy import sandbox_policy

    project, _ = prepare(speed)
    book = select_edition(project, None)
    theme = load_theme(project)
    html = render_html(book, theme, RenderOptions(build_date=source_date(project))).html

    def render() -> bytes:
        policy = sandbox_policy(project, theme)
        return render_pdf(html, base_url(book), project.root, theme, policy=policy).data

    plain = render()
    with footnote_layout_cache() as stats:
        cached = render()
    assert cached == plain
    assert stats.active and stats.reused > 100, "the cache must be in place and give layouts back"


def test_forked_and_spawned_workers_write_the_same_bytes(tmp_path: Path) -> None:
    """The zygote's warm-up (WeasyPrint imported, the book's stylesheets and fonts loaded before
    the fork) leaves no trace in the output: two projects in different folders, one built with
    forked workers and one with spawned ones, give byte-identical books."""
    forked, spawned = tmp_path / "forked.pdf", tmp_path / "spawned.pdf"
    build(copy_fixture("speed", tmp_path / "a"), forked)
    build(copy_fixture("speed", tmp_path / "b"), spawned, {**PARTS, "BRIEFING_WORKER_START": "spawn"})
    assert forked.read_bytes() == spawned.read_bytes()
