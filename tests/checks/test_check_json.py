"""`briefing check --format json`: one JSON document on standard output, valid against its schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import copy_fixture, run_briefing

FINDING = {
    "type": "object",
    "required": ["path", "line", "severity", "code", "message"],
    "additionalProperties": False,
    "properties": {
        "path": {"type": "string", "minLength": 1},
        "line": {"type": "integer", "minimum": 0},
        "severity": {"enum": ["error", "warning"]},
        "code": {"type": "string", "pattern": "^[a-z]+(-[a-z]+)*$"},
        "message": {"type": "string", "minLength": 1},
    },
}
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["version", "project", "strict", "passed", "findings", "summary"],
    "properties": {
        "version": {"const": 1},
        "project": {"type": ["string", "null"]},
        "strict": {"type": "boolean"},
        "passed": {"type": "boolean"},
        "findings": {"type": "array", "items": FINDING},
        "summary": {
            "type": "object",
            "required": ["errors", "warnings", "by_code", "fact_check"],
            "properties": {
                "errors": {"type": "integer", "minimum": 0},
                "warnings": {"type": "integer", "minimum": 0},
                "by_code": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}},
                "fact_check": {
                    "type": "object",
                    "required": ["ran"],
                    "properties": {"ran": {"type": "boolean"}, "figures": {"type": "integer"},
                                   "not_found": {"type": "integer"}},
                },
                "pages": {"type": ["object", "null"]},
            },
        },
    },
}
MAY_2025 = {"SOURCE_DATE_EPOCH": "1746057600"}


def check_json(project: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = run_briefing("check", "--format", "json", *args, cwd=project, env=MAY_2025)
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    return result.code, document


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_fixture("check-facts", tmp_path_factory.mktemp("json"))


def test_findings_as_json(facts: Path) -> None:
    code, document = check_json(facts, "--archive", "archive")
    assert code == 1
    assert document["passed"] is False
    assert {(f["path"], f["line"], f["severity"], f["code"]) for f in document["findings"]} == {
        ("content/mining.md", 21, "error", "figure-not-found"),
        ("content/mining.md", 23, "error", "uncited-paragraph"),
        ("content/references.yaml", 30, "error", "unused-reference"),
    }
    summary = document["summary"]
    assert (summary["errors"], summary["warnings"]) == (3, 0)
    assert summary["by_code"] == {"figure-not-found": 1, "uncited-paragraph": 1, "unused-reference": 1}
    assert summary["fact_check"]["ran"] is True
    assert summary["fact_check"]["not_found"] == 1


def test_a_clean_project_as_json(tmp_path: Path) -> None:
    code, document = check_json(copy_fixture("basic", tmp_path))
    assert code == 0
    assert document["passed"] is True
    assert document["findings"] == []
    assert document["summary"]["fact_check"] == {"ran": False, "reason": "no archive folder given (--archive DIR)"}


def test_strict_json_fails_on_warnings(tmp_path: Path) -> None:
    code, document = check_json(copy_fixture("check-stale", tmp_path), "--strict")
    assert code == 1
    assert document["strict"] is True and document["passed"] is False
    assert [(f["severity"], f["code"]) for f in document["findings"]] == [
        ("warning", "stale-review"), ("warning", "no-review-date")]


def test_a_project_that_cannot_be_read_is_still_json(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    (project / "briefing.yaml").write_text("title: [unclosed\n", "utf-8")
    code, document = check_json(project)
    assert code == 1
    assert document["findings"][0]["path"] == "briefing.yaml"
    assert document["findings"][0]["code"] == "invalid"
