"""One input set: what the build reads is what the up-to-date record, watch and release manifest track."""

from __future__ import annotations

from pathlib import Path

from conftest import copy_fixture, pdf_pages_text, run_briefing

MAY_2025 = "1746057600"
ENV = {"SOURCE_DATE_EPOCH": MAY_2025}
CHART_DATA = "kind: bar\ntitle: Trade with the steppe\nunit: US$ million\nalt: Bars of trade\nbars:\n" \
             "  - {label: Exports, value: 582}\n"


def add_chart(project: Path, src: str) -> None:
    mining = project / "content" / "mining.md"
    mining.write_text(mining.read_text("utf-8").rstrip("\n")
                      + f'\n\n::: {{.chart src="{src}"}}\nTrade in 2024 [@alpha2023].\n:::\n', "utf-8")


def tracked(project: Path) -> tuple[set[str], bool, bool]:
    """(manifest labels, watch sees content/data/dist/trade.yaml, watch sees content/.draft.md)."""
    from briefing.cache.inputs import collect_inputs
    from briefing.live.watch import WatchScope
    from briefing.pipeline import BuildRequest, prepare
    from briefing.project.theme import load_theme

    project_model, _ = prepare(project)
    labels = {f.label for f in collect_inputs(project_model, load_theme(project_model)).files}
    scope = WatchScope(BuildRequest(project.resolve()))
    root = project.resolve()
    return (labels, scope.is_input(root / "content" / "data" / "dist" / "trade.yaml"),
            scope.is_input(root / "content" / ".draft.md"))


def test_data_under_a_folder_named_dist_is_read_and_tracked(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    (project / "content" / "data" / "dist").mkdir(parents=True)
    data = project / "content" / "data" / "dist" / "trade.yaml"
    data.write_text(CHART_DATA, "utf-8")
    add_chart(project, "data/dist/trade.yaml")
    first = run_briefing("build", cwd=project, env=ENV)
    assert first.code == 0, first.stderr
    assert "Exports" in "".join(pdf_pages_text(project / "build" / "full.pdf"))
    data.write_text(CHART_DATA.replace("Exports", "Re-exports"), "utf-8")
    second = run_briefing("build", cwd=project, env=ENV)
    assert "up to date" not in second.stdout, second.stdout  # the record saw the change
    assert "Re-exports" in "".join(pdf_pages_text(project / "build" / "full.pdf"))
    labels, watched, _ = tracked(project)
    assert "content/data/dist/trade.yaml" in labels and watched
    # the project's own dist/ holds releases: never an input, never read
    (project / "dist").mkdir()
    (project / "dist" / "trade.yaml").write_text(CHART_DATA, "utf-8")
    assert "dist/trade.yaml" not in tracked(project)[0]


def test_a_hidden_file_is_neither_read_nor_tracked(tmp_path: Path) -> None:
    project = copy_fixture("basic", tmp_path)
    draft = project / "content" / ".draft.md"
    draft.write_text("---\ntitle: Hidden draft chapter\nsector: context\n---\n\n## Part\n\nNot yet.\n", "utf-8")
    first = run_briefing("build", cwd=project, env=ENV)
    assert first.code == 0, first.stderr
    assert "Hidden draft chapter" not in "".join(pdf_pages_text(project / "build" / "full.pdf"))
    draft.write_text(draft.read_text("utf-8").replace("Not yet.", "Still not."), "utf-8")
    second = run_briefing("build", cwd=project, env=ENV)
    assert second.code == 0 and "up to date" in second.stdout, second.stdout + second.stderr
    labels, _, watched = tracked(project)
    assert not any(".draft" in label for label in labels) and not watched
    # hidden chart data is refused at the line that names it, not read
    (project / "content" / ".data").mkdir()
    (project / "content" / ".data" / "trade.yaml").write_text(CHART_DATA, "utf-8")
    add_chart(project, ".data/trade.yaml")
    third = run_briefing("build", cwd=project, env=ENV)
    assert third.code == 1
    assert "content/mining.md:" in third.stderr and "'.data/trade.yaml' is not an input" in third.stderr
