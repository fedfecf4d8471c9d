"""`briefing build --watch`: report each rebuild as it happens, until Ctrl-C."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefing.live.watch import BuildEvent
    from briefing.pipeline import BuildRequest


def watch_and_report(request: BuildRequest) -> None:
    """Build, then rebuild on every change, printing what happened; Ctrl-C stops cleanly (exit 0)."""
    from briefing.cli import console
    from briefing.live.watch import WatchScope, watch_project

    scope = WatchScope(request)
    watched = ", ".join(f"{f.name}/" for f in scope.folders) + " and briefing.yaml"
    try:
        watch_project(request, on_build=report_build,
                      on_ready=lambda: console.say(f"watching {watched} for changes (Ctrl-C to stop)"))
    except KeyboardInterrupt:
        console.say("stopped watching")


def report_build(event: BuildEvent) -> None:
    """One build's report: the files that changed, then what was written or every problem found."""
    from briefing.cli import console
    from briefing.errors import display_path

    if event.changed:
        console.detail("changed: " + ", ".join(display_path(p) for p in event.changed))
    if event.result is not None:
        result = event.result
        pages = f"{result.pages} pages, " if result.pages is not None else ""
        console.say(f"wrote {display_path(result.path)} ({pages}{event.seconds:.1f} s)", "good")
        return
    for problem in event.problems:
        console.problem(problem.format(), problem.severity)
    if event.error is not None:
        if os.environ.get("BRIEFING_DEBUG"):
            import traceback

            traceback.print_exception(event.error)
        console.problem(f"briefing: internal error: {type(event.error).__name__}: {event.error} "
                        "(a bug in briefing; set BRIEFING_DEBUG=1 to see the traceback)")
    errors = sum(1 for p in event.problems if p.severity == "error") or 1
    console.say(f"build failed ({errors} error{'s' if errors > 1 else ''}); the last good output is kept; "
                "watching for the next change", "warn", err=True)
