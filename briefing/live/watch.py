"""Rebuild on every change: the engine of `briefing build --watch` and `briefing preview`.

One warm process: WeasyPrint is imported and its font configuration made on the first
build, and every later build reuses them (the pipeline stages are called again in the same
process, `render_pdf.font_configuration` keeps one FontConfiguration), so an edit costs a
layout, not a start-up. Changes come from watchfiles (inotify and its kin, not a polling
loop of ours). A broken input is reported and the watch goes on; the atomic writer never
touches the last good PDF when a build fails.

What is watched: the build's inputs (`briefing.cache.inputs`: every file of the project folder a
build may read), and the built-in theme when it lies outside the project (a checkout where
someone edits the house style). Never the output: the top-level `build/` and `dist/`
folders, the file being written, hidden files and editor debris (swap files, the writer's
temporary `.*.part`) are not inputs, so a build cannot trigger itself.

The core never imports Click: callers get a `BuildEvent` per build through `on_build`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from briefing.cache.inputs import folder_names, is_below, is_input, theme_folders_outside
from briefing.errors import Problem, UserError
from briefing.pipeline import BuildRequest, BuildResult, build

WAKE_MS = 300
"""How often the watch wakes to notice `stop_event` (and, the first time, to begin)."""


@dataclass(frozen=True)
class BuildEvent:
    """The outcome of one build attempt while watching."""

    number: int
    """1 for the first build, then one more for every attempt."""
    changed: tuple[Path, ...]
    """The files whose change caused this build (empty for the first)."""
    result: BuildResult | None
    """What was written; None when the build failed."""
    problems: tuple[Problem, ...] = ()
    """The user's problems that stopped this build (path:line: message)."""
    error: Exception | None = None
    """A bug in briefing that stopped this build (not the user's fault)."""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.result is not None


class WatchScope:
    """Decides which changed paths are inputs of the book: `inputs.is_input`, the build's own rule."""

    def __init__(self, request: BuildRequest) -> None:
        self.root = request.project_dir.resolve()
        self.output = request.output.resolve() if request.output else None
        self.refresh()

    def refresh(self) -> None:
        """Re-read the folder names from briefing.yaml (they may have just changed), and find the
        built-in theme's folders that lie outside the project (watched too)."""
        self.theme_folders = tuple(theme_folders_outside(self.root))
        self.input_folders = folder_names(self.root)

    @property
    def folders(self) -> tuple[Path, ...]:
        """The project's top-level folders that hold inputs (for the message saying what is watched)."""
        try:
            return tuple(self.root / name for name in self.input_folders if (self.root / name).is_dir())
        except OSError:
            return ()

    def roots(self) -> list[Path]:
        """The folders to ask the operating system about (recursively)."""
        return [self.root, *(f for f in self.theme_folders if f.is_dir())]

    def is_input(self, path: Path) -> bool:
        """Whether a change at `path` can change the book."""
        path = Path(path)
        if self.output is not None and path == self.output:
            return False
        for folder in self.theme_folders:
            if is_below(path, folder):
                return is_input(path.relative_to(folder))
        return is_below(path, self.root) and is_input(path.relative_to(self.root), self.input_folders or None)


def watch_project(request: BuildRequest, *, on_build: Callable[[BuildEvent], None],
                  stop_event: threading.Event | None = None, on_ready: Callable[[], None] | None = None,
                  on_start: Callable[[int, tuple[Path, ...]], None] | None = None,
                  step_ms: int = 50, debounce_ms: int = 1600) -> int:
    """Build now, then again after every change to the inputs, until `stop_event` is set.

    `on_start(number, changed)` is called before each build, `on_build` after each attempt,
    successful or not, and `on_ready` once, after the first build, when changes are watched.
    A change made during a build is not lost: it starts the next build. Returns the number of
    builds. Ctrl-C (KeyboardInterrupt) reaches the caller, which decides what to say.
    """
    import watchfiles

    stop = stop_event or threading.Event()
    scope = WatchScope(request)
    number = 0
    while not stop.is_set():
        roots = scope.roots()
        watcher = watchfiles.watch(*roots, stop_event=stop, step=step_ms, debounce=debounce_ms,
                                   yield_on_timeout=True, rust_timeout=WAKE_MS)
        try:
            next(watcher, None)  # puts the operating system's watch in place before the first build
            if number == 0:
                number = 1
                if on_start is not None:
                    on_start(number, ())
                on_build(run_build(request, number, ()))
                if on_ready is not None:
                    on_ready()
            for changes in watcher:
                changed = sorted({Path(p) for _, p in changes if scope.is_input(Path(p))})
                if not changed:
                    continue
                number += 1
                if any(p.name == "briefing.yaml" for p in changed):
                    scope.refresh()
                if on_start is not None:
                    on_start(number, tuple(changed))
                on_build(run_build(request, number, tuple(changed)))
                if scope.roots() != roots:  # the watched folders changed with the config: watch anew
                    break
        finally:
            watcher.close()
    return number


def run_build(request: BuildRequest, number: int, changed: Iterable[Path]) -> BuildEvent:
    """One build attempt in this (warm) process, never raising for the user's mistakes or our bugs."""
    started = time.perf_counter()
    changed = tuple(changed)
    try:
        result = build(request)
    except UserError as error:
        return BuildEvent(number, changed, None, tuple(error.problems), seconds=time.perf_counter() - started)
    except Exception as exc:  # a bug: report it and keep watching, the next edit may work
        return BuildEvent(number, changed, None, error=exc, seconds=time.perf_counter() - started)
    return BuildEvent(number, changed, result, seconds=time.perf_counter() - started)
