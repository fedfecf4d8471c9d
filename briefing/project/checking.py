"""Typed models from YAML data: a model's problems at the lines they concern, and a did-you-mean."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from briefing.errors import Problem, ProblemCollector
from briefing.project.load import SourceText
from briefing.project.yamlfile import LineDict, line_of, parse_yaml


def model_problems(exc: ValidationError, data: Any, path: Path, default_line: int, what: str) -> list[Problem]:
    """Translate pydantic errors into `path:line` problems at the lines the user wrote."""
    found = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        line = line_of(data, loc, default_line)
        field = ".".join(str(p) for p in loc)
        kind = error["type"]
        if kind == "extra_forbidden":
            message = f"unknown {what} key '{loc[-1]}'"
        elif kind == "missing":
            message = f"{what}: missing required key '{field}'"
        else:
            text = error["msg"].removeprefix("Value error, ")
            message = f"{what} '{field}': {text}" if field else f"{what}: {text}"
        found.append(Problem(path, line, message))
    return found


def validate_model(model: type[BaseModel], data: Any, path: Path, line: int, what: str,
                   problems: ProblemCollector, **extra: Any) -> Any:
    """`data` as a `model`, or None with its problems (at `line` of `path`) added to `problems`."""
    if not isinstance(data, dict):
        problems.add(path, line, f"{what} must be a mapping of keys to values")
        return None
    try:
        return model.model_validate({**data, **extra})
    except ValidationError as exc:
        problems.extend(model_problems(exc, data, path, line, what))
        return None


def key_line(source: SourceText, key: str) -> int:
    data, _ = parse_yaml(source.text, source.path)
    return data.key_lines.get(key, 1) if isinstance(data, LineDict) else 1


def suggest(name: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.5)
    return f" — did you mean '{close[0]}'?" if close else ""


def citations_in_data(data: Any, path: Path, first_line: int, what: str, known: Any = ()) -> list[Problem]:
    """A citation written in YAML that prints as it is (a title, a summary, an audience) is an error at its line.

    Only a section's text is read for citations; `[@key]` in its front matter or in a project,
    edition or component file would print as source text. With `known` reference ids, an
    author-in-text `@key` counts too.
    """
    from briefing.book.citations import find_citations

    found: list[Problem] = []

    def walk(node: Any, loc: tuple[Any, ...]) -> None:
        if isinstance(node, str):
            for group in find_citations(node, 1, known):
                found.append(Problem(path, line_of(data, loc, first_line),
                                     f"'{' '.join(group.source.split())}' in {what} '{'.'.join(map(str, loc))}' is not "
                                     "read as a citation (only a section's text is): cite the source in the text, "
                                     "or name it in words"))
        elif isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*loc, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*loc, index))

    walk(data, ())
    return found
