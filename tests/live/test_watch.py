"""Issue 8: `briefing build --watch` rebuilds on change, reports broken input at path:line, keeps the last good PDF."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from conftest import BriefingProcess, copy_fixture, pdf_pages_text


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _line_of(path: Path, prefix: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").split("\n"), start=1) if line.startswith(prefix))


def test_watch_rebuilds_on_edit_and_keeps_the_last_good_pdf_when_input_breaks(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    section = project / "content" / "climate.md"
    pdf = project / "build" / "full.pdf"
    watch = BriefingProcess("build", "--watch", cwd=project)
    try:
        watch.wait_for(r"^wrote build/full\.pdf \(\d+ pages", "stdout")
        watch.wait_for(r"^watching .* for changes", "stdout")
        first = _sha(pdf)
        assert not any("Quetzalcoatlus" in text for text in pdf_pages_text(pdf))

        section.write_text(section.read_text("utf-8") + "\nQuetzalcoatlus flew over the delegation.\n", "utf-8")
        watch.wait_for(r"^wrote build/full\.pdf", "stdout")
        second = _sha(pdf)
        assert second != first
        assert any("Quetzalcoatlus" in text for text in pdf_pages_text(pdf))

        good = section.read_text("utf-8")
        section.write_text(good.replace("sector: climate", "sector: weather"), "utf-8")
        line = _line_of(section, "sector:")
        error = watch.wait_for(r"^content/climate\.md:\d+: ", "stderr")
        assert error.startswith(f"content/climate.md:{line}: unknown sector 'weather'"), error
        assert "weather" in error or "climate" in error  # says what is wrong
        watch.wait_for(r"build failed .* last good output is kept", "stderr")
        assert _sha(pdf) == second  # byte-identical: the broken input never reached the PDF
        assert watch.process.poll() is None  # still watching

        section.write_text(good.replace("Quetzalcoatlus", "Archaeopteryx"), "utf-8")
        watch.wait_for(r"^wrote build/full\.pdf", "stdout")
        texts = pdf_pages_text(pdf)
        assert any("Archaeopteryx" in text for text in texts)
        assert not any("Quetzalcoatlus" in text for text in texts)

        assert watch.interrupt() == 0
        watch.wait_for(r"^stopped watching", "stdout")
        assert not any("Traceback" in line for _, line in watch.seen)
    finally:
        watch.stop()


def test_watch_project_api_rebuilds_after_a_change_and_stops_on_the_event(tmp_path: Path) -> None:
    """The function the benchmark calls: builds now, again per change, never for its own output; stops on request."""
    from briefing.live.watch import BuildEvent, watch_project
    from briefing.pipeline import BuildRequest

    project = copy_fixture("basic", tmp_path)
    events: list[BuildEvent] = []
    arrived = threading.Semaphore(0)
    ready, stop = threading.Event(), threading.Event()
    request = BuildRequest(project, format="html")  # the same loop without layout: quick
    returned: list[int] = []

    def on_build(event: BuildEvent) -> None:
        events.append(event)
        arrived.release()

    thread = threading.Thread(target=lambda: returned.append(
        watch_project(request, on_build=on_build, stop_event=stop, on_ready=ready.set)), daemon=True)
    thread.start()
    try:
        assert ready.wait(120) and arrived.acquire(timeout=1)
        assert events[0].ok and events[0].number == 1 and events[0].changed == ()
        html = project / "build" / "full.html"
        assert html.is_file()
        (project / "build" / "notes.txt").write_text("written into the output folder", "utf-8")
        mining = project / "content" / "mining.md"
        mining.write_text(mining.read_text("utf-8").replace("Mining Chapter", "Mining Chapter Renamed"), "utf-8")
        assert arrived.acquire(timeout=120)
        assert "Mining Chapter Renamed" in html.read_text("utf-8")
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not thread.is_alive()
    assert returned == [len(events)]
    assert [e.number for e in events] == list(range(1, len(events) + 1))
    assert all(e.ok for e in events)
    later = [path for event in events[1:] for path in event.changed]
    assert mining.resolve() in later
    assert all(path.parent == (project / "content").resolve() for path in later), later  # never build/


@pytest.mark.parametrize(("relative", "expected"), [
    ("briefing.yaml", True),
    ("content/mining.md", True),
    ("content/references.yaml", True),
    ("content/editions.yaml", True),
    ("content/data/trade.yaml", True),
    ("templates/cover.html.j2", True),
    ("styles/book.css", True),
    ("build/full.pdf", False),
    ("build/.full.pdf.x1y2.part", False),
    ("dist/book.pdf", False),
    ("content/.mining.md.swp", False),
    ("content/mining.md~", False),
    ("content/4913", False),
    (".git/index", False),
    ("README.md", False),
    ("notes/todo.md", False),
    ("out/book.pdf", False),
])
def test_watch_scope_watches_inputs_and_ignores_outputs(tmp_path: Path, relative: str, expected: bool) -> None:
    from briefing.live.watch import WatchScope
    from briefing.pipeline import BuildRequest

    project = copy_fixture("basic", tmp_path)
    scope = WatchScope(BuildRequest(project, output=project / "out" / "book.pdf"))
    assert scope.is_input(project.resolve() / relative) is expected


def test_watch_scope_follows_the_folders_named_in_briefing_yaml(tmp_path: Path) -> None:
    from briefing.live.watch import WatchScope
    from briefing.pipeline import BuildRequest

    project = copy_fixture("basic", tmp_path)
    config = project / "briefing.yaml"
    config.write_text(config.read_text("utf-8") + "content: text\nstyles: design/css\n", "utf-8")
    scope = WatchScope(BuildRequest(project))
    root = project.resolve()
    assert scope.is_input(root / "text" / "mining.md")
    assert scope.is_input(root / "design" / "css" / "book.css")
    assert not scope.is_input(root / "content" / "mining.md")
