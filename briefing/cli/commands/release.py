"""`briefing release`: every edition into dist/, with manifest.json and SHA256SUMS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from briefing.cli.commands.options import project_option, resolve_project

VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/ua-1", "pdf/ua-2")


def _shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from briefing.release.run import parse_shard

    try:
        return parse_shard(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@project_option
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write into (default: dist/ in the project; with --merge: ./dist).")
@click.option("-e", "--edition", "editions", multiple=True, metavar="NAME",
              help="Release only this edition; repeat for more (default: every edition).")
@click.option("--shard", metavar="I/N", callback=_shard,
              help="Build only the I-th of N equal slices of the sorted edition list (for a CI matrix).")
@click.option("--since", metavar="REF",
              help="Add a 'Changes since REF' appendix; REF is a git tag, branch or commit, or an earlier "
                   "release's manifest.json.")
@click.option("--pdf-variant", type=click.Choice(VARIANTS),
              help="PDF variant for every edition, overriding the editions' pdf_variant (pdf/a-3b: archival, "
                   "pdf/ua-1: accessible).")
@click.option("--merge", is_flag=True,
              help="Merge the shard manifests given as arguments (PDFs beside each) into one release in --out.")
@click.argument("manifests", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def release(project_dir: Path | None, out: Path | None, editions: tuple[str, ...], shard: Any, since: str | None,
            pdf_variant: str | None, merge: bool, manifests: tuple[Path, ...]) -> None:
    """Build every edition into dist/ as <project>-<edition>-<version>.pdf, reproducibly.

    Also writes manifest.json (what each PDF contains and what the run was made from) and
    SHA256SUMS (check with `sha256sum -c SHA256SUMS`). Prints one line per edition as it
    finishes, then a summary.
    """
    from briefing.cli import console
    from briefing.errors import display_path
    from briefing.release.run import EditionResult, ReleaseRequest, merge_release
    from briefing.release.run import release as run_release

    def progress(result: EditionResult) -> None:
        console.clear_progress()
        click.echo(f"  {result.name:<28} {result.pages:>4} pages {result.seconds:>7.1f} s  {result.file}")
        for warning in result.warnings:
            click.echo(f"briefing: warning: {result.name}: {warning}", err=True)

    if merge:
        if not manifests:
            raise click.UsageError("--merge needs the shards' manifest.json files as arguments")
        if editions or shard or since or pdf_variant:
            raise click.UsageError("--merge takes only manifest files and --out")
        result = merge_release(manifests, out or Path("dist"))
        click.echo(f"merged {len(manifests)} shard(s): {len(result.editions)} editions, "
                   f"{sum(r.pages for r in result.editions)} pages → {display_path(result.out)}/")
        return
    if manifests:
        raise click.UsageError("manifest arguments are only read with --merge")
    request = ReleaseRequest(resolve_project(project_dir), out, editions, shard, since, pdf_variant)
    with console.progress_line():  # on a terminal only: an edition laid out here shows its parts as they end
        result = run_release(request, progress)
    pages = sum(r.pages for r in result.editions)
    part = f"shard {shard}: " if shard else ""
    click.echo(f"{part}released {len(result.editions)} of {len(result.planned)} editions, {pages} pages, "
               f"in {result.seconds:.1f} s → {display_path(result.out)}/ (PDFs, manifest.json, SHA256SUMS)")
