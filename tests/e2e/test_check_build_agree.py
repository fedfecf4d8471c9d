"""`briefing check` fails exactly where `briefing build` fails, with the same `path:line: message`s.

Each case breaks a copy of the `basic` fixture in one way (one case in two ways at once: a
stage's problems must not hide the next stage's). Both commands run through the CLI. The
build's problems (stderr) must equal the check's errors, leaving out the findings that only
the author's assistant makes (unused references, uncited text and the like), and a valid
project passes both.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import copy_fixture, run_briefing

MAY_2025 = "1746057600"
CHECK_ONLY = {"unused-reference", "uncited-paragraph", "figure-not-found", "impossible-locator", "unparsed-citation",
              "archive-missing", "bad-archive-file"}
"""Codes of the author's assistant: a build prints such a book as written."""


def append(relative: str, text: str) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        path = project / relative
        path.write_text(path.read_text("utf-8").rstrip("\n") + "\n\n" + text + "\n", "utf-8")
    return edit


def replace(relative: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        path = project / relative
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")
    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        for one in edits:
            one(project)
    return edit


def write(relative: str, text: str) -> Callable[[Path], None]:
    def edit(project: Path) -> None:
        path = project / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    return edit


CHART = "::: {.chart src=\"data/trade.yaml\"}\nTrade in 2024 [@alpha2023].\n:::"
BROKEN: dict[str, Callable[[Path], None]] = {
    "unknown citation key": append("content/mining.md", "A claim on copper [@alpha2032]."),
    "missing image": append("content/mining.md", "![Copper mine](images/mine.png)"),
    "unknown key and missing image": both(append("content/mining.md", "A claim on copper [@alpha2032]."),
                                          append("content/climate.md", "![Steppe](images/steppe.png)")),
    "link to a file": append("content/mining.md", "See [the annex](annex.pdf) [@alpha2023]."),
    "raw script": append("content/mining.md", "<script>alert(1)</script>"),
    "style with url()": append("content/mining.md",
                               "<p style=\"background: url(x.png)\">Copper [@alpha2023].</p>"),
    "title heading": append("content/mining.md", "# A second title\n\nText [@alpha2023]."),
    "character the fonts lack": append("content/mining.md", "The sign \U00013000 appears [@alpha2023]."),
    "chart value not a number": both(write("content/data/trade.yaml",
                                           "kind: bar\ntitle: Trade\nunit: US$ million\nalt: Bars of trade\n"
                                           "bars:\n  - {label: Exports, value: lots}\n"),
                                     append("content/mining.md", CHART)),
    "chart data missing": append("content/mining.md", CHART),
    "misspelt level": append("content/mining.md", "::: {.internl}\nSecret [@alpha2023].\n:::"),
    "unknown sector": replace("content/mining.md", "sector: mining", "sector: minning"),
    "edition names a missing section": replace("content/editions.yaml", "sections: [climate,",
                                               "sections: [climat,"),
    "references YAML broken": replace("content/references.yaml", "  - id: beta2022", "  - id: [beta2022"),
    "reference URL not http": replace("content/references.yaml", "URL: https://example.org/beta",
                                      "URL: javascript:alert(1)"),
    "image over the limit": both(lambda project: (project / "content" / "big.png").write_bytes(
        b"\x89PNG\r\n\x1a\n" + bytes(3000)), append("briefing.yaml", "limits:\n  image_bytes: 1024"),
        append("content/mining.md", "![A big one](big.png)")),
}
VALID: dict[str, Callable[[Path], None]] = {
    "as it is": lambda project: None,
    "a chart with its data": both(write("content/data/trade.yaml",
                                        "kind: bar\ntitle: Trade\nunit: US$ million\nalt: Bars of trade\n"
                                        "bars:\n  - {label: Exports, value: 582}\n"),
                                  append("content/mining.md", CHART)),
}
_CODE = re.compile(r" \[(?P<code>[a-z-]+)\]$")


def build_problems(project: Path) -> tuple[int, set[str]]:
    result = run_briefing("build", cwd=project, env={"SOURCE_DATE_EPOCH": MAY_2025})
    lines = {line for line in result.stderr.splitlines() if line and not line.startswith("briefing: ")}
    return result.code, lines


def check_problems(project: Path) -> tuple[int, set[str]]:
    result = run_briefing("check", cwd=project, env={"SOURCE_DATE_EPOCH": MAY_2025})
    lines = set()
    for line in (result.stdout + result.stderr).splitlines():
        code = _CODE.search(line)
        if code and code["code"] not in CHECK_ONLY and ": warning: " not in line:
            lines.add(line[: code.start()])
    return result.code, lines


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_build_and_check_fail_together_with_the_same_messages(tmp_path: Path, case: str) -> None:
    project = copy_fixture("basic", tmp_path)
    BROKEN[case](project)
    built_code, built = build_problems(project)
    checked_code, checked = check_problems(project)
    assert built_code == 1 and checked_code == 1, (built, checked)
    assert built, "the build gave no path:line message"
    assert built == checked
    assert not (project / "build" / "full.pdf").exists()


def test_every_stage_reports_at_once(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    BROKEN["unknown key and missing image"](project)
    _, built = build_problems(project)
    assert any("unknown citation key 'alpha2032'" in line for line in built), built
    assert any(line.startswith("content/climate.md:") and "images/steppe.png" in line for line in built), built


@pytest.mark.parametrize("case", sorted(VALID))
def test_a_valid_project_passes_both(tmp_path: Path, case: str) -> None:
    project = copy_fixture("basic", tmp_path)
    VALID[case](project)
    built_code, built = build_problems(project)
    checked_code, checked = check_problems(project)
    assert (built_code, checked_code) == (0, 0), (built, checked)
    assert not checked
