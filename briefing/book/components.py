"""Meeting-pack components drawn from YAML: counterpart profiles, the agenda, the commitments tracker.

A fenced div names its data file under the content folder, as a chart does:

    ::: {.counterparts src="people.yaml"}
    :::

and is replaced by the component's template (`templates/components/<kind>.html.j2`, overridable
like any template). The text inside the div, if any, prints above the component. Each data file
is a YAML list whose items are validated (unknown keys are errors, at their line).
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from pydantic import BaseModel, Field, model_validator

from briefing.book.charts import div_body
from briefing.errors import Problem
from briefing.project.load import read_text
from briefing.project.models import Project, Section, StrictModel
from briefing.project.yamlfile import LineList, parse_yaml

_DIV = re.compile(r"<div\b[^>]*\bclass=\"(?:[^\"]*\s)?(?P<kind>counterparts|agenda|commitments)(?:\s[^\"]*)?\"[^>]*>")
_SRC = re.compile(r"\bdata-src=\"([^\"]*)\"")


class Counterpart(StrictModel):
    """One person the principal meets."""

    name: str = Field(min_length=1, description="The name in the person's own script (Хүрэлсүх Ухнаа).")
    latin: str = Field("", description="The name in Latin letters (Khurelsukh Ukhnaa).")
    language: str = Field("", pattern=r"^$|^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$",
                          description="Language of the name in its own script (mn, ko): its font and hyphenation.")
    title: str = Field("", description="Office or title.")
    photo: str = Field("", description="Photo file inside the content folder.")
    alt: str = Field("", description="What the photo shows, for readers who cannot see it (required with a photo).")
    contacts: tuple[str, ...] = Field((), description="Previous contacts, one line each (date, occasion).")

    @model_validator(mode="after")
    def _alt_with_photo(self) -> Counterpart:
        if self.photo and not self.alt:
            raise ValueError("a photo needs its alt text (alt: what the photo shows)")
        return self


class AgendaItem(StrictModel):
    """One item of the running order."""

    time: str = Field("", description="When (10:00, or 10:00–10:30).")
    item: str = Field(min_length=1, description="What happens.")
    lead: str = Field("", description="Who leads or speaks.")


class Commitment(StrictModel):
    """A commitment from an earlier round, and where it stands."""

    commitment: str = Field(min_length=1, description="What was promised.")
    owner: str = Field("", description="Who is responsible.")
    status: str = Field("", description="Where it stands, in words.")
    state: str = Field("open", pattern=r"^(open|done|late|dropped)$", description="open, done, late or dropped.")
    source: str = Field("", description="Where it was agreed (minutes, joint statement).")


_BLOCK = re.compile(r"^\s{0,3}:{3,}\s*\{(?P<attrs>[^}]*)\}")


def component_texts(project: Project, section: Section) -> list[tuple[Path, int, str]]:
    """Every line of the data files the section's component blocks name (for the font check)."""
    from briefing.project.blocks import iter_lines, parse_attrs

    found: list[tuple[Path, int, str]] = []
    content = project.content_dir.resolve()
    for _, line, in_code in iter_lines(section.body):
        opened = None if in_code else _BLOCK.match(line)
        if not opened:
            continue
        attrs = parse_attrs(opened.group("attrs"))
        src = attrs.get("src")
        if not src or not any(kind in attrs.classes for kind in MODELS):
            continue
        path = (content / src).resolve()
        if path.is_relative_to(content) and path.is_file():
            problems: list[Problem] = []
            text = read_text(path, problems) or ""
            found += [(path, number, value) for number, value in enumerate(text.split("\n"), 1)]
    return found


MODELS: dict[str, type[BaseModel]] = {"counterparts": Counterpart, "agenda": AgendaItem, "commitments": Commitment}


def draw_components(html: str, section: Section, project: Project, env: jinja2.Environment,
                    problems: list[Problem]) -> str:
    """Replace each component div of a chapter's HTML by its template, filled from its data file."""
    out: list[str] = []
    position = 0
    for opening in _DIV.finditer(html):
        if opening.start() < position:
            continue
        end, inner = div_body(html, opening.end())
        src_match = _SRC.search(opening.group(0))
        kind = opening.group("kind")
        items = load_items(project, kind, unescape(src_match.group(1)) if src_match else "", section, problems)
        out.append(html[position:opening.start()])
        if items is not None:
            template = env.get_template(f"components/{kind}.html.j2")
            out.append(template.render(items=items, intro=Markup(inner), kind=kind, labels=env.globals["labels"]))
        position = end
    out.append(html[position:])
    return "".join(out)


def load_items(project: Project, kind: str, src: str, section: Section, problems: list[Problem]) -> list[Any] | None:
    """The validated items of a component's data file; problems at the file's lines."""
    from briefing.project.checking import citations_in_data, model_problems

    where = (section.path, section.body_line)
    if not src:
        problems.append(Problem(*where, f'a {kind} block needs its data file: ::: {{.{kind} src="{kind}.yaml"}}'))
        return None
    content = project.content_dir.resolve()
    path = (content / src).resolve()
    if Path(src).is_absolute() or not path.is_relative_to(content) or not path.is_file():
        problems.append(Problem(*where, f"{kind} data file '{src}' not found inside the content folder"))
        return None
    text = read_text(path, problems)
    if text is None:
        return None
    data, found = parse_yaml(text, path)
    problems.extend(found)
    if found:
        return None
    if not isinstance(data, LineList):
        problems.append(Problem(path, 1, f"a {kind} file is a YAML list, one item per '- '"))
        return None
    model = MODELS[kind]
    items = []
    for index, raw in enumerate(data):
        line = data.item_lines[index]
        if not isinstance(raw, dict):
            problems.append(Problem(path, line, f"a {kind} item is a mapping of keys to values"))
            continue
        try:
            item = model.model_validate(raw)
        except Exception as exc:  # pydantic's ValidationError: reported at the item's lines
            from pydantic import ValidationError

            if not isinstance(exc, ValidationError):
                raise
            problems.extend(model_problems(exc, raw, path, line, kind))
            continue
        problems.extend(citations_in_data(raw, path, line, f"a {kind} item", project.references))
        if isinstance(item, Counterpart) and item.photo:
            photo = (content / item.photo).resolve()
            if not photo.is_relative_to(content) or not photo.is_file():
                problems.append(Problem(path, line, f"photo '{item.photo}' not found inside the content folder"))
        items.append(item)
    return items
