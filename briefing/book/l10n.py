"""Every word the tool prints, in the book's language: message catalogues, dates, quotation marks.

The labels (cover, contents, running foot, Sources, markings, changes appendix, call-outs and the
meeting-pack components) live in gettext catalogues, one per language: `briefing/book/locales/<lang>.po`,
read with Babel's `.po` reader (no compile step, so a project's own catalogue works as it is
written). A message id is the label's id (`contents`, `page-x-of-y`); its text may hold `{name}`
placeholders. Lookup, first found wins:

1. `labels: {<lang>: {<id>: text}}` in briefing.yaml;
2. the project's own catalogue, `locales/<lang>.po` (a language the tool does not ship);
3. the tool's catalogue for the language, then for its base language (`ko-KR` → `ko`);
4. the English catalogue.

Dates are formatted by Babel (CLDR) for the language, with the catalogue's `date-format` (a CLDR
pattern, or short/medium/long/full). Quotation marks come from the catalogue too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
SHIPPED = ("en", "ja", "ko", "mn", "zh")
KEEP_WORDS_TOGETHER = ("ko",)
"""Languages whose lines break between words (spaces), never inside one (Korean typesetting)."""


def catalogue_messages(path: Path) -> dict[str, str]:
    """Label id → text of one catalogue file (untranslated entries left out; shared: do not change it).

    Read again when the file changes, so that a running `watch` or `preview` prints a project's edited labels."""
    stat = path.stat()
    return _catalogue(path, stat.st_mtime_ns, stat.st_size)


@cache
def _catalogue(path: Path, mtime_ns: int, size: int) -> dict[str, str]:
    from babel.messages.pofile import read_po

    with path.open("rb") as stream:
        catalogue = read_po(stream)
    return {str(m.id): str(m.string) for m in catalogue if m.id and isinstance(m.id, str) and m.string}


def known_labels() -> dict[str, str]:
    """Every label id the tool prints, with its English text."""
    return catalogue_messages(LOCALES_DIR / "en.po")


def placeholders(text: str) -> set[str]:
    """The `{name}` placeholders of a label's text."""
    import re

    return set(re.findall(r"\{(\w*)\}", text))


def _script_variant(language: str) -> tuple[str, ...]:
    """Chinese in traditional characters (zh-Hant, zh-TW, zh-HK, zh-MO) has its own catalogue, zh-Hant."""
    subtags = [tag.lower() for tag in language.replace("_", "-").split("-")]
    if subtags[0] == "zh" and ("hant" in subtags or any(tag in ("tw", "hk", "mo") for tag in subtags[1:])):
        return ("zh-Hant",)
    return ()


def catalogue_files(language: str, project_root: Path | None = None) -> list[Path]:
    """The catalogues consulted for `language`, most specific first (the project's own before the tool's)."""
    base = language.split("-")[0].lower()
    names = list(dict.fromkeys((language, *_script_variant(language), base)))
    found = []
    if project_root is not None:
        found += [project_root / "locales" / f"{name}.po" for name in names]
    found += [LOCALES_DIR / f"{name}.po" for name in (*names, "en")]
    return [path for path in dict.fromkeys(found) if path.is_file()]


