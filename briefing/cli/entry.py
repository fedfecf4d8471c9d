"""The command-line entry point, with a shortcut for a rebuild where nothing changed.

`briefing build` with only the options below, when `briefing.cache.stamp` finds the output up to
date, prints `up to date: …` and exits here, before Click (or anything heavier) is imported.
A repeated `briefing list` or `briefing check` is answered here too (`briefing.cache.answers`).
Everything else, and any doubt (an option this parser does not know, `--help`, `--force`,
`--watch`), goes to the Click command line unchanged, which also reports every error.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

FAST_OPTIONS: dict[str, dict[str, tuple[str, str, tuple[str, ...]]]] = {
    # command: {option as typed: (parameter name, "value" | "flag" | "multiple", allowed values or ())}.
    # The Click options of `briefing/cli/commands/` are the source; tests/test_fastpath_options.py derives this
    # table from them and fails on any difference (Click itself costs a tenth of a second to import here).
    "build": {"--project": ("project_dir", "value", ()), "-e": ("edition", "value", ()),
              "--edition": ("edition", "value", ()), "-s": ("sections", "multiple", ()),
              "--section": ("sections", "multiple", ()), "-x": ("exclude", "multiple", ()),
              "--exclude": ("exclude", "multiple", ()), "-o": ("output", "value", ()),
              "--output": ("output", "value", ()), "--format": ("output_format", "value", ("pdf", "html")),
              "--draft": ("draft", "flag", ()), "--paper": ("paper", "value", ("a4", "letter"))},
    "list": {"--project": ("project_dir", "value", ())},
    "check": {"--project": ("project_dir", "value", ()), "--archive": ("archive", "value", ()),
              "--strict": ("strict", "flag", ()), "--format": ("output_format", "value", ("text", "json")),
              "--pages": ("measure_pages", "flag", ()), "-e": ("edition", "value", ()),
              "--edition": ("edition", "value", ())},
}
"""The options the fast path understands; an option not listed (`--force`, `--watch`, `--help`) goes to Click."""


def parse_command(arguments: list[str]) -> tuple[str, dict[str, object]] | None:
    """`briefing COMMAND …` as (command, {parameter: value}) when every word is in `FAST_OPTIONS`, else None.

    Parameters not given are absent, except the "multiple" ones (an empty list). Click decides
    everything else: an unknown option, a missing value, a value not among the choices.
    """
    if not arguments or arguments[0] not in FAST_OPTIONS:
        return None
    known = FAST_OPTIONS[arguments[0]]
    found: dict[str, object] = {dest: [] for dest, kind, _ in known.values() if kind == "multiple"}
    rest = arguments[1:]
    while rest:
        word = rest.pop(0)
        name, has_value, value = word.partition("=") if word.startswith("--") else (word, "", "")
        if name not in known:
            return None
        dest, kind, choices = known[name]
        if kind == "flag":
            if has_value:
                return None
            found[dest] = True
            continue
        if not has_value:
            if not rest:
                return None
            value = rest.pop(0)
        if choices and value not in choices:
            return None
        current = found.get(dest)
        found[dest] = [*current, value] if isinstance(current, list) else value
    return arguments[0], found


def parse_build(arguments: list[str]) -> dict[str, object] | None:
    """The options of a plain `briefing build …` as `commands/build.py` receives them, or None."""
    parsed = parse_command(arguments)
    if parsed is None or parsed[0] != "build":
        return None
    given = parsed[1]
    return {"project": given.get("project_dir"), "edition": given.get("edition"), "sections": given["sections"],
            "exclude": given["exclude"], "output": given.get("output"), "format": given.get("output_format", "pdf"),
            "draft": bool(given.get("draft", False)), "paper": given.get("paper")}


def up_to_date(arguments: list[str]) -> str | None:
    """The message for an up-to-date output, or None when the build must run (or Click must decide)."""
    options = parse_build(arguments)
    if options is None:
        return None
    from briefing.cache.stamp import BuildStamp

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
            from briefing.cache.answers import replay

            code = replay(sys.argv[1:])  # a repeated `list` or `check` with nothing changed
            if code is not None:
                sys.exit(code)
    except Exception:  # never let the shortcut stand between the user and the real command
        message = None
    if message is not None:
        print(message)
        return
    from briefing.cli.app import main as click_main

    click_main(prog_name="briefing")
