"""Issue 8: shell completion, --quiet / --verbose, colour only on a terminal (never with NO_COLOR), a fast --help."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_briefing

ESCAPE = "\x1b["


def run_on_terminal(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run `python -m briefing ARGS` with stdout and stderr on a pseudo-terminal; return (code, everything shown)."""
    import pty

    leader, follower = pty.openpty()
    environment = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    process = subprocess.Popen([sys.executable, "-m", "briefing", *map(str, args)], cwd=cwd,
                               env={**environment, **(env or {})}, stdin=subprocess.DEVNULL,
                               stdout=follower, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o nosort -F _briefing_completion briefing"),
    ("zsh", "#compdef briefing"),
    ("fish", "complete --no-files --command briefing"),
])
def test_completion_script_for_each_shell(shell: str, marker: str, tmp_path: Path) -> None:
    result = run_briefing(env={"_BRIEFING_COMPLETE": f"{shell}_source"}, cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert marker in result.stdout


def test_completion_offers_commands_and_sectors(tmp_path: Path) -> None:
    commands = run_briefing(env={"_BRIEFING_COMPLETE": "bash_complete", "COMP_WORDS": "briefing ",
                                 "COMP_CWORD": "1"}, cwd=tmp_path)
    offered = {line.split(",", 1)[1] for line in commands.stdout.splitlines()}
    assert {"build", "init", "new", "preview", "schema", "check"} <= offered
    sectors = run_briefing(env={"_BRIEFING_COMPLETE": "bash_complete", "COMP_WORDS": "briefing new energy --sector ",
                                "COMP_CWORD": "4"}, cwd=tmp_path)
    assert {line.split(",", 1)[1] for line in sectors.stdout.splitlines()} == {
        "mining", "digital", "climate", "health", "diplomacy", "context"}
    flags = run_briefing(env={"_BRIEFING_COMPLETE": "bash_complete", "COMP_WORDS": "briefing build --wa",
                              "COMP_CWORD": "2"}, cwd=tmp_path)
    assert "plain,--watch" in flags.stdout.splitlines()


def test_help_lists_the_new_commands_without_importing_heavy_modules() -> None:
    code = ("import sys\nfrom briefing.cli.app import main\ntry:\n    main(['--help'], prog_name='briefing')\n"
            "except SystemExit:\n    pass\n"
            "heavy = sorted(m for m in ('weasyprint', 'pydantic', 'watchfiles', 'pypdfium2', 'yaml', 'jinja2') "
            "if m in sys.modules)\nprint('HEAVY', heavy)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    for command in ("init", "new", "preview", "schema"):
        assert f"\n  {command} " in result.stdout, command
    assert "--quiet" in result.stdout and "--verbose" in result.stdout
    assert "HEAVY []" in result.stdout


def test_quiet_prints_nothing_but_problems(tmp_path: Path) -> None:
    made = run_briefing("--quiet", "init", tmp_path / "a")
    assert made.code == 0, made.stderr
    assert made.stdout == "" and made.stderr == ""
    assert (tmp_path / "a" / "briefing.yaml").is_file()
    refused = run_briefing("--quiet", "init", tmp_path / "a")
    assert refused.code == 1
    assert "folder is not empty" in refused.stderr  # problems are never silenced


def test_normal_and_verbose_output(tmp_path: Path) -> None:
    normal = run_briefing("init", tmp_path / "n")
    assert "created a briefing project" in normal.stdout
    assert "briefing.yaml" not in normal.stdout
    verbose = run_briefing("--verbose", "init", tmp_path / "v")
    assert "created a briefing project" in verbose.stdout
    for relative in ("briefing.yaml", "content/overview.md", "templates/README.md"):
        assert f"created {tmp_path / 'v' / relative}" in verbose.stdout or f"v/{relative}" in verbose.stdout, relative


def test_quiet_and_verbose_build(tmp_path: Path) -> None:
    from conftest import copy_fixture

    project = copy_fixture("basic", tmp_path)
    quiet = run_briefing("--quiet", "build", "--format", "html", "--force", cwd=project)
    assert quiet.code == 0, quiet.stderr
    assert quiet.stdout == ""
    assert (project / "build" / "full.html").is_file()
    verbose = run_briefing("--verbose", "build", "--format", "html", "--force", cwd=project)
    assert verbose.code == 0, verbose.stderr
    assert "wrote build/full.html" in verbose.stdout
    assert re.search(r"edition full: 3 chapters, \d+ sources cited, marked internal", verbose.stdout), verbose.stdout


def test_no_colour_when_output_is_piped(tmp_path: Path) -> None:
    made = run_briefing("init", tmp_path / "p")
    refused = run_briefing("init", tmp_path / "p")
    assert made.code == 0 and refused.code == 1
    assert ESCAPE not in made.stdout + made.stderr + refused.stdout + refused.stderr


def test_colour_on_a_terminal(tmp_path: Path) -> None:
    code, shown = run_on_terminal("init", tmp_path / "t", cwd=tmp_path)
    assert code == 0, shown
    assert f"{ESCAPE}32mcreated a briefing project" in shown  # green: done
    code, shown = run_on_terminal("init", tmp_path / "t", cwd=tmp_path)
    assert code == 1
    assert ESCAPE in shown and "31m" in shown and "folder is not empty" in shown  # red: a problem


def test_never_colour_with_no_color_even_on_a_terminal(tmp_path: Path) -> None:
    code, shown = run_on_terminal("init", tmp_path / "t", cwd=tmp_path, env={"NO_COLOR": "1"})
    assert code == 0 and "created a briefing project" in shown
    code, shown = run_on_terminal("init", tmp_path / "t", cwd=tmp_path, env={"NO_COLOR": "1"})
    assert code == 1 and "folder is not empty" in shown
    assert ESCAPE not in shown
