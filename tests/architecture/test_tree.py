"""The tree shows the journey: packages along the data's way, small modules, no cycles, one orchestration."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "briefing"
STAGE_PACKAGES = {"project", "book", "pdf", "safety", "cache", "checks", "release", "live", "scaffold", "cli"}
MAX_LINES = 320  # "about 300": a module past this is asking to be split


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def top_level_imports(name: str, path: Path) -> set[str]:
    """Modules of briefing imported when `name` is imported (imports inside functions are lazy, not counted)."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("briefing"))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module.startswith("briefing"):
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_the_top_level_holds_the_spine_and_the_stage_packages() -> None:
    top_modules = {path.stem for path in PACKAGE.glob("*.py")}
    assert top_modules <= {"__init__", "__main__", "pipeline", "errors", "write"}, top_modules
    packages = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").is_file()}
    assert packages >= STAGE_PACKAGES, STAGE_PACKAGES - packages


@pytest.mark.parametrize("name", sorted(modules()))
def test_every_module_is_small(name: str) -> None:
    lines = len(modules()[name].read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines: split it"


def test_no_import_cycles() -> None:
    known = modules()
    graph = {name: {m for m in top_level_imports(name, path) if m in known and m != name}
             for name, path in known.items()}
    # a package's __init__ importing its own modules is not a cycle through them
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        stack.append(name)
        for target in sorted(graph[name]):
            if state.get(target) == 1:
                cycle = [*stack[stack.index(target):], target]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name)


def test_no_module_imports_another_modules_private_names() -> None:
    offenders = []
    for name, path in modules().items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                private = [alias.name for alias in node.names
                           if alias.name.startswith("_") and not alias.name.startswith("__")]
                if private and (node.level or (node.module or "").startswith("briefing")):
                    offenders.append(f"{name}:{node.lineno}: {', '.join(private)}")
    assert not offenders, offenders


def test_only_the_pipeline_chains_the_stages() -> None:
    """No module but pipeline.py calls both the HTML stage and the PDF stage (a second chain of stages)."""
    chains = []
    for name, path in modules().items():
        text = path.read_text("utf-8")
        if name != "briefing.pipeline" and "render_html(" in text and "render_pdf(" in text:
            chains.append(name)
    assert not chains, chains
