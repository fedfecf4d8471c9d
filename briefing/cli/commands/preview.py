"""`briefing preview`: serve the book on 127.0.0.1, rebuilt and reloaded on every change."""

from __future__ import annotations

from pathlib import Path

import click

from briefing.cli.commands.options import project_option, resolve_project


@click.command()
@project_option
@click.option("-e", "--edition", metavar="NAME", help="Edition to show (default: the project's default edition).")
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 to serve on; 0 picks any free port.")
@click.option("--draft", is_flag=True, help="Print a DRAFT watermark on every page.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in your web browser.")
def preview(project_dir: Path | None, edition: str | None, port: int, draft: bool, open_browser: bool) -> None:
    """Show the book in a web browser while you write.

    Serves http://127.0.0.1:PORT/ (this computer only): every page of the real PDF, a link to
    the PDF itself, and any problems. Each change to the content, references, editions,
    templates, styles or briefing.yaml rebuilds build/<edition>.pdf and reloads the page.
    Ctrl-C stops.
    """
    from briefing.cli import console
    from briefing.cli.commands.watch import report_build
    from briefing.live.preview import PreviewState, start_server
    from briefing.live.watch import BuildEvent, watch_project
    from briefing.pipeline import BuildRequest

    request = BuildRequest(resolve_project(project_dir), edition, draft=draft)
    state = PreviewState(title=request.project_dir.name, edition=edition or "")
    server = start_server(port, state, log=lambda line: console.detail(line, err=True))
    console.say(f"serving {server.url} — open it in a web browser (Ctrl-C to stop)", "good")
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)

    def on_build(event: BuildEvent) -> None:
        state.finish(event)
        report_build(event)

    try:
        watch_project(request, on_build=on_build, on_start=state.start)
    except KeyboardInterrupt:
        console.say("stopped the preview")
    finally:
        state.close()
        server.shutdown()
        server.server_close()
