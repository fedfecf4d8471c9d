"""Shared test helpers: run the CLI, copy fixture projects, read PDFs as a reader would."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).parent.parent


@dataclass
class Run:
    """The outcome of one `briefing` command."""

    code: int
    stdout: str
    stderr: str


def run_briefing(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
                 timeout: float = 300) -> Run:
    """Run `python -m briefing ARGS` in a fresh process, as a user would from a shell."""
    import os

    full_env = {**os.environ, **(env or {})}
    result = subprocess.run([sys.executable, "-m", "briefing", *map(str, args)], cwd=cwd, env=full_env,
                            capture_output=True, text=True, timeout=timeout, check=False)
    return Run(result.returncode, result.stdout, result.stderr)


DEBIAN_TOOLS = {"pdffonts": "poppler-utils", "pdftoppm": "poppler-utils", "qpdf": "qpdf"}


def tool(name: str) -> str:
    """`name` when the command is installed; else the test is skipped, naming the Debian package to
    install (unless BRIEFING_REQUIRE_TOOLS is set, as `.ci/run` does: there a missing tool fails)."""
    if shutil.which(name) is None:
        import os

        message = f"needs `{name}` (apt-get install {DEBIAN_TOOLS.get(name, name)})"
        if os.environ.get("BRIEFING_REQUIRE_TOOLS"):
            pytest.fail(message)
        pytest.skip(message)
    return name


def copy_fixture(name: str, destination: Path) -> Path:
    """A private copy of `tests/fixtures/<name>` (tests may edit it freely)."""
    target = destination / name
    shutil.copytree(FIXTURES / name, target, ignore=shutil.ignore_patterns("build", "dist"))
    return target


def pdf_pages_text(path: Path) -> list[str]:
    """The text of each page, as pypdf extracts it."""
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(str(path)).pages]


def pdf_outline_titles(path: Path) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) for every bookmark, in order."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    found: list[tuple[int, str, int]] = []

    def walk(items: list, depth: int) -> None:  # type: ignore[type-arg]
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


@pytest.fixture(scope="session")
def basic_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `basic` fixture built once (full edition) for read-only tests; returns the PDF path."""
    project = copy_fixture("basic", tmp_path_factory.mktemp("basic"))
    result = run_briefing("build", "--project", project)
    assert result.code == 0, result.stderr
    return project / "build" / "full.pdf"


class BriefingProcess:
    """A long-running `python -m briefing ARGS` (build --watch, preview) whose output lines are read as they come."""

    def __init__(self, *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
        import os
        import queue
        import threading

        self.lines: queue.Queue[tuple[str, str | None]] = queue.Queue()
        self.seen: list[tuple[str, str]] = []
        self.ended = 0
        self.process = subprocess.Popen([sys.executable, "-m", "briefing", *map(str, args)], cwd=cwd,
                                        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, stream in (("stdout", self.process.stdout), ("stderr", self.process.stderr)):
            threading.Thread(target=self._pump, args=(name, stream), daemon=True).start()

    def _pump(self, name: str, stream: object) -> None:
        for line in stream:  # type: ignore[attr-defined]
            self.lines.put((name, line.rstrip("\n")))
        self.lines.put((name, None))  # end of this stream

    def wait_for(self, pattern: str, stream: str | None = None, timeout: float = 180) -> str:
        """The next output line matching the regular expression `pattern` (on `stream` if given)."""
        import queue
        import re
        import time

        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.ended == 2:
                raise AssertionError(f"no line matching {pattern!r}; output so far:\n"
                                     + "\n".join(f"{n}: {line}" for n, line in self.seen))
            try:
                name, line = self.lines.get(timeout=min(remaining, 1.0))
            except queue.Empty:
                continue
            if line is None:
                self.ended += 1
                continue
            self.seen.append((name, line))
            if (stream is None or name == stream) and re.search(pattern, line):
                return line

    def interrupt(self, timeout: float = 60) -> int:
        """Press Ctrl-C (SIGINT) and return the exit code."""
        import signal

        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=timeout)

    def stop(self) -> None:
        """Make sure the process is gone (test teardown)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)