@dataclass(frozen=True)
class Labels:
    """The printed words of one book, in one language."""

    language: str
    messages: dict[str, str] = field(default_factory=dict)
    date_locale: str = ""
    """The locale dates are written in: the language's, or English when its labels fell back to English."""

    def __call__(self, label_id: str, /, **values: object) -> str:
        text = self.messages.get(label_id, label_id)
        try:
            return text.format(**values) if values else text
        except (KeyError, IndexError, ValueError):  # a catalogue's own mistake: print the text as written
            return text

    def date(self, value: dt.date | dt.datetime | None) -> str:
        """A date in the language, per the `date-format` label (Babel, CLDR data)."""
        if value is None:
            return ""
        from babel.dates import format_date

        pattern = self.messages.get("date-format", "long")
        day = value.date() if isinstance(value, dt.datetime) else value
        try:
            return str(format_date(day, pattern, locale=self.date_locale or _babel_locale(self.language)))
        except (ValueError, LookupError):
            return str(format_date(day, pattern, locale="en"))

    def level(self, name: str) -> str:
        """A classification level's word (`internal` → `대외비`); a project's own level prints as named."""
        return self.messages.get(f"level-{name}", name)

    def sector(self, sector_id: str, declared: str = "", project_language: bool = True) -> str:
        """A sector's label: the project's own label in its language, else the catalogue's, else the id."""
        override = self.messages.get(f"sector-{sector_id}!")  # set from labels: in briefing.yaml
        if override:
            return override
        if declared and project_language:
            return declared
        return self.messages.get(f"sector-{sector_id}") or declared or sector_id.replace("-", " ").capitalize()

    @property
    def quotes(self) -> tuple[str, str, str, str]:
        """Opening and closing double quotes, then single (nested) quotes."""
        return (self("quote-open"), self("quote-close"), self("quote-open-inner"), self("quote-close-inner"))

    @property
    def keeps_words_together(self) -> bool:
        return self.language.split("-")[0].lower() in KEEP_WORDS_TOGETHER

    def css(self, levels: tuple[str, ...]) -> str:
        """A stylesheet that puts the labels the design draws with CSS (`content:`) into the language."""
        rules = [
            "@page { @bottom-right { content: " + _css_pattern(self("page-x-of-y")) + "; } }",
            *(f".callout-{kind}::before {{ content: {_css_string(self(f'callout-{kind}'))}; }}"
              for kind in ("note", "warning", "tip", "important")),
            ".part-questions-to-expect > ul > li::before, .part-questions-to-expect > ol > li::before { content: "
            + _css_string(self("question-prefix")) + " counter(question); }",
            *(f".bf-marked.bf-level-{level}::before {{ content: {_css_string(self.level(level))}; }}" for level in levels),
        ]
        return "\n".join(rules) + "\n"


def load_labels(language: str, project_root: Path | None = None,
                overrides: dict[str, dict[str, str]] | None = None) -> Labels:
    """The labels for `language`: the project's `labels:` over its catalogues over the tool's."""
    messages: dict[str, str] = {}
    catalogues = catalogue_files(language, project_root)
    for path in reversed(catalogues):
        messages.update(catalogue_messages(path))
    overrides = overrides or {}
    base = language.split("-")[0].lower()
    for key in dict.fromkeys((base, language)):
        for label, text in (overrides.get(key) or {}).items():
            messages[label] = text
            if label.startswith("sector-"):
                messages[f"{label}!"] = text
    # no catalogue in the language: every label prints in English, and so do the dates (not "3 12月 2026")
    return Labels(language, messages, "" if _own_labels(language, catalogues) else "en")


def _own_labels(language: str, catalogues: list[Path]) -> bool:
    return language.split("-")[0].lower() == "en" or any(path.stem != "en" for path in catalogues)


def has_catalogue(language: str, project_root: Path | None = None) -> bool:
    """Whether `language` has labels of its own (a catalogue of the tool's or the project's); English has."""
    return _own_labels(language, catalogue_files(language, project_root))


def _babel_locale(language: str) -> str:
    return language.replace("-", "_")


def _css_string(text: str) -> str:
    """A CSS string literal: quotes, backslashes and line ends escaped, `</` never closing the style element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


def _css_pattern(pattern: str) -> str:
    """`Page {page} of {pages}` → `"Page " counter(page) " of " counter(pages)`."""
    import re

    pieces = []
    for token in re.split(r"(\{page\}|\{pages\})", pattern):
        if token == "{page}":
            pieces.append("counter(page)")
        elif token == "{pages}":
            pieces.append("counter(pages)")
        elif token:
            pieces.append(_css_string(token))
    return " ".join(pieces) or '""'
