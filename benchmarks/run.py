"""Benchmark harness for issues 7 and 18: `python benchmarks/run.py` (needs `pip install -e '.[bench]'`).

Measures, side by side in one run (median, min and max of several runs, fresh processes):

 1. cold `briefing build` of the default edition (part cache emptied before each run);
 2. the same content through `pandoc --citeproc --pdf-engine=weasyprint` with the same CSS;
 3. WeasyPrint alone on the HTML briefing produced (`weasyprint` CLI): the floor of one pass;
 4. a rebuild with nothing changed;
 5. the edit loop: a warm process, one sentence changed in one chapter (benchmarks/warm.py), and a
    full rebuild in the warm process (every chapter changed, part cache emptied);
 6. `briefing release` of every edition against one edition;
 7. `briefing --help`, `briefing list`, `briefing check`;
 8. synthetic books of about 30, 100 and 300 pages: seconds per page, peak memory;
 plus the single-pass build (`BRIEFING_RENDER=single`), the reference the parts path replaces.

It prints a table and writes BENCHMARKS.md (machine, load, versions, ratios against the
targets). The project is the repository's default project when its content is there,
otherwise a synthetic one of about 25 pages (benchmarks/synthetic.py); it is copied to a
temporary folder first, so the repository is never touched. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from measure import Sample, Series, load_average, repeat, run_command  # noqa: E402
from report import write_report  # noqa: E402
from synthetic import REPO, default_content_present, make_project  # noqa: E402

PY = sys.executable


def briefing(*args: str | Path) -> list[str | Path]:
    return [PY, "-m", "briefing", *args]


def copy_project(destination: Path, pages: int) -> tuple[Path, str]:
    """The project to measure, in a private folder, and a line saying what it is."""
    if default_content_present():
        target = destination / "project"
        target.mkdir(parents=True)
        shutil.copy2(REPO / "briefing.yaml", target / "briefing.yaml")
        shutil.copytree(REPO / "content", target / "content")
        return target, "the repository's default project (briefing.yaml and content/)"
    make_project(destination / "project", pages)
    return destination / "project", f"a synthetic project of about {pages} pages (benchmarks/synthetic.py)"


def pages_of(sample: Sample) -> int:
    found = re.search(r"\((\d+) pages", sample.output)
    return int(found.group(1)) if found else 0


def edit_a_section(project: Path) -> None:
    """Change one section as an author would (a blank line added or taken away at its end)."""
    sections = sorted((project / "content").glob("*.md"))
    if not sections:
        return
    text = sections[-1].read_text("utf-8")
    sections[-1].write_text(text[:-1] if text.endswith("\n\n") else text + "\n", "utf-8")


def clear_cache(project: Path) -> None:
    shutil.rmtree(project / "build" / ".cache", ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (median, min, max)")
    parser.add_argument("--scale-runs", type=int, default=1, help="runs per synthetic book size")
    parser.add_argument("--sizes", default="30,100,300", help="synthetic book sizes in pages")
    parser.add_argument("--pages", type=int, default=25, help="size of the synthetic project when there is no content")
    parser.add_argument("--output", type=Path, default=REPO / "BENCHMARKS.md", help="report to write")
    parser.add_argument("--skip", default="", help="comma-separated measurements to skip (pandoc,release,scale,...)")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    load_before = load_average()
    results: dict[str, Series] = {}
    facts: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="briefing-bench-") as scratch_name:
        scratch = Path(scratch_name)
        project, described = copy_project(scratch, args.pages)
        facts["project"] = described
        out = scratch / "out"
        out.mkdir()
        pdf = out / "book.pdf"
        runs = args.runs

        print("cold build", file=sys.stderr)
        results["cold"] = repeat("cold build", runs, lambda: run_command(
            briefing("build", "--project", project, "-o", pdf, "--force")), before=lambda: clear_cache(project))
        facts["pages"] = pages_of(results["cold"].samples[0])
        results["single"] = repeat("single pass", runs, lambda: run_command(
            briefing("build", "--project", project, "-o", out / "single.pdf", "--force"),
            env={"BRIEFING_RENDER": "single"}))
        results["cold_spawn"] = repeat("cold build, spawned workers", runs, lambda: run_command(
            briefing("build", "--project", project, "-o", out / "spawned.pdf", "--force"),
            env={"BRIEFING_WORKER_START": "spawn", "BRIEFING_RENDER": "parts"}), before=lambda: clear_cache(project))
        run_command(briefing("build", "--project", project, "-o", out / "parts.pdf", "--force"),
                    env={"BRIEFING_RENDER": "parts"})  # untimed: the parts path's file, for its size
        facts["parts_bytes"], facts["single_bytes"] = (out / "parts.pdf").stat().st_size, \
            (out / "single.pdf").stat().st_size

        if "pandoc" not in skip:
            from pandoc_route import prepare

            command, env = prepare(project, scratch / "pandoc", out / "pandoc.pdf")
            results["pandoc"] = repeat("pandoc route", runs, lambda: run_command(command, env=env))
        html = out / "book.html"
        run_command(briefing("build", "--project", project, "--format", "html", "-o", html, "--force"))
        styles = REPO / "styles"
        results["floor"] = repeat("weasyprint alone", runs, lambda: run_command(
            [PY, "-m", "weasyprint", "-u", styles.as_uri() + "/", html, out / "floor.pdf"]))

        run_command(briefing("build", "--project", project, "-o", pdf))
        results["unchanged"] = repeat("nothing changed", runs, lambda: run_command(
            briefing("build", "--project", project, "-o", pdf)))
        facts["unchanged_output"] = results["unchanged"].samples[-1].output.strip()
        results["python"] = repeat("python -c pass", runs, lambda: run_command([PY, "-c", "pass"]))

        warm = run_command([PY, str(HERE / "warm.py"), project, out / "warm.pdf", str(runs)])
        detail = json.loads(warm.output.strip().splitlines()[-1])
        results["edit"] = Series("edit loop", [Sample(s) for s in detail["seconds"]],
                                 note=f"one sentence of content/{detail['chapter']}")
        results["warm_full"] = Series("warm full rebuild", [Sample(s) for s in detail["full"]],
                                      note="benchmarks/warm.py")

        if "release" not in skip:
            editions = _editions(project)
            facts["editions"] = len(editions)
            if editions:
                results["release_one"] = repeat("release, one edition", runs, lambda: run_command(
                    briefing("release", "--project", project, "-o", out / "dist-one", "-e", editions[0])),
                    before=lambda: (shutil.rmtree(out / "dist-one", ignore_errors=True), clear_cache(project)))
                results["release_all"] = repeat("release, all editions", runs, lambda: run_command(
                    briefing("release", "--project", project, "-o", out / "dist-all")),
                    before=lambda: (shutil.rmtree(out / "dist-all", ignore_errors=True), clear_cache(project)))

        for name, args_ in (("help", ("--help",)), ("list", ("list", "--project", project)),
                            ("check", ("check", "--project", project))):
            if name != "help":  # the first run after an author's edit: the record no longer answers
                results[f"{name}_first"] = repeat(f"briefing {args_[0]}, first", runs, lambda a=args_: run_command(
                    briefing(*a), check=False), before=lambda: edit_a_section(project))
                run_command(briefing(*args_), check=False)
            results[name] = repeat(f"briefing {args_[0]}", runs, lambda a=args_: run_command(briefing(*a), check=False))

        if "scale" not in skip:
            for size in [int(s) for s in args.sizes.split(",") if s]:
                book = make_project(scratch / f"scale-{size}", size)
                series = repeat(f"{size}-page book", args.scale_runs, lambda b=book: run_command(
                    briefing("build", "--project", b, "-o", out / "scale.pdf", "--force")),
                    before=lambda b=book: clear_cache(b))
                series.note = f"{pages_of(series.samples[0])} pages"
                results[f"scale_{size}"] = series
                facts[f"scale_{size}_pages"] = pages_of(series.samples[0])
                if size == 300 and "scale_single" not in skip:  # the reference, measured on today's machine
                    results["scale_300_single"] = repeat("300-page book, one pass", args.scale_runs,
                                                         lambda b=book: run_command(
                        briefing("build", "--project", b, "-o", out / "scale-single.pdf", "--force"),
                        env={"BRIEFING_RENDER": "single"}), before=lambda b=book: clear_cache(b))
    facts["load_before"], facts["load_after"] = load_before, load_average()
    write_report(args.output, results, facts, runs)


def _editions(project: Path) -> list[str]:
    import yaml

    path = project / "content" / "editions.yaml"
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    return list((data.get("editions") or {}).keys())


if __name__ == "__main__":
    os.environ.pop("BRIEFING_RENDER", None)
    main()
