"""Where a cold build's CPU goes: every part of the default edition laid out and finished in this
one process, as the workers do, phase by phase, then under cProfile.

    python benchmarks/profile_parts.py [--rounds 3] [--top 25] [--project DIR]

Prints the CPU seconds (median of the rounds) of the two phases a worker runs, `layout_part`
(boxes, pagination, page-foot notes) and `finish_part` (margin boxes, drawing, `write_pdf`),
with the margin boxes and `write_pdf` inside the second; then the functions with the largest
cumulative time in one profiled round. Not part of the tests; quoted in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--project", type=Path, default=REPO)
    args = parser.parse_args()

    from briefing.pdf.reproducible import isolate_fonts

    isolate_fonts()
    import weasyprint.document as document
    import weasyprint.layout as layout

    import briefing.pdf.parts.layout as part_layout
    from briefing.book.editions import select_edition
    from briefing.book.render_html import RenderOptions, base_url, render_html
    from briefing.pdf.parts.split import split_book
    from briefing.pdf.render_pdf import font_configuration
    from briefing.pipeline import prepare
    from briefing.project.source_date import source_date
    from briefing.project.theme import load_theme
    from briefing.safety.policy import sandbox_policy

    project, _ = prepare(args.project)
    book = select_edition(project, None, (), ())
    theme = load_theme(project)
    html = render_html(book, theme, RenderOptions(build_date=source_date(project))).html
    split = split_book(html)
    if split is None:
        sys.exit("this book cannot be cut into parts")
    policy = sandbox_policy(project, theme)
    fonts = font_configuration()

    spent = {"margin boxes": 0.0, "write_pdf": 0.0}

    def timed(name: str, function: Any) -> Any:
        def wrapper(*a: Any, **k: Any) -> Any:
            started = time.process_time()
            try:
                result = function(*a, **k)
                return tuple(result) if name == "margin boxes" else result
            finally:
                spent[name] += time.process_time() - started
        return wrapper

    layout.make_margin_boxes = timed("margin boxes", layout.make_margin_boxes)  # finish_part imports it late
    document.Document.write_pdf = timed("write_pdf", document.Document.write_pdf)

    def one_round() -> tuple[float, float]:
        started = time.process_time()
        laid = [part_layout.layout_part(p.html, base_url(book), policy, fonts, p.footnote_start, p.footnotes)
                for p in split.parts]
        middle = time.process_time()
        total, offset = sum(p.pages for p in laid), 0
        for part in laid:
            part_layout.finish_part(part, offset, total, {})
            offset += part.pages
        return middle - started, time.process_time() - middle

    one_round()  # warm-up: first-use costs (font loading, stylesheet parsing) a worker pays once
    rows: dict[str, list[float]] = {"layout_part": [], "finish_part": [], "margin boxes": [], "write_pdf": []}
    for _ in range(args.rounds):
        spent.update({"margin boxes": 0.0, "write_pdf": 0.0})
        laid_out, finished = one_round()
        rows["layout_part"].append(laid_out)
        rows["finish_part"].append(finished)
        rows["margin boxes"].append(spent["margin boxes"])
        rows["write_pdf"].append(spent["write_pdf"])
    whole = statistics.median(a + b for a, b in zip(rows["layout_part"], rows["finish_part"], strict=True))
    print(f"{len(split.parts)} parts, CPU seconds, median of {args.rounds} rounds (after one warm-up round):")
    for name, values in rows.items():
        indent = "  " if name in ("margin boxes", "write_pdf") else ""
        median = statistics.median(values)
        print(f"  {indent}{name:<16} {median:6.2f} s  {100 * median / whole:4.0f} %")
    print(f"  {'all':<16} {whole:6.2f} s")

    profiler = cProfile.Profile()
    profiler.enable()
    one_round()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
