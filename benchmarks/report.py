"""Print the benchmark table and write BENCHMARKS.md: machine, versions, measurements, targets."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

from measure import Series

ROWS = [
    ("cold", "1. cold `briefing build` (fresh process, empty part cache)"),
    ("single", "   the same, one WeasyPrint pass (`BRIEFING_RENDER=single`)"),
    ("cold_spawn", "   the same with spawned workers (`BRIEFING_WORKER_START=spawn`, lever 1 undone)"),
    ("pandoc", "2. Pandoc route (`pandoc --citeproc --pdf-engine=weasyprint`, same CSS)"),
    ("floor", "3. WeasyPrint alone on briefing's HTML (`weasyprint` CLI)"),
    ("unchanged", "4. rebuild, nothing changed"),
    ("python", "   for scale: `python -c pass`"),
    ("edit", "5. edit loop, warm process, one sentence changed"),
    ("warm_full", "   full rebuild in a warm process (every chapter changed, part cache emptied)"),
    ("release_one", "6. `briefing release`, one edition"),
    ("release_all", "   `briefing release`, all editions"),
    ("help", "7. `briefing --help`"),
    ("list_first", "   `briefing list`, first run after a section is edited"),
    ("list", "   `briefing list`, repeated (answered from the record)"),
    ("check_first", "   `briefing check`, first run after a section is edited"),
    ("check", "   `briefing check`, repeated (answered from the record)"),
    ("scale_30", "8. synthetic book, ~30 pages (cold)"),
    ("scale_100", "   synthetic book, ~100 pages (cold)"),
    ("scale_300", "   synthetic book, ~300 pages (cold)"),
    ("scale_300_single", "   the same, one WeasyPrint pass (`BRIEFING_RENDER=single`)"),
]


def _machine() -> list[str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        total = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
        memory = f"{int(total.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    return [f"- CPU: {cpu}, {os.cpu_count()} cores (nproc {len(os.sched_getaffinity(0))})", f"- memory: {memory}",
            f"- system: {platform.platform()}"]


def _versions() -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    where = sys.prefix + (", a virtual environment" if sys.prefix != sys.base_prefix else "")
    found = [f"Python {platform.python_version()} ({where})"]
    for name in ("briefing", "weasyprint", "pydyf", "pypdf", "fonttools", "pypandoc-binary"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            continue
    try:
        from pandoc_route import pandoc_binary

        binary = pandoc_binary()
        if binary:
            found.append(subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.splitlines()[0])
    except (OSError, IndexError):
        pass
    probe = ("from weasyprint.text.ffi import ffi, harfbuzz_subset, pango; "
             "print('font subsetting by', 'HarfBuzz (libharfbuzz-subset)' if harfbuzz_subset else 'fontTools', "
             "'; Pango', '.'.join(str(pango.pango_version() // 10**k % 100) for k in (4, 2, 0)))")
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        found.append(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
                     .stdout.strip())
    return found


def _fmt(value: float) -> str:
    return "–" if value != value else (f"{value:.3f}" if value < 10 else f"{value:.1f}")


def _ratio(results: dict[str, Series], top: str, bottom: str) -> float:
    if top not in results or bottom not in results:
        return float("nan")
    return results[top].median / results[bottom].median


ISSUE_18_ONE_PASS_300 = 73.0
"""The 300-page synthetic book in one WeasyPrint pass when issue 18 was filed (seconds)."""


def _targets(results: dict[str, Series], facts: dict[str, object]) -> list[tuple[str, str, str, bool | None]]:
    """(target, measured, limit, met): issue 18's acceptance list first, then issue 7's other targets."""
    rows: list[tuple[str, str, str, bool | None]] = []

    def add(name: str, value: float, limit: float, unit: str = "×") -> None:
        met = None if value != value else value <= limit
        shown = "–" if value != value else (f"{value:.2f}{unit}" if unit == "×" else f"{value:.3f} s")
        rows.append((name, shown, f"≤ {limit}{unit if unit == '×' else ' s'}", met))

    add("(18) cold build / Pandoc route (2 cores)", _ratio(results, "cold", "pandoc"), 1.0)
    add("(18) full rebuild in a warm process / Pandoc route", _ratio(results, "warm_full", "pandoc"), 0.8)
    add("(18) warm edit of one sentence", results["edit"].median if "edit" in results else float("nan"), 0.5, "s")
    sizes = facts.get("parts_bytes"), facts.get("single_bytes")
    if all(isinstance(size, int) and size for size in sizes):
        add(f"(18) parts PDF / one-pass PDF ({sizes[0]:,} / {sizes[1]:,} bytes)",
            int(sizes[0]) / int(sizes[1]), 1.1)  # type: ignore[arg-type]
    if "scale_300" in results:
        add(f"(18) 300-page book / {ISSUE_18_ONE_PASS_300:.0f} s", results["scale_300"].median / ISSUE_18_ONE_PASS_300,
            0.5)
        if "scale_300_single" in results:
            rows.append(("(18) 300-page book / one pass in this run (for the machine's speed today)",
                         f"{_ratio(results, 'scale_300', 'scale_300_single'):.2f}×", "(≤ 0.5×)", None))
        peak = results["scale_300"].peak_tree_mib
        rows.append(("(18) 300-page peak memory (all processes, PSS)", f"{peak:.0f} MiB", "≤ 600 MiB", peak <= 600))
    add("(18) nothing-changed rebuild", results["unchanged"].median if "unchanged" in results else float("nan"),
        0.1, "s")
    add("edit loop / cold build", _ratio(results, "edit", "cold"), 0.25)
    editions = facts.get("editions", 0)
    add(f"all {editions} editions / one edition (release)", _ratio(results, "release_all", "release_one"), 3.0)
    for name in ("help", "list", "check", "list_first", "check_first"):
        label = "--help" if name == "help" else name.replace("_first", "` (after an edit")
        add(f"`briefing {label}{')' if name.endswith('_first') else '`'}",
            results[name].median if name in results else float("nan"), 0.2, "s")
    if "scale_30" in results and "scale_300" in results:
        per_page = {size: results[f"scale_{size}"].median / max(1, int(facts.get(f"scale_{size}_pages", 0) or 1))
                    for size in (30, 300)}
        add("300-page s/page / 30-page s/page", per_page[300] / per_page[30], 1.25)
    return rows


def write_report(path: Path, results: dict[str, Series], facts: dict[str, object], runs: int) -> None:
    """Print the table and write the report to `path` (the hand-written analysis below the marker is kept)."""
    table = ["| measurement | median s | min s | max s | peak MiB (largest process / all) | note |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for key, label in ROWS:
        if key not in results:
            continue
        series = results[key]
        memory = f"{series.peak_process_mib:.0f} / {series.peak_tree_mib:.0f}" if series.peak_tree_mib else ""
        table.append(f"| {label} | {_fmt(series.median)} | {_fmt(series.low)} | {_fmt(series.high)} | {memory} | "
                     f"{series.note} |")
    targets = ["| target (issue 18, then issue 7) | measured | limit | met |", "| --- | ---: | ---: | :---: |"]
    targets += [f"| {name} | {value} | {limit} | {'yes' if met else ('–' if met is None else '**no**')} |"
                for name, value, limit, met in _targets(results, facts)]
    print("\n".join([*table, "", *targets]))
    marker = "<!-- analysis: written by hand below this line; benchmarks/run.py keeps it -->"
    analysis = ""
    if path.is_file() and marker in path.read_text("utf-8"):
        analysis = path.read_text("utf-8").split(marker, 1)[1]
    lines = [
        "# Benchmarks",
        "",
        f"Written by `python benchmarks/run.py` on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC "
        f"({runs} runs per measurement; median, min, max; wall-clock seconds, fresh processes).",
        "",
        f"Project: {facts.get('project')}, {facts.get('pages')} pages in the default edition.",
        "",
        "## Machine",
        "",
        *_machine(),
        f"- load average (1, 5, 15 min) before: {facts.get('load_before')}; after: {facts.get('load_after')}",
        "",
        "## Versions",
        "",
        *[f"- {v}" for v in _versions() if v],
        "",
        "## Measurements",
        "",
        *table,
        "",
        "## Targets",
        "",
        *targets,
        "",
        marker,
    ]
    path.write_text("\n".join(lines) + (analysis if analysis else "\n"), "utf-8")
