"""`briefing build`."""

from __future__ import annotations

from pathlib import Path

import click

from briefing.cli.commands.options import project_option, resolve_project


@click.command()
@project_option
@click.option("-e", "--edition", metavar="NAME", help="Edition from editions.yaml (default: the project's default edition).")
@click.option("-s", "--section", "sections", multiple=True, metavar="ID",
              help="Build only this section; repeat for more, in the order given.")
@click.option("-x", "--exclude", multiple=True, metavar="ID", help="Leave this section out; repeat for more.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write (default: build/<edition>.pdf in the project).")
@click.option("--format", "output_format", type=click.Choice(["pdf", "html"]), default="pdf", show_default=True,
              help="pdf, or html for one self-contained HTML file.")
@click.option("--draft", is_flag=True, help="Print a DRAFT watermark on every page.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), help="Paper size, overriding the edition and the project.")
@click.option("--force", is_flag=True, help="Build even when no input changed since the last build of this output.")
@click.option("-w", "--watch", is_flag=True,
              help="Keep running: rebuild whenever a section, the references, editions, templates, styles or "
                   "briefing.yaml change; problems are printed and the last good output is kept. Ctrl-C stops.")
def build(project_dir: Path | None, edition: str | None, sections: tuple[str, ...], exclude: tuple[str, ...],
          output: Path | None, output_format: str, draft: bool, paper: str | None, force: bool = False,
          watch: bool = False) -> None:
    """Build one edition of the briefing book.

    Writes build/<edition>.pdf and prints where it wrote, the page count and the time taken.
    """
    if watch:
        from briefing.cli.commands.watch import watch_and_report
        from briefing.pipeline import BuildRequest

        return watch_and_report(BuildRequest(resolve_project(project_dir), edition, sections, exclude, output,
                                             output_format, draft, paper))  # type: ignore[arg-type]
    from briefing.cache.stamp import BuildStamp
    from briefing.cli import console
    from briefing.errors import display_path

    if force:
        from briefing.cache.sealed import bypass

        bypass()  # every cache read is a miss: the stamp, the file hashes, the part PDFs
        _start_layout(project_dir, output_format)  # a forced build lays out: start before fingerprinting
    stamp = BuildStamp.for_request(project_dir, {"edition": edition, "sections": sections, "exclude": exclude,
                                                 "output": output, "format": output_format, "draft": draft,
                                                 "paper": paper})
    if not force and (fresh := stamp.fresh()) is not None:
        pages = f"{fresh.pages} pages, " if fresh.pages is not None else ""
        console.say(f"up to date: {display_path(fresh.path)} ({pages}no input changed; --force rebuilds)")
        return
    if not force:
        _start_layout(project_dir, output_format)
    project = resolve_project(project_dir)
    from briefing.pipeline import BuildRequest
    from briefing.pipeline import build as run_build

    request = BuildRequest(project, edition, sections, exclude, output,
                           output_format, draft, paper)  # type: ignore[arg-type]
    with console.progress_line():  # on a terminal only: parts laid out and written, as they end
        result = run_build(request)
    for warning in result.book.project.extra.get("warnings", ()):  # Markdown briefing does not print as written
        console.problem(warning.format(), warning.severity)
    for notice in result.book.notices:  # a chapter printed in the original language: said, not hidden
        console.problem(notice.format(), "warning")
    stamp.record(result.path, result.pages)
    pages = f"{result.pages} pages, " if result.pages is not None else ""
    console.say(f"wrote {display_path(result.path)} ({pages}{result.seconds:.1f} s)", "good")
    console.detail(f"edition {result.edition}: {len(result.book.chapters)} chapters, {len(result.cited)} sources "
                   f"cited, marked {result.book.marking}, {result.bytes:,} bytes")
    if result.layout:
        console.detail(f"layout: {result.layout}")


def _start_layout(project_dir: Path | None, output_format: str) -> None:
    """Start the layout workers as soon as a PDF is sure to be laid out: they import WeasyPrint
    and load the fonts while this process imports the pipeline and converts the Markdown."""
    if output_format == "pdf":
        from briefing.pdf.route import start_workers

        start_workers((project_dir or Path.cwd()).resolve(), count=False)
