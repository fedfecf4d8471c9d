"""The command-line entry point, with a shortcut for a rebuild where nothing changed.

`briefing build` with only the options below, when `briefing.cache` finds the output up to
date, prints `up to date: …` and exits here, before Click (or anything heavier) is imported.
A repeated `briefing list` or `briefing check` is answered here too (`briefing.answers`).
Everything else, and any doubt (an option this parser does not know, `--help`, `--force`,
`--watch`), goes to the Click command line unchanged, which also reports every error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_VALUE_OPTIONS = {"--project": "project", "-e": "edition", "--edition": "edition", "-o": "output",
                  "--output": "output", "--format": "format", "--paper": "paper",
                  "-s": "sections", "--section": "sections", "-x": "exclude", "--exclude": "exclude"}
_FLAG_OPTIONS = {"--draft": "draft"}


def parse_build(arguments: list[str]) -> dict[str, object] | None:
    """The options of a plain `briefing build …` as `commands/build.py` receives them, or None."""
    if not arguments or arguments[0] != "build":
        return None
    found: dict[str, object] = {"project": None, "edition": None, "sections": [], "exclude": [], "output": None,
                                "format": "pdf", "draft": False, "paper": None}
    rest = arguments[1:]
    while rest:
        word = rest.pop(0)
        name, _, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if name in _FLAG_OPTIONS and not value:
            found[_FLAG_OPTIONS[name]] = True
        elif name in _VALUE_OPTIONS:
            if not value:
                if not rest:
                    return None
                value = rest.pop(0)
            key = _VALUE_OPTIONS[name]
            current = found[key]
            found[key] = [*current, value] if isinstance(current, list) else value
        else:
            return None
    if found["format"] not in ("pdf", "html") or found["paper"] not in (None, "a4", "letter"):
        return None
    return found


def up_to_date(arguments: list[str]) -> str | None:
    """The message for an up-to-date output, or None when the build must run (or Click must decide)."""
    options = parse_build(arguments)
    if options is None:
        return None
    from .cache import BuildStamp

    project = Path(str(options["project"])) if options["project"] is not None else None
    output = Path(str(options["output"])) if options["output"] is not None else None
    sections, exclude = options["sections"], options["exclude"]
    assert isinstance(sections, list) and isinstance(exclude, list)
    stamp = BuildStamp.for_request(project, {"edition": options["edition"], "sections": tuple(sections),
                                             "exclude": tuple(exclude), "output": output,
                                             "format": options["format"], "draft": options["draft"],
                                             "paper": options["paper"]})
    fresh = stamp.fresh()
    if fresh is None:
        return None
    shown = str(fresh.path)
    try:
        relative = os.path.relpath(fresh.path, Path.cwd())
        if not relative.startswith(".."):
            shown = relative
    except ValueError:
        pass
    pages = f"{fresh.pages} pages, " if fresh.pages is not None else ""
    return f"up to date: {shown} ({pages}no input changed; --force rebuilds)"


def main() -> None:
    """`briefing`: the shortcut when it applies, else the Click command line."""
    try:
        message = up_to_date(sys.argv[1:])
        if message is None:
            from .answers import replay

            code = replay(sys.argv[1:])  # a repeated `list` or `check` with nothing changed
            if code is not None:
                sys.exit(code)
    except Exception:  # never let the shortcut stand between the user and the real command
        message = None
    if message is not None:
        print(message)
        return
    from .cli import main as click_main

    click_main(prog_name="briefing")
