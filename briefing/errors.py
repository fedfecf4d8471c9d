"""The two error families: problems in the user's input, and everything else (bugs).

A `Problem` is one finding tied to a file and line. Stages collect problems and raise
one `UserError` carrying all of them, so a run reports every problem at once.
The command line turns a `UserError` into `path:line: message` lines and exit code 1;
any other exception is a bug in briefing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One finding in the user's input."""

    path: Path
    """The file the problem is in (or the project folder)."""
    line: int
    """1-based line number; 0 when the problem concerns the whole file."""
    message: str
    """What is wrong and, where possible, what to do about it."""
    severity: Severity = "error"

    def format(self, relative_to: Path | None = None) -> str:
        """Render as `path:line: message` (warnings say so)."""
        shown = display_path(self.path, relative_to)
        where = f"{shown}:{self.line}" if self.line else shown
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"


def display_path(path: Path, relative_to: Path | None = None) -> str:
    """A path as the user would type it: relative to `relative_to` (default: cwd) when below it."""
    base = relative_to or Path.cwd()
    try:
        if path.is_absolute() and _is_below(path, base) and path.resolve() != base.resolve():
            return os.path.relpath(path, base)
        return str(path)
    except ValueError:
        return str(path)


def _is_below(path: Path, base: Path) -> bool:
    try:
        path.resolve().relative_to(base.resolve())
    except ValueError:
        return False
    return True


class BriefingError(Exception):
    """Base class of every error briefing raises on purpose."""


@dataclass
class UserError(BriefingError):
    """The input is wrong; carries every problem found in this run."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__("\n".join(p.format() for p in self.problems))


class ProblemCollector:
    """Gathers problems across a stage so that one run reports all of them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: Path, line: int, message: str, severity: Severity = "error") -> None:
        self.problems.append(Problem(path, line, message, severity))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def raise_if_errors(self) -> None:
        """Raise one `UserError` with every problem if any of them is an error."""
        if self.errors:
            raise UserError(sorted(self.problems, key=lambda p: (str(p.path), p.line)))
