"""The fast path's option table is the Click commands' own options, derived from them."""

from __future__ import annotations

import click
import pytest

from briefing.cli.entry import FAST_OPTIONS, parse_build, parse_command

GOES_TO_CLICK = {"--force", "-w", "--watch", "--help", "-h"}
"""Options the fast path leaves to Click on purpose (they change what runs, or print help)."""


def derived(command: click.Command) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    table = {}
    for param in command.params:
        if not isinstance(param, click.Option):
            continue
        kind = "flag" if param.is_flag else "multiple" if param.multiple else "value"
        choices = tuple(param.type.choices) if isinstance(param.type, click.Choice) else ()
        for flag in param.opts:
            if flag not in GOES_TO_CLICK:
                table[flag] = (str(param.name), kind, choices)
    return table


@pytest.mark.parametrize("name", sorted(FAST_OPTIONS))
def test_the_table_is_the_click_commands_options(name: str) -> None:
    from briefing.cli.app import main

    command = main.get_command(click.Context(main), name)
    assert command is not None
    assert FAST_OPTIONS[name] == derived(command)


def test_the_parser_reads_what_click_reads() -> None:
    assert parse_build(["build", "-e", "short", "--section=mining", "-s", "climate", "--paper", "a4", "--draft"]) == {
        "project": None, "edition": "short", "sections": ["mining", "climate"], "exclude": [], "output": None,
        "format": "pdf", "draft": True, "paper": "a4"}
    assert parse_command(["check", "--format", "json", "--pages"]) == (
        "check", {"output_format": "json", "measure_pages": True})
    for doubt in (["build", "--force"], ["build", "--paper", "a5"], ["build", "-e"], ["check", "--strict=yes"],
                  ["release"], []):
        assert parse_command(doubt) is None, doubt
