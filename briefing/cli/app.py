"""The command line: parse options, call the pipeline, turn user errors into exit codes.

Commands live in `briefing/cli/commands/`, one module each, imported only when run, so that
`briefing --help` does not pay for WeasyPrint or pydantic. User errors become
`path:line: message` lines on stderr and exit code 1, here and nowhere else.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

import click

from briefing import __version__

COMMANDS: dict[str, tuple[str, str]] = {
    # name: (module:attribute, one-line help shown by `briefing --help`)
    "build": ("briefing.cli.commands.build:build", "Build one edition of the briefing book as PDF (or HTML)."),
    "list": ("briefing.cli.commands.inspect:list_command", "List the project's sections and editions."),
    "check": ("briefing.cli.commands.inspect:check", "Validate the whole project without rendering it."),
    "release": ("briefing.cli.commands.release:release", "Build all editions reproducibly, with a manifest and checksums."),
    "init": ("briefing.cli.commands.init:init", "Start a new briefing project in a folder, ready to build."),
    "new": ("briefing.cli.commands.new:new", "Add a section file with its front matter filled in."),
    "preview": ("briefing.cli.commands.preview:preview", "Show the book in a browser, rebuilt on every change."),
    "schema": ("briefing.cli.commands.schema:schema", "Write JSON Schemas for editors to complete and validate the YAML."),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module_name, attribute = COMMANDS[cmd_name][0].split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command listing from the static table: `--help` imports no command module."""
        with formatter.section("Commands"):
            formatter.write_dl([(name, help_text) for name, (_, help_text) in COMMANDS.items()])

    def invoke(self, ctx: click.Context) -> Any:
        from briefing.cli.interrupt import exit_code, finishing, install_signal_handlers
        from briefing.errors import UserError

        install_signal_handlers()  # SIGTERM unwinds like Ctrl-C, so temporary files are removed
        try:
            return super().invoke(ctx)
        except UserError as error:
            finishing()
            report_problems(error)
            ctx.exit(1)
        except KeyboardInterrupt as interrupt:
            finishing()
            click.echo("briefing: interrupted; no output was changed", err=True)
            ctx.exit(exit_code(interrupt))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:  # a bug: say so briefly, traceback only on request
            if os.environ.get("BRIEFING_DEBUG"):
                raise
            click.echo(f"briefing: internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in briefing; set BRIEFING_DEBUG=1 to see the traceback.", err=True)
            ctx.exit(70)
        finally:
            finishing()  # a signal during the exit's clean-up ends the process quietly


def report_problems(error: Any) -> None:
    """Print every problem as `path:line: message`, errors and warnings alike."""
    from briefing.cli import console

    for problem in error.problems:
        console.problem(problem.format(), problem.severity)
    errors = sum(1 for p in error.problems if p.severity == "error")
    if errors > 1:
        click.echo(f"briefing: {errors} errors", err=True)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="briefing")
@click.option("-q", "--quiet", is_flag=True, help="Print only problems, not what was done.")
@click.option("-v", "--verbose", is_flag=True, help="Say more about each step.")
def main(quiet: bool, verbose: bool) -> None:
    """Turn a folder of curated Markdown into a printable, cited PDF briefing book.

    Run the commands inside a briefing project (a folder with briefing.yaml), or pass --project DIR.
    """
    from briefing.cli import console

    console.set_verbosity(quiet, verbose)
