"""The citation step alone (`cite_book`: one Pandoc citeproc run for the whole book), cold and cached.

Books: the repository's default edition, and a 300-page synthetic book (`synthetic.make_project`).
Cold: the cache folder emptied before each run; cached: the entry written by the cold run reused.
Run once: `python benchmarks/citations.py`; prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
REPO = Path(__file__).resolve().parent.parent
RUNS = 3


def measure(project_dir: Path) -> tuple[int, int, list[float], list[float]]:
    from briefing.book.cite_book import cite_book
    from briefing.book.editions import select_edition
    from briefing.pipeline import prepare

    project, _ = prepare(project_dir)
    book = select_edition(project)
    cache = project_dir / "build" / ".cache" / "citeproc"
    cold, cached = [], []
    result = None
    for _ in range(RUNS):
        shutil.rmtree(cache, ignore_errors=True)
        started = time.perf_counter()
        result = cite_book(book)
        cold.append(time.perf_counter() - started)
        started = time.perf_counter()
        cite_book(book)
        cached.append(time.perf_counter() - started)
    assert result is not None
    return len(book.chapters), len(result.citations), cold, cached


def main() -> None:
    from synthetic import make_project

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        default = Path(folder) / "default"
        default.mkdir()
        shutil.copy(REPO / "briefing.yaml", default)
        shutil.copytree(REPO / "content", default / "content")
        big = make_project(Path(folder) / "big", 300)
        for name, project in (("default book (35 pages)", default), ("synthetic book (~300 pages)", big)):
            chapters, citations, cold, cached = measure(project)
            rows.append(f"| {name} | {chapters} | {citations} | {statistics.median(cold):.3f} "
                        f"({min(cold):.3f}–{max(cold):.3f}) | {statistics.median(cached):.3f} "
                        f"({min(cached):.3f}–{max(cached):.3f}) |")
    print("| book | chapters | citations | cold s, median (min–max) | cached s, median (min–max) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
