"""What `briefing check` reports: findings with a stable code and a severity.

A `Finding` is a `Problem` (file, line, message) plus a code that stays the same across
releases, so that CI annotations, editors and people can filter on it. Each code has one
severity: errors fail the check; warnings fail it only with `--strict`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from briefing.errors import Problem, Severity, display_path

CODES: dict[str, tuple[Severity, str]] = {
    # code: (severity, what it means)
    "invalid": ("error", "the project cannot be read or validated (YAML, front matter, editions)"),
    "edition": ("error", "an edition cannot be selected (missing section, level above the edition)"),
    "render": ("error", "an edition cannot be rendered, so build fails (raw HTML, image, link, chart data, "
                        "a character the fonts lack, a template)"),
    "unknown-key": ("error", "a citation names a key that is not in the references"),
    "unused-reference": ("error", "a reference that no section cites"),
    "impossible-locator": ("error", "a page locator on a source that has no pages (web page, news article, interview)"),
    "bad-archive-file": ("error", "archive-file is not a plain file name"),
    "archive-missing": ("error", "the archive-file named by a reference is not in the --archive folder"),
    "figure-not-found": ("error", "a figure in a citing sentence is not in the cited sources' archived text"),
    "uncited-paragraph": ("error", "a factual paragraph, bullet or table row in a sector chapter cites nothing"),
    "unparsed-citation": ("error", "[@key] not read as a citation (no space before it; '[@key]:' opening a line)"),
    "title-heading": ("error", "a '#' heading in a section body (the title comes from the front matter)"),
    "uncovered-character": ("error", "a character no bundled or project font has: it would print as an empty box"),
    "uncited-figure": ("warning", "a sentence states a figure but cites no source, so the figure cannot be checked"),
    "heading-skip": ("warning", "a heading skips a level (## then ####)"),
    "missing-alt": ("warning", "an image without alternative text"),
    "stale-review": ("warning", "a section's reviewed date is older than the project's review interval"),
    "no-review-date": ("warning", "a section has no reviewed date"),
    "over-budget": ("warning", "a section runs to more pages than its pages: budget"),
    "stale-translation": ("warning", "the original of a translation changed since the version it translates"),
    "missing-translation": ("warning", "an edition in another language prints a section with no translation into it"),
    "notice": ("warning", "a warning from loading or validating the project"),
}


@dataclass(frozen=True, order=True)
class Finding:
    """One thing `briefing check` found, at a file and line."""

    path: Path
    line: int
    """1-based; 0 when the finding concerns the whole file."""
    code: str
    """A key of `CODES`."""
    message: str

    @property
    def severity(self) -> Severity:
        return CODES[self.code][0]

    def format(self, relative_to: Path | None = None) -> str:
        """`path:line: message [code]`, with `warning: ` before the message of a warning."""
        return f"{self.problem().format(relative_to)} [{self.code}]"

    def problem(self) -> Problem:
        return Problem(self.path, self.line, self.message, self.severity)

    def to_json(self, relative_to: Path | None = None) -> dict[str, object]:
        return {"path": display_path(self.path, relative_to), "line": self.line, "severity": self.severity,
                "code": self.code, "message": self.message}


def finding(path: Path, line: int, code: str, message: str) -> Finding:
    """A finding; an unknown code is a bug, caught here rather than in the report."""
    if code not in CODES:
        raise KeyError(f"unknown finding code {code!r}")
    return Finding(path, line, code, message)


def from_problem(problem: Problem, code: str = "invalid") -> Finding:
    """A pipeline stage's problem as a finding (its warnings become `notice`)."""
    return finding(problem.path, problem.line, code if problem.severity == "error" else "notice", problem.message)


def sort_findings(findings: list[Finding]) -> list[Finding]:
    """In file order, then line, so the report reads like the files; duplicates removed."""
    return sorted(set(findings), key=lambda f: (str(f.path), f.line, f.code, f.message))
