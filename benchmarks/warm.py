"""The edit loop in a warm process: one sentence changed in one chapter, time until the new PDF is written.

Run by `benchmarks/run.py` as `python benchmarks/warm.py PROJECT OUTPUT RUNS`; prints one JSON
line: the seconds of each timed rebuild (`seconds`), and of each full rebuild (`full`: every
chapter's first sentence changed and the part cache emptied, as when an author changes the
styles or the references in a running `preview`; the workers and WeasyPrint stay warm). The process builds once first (imports, worker
processes, caches), exactly as `briefing build --watch` and `briefing preview` do through
`briefing.live.watch.run_build`, and rebuilds once after an untimed edit; each timed rebuild then
follows an edit of one sentence to a text not built before. The
watch's own debounce (the wait for an editor to finish saving) is not included.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import time
from pathlib import Path


def pick_chapter(content: Path) -> Path:
    """A sector chapter from the middle of the book (not the first, not the last)."""
    sector = re.compile(r"^sector:\s*(?!context)\w", re.M)
    chapters = sorted(p for p in content.glob("*.md") if sector.search(p.read_text("utf-8")))
    chapters = chapters or sorted(content.glob("*.md"))
    return chapters[len(chapters) // 2]


def edit_sentence(path: Path, number: int) -> None:
    """Change the first sentence of the first body paragraph to a text never built before.

    Each edit says `Notably (N), ...` with its own N: an edit that only toggled a word back and
    forth would, from the third edit on, find the chapter laid out in the part cache already.
    """
    text = path.read_text("utf-8")
    head, _, body = text.partition("\n---\n")
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z]", line):
            original = re.sub(r"^Notably \(\d+\), ", "", line)
            if original != line:
                original = original[:1].upper() + original[1:]
            lines[index] = f"Notably ({number}), " + original[:1].lower() + original[1:]
            break
    path.write_text(head + "\n---\n" + "\n".join(lines), "utf-8")


def main() -> None:
    project, output, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    from briefing.live.watch import run_build
    from briefing.pipeline import BuildRequest

    request = BuildRequest(project, output=output)
    first = run_build(request, 1, ())
    if not first.ok:
        raise SystemExit(f"warm-up build failed: {first.problems or first.error}")
    chapter = pick_chapter(project / "content")
    # One untimed edit first: the workers have finished starting and have laid a part out, as
    # they have by the time an author saves a change in `briefing build --watch`.
    edit_sentence(chapter, 0)
    if not run_build(request, 2, (chapter,)).ok:
        raise SystemExit("warm-up edit failed")
    seconds = []
    for number in range(1, runs + 1):
        edit_sentence(chapter, number)
        before = output.stat().st_mtime_ns
        started = time.perf_counter()
        event = run_build(request, number + 2, (chapter,))
        elapsed = time.perf_counter() - started
        if not event.ok or output.stat().st_mtime_ns == before:
            raise SystemExit(f"rebuild failed: {event.problems or event.error}")
        seconds.append(elapsed)
    full = []
    chapters = sorted((project / "content").glob("*.md"))
    for number in range(runs + 1, 2 * runs + 1):
        for each in chapters:
            edit_sentence(each, number)
        shutil.rmtree(project / "build" / ".cache" / "parts", ignore_errors=True)
        started = time.perf_counter()
        event = run_build(request, number + 2, tuple(chapters))
        elapsed = time.perf_counter() - started
        if not event.ok:
            raise SystemExit(f"full rebuild failed: {event.problems or event.error}")
        full.append(elapsed)
    print(json.dumps({"seconds": seconds, "chapter": chapter.name, "full": full}))


if __name__ == "__main__":
    main()
