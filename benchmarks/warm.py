"""The edit loop in a warm process: one sentence changed in one chapter, time until the new PDF is written.

Run by `benchmarks/run.py` as `python benchmarks/warm.py PROJECT OUTPUT RUNS`; prints one JSON
line: the seconds of each timed rebuild. The process builds once first (imports, worker
processes, caches), exactly as `briefing build --watch` and `briefing preview` do through
`briefing.watch.run_build`; each timed rebuild then follows an edit of one sentence. The
watch's own debounce (the wait for an editor to finish saving) is not included.
"""

from __future__ import annotations

import json
import re
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
    """Change the first sentence of the first body paragraph (alternately add and remove a word)."""
    text = path.read_text("utf-8")
    head, _, body = text.partition("\n---\n")
    lines = body.split("\n")
    for index, line in enumerate(lines):
        if re.match(r"^[A-Z]", line):
            if line.startswith("Notably, "):
                lines[index] = line[len("Notably, "):]
                lines[index] = lines[index][:1].upper() + lines[index][1:]
            else:
                lines[index] = "Notably, " + line[:1].lower() + line[1:]
            break
    path.write_text(head + "\n---\n" + "\n".join(lines), "utf-8")


def main() -> None:
    project, output, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    from briefing.pipeline import BuildRequest
    from briefing.watch import run_build

    request = BuildRequest(project, output=output)
    first = run_build(request, 1, ())
    if not first.ok:
        raise SystemExit(f"warm-up build failed: {first.problems or first.error}")
    chapter = pick_chapter(project / "content")
    seconds = []
    for number in range(runs):
        edit_sentence(chapter, number)
        before = output.stat().st_mtime_ns
        started = time.perf_counter()
        event = run_build(request, number + 2, (chapter,))
        elapsed = time.perf_counter() - started
        if not event.ok or output.stat().st_mtime_ns == before:
            raise SystemExit(f"rebuild failed: {event.problems or event.error}")
        seconds.append(elapsed)
    print(json.dumps({"seconds": seconds, "chapter": chapter.name}))


if __name__ == "__main__":
    main()
