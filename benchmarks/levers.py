"""Measure single levers in one process (CPU seconds, median of N): `python benchmarks/levers.py [PROJECT] [N]`.

- HarfBuzz's subsetter (Debian's libharfbuzz-subset0) against fontTools' for `write_pdf`;
- the footnote layout cache (briefing/pdf/parts/footnote_cache.py) on a single WeasyPrint pass;
- one FontConfiguration for every render against a new one per render (memory after N renders);
- what `briefing --help`, `list` and `check` import (`python -X importtime`).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def cpu(function: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        function()  # type: ignore[operator]
        times.append(time.process_time() - started)
    return statistics.median(times)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    project_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    import weasyprint.pdf.fonts as pdf_fonts
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from briefing.book.editions import select_edition
    from briefing.book.render_html import RenderOptions, base_url, render_html
    from briefing.pdf.parts.footnote_cache import footnote_layout_cache
    from briefing.pdf.render_pdf import font_configuration
    from briefing.pipeline import prepare
    from briefing.project.source_date import source_date
    from briefing.project.theme import load_theme
    from briefing.safety.fetch import make_fetcher
    from briefing.safety.policy import sandbox_policy

    project, _ = prepare(project_dir)
    book = select_edition(project, None)
    theme = load_theme(project)
    html = render_html(book, theme, RenderOptions(build_date=source_date(project))).html

    def document(font_config: object = None, cached: bool = False) -> object:
        policy = sandbox_policy(project, theme)
        source = HTML(string=html, base_url=base_url(book), url_fetcher=make_fetcher(policy))
        if cached:
            with footnote_layout_cache():
                return source.render(font_config=font_config or font_configuration(), presentational_hints=False)
        return source.render(font_config=font_config or font_configuration(), presentational_hints=False)

    rendered = document()
    print(f"project: {project_dir} ({len(rendered.pages)} pages), median of {runs}, CPU seconds")  # type: ignore[attr-defined]
    harfbuzz = cpu(lambda: rendered.write_pdf(), runs)  # type: ignore[attr-defined]
    saved, pdf_fonts.harfbuzz_subset = pdf_fonts.harfbuzz_subset, None
    fonttools = cpu(lambda: rendered.write_pdf(), runs)  # type: ignore[attr-defined]
    pdf_fonts.harfbuzz_subset = saved
    print(f"write_pdf with HarfBuzz's subsetter: {harfbuzz:.2f} s; with fontTools': {fonttools:.2f} s "
          f"({fonttools / harfbuzz:.2f}×)" if saved else "HarfBuzz's subsetter is not available here")
    plain = cpu(lambda: document(), runs)
    cached = cpu(lambda: document(cached=True), runs)
    print(f"layout, one pass: {plain:.2f} s; with the footnote layout cache: {cached:.2f} s ({cached / plain:.2f}×)")
    start = rss_mib()
    for _ in range(runs):
        document()
    shared = rss_mib() - start
    start = rss_mib()
    for _ in range(runs):
        document(FontConfiguration())
    fresh = rss_mib() - start
    print(f"memory growth over {runs} renders: one FontConfiguration {shared:+.0f} MiB; "
          f"a new one per render {fresh:+.0f} MiB")
    for args in (("--help",), ("list", "--project", str(project_dir)), ("check", "--project", str(project_dir))):
        result = subprocess.run([sys.executable, "-X", "importtime", "-m", "briefing", *args], capture_output=True,
                                text=True)
        rows = [line.split("|") for line in result.stderr.splitlines()
                if line.startswith("import time:") and line.split("|")[1].strip().isdigit()]
        total = sum(int(r[0].split(":")[1]) for r in rows) / 1e6  # self times, in microseconds
        heavy = sorted(((int(r[1]), r[2].strip()) for r in rows), reverse=True)[:1]
        print(f"briefing {args[0]}: {total:.2f} s of imports; weasyprint imported: "
              f"{any(r[2].strip() == 'weasyprint' for r in rows)}; largest: {heavy}")


if __name__ == "__main__":
    main()
