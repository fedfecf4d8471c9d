"""Progress of a long build on a terminal (issue 18): parts laid out and written, as they end.

On a terminal (stderr a TTY) `briefing build` rewrites one status line on stderr and clears it
before it prints what it wrote; piped, as in CI logs, it prints no status at all.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_fixture, run_briefing

PARTS = {"BRIEFING_RENDER": "parts"}


def build_on_a_terminal(project: Path, *extra: str) -> tuple[int, str, str]:
    """Run `briefing build` with stderr on a pseudo-terminal: (exit code, stdout, what the terminal got)."""
    pty = pytest.importorskip("pty")
    controller, terminal = pty.openpty()
    process = subprocess.Popen([sys.executable, "-m", "briefing", "build", "--project", str(project), *extra],
                               stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL,
                               env={**os.environ, **PARTS, "NO_COLOR": "1"})
    os.close(terminal)
    received = bytearray()
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal's other end closed (Linux raises EIO)
            break
        if not chunk:
            break
        received += chunk
    os.close(controller)
    stdout = process.stdout.read().decode("utf-8") if process.stdout else ""
    return process.wait(timeout=600), stdout, received.decode("utf-8", "replace")


def test_a_build_on_a_terminal_shows_its_progress_and_clears_it(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    code, stdout, terminal = build_on_a_terminal(project)
    assert code == 0, terminal
    assert stdout.startswith("wrote "), stdout
    laid = [(int(a), int(b), int(p)) for a, b, p in re.findall(r"laying out: (\d+)/(\d+) parts \((\d+) pages?\)",
                                                                  terminal)]
    assert laid, terminal
    parts = laid[-1][1]
    assert parts > 1 and laid[-1][0] == parts, laid  # every part, one after another
    assert [done for done, _, _ in laid] == sorted(done for done, _, _ in laid)
    assert re.search(rf"writing: {parts}/{parts} parts", terminal), terminal
    assert terminal.endswith("\r\x1b[K"), repr(terminal[-80:])  # the status line is gone at the end
    pages = int(re.search(r"\((\d+) pages", stdout).group(1))
    assert laid[-1][2] >= pages  # the front matter is laid out once more with its page numbers

    edit = project / "content" / "mining.md"
    edit.write_text(edit.read_text("utf-8").replace("We value the partnership", "We value the long partnership"),
                    "utf-8")
    code, _, terminal = build_on_a_terminal(project)
    assert code == 0, terminal
    assert re.search(rf"laying out: 1/1 parts \(\d+ pages?\), {parts - 1} from the cache", terminal), terminal


def test_a_build_in_a_log_prints_no_progress(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    result = run_briefing("build", "--project", project, env=PARTS)
    assert result.code == 0, result.stderr
    assert "laying out" not in result.stderr and "\r" not in result.stderr + result.stdout, result.stderr
    assert "\x1b" not in result.stderr + result.stdout
