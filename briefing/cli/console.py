"""What the command line says, and how loudly: `--quiet`, `--verbose`, and colour.

The group in `cli.py` sets the verbosity once (`set_verbosity`); commands print through
`say` (normal output), `detail` (only with --verbose) and `problem` (always, on stderr).
Colour is used only when the stream is a terminal and `NO_COLOR` is not set (no-color.org),
so piped output and log files never carry escape codes. Part of the command line: the core
never imports this module.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import IO, Any, Literal

import click

Verbosity = Literal["quiet", "normal", "verbose"]
Tone = Literal["plain", "good", "bad", "warn", "dim"]
_TONES: dict[str, dict[str, Any]] = {
    "plain": {},
    "good": {"fg": "green"},
    "bad": {"fg": "red", "bold": True},
    "warn": {"fg": "yellow"},
    "dim": {"dim": True},
}
_state: dict[str, Verbosity] = {"verbosity": "normal"}
_status: dict[str, bool] = {"shown": False}


def set_verbosity(quiet: bool, verbose: bool) -> None:
    """Record the global `--quiet` / `--verbose` choice (quiet wins when both are given)."""
    _state["verbosity"] = "quiet" if quiet else "verbose" if verbose else "normal"


def verbosity() -> Verbosity:
    """The current verbosity."""
    return _state["verbosity"]


def wants_colour(stream: IO[Any] | None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set to anything non-empty."""
    if os.environ.get("NO_COLOR"):
        return False
    return _is_terminal(stream)


def _is_terminal(stream: IO[Any] | None) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


@contextlib.contextmanager
def progress_line() -> Iterator[None]:
    """While the block runs, show how far the layout has got on one line of stderr, rewritten in
    place ("laying out: 7/15 parts (61 pages), 3 from the cache"), and clear it at the end.
    Only when stderr is a terminal and not --quiet: a log, a pipe or CI gets nothing."""
    if verbosity() == "quiet" or not _is_terminal(sys.stderr):
        yield
        return
    from briefing.pdf.parts.progress import Progress, listening

    def show(step: Progress) -> None:
        sys.stderr.write("\r" + step.describe() + "\x1b[K")
        sys.stderr.flush()
        _status["shown"] = True

    try:
        with listening(show):
            yield
    finally:
        clear_progress()


def clear_progress() -> None:
    """Clear the progress line (before anything else is printed over it)."""
    if _status["shown"]:
        _status["shown"] = False
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def _echo(message: str, tone: Tone, err: bool) -> None:
    clear_progress()
    stream = sys.stderr if err else sys.stdout
    colour = wants_colour(stream)
    text = click.style(message, **_TONES[tone]) if colour and _TONES[tone] else message
    click.echo(text, err=err, color=colour)


def say(message: str, tone: Tone = "plain", err: bool = False) -> None:
    """Normal output (what was written, where a server listens): silenced by --quiet."""
    if verbosity() != "quiet":
        _echo(message, tone, err)


def detail(message: str, err: bool = False) -> None:
    """Extra output shown only with --verbose."""
    if verbosity() == "verbose":
        _echo(message, "dim", err)


def problem(text: str, severity: str = "error") -> None:
    """One `path:line: message` line on stderr; errors in red, warnings in yellow, on a terminal."""
    _echo(text, "warn" if severity == "warning" else "bad", err=True)

