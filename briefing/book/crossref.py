"""Quarto's cross-references: `{#fig-…}`, `{#tbl-…}`, `{#sec-…}` labels and `@fig-…` references.

Figures and tables carrying a `fig-`/`tbl-` label are numbered through the book, in reading
order ("Figure 2", "Table 3"); a `@sec-` reference prints the heading's title, with a link.
A reference to a label that no section defines is an error with a did-you-mean
(`find_unknown_references`). `@fig-`, `@tbl-`, `@sec-` and `@eq-` are never citations.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from briefing.errors import Problem

PREFIXES = ("fig", "tbl", "sec", "eq")
"""Label prefixes that belong to cross-references, not to citations."""

LABELS = {"fig": "Figure", "tbl": "Table", "sec": "section"}
"""Printed names of what a label points at (to move to the message catalogue)."""

LABEL_DEFINITION = re.compile(r"(?:\{[^{}\n]*#|^\u2063)(?P<label>(?:fig|tbl|sec|eq)-[\w:.-]*\w)(?:[^{}\n]*\}|\u2063)")
"""`{#fig-x}` after an image or heading, or a table caption's label as `pandoc_syntax` leaves it."""
REFERENCE = re.compile(r"(?<![\w@.])(?P<open>\[)?-?@(?P<label>(?:fig|tbl|sec|eq)-[\w:.-]*\w)(?(open)\])")
"""`@fig-x` or `[@fig-x]` (a bare reference; never an e-mail address)."""
_HEADING = re.compile(r"^#{1,6}\s+(?P<title>.*?)\s*\{[^{}]*#(?P<label>sec-[\w:.-]*\w)")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`).+?(?<!`)\1(?!`)")


@dataclass
class Labels:
    """Every label of the book: numbers of figures and tables, titles of sections."""

    numbers: dict[str, int] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)

    def text(self, label: str) -> str:
        """What a reference to `label` prints: "Figure 2", "Table 1", "section ‘Title’"."""
        kind = label.split("-", 1)[0]
        if label in self.numbers:
            return f"{LABELS[kind]}\u00a0{self.numbers[label]}"
        if label in self.titles:
            return f"{LABELS['sec']} \u2018{self.titles[label]}\u2019"
        return label

    def digest(self) -> str:
        return repr((sorted(self.numbers.items()), sorted(self.titles.items())))


def prose_lines(body: str) -> Iterable[tuple[int, str]]:
    """(index, line) of the lines outside fenced code, with code spans blanked."""
    fence = ""
    for index, line in enumerate(body.split("\n")):
        match = _FENCE.match(line)
        if not fence and match:
            fence = match.group(1)
            continue
        if fence:
            if line.strip().startswith(fence) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        yield index, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def collect_labels(bodies: Iterable[str]) -> Labels:
    """Number the `fig-` and `tbl-` labels in reading order; note each `sec-` heading's title."""
    labels = Labels()
    counters = {"fig": 0, "tbl": 0}
    for body in bodies:
        for _, line in prose_lines(body):
            heading = _HEADING.match(line)
            if heading:
                labels.titles[heading.group("label")] = heading.group("title").strip().strip("#").strip()
            for match in LABEL_DEFINITION.finditer(line):
                label = match.group("label")
                kind = label.split("-", 1)[0]
                if kind in counters and label not in labels.numbers:
                    counters[kind] += 1
                    labels.numbers[label] = counters[kind]
    return labels


def find_unknown_references(sections: Iterable[tuple[Path, int, str]]) -> list[Problem]:
    """`path:line` errors for references to labels no section defines, with a did-you-mean."""
    items = list(sections)
    known = {m.group("label") for _, _, body in items for _, line in prose_lines(body)
             for m in LABEL_DEFINITION.finditer(line)}
    problems = []
    for path, first_line, body in items:
        for index, line in prose_lines(body):
            for match in REFERENCE.finditer(line):
                label = match.group("label")
                if label in known:
                    continue
                if label.startswith("eq-"):
                    problems.append(Problem(path, first_line + index, f"cross-reference '@{label}': equations "
                                            "are not supported (no TeX math); refer to the text instead", "warning"))
                    continue
                close = difflib.get_close_matches(label, sorted(known), n=1, cutoff=0.6)
                hint = f" — did you mean '@{close[0]}'?" if close else (
                    f": give a figure, table or heading the label with {{#{label}}}")
                problems.append(Problem(path, first_line + index, f"unknown cross-reference '@{label}'{hint}"))
    return problems
