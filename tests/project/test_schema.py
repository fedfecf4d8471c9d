"""Issue 8: `briefing schema` writes JSON Schemas that accept real project files and refuse what the build refuses."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import FIXTURES, REPO, run_briefing
from jsonschema import Draft202012Validator

STARTER = REPO / "briefing" / "scaffold" / "starter"
NAMES = ("briefing.schema.json", "section.schema.json", "translation.schema.json", "editions.schema.json")


def as_yaml_12(value: Any) -> Any:
    """What an editor's YAML 1.2 reader sees: a date like 2025-05-01 is a string, not a date object."""
    if isinstance(value, dict):
        return {k: as_yaml_12(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_yaml_12(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def load(path: Path) -> Any:
    text = path.read_text("utf-8").replace("__TODAY__", "2025-05-01").replace("__TITLE__", '"Starter"')
    if path.suffix == ".md":
        text = text.split("---\n")[1]
    return as_yaml_12(yaml.safe_load(text))


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Draft202012Validator]:
    folder = tmp_path_factory.mktemp("schemas")
    result = run_briefing("schema", "--out", folder / "out", cwd=folder)
    assert result.code == 0, result.stderr
    found = {}
    for name in NAMES:
        schema = json.loads((folder / "out" / name).read_text("utf-8"))
        Draft202012Validator.check_schema(schema)  # a valid schema in the dialect it declares
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        found[name] = Draft202012Validator(schema)
    return found


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return [error.message for error in validator.iter_errors(data)]


@pytest.mark.parametrize("project", [FIXTURES / "basic", STARTER, REPO], ids=["basic-fixture", "starter", "default"])
def test_schemas_accept_the_project_files(schemas: dict[str, Draft202012Validator], project: Path) -> None:
    declared = load(project / "briefing.yaml").get("sectors")
    if declared:  # the project's own sectors: its schemas are written from inside it (see the next test)
        from briefing.project.schema import project_schemas

        schemas = {name: Draft202012Validator(schema)
                   for name, schema in project_schemas(tuple(s["id"] for s in declared)).items()}
    assert errors(schemas["briefing.schema.json"], load(project / "briefing.yaml")) == []
    assert errors(schemas["editions.schema.json"], load(project / "content" / "editions.yaml")) == []
    sections = sorted((project / "content").glob("*.md"))
    assert sections
    for section in sections:
        schema = "translation.schema.json" if len(section.suffixes) == 2 else "section.schema.json"  # mining.ko.md
        assert errors(schemas[schema], load(section)) == [], section.name


@pytest.mark.parametrize(("name", "source", "change", "expected"), [
    ("briefing.schema.json", "briefing.yaml", lambda d: d.update(titel="typo"), "'titel' was unexpected"),
    ("briefing.schema.json", "briefing.yaml", lambda d: d.update(paper="a5"), "'a5' is not one of"),
    ("briefing.schema.json", "briefing.yaml", lambda d: d.pop("title"), "'title' is a required property"),
    ("section.schema.json", "content/mining.md", lambda d: d.update(sectr="mining"), "'sectr' was unexpected"),
    ("section.schema.json", "content/mining.md", lambda d: d.update(sector="space"), "'space' is not one of"),
    ("section.schema.json", "content/mining.md", lambda d: d.update(pages=0), "0 is not valid under"),
    ("editions.schema.json", "content/editions.yaml", lambda d: d["editions"]["full"].update(audiance="x"),
     "'audiance' was unexpected"),
    ("editions.schema.json", "content/editions.yaml", lambda d: d.update(full={}), "'full' was unexpected"),
    ("editions.schema.json", "content/editions.yaml",
     lambda d: d["editions"]["short"]["sections"].append({"id": "x", "part": ["key-points"]}), "is not valid under"),
])
def test_schemas_refuse_unknown_keys_and_wrong_values(schemas: dict[str, Draft202012Validator], name: str, source: str,
                                                     change: Any, expected: str) -> None:
    data = copy.deepcopy(load(FIXTURES / "basic" / source))
    change(data)
    found = errors(schemas[name], data)
    assert any(expected in message for message in found), found


def test_schema_inside_a_project_enumerates_its_sectors(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run_briefing("init", project).code == 0
    assert run_briefing("schema", cwd=project).code == 0
    section = json.loads((project / "schemas" / "section.schema.json").read_text("utf-8"))
    assert section["properties"]["sector"]["enum"] == ["politics", "economy", "development", "security", "context"]


def test_the_build_refuses_what_the_schema_refuses(tmp_path: Path) -> None:
    """Same models, same verdict: the key the schema rejects is the key `briefing check` reports."""
    import shutil

    project = tmp_path / "basic"
    shutil.copytree(FIXTURES / "basic", project, ignore=shutil.ignore_patterns("build"))
    config = project / "briefing.yaml"
    config.write_text(config.read_text("utf-8") + "titel: typo\n", "utf-8")
    result = run_briefing("check", "--project", project)
    assert result.code == 1
    assert "briefing.yaml:" in result.stderr and "titel" in result.stderr


def test_schema_writes_into_schemas_by_default_and_describes_keys(tmp_path: Path) -> None:
    result = run_briefing("schema", cwd=tmp_path)
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(NAMES)
    for name in NAMES:
        assert f"wrote schemas/{name}" in result.stdout
    config = json.loads((tmp_path / "schemas" / "briefing.schema.json").read_text("utf-8"))
    assert config["additionalProperties"] is False
    assert "hyphenation" in config["properties"]["language"]["description"]  # hover help for editors
    editions = json.loads((tmp_path / "schemas" / "editions.schema.json").read_text("utf-8"))
    edition = editions["properties"]["editions"]["additionalProperties"]
    assert "name" not in edition["properties"]  # the name is the key, not a field
    assert all(field.get("description") for field in edition["properties"].values())
